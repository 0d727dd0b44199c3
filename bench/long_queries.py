"""Benchmark: the slowest searches, long English and Chinese queries, against the 1 s budget.

.venv/bin/python bench/generate_catalogue.py --courses 60000 --learners 0 --db /tmp/b.db
.venv/bin/python bench/search_benchmark.py --db /tmp/b.db --index /tmp/b-index   # builds
.venv/bin/python bench/long_queries.py --index /tmp/b-index

Queries of 8–24 distinct words drawn from the demo vocabulary (English topics, some
misspelt so that did-you-mean works, and Chinese topics), through search.service.search with
the result cache off, as the web page and the API call it. Prints the worst and the
percentiles, how many were refused (more than MAX_QUERY_TERMS words) and how many were
answered partially (the budget ran out), and a profile of the worst query by step.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import time
from pathlib import Path

from figures import percentiles

from catalogue.demo import vocabulary as vocab
from search.service import QueryRejected, SearchRequest, search
from search.store import IndexStore


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/lifelong-bench-index"))
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args()


def _misspell(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def long_queries(count: int, seed: int) -> list[str]:
    """English queries of 8, 12, 16, 20 and 24 words (a fifth misspelt) and Chinese ones."""
    rng = random.Random(seed)
    en = sorted(
        {
            w.lower()
            for area in vocab.TOPICS_EN.values()
            for topics in area.values()
            for t in topics
            for w in t.split()
            if len(w) > 3 and w.isalpha()
        }
    )
    zh = [t for area in vocab.TOPICS_ZH.values() for topics in area.values() for t in topics]
    out = []
    for i in range(count):
        size = (8, 12, 16, 20, 24)[i % 5]
        if i % 4 == 3:
            out.append(" ".join(rng.sample(zh, min(size // 2, len(zh)))))
            continue
        words = rng.sample(en, size)
        if i % 5 == 1:
            words = [_misspell(w, rng) for w in words]
        out.append(" ".join(words))
    return out


def main() -> None:
    """Replay the long queries; print the figures and a profile of the worst."""
    args = parse_args()
    store = IndexStore(args.index)
    texts = long_queries(args.queries, args.seed)
    search(store, SearchRequest("warm up the index"), use_cache=False)
    timings, answered, refused, partial = [], [], 0, 0
    for text in texts:
        started = time.perf_counter()
        try:
            results = search(store, SearchRequest(text), use_cache=False)
            partial += results.partial
            answered.append(((time.perf_counter() - started) * 1000, text))
        except QueryRejected:
            refused += 1
        timings.append((time.perf_counter() - started) * 1000)
    worst_ms, worst = max(answered)
    print(
        f"long queries ({len(texts)}, 8–24 words, cache off): {percentiles(timings)}; "
        f"worst {max(timings):.0f} ms; worst answered {worst_ms:.0f} ms "
        f"({len(worst.split())} words: {worst!r}); refused {refused}; partial {partial}"
    )
    profile = cProfile.Profile()
    profile.enable()
    search(store, SearchRequest(worst), use_cache=False)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(
        r"search/(service|engine|highlight|feedback)"
    )
    print("\n".join(out.getvalue().splitlines()[:40]))


if __name__ == "__main__":
    main()

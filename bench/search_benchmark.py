"""Benchmark: build the search index of a generated catalogue and replay a realistic query mix.

.venv/bin/python bench/generate_catalogue.py --courses 630000 --learners 0   # the catalogue
.venv/bin/python bench/search_benchmark.py --db /tmp/lifelong-bench.db --procs 2  # build, query
.venv/bin/python bench/search_benchmark.py --db /tmp/lifelong-bench.db --skip-build  # query

The query mix is drawn with a Zipf-like skew from the demo vocabulary: 1–3 word Chinese
queries, English queries, pinyin (full and initials); about a third carry a filter and a
fifth a non-relevance sort; every search computes all facet counts.

Questions (four words or more, the searches that get relevance feedback) are measured
apart, with feedback and without it, because they are rare in the mix and cost a second pass.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from figures import peak_rss_mb, percentiles

from catalogue.db import make_engine, make_session_factory
from catalogue.demo import vocabulary as vocab
from search import feedback
from search.indexer import rebuild
from search.pinyin import full_pinyin, initials
from search.ranking import term_groups
from search.service import SearchRequest, clean_query, posting_cache_bytes, search, suggest
from search.store import IndexStore

FILTERS = [
    {"area": "elderly"},
    {"area": "life_skills"},
    {"format": "video"},
    {"duration_band": "micro"},
    {"free": "1"},
    {"language": "en"},
    {"level": "beginner"},
]
SORTS = ["newest", "popular", "shortest"]


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/lifelong-bench.db"))
    parser.add_argument("--index", type=Path, default=Path("/tmp/lifelong-bench-index"))
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--questions", type=int, default=300, help="question-like searches")
    parser.add_argument(
        "--no-cache", action="store_true", help="bypass the per-process result cache"
    )
    return parser.parse_args()


def vocabulary() -> tuple[list[str], list[str]]:
    """Chinese and English topic phrases of the demo catalogue."""
    zh = [t for area in vocab.TOPICS_ZH.values() for topics in area.values() for t in topics]
    en = [t for area in vocab.TOPICS_EN.values() for topics in area.values() for t in topics]
    return zh, en


def query_mix(count: int, seed: int) -> list[SearchRequest]:
    """A skewed mix of realistic searches."""
    rng = random.Random(seed)
    zh, en = vocabulary()
    rng.shuffle(zh)
    rng.shuffle(en)

    def skewed(items: list[str]) -> str:
        return items[min(int(rng.paretovariate(1.2)) - 1, len(items) - 1)]

    requests = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.55:
            words = [skewed(zh) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
            text = " ".join(w[: rng.randint(2, max(2, len(w)))] for w in words)
        elif kind < 0.75:
            text = " ".join(skewed(en).split()[: rng.randint(1, 3)])
        elif kind < 0.9:
            text = full_pinyin(skewed(zh))
        else:
            text = initials(skewed(zh))
        filters = rng.choice(FILTERS) if rng.random() < 0.33 else {}
        sort = rng.choice(SORTS) if rng.random() < 0.2 else "relevance"
        page = 1 if rng.random() < 0.85 else rng.randint(2, 5)
        requests.append(SearchRequest(text, filters, sort, page, 20))
    return requests


QUESTIONS_ZH = (
    "零基础怎样学习{a}",
    "老年人适合学{a}和{b}吗",
    "{a}入门需要准备什么",
    "如何在家练习{a}",
)
QUESTIONS_EN = ("how can I learn {a} at home", "what should beginners know about {a} and {b}")


def questions(count: int, seed: int) -> list[SearchRequest]:
    """Searches typed as questions or descriptions: four words or more."""
    rng = random.Random(seed + 2)
    zh, en = vocabulary()
    out = []
    while len(out) < count:
        if rng.random() < 0.7:
            text = rng.choice(QUESTIONS_ZH).format(a=rng.choice(zh), b=rng.choice(zh))
        else:
            text = rng.choice(QUESTIONS_EN).format(a=rng.choice(en), b=rng.choice(en))
        out.append(SearchRequest(text))
    return out


def timed(store: IndexStore, requests: list[SearchRequest]) -> list[float]:
    """Milliseconds per search, result cache off."""
    latencies = []
    for request in requests:
        started = time.perf_counter()
        search(store, request, use_cache=False)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def prefixes(count: int, seed: int) -> list[str]:
    """What learners type into the search box, character by character."""
    rng = random.Random(seed + 1)
    zh, _en = vocabulary()
    out = []
    for _ in range(count):
        word = rng.choice(zh)
        mode = rng.random()
        if mode < 0.5:
            out.append(word[: rng.randint(1, min(3, len(word)))])
        elif mode < 0.8:
            py = full_pinyin(word)
            out.append(py[: rng.randint(2, max(2, len(py)))])
        else:
            out.append(initials(word)[: rng.randint(1, 3)])
    return out


def memory_now() -> dict[str, float]:
    """This process's resident memory split into anonymous and file-backed pages, in MB."""
    figures = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            figures[name] = int(value.split()[0]) / 1024
    return figures


def directory_mb(path: Path) -> float:
    """Total size of the files under a directory."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def main() -> None:
    """Build (unless skipped), then replay the mix and print the figures."""
    args = parse_args()
    store = IndexStore(args.index)
    if not args.skip_build:
        engine = make_engine(f"sqlite:///{args.db}")
        started = time.perf_counter()
        count = rebuild(
            make_session_factory(engine),
            store,
            procs=args.procs,
            progress=lambda n: print(f"  {n:,} indexed", flush=True),
        )
        built = time.perf_counter() - started
        print(
            f"build: {count:,} courses in {built:.0f} s ({count / built:,.0f}/s), "
            f"procs={args.procs}"
        )
    live = args.index / store.current_generation()
    print(f"index size: {directory_mb(live):,.0f} MB")
    requests = query_mix(args.queries + 200, args.seed)
    use_cache = not args.no_cache
    for request in requests[:200]:  # warm up jieba, the facet arrays and (if on) the cache
        search(store, request, use_cache=use_cache)
    latencies, totals = [], []
    for request in requests[200:]:
        started = time.perf_counter()
        results = search(store, request, use_cache=use_cache)
        latencies.append((time.perf_counter() - started) * 1000)
        totals.append(results.total)
    print(
        f"search ({len(latencies)} queries, facets included, "
        f"cache {'on' if use_cache else 'off'}): {percentiles(latencies)}; "
        f"mean {statistics.mean(latencies):.1f} ms; median hits {statistics.median(totals):,.0f}"
    )
    asked = questions(args.questions, args.seed)
    expanded = sum(feedback.applies(len(term_groups(clean_query(r.text)))) for r in asked)
    with_feedback = timed(store, asked)
    threshold = feedback.MIN_QUERY_WORDS
    feedback.MIN_QUERY_WORDS = 10**6  # the same questions ranked by their own words only
    without = timed(store, asked)
    feedback.MIN_QUERY_WORDS = threshold
    print(
        f"questions ({len(asked)}, {expanded} of them four words or more, cache off): "
        f"with feedback {percentiles(with_feedback)}; without {percentiles(without)}"
    )
    typed = prefixes(1000, args.seed)
    completions = []
    for prefix in typed:
        started = time.perf_counter()
        suggest(store, prefix)
        completions.append((time.perf_counter() - started) * 1000)
    print(f"autocomplete ({len(completions)} prefixes): {percentiles(completions)}")
    rss = peak_rss_mb()
    memory = memory_now()
    print(
        f"memory (index open, after the queries): peak RSS {rss:,.0f} MB; now "
        f"{memory['RssAnon']:,.0f} MB private (heap) + {memory['RssFile']:,.0f} MB mapped index "
        "and library files (page cache, shared between workers)"
    )
    print(f"posting cache: {posting_cache_bytes() / 2**20:,.0f} MB of it kept for later searches")


if __name__ == "__main__":
    main()

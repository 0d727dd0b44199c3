"""Benchmark: the judged query set (search/judged.py) on a freshly generated demo catalogue.

.venv/bin/python bench/search_quality.py                      # 5,000 courses, seed 20261126
.venv/bin/python bench/search_quality.py --courses 1500 --keep /tmp/sq   # keep DB and index

Generates the demo catalogue into a temporary SQLite database (like `lifelong demo`), builds
the search index with a full rebuild, draws the judged queries from the published courses
and runs each through search.service.search (cache off). Prints nDCG@10 per kind and
overall, the exact-title rank-1 and top-10 shares, the typo correction rate and the
contradictory pages; `--show N` also prints up to N failing queries of each kind.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.demo import generate_demo
from search.indexer import rebuild
from search.judged import judged_queries
from search.quality import Figures, catalogue_rows, evaluate
from search.store import IndexStore


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=5000)
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261126, help="demo catalogue seed")
    parser.add_argument("--query-seed", type=int, default=20261201)
    parser.add_argument("--procs", type=int, default=1, help="index rebuild processes")
    parser.add_argument("--keep", type=Path, help="folder to keep the database and index in")
    parser.add_argument("--show", type=int, default=0, help="failing queries to print per kind")
    return parser.parse_args()


def failures(figures: Figures, count: int) -> list[str]:
    """Up to `count` failing queries of each kind, for reading."""
    lines = []
    for kind, failed in (
        ("title", [o for o in figures.of("title") if o.rank != 1]),
        ("typo", [o for o in figures.of("typo") if not o.corrected]),
        ("phrase", sorted(figures.of("phrase"), key=lambda o: o.ndcg)),
        ("question", sorted(figures.of("question"), key=lambda o: o.ndcg)),
        ("topic", sorted(figures.of("topic"), key=lambda o: o.ndcg)),
        ("contradictory", figures.contradictory()),
    ):
        for o in failed[:count]:
            lines.append(
                f"  [{kind}/{o.query.variant}] {o.query.text!r} (target {o.query.target!r}): "
                f"rank {o.rank} nDCG {o.ndcg:.2f} relaxed {o.relaxed} dym {o.did_you_mean!r} "
                f"total {o.total} {o.contradictions or ''} first {o.titles[:3]}"
            )
    return lines


def run(folder: Path, args: argparse.Namespace) -> None:
    """Generate, index, judge and print."""
    engine = make_engine(f"sqlite:///{folder / 'demo.db'}")
    upgrade_database(engine)
    started = time.perf_counter()
    generate_demo(engine, courses=args.courses, learners=args.learners, seed=args.seed)
    generated = time.perf_counter() - started
    sessions = make_session_factory(engine)
    store = IndexStore(folder / "index")
    started = time.perf_counter()
    indexed = rebuild(sessions, store, procs=args.procs)
    built = time.perf_counter() - started
    with sessions() as session:
        rows = catalogue_rows(session)
    started = time.perf_counter()
    queries = judged_queries(rows, args.query_seed)
    drawn = time.perf_counter() - started
    started = time.perf_counter()
    figures = evaluate(store, queries, rows)
    searched = time.perf_counter() - started
    print(
        f"demo catalogue: {args.courses:,} courses (seed {args.seed}), {indexed:,} indexed; "
        f"generated in {generated:.0f} s, indexed in {built:.0f} s; {len(queries)} queries "
        f"drawn in {drawn:.1f} s (seed {args.query_seed}), searched in {searched:.0f} s"
    )
    for line in figures.lines():
        print(line)
    if args.show:
        print("failures:")
        for line in failures(figures, args.show):
            print(line)
    engine.dispose()


def main() -> None:
    """Run in a temporary folder unless --keep names one."""
    args = parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args.keep, args)
        return
    with tempfile.TemporaryDirectory(prefix="search-quality-") as folder:
        run(Path(folder), args)


if __name__ == "__main__":
    main()

"""Benchmark: generate the demo catalogue into a fresh SQLite file and print the figures.

.venv/bin/python bench/generate_catalogue.py --courses 630000 --learners 0
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from figures import peak_rss_mb
from sqlalchemy import Engine, func, select

from catalogue.db import make_engine, upgrade_database
from catalogue.demo import generate_demo
from catalogue.models import Base


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=630_000)
    parser.add_argument("--learners", type=int, default=0)
    parser.add_argument("--db", type=Path, default=Path("/tmp/lifelong-bench.db"))
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument(
        "--activity", type=float, default=1.0, help="scales the courses each learner visits"
    )
    return parser.parse_args(argv)


def remove_database(path: Path) -> None:
    """Delete a SQLite file and its WAL side files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def print_progress(stage: str, done: int, total: int) -> None:
    """One progress line per batch on stderr."""
    print(f"{stage:>10}: {done:>9,} / {total:,}", file=sys.stderr, flush=True)


def table_counts(engine: Engine) -> dict[str, int]:
    """Number of rows in every table."""
    with engine.connect() as conn:
        return {
            table.name: conn.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def file_megabytes(path: Path) -> float:
    """Size of the database file plus its WAL, in MB."""
    files = [path, Path(f"{path}-wal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 1_000_000


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    args = parse_args(argv)
    remove_database(args.db)
    engine = make_engine(f"sqlite:///{args.db}")
    upgrade_database(engine)
    started = time.perf_counter()
    summary = generate_demo(
        engine,
        courses=args.courses,
        learners=args.learners,
        seed=args.seed,
        batch_size=args.batch_size,
        progress=print_progress,
        activity=args.activity,
    )
    elapsed = time.perf_counter() - started
    counts = table_counts(engine)
    engine.dispose()
    peak_mb = peak_rss_mb()
    print(f"courses={args.courses} learners={args.learners} seed={args.seed} db={args.db}")
    print(f"elapsed seconds: {elapsed:.1f}")
    print(f"courses/s: {args.courses / elapsed:,.0f}")
    for name, rows in counts.items():
        print(f"rows {name}: {rows:,}")
    print(f"database size MB: {file_megabytes(args.db):,.1f}")
    print(f"peak RSS MB: {peak_mb:,.1f}")
    print(f"summary: {summary}")


if __name__ == "__main__":
    main()

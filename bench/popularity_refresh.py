"""Benchmark: the popularity refresh (`refresh_course_stats`) over a generated event log.

.venv/bin/python bench/popularity_refresh.py --url sqlite:////tmp/pop-bench.db \
    --courses 60000 --learners 100000 --activity 0.7
.venv/bin/python bench/popularity_refresh.py --url postgresql://postgres@127.0.0.1:5432/pop_bench \
    --courses 60000 --learners 100000 --activity 0.7

The database at --url is migrated and, when it has no events yet, filled by the demo generator
(deterministic for the seed); then the refresh is run --runs times, each in its own transaction
(committed, as the popularity job does), and the figures printed. A PostgreSQL database must exist.
"""

from __future__ import annotations

import argparse
import statistics
import time

from figures import peak_rss_mb
from sqlalchemy import func, select

from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.demo import generate_demo
from catalogue.models import CourseStats, Event
from catalogue.services.activity import refresh_course_stats


def main() -> None:
    """Fill the database if empty, then time the refresh."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="sqlite:////tmp/pop-bench.db")
    parser.add_argument("--courses", type=int, default=60_000)
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--activity", type=float, default=0.7)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    engine = make_engine(args.url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    with sessions() as session:
        events = session.scalar(select(func.count()).select_from(Event)) or 0
    if not events:
        started = time.perf_counter()
        generate_demo(engine, courses=args.courses, learners=args.learners, activity=args.activity)
        print(f"generated in {time.perf_counter() - started:.0f} s")
        with sessions() as session:
            events = session.scalar(select(func.count()).select_from(Event)) or 0
    timings = []
    for _ in range(args.runs):
        with sessions() as session:
            started = time.perf_counter()
            rows = refresh_course_stats(session)
            session.commit()
            timings.append(time.perf_counter() - started)
    with sessions() as session:
        views, popularity = session.execute(
            select(func.sum(CourseStats.views), func.max(CourseStats.popularity))
        ).one()
    print(f"{engine.dialect.name}: {events:,} events, {rows:,} courses with activity")
    print(f"views counted {views:,}; highest popularity {popularity:,.0f}")
    print(
        f"refresh: median {statistics.median(timings):.2f} s over {len(timings)} runs "
        f"({', '.join(f'{t:.2f}' for t in timings)}); peak RSS {peak_rss_mb():,.0f} MB"
    )


if __name__ == "__main__":
    main()

"""Benchmark: the data cockpit at full scale (docs/insight.md, docs/benchmarks.md).

.venv/bin/python bench/cockpit_scale.py                    # full scale, SQLite
.venv/bin/python bench/cockpit_scale.py --scale 0.02       # a quick look
.venv/bin/python bench/cockpit_scale.py --postgres         # PostgreSQL (a scratch database)

Fills a fresh database by bulk insert with what 30,000,000 events of 1,000,000 learners on
630,000 courses over a year leave in the rollup tables (`insight_daily` for 400 days, every
metric, per area; the top queries; the search terms of the last 90 days; the learner-days of the
last 30 days at about 25,000 active learners a day), plus the source rows the incremental job
joins (1,000,000 learners, 630,000 courses). Then measures each cockpit query of
insight/cockpit.py (p50/p95/p99 over --repeat calls with random periods and end days) and the
whole page's figures (`overview`), and the incremental job: --events new events counted by
insight.rollups (events/s of the batches), then the active-learner and top-query recomputes.
The events table holds only those new events: the job reads after its watermark by primary
key, so the rows before it cost nothing.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from figures import peak_rss_mb, percentiles
from scratch_db import scratch_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import assistant.models  # noqa: F401
import insight.models  # noqa: F401
import records.models  # noqa: F401
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Area, Course, Event, Provider, User
from insight import cockpit, rollups
from insight.models import DailyFigure, LearnerDay, SearchTermDay, TopQuery
from insight.rollup_metrics import METRICS
from insight.rollup_store import set_watermark

NAME = "lifelong_bench_cockpit"
ZONE = ZoneInfo("Asia/Shanghai")
AREAS = [a.value for a in Area]
CHUNK = 20_000
KINDS = ["view", "view", "view", "start", "progress", "like", "save", "complete", "rate"]


def bulk(conn, table, rows) -> int:
    """Insert an iterable of dicts in chunks; returns how many."""
    batch, total = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            conn.execute(sa.insert(table), batch)
            total += len(batch)
            batch = []
    if batch:
        conn.execute(sa.insert(table), batch)
        total += len(batch)
    return total


def _figures(rng: random.Random, today: date, days: int, scale: float):
    for metric, known in METRICS.items():
        areas = ["", *AREAS] if known.by_area else [""]
        for back in range(days):
            day = today - timedelta(days=back)
            for area in areas:
                share = 1.0 if area == "" else 1 / 6
                yield {
                    "metric": metric,
                    "area": area,
                    "day": day,
                    "value": int(rng.randint(1, 80_000) * share * max(scale, 0.001)) + 1,
                }


def build(url: str, scale: float, rng: random.Random, today: date) -> dict:
    """Fill the database; returns row counts and the first learner and course ids."""
    engine = make_engine(url)
    upgrade_database(engine)
    n_users, n_courses = int(1_000_000 * scale), int(630_000 * scale)
    dau, terms = max(50, int(25_000 * scale)), max(100, int(5_000 * scale))
    counts: dict[str, int] = {}
    began = time.perf_counter()
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(sa.insert(Provider.__table__), [{"name": "基准机构", "kind": "university"}])
        provider = conn.scalar(sa.select(Provider.id))
        counts["users"] = bulk(
            conn,
            User.__table__,
            (
                {
                    "email": f"b{i}@bench.example",
                    "password_hash": "x",
                    "display_name": f"学员{i}",
                    "role": "learner",
                    "interest_areas": [AREAS[i % 6]],
                    "created_at": now - timedelta(days=i % 400),
                }
                for i in range(n_users)
            ),
        )
        counts["courses"] = bulk(
            conn,
            Course.__table__,
            (
                {
                    "provider_id": provider,
                    "external_id": f"c-{i}",
                    "title": f"基准课程 {i}",
                    "area": AREAS[i % 6],
                    "format": "video",
                    "status": "published",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(n_courses)
            ),
        )
        first_user = conn.scalar(sa.select(sa.func.min(User.id)))
        first_course = conn.scalar(sa.select(sa.func.min(Course.id)))
        counts["insight_daily"] = bulk(
            conn, DailyFigure.__table__, _figures(rng, today, 400, scale)
        )
        counts["insight_learner_days"] = bulk(
            conn,
            LearnerDay.__table__,
            (
                {"area": area, "day": today - timedelta(days=back), "user_id": user}
                for back in range(30)
                for user in rng.sample(range(first_user, first_user + n_users), dau)
                for area in ("", AREAS[user % 6])
            ),
        )
        counts["insight_search_terms"] = bulk(
            conn,
            SearchTermDay.__table__,
            (
                {
                    "day": today - timedelta(days=back),
                    "text": f"搜索词 {t}",
                    "searches": rng.randint(1, 500),
                    "zero_results": rng.randint(0, 20),
                    "poor": rng.randint(0, 20),
                }
                for back in range(90)
                for t in rng.sample(range(terms * 3), terms)
            ),
        )
    with make_session_factory(engine)() as session:
        rollups.refresh_top_queries(session, today)
        set_watermark(session, "recount", today.toordinal())
        # the accounts are in the synthetic rollups already: the job starts after them
        set_watermark(session, "users", session.scalar(sa.select(sa.func.max(User.id))))
        session.commit()
        counts["insight_top_queries"] = session.scalar(
            sa.select(sa.func.count()).select_from(TopQuery)
        )
    print(f"built in {time.perf_counter() - began:.1f} s: {counts}", flush=True)
    engine.dispose()
    return {
        "first_user": first_user,
        "first_course": first_course,
        "users": n_users,
        "courses": n_courses,
    }


def _timed(samples: dict[str, list[float]], name: str, func, *args) -> None:
    began = time.perf_counter()
    func(*args)
    samples.setdefault(name, []).append((time.perf_counter() - began) * 1000)


def measure_queries(url: str, rng: random.Random, today: date, repeat: int) -> None:
    """p50/p95/p99 of each cockpit query and of the whole page's figures."""
    engine = make_engine(url)
    samples: dict[str, list[float]] = {}
    with make_session_factory(engine)() as session:
        for _ in range(repeat):
            period = rng.choice(cockpit.PERIODS)
            end = today - timedelta(days=rng.randint(0, 300))
            start = end - timedelta(days=period - 1)
            metric = rng.choice(cockpit.SERIES)
            area = rng.choice(["", *AREAS]) if METRICS[metric].by_area else ""
            summed = rng.choice(cockpit.AREA_SUMS)
            calls = {
                "daily_series": (cockpit.daily_series, metric, start, end, area),
                "period_total": (cockpit.period_total, metric, start, end),
                "by_area": (cockpit.by_area, summed, start, end),
                "areas_on": (cockpit.areas_on, "active.month", end),
                "top_queries": (cockpit.top_queries, period, "all"),
                "overview (the whole page's figures)": (cockpit.overview, end, period),
            }
            for name, (func, *args) in calls.items():
                _timed(samples, name, func, session, *args)
    for name, values in samples.items():
        print(f"  {name:40s} {percentiles(values)}  (n={len(values)})", flush=True)
    engine.dispose()


def measure_job(url: str, rng: random.Random, today: date, built: dict, events: int) -> None:
    """The incremental job over `events` new events: batches, then the recomputes."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    now = datetime.combine(today, datetime.min.time(), ZONE).astimezone(UTC) + timedelta(hours=10)
    with engine.begin() as conn:
        bulk(
            conn,
            Event.__table__,
            (
                {
                    "user_id": built["first_user"] + rng.randrange(built["users"]),
                    "course_id": built["first_course"] + rng.randrange(built["courses"]),
                    "kind": rng.choice(KINDS),
                    "value": 4.0,
                    "created_at": now - timedelta(seconds=rng.randrange(36_000)),
                }
                for _ in range(events)
            ),
        )
    days = rollups.LocalDays(ZONE)
    began = time.perf_counter()
    read = batches = 0
    while True:
        with sessions() as session:
            got = rollups.events_batch(session, days, rollups.BATCH)
            session.commit()
        if not got:
            break
        read += got
        batches += 1
    spent = time.perf_counter() - began
    print(
        f"  events: {read:,} in {batches} batches of {rollups.BATCH:,}: {spent:.1f} s, "
        f"{read / spent:,.0f} events/s",
        flush=True,
    )
    began = time.perf_counter()
    redone = rollups.refresh_active(sessions, today)
    print(f"  active learners recomputed for {redone} day(s): {time.perf_counter() - began:.2f} s")
    with sessions() as session:
        began = time.perf_counter()
        rollups.refresh_top_queries(session, today)
        session.commit()
        print(f"  top queries (7/30/90 days) recomputed: {time.perf_counter() - began:.2f} s")
    began = time.perf_counter()
    figures = rollups.run_rollups(sessions, ZONE, now=now)
    spent = time.perf_counter() - began
    print(f"  a whole run after that (snapshots, recounts): {spent:.2f} s {figures}")
    engine.dispose()


def main() -> None:
    """Build, measure, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    today = datetime.now(ZONE).date()
    with scratch_database(NAME, args.postgres) as url:
        print(f"{'PostgreSQL' if args.postgres else 'SQLite'}, scale {args.scale}", flush=True)
        built = build(url, args.scale, rng, today)
        print("cockpit queries:", flush=True)
        measure_queries(url, rng, today, args.repeat)
        print("incremental job:", flush=True)
        measure_job(url, rng, today, built, args.events)
        print(f"peak memory {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()

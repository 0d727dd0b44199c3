"""Benchmark: partners' course analytics at full scale (docs/partner-analytics.md).

.venv/bin/python bench/partner_analytics_scale.py                     # full scale, SQLite
.venv/bin/python bench/partner_analytics_scale.py --scale 0.05        # a quick look
.venv/bin/python bench/partner_analytics_scale.py --postgres          # PostgreSQL

A scratch database (bench/scratch_db.py) gets the migrations, then its rollup tables are filled
in bulk (rows built with numpy, COPY on PostgreSQL, executemany on SQLite; the loaded tables'
secondary indexes dropped first and made again afterwards from the statements the migrations
left, so the queries measured use exactly the migrations' indexes) with what 30,000,000
events of 1,000,000 learners on 630,000 courses leave in them over the 90 days the pages read
(each course active on a share of the days; one large provider with 20,000 courses, active on
30 % of the days). It times the daily refresh (period totals, area medians, search terms), then
measures each page query of insight.partner_analytics for the large provider (p50/p95/p99 over
`--repeat` calls, random courses of that provider for the course queries), and the incremental
job's throughput: `--events` new events counted by insight.course_stats.count_events.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy as sa
from figures import peak_rss_mb, percentiles
from scratch_db import scratch_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import insight.models  # noqa: F401
import records.models  # noqa: F401
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Area, Course, Lesson, Provider, User
from insight import course_stats
from insight import partner_analytics as pa
from insight.models.course_stats import DAY_COUNTS

NAME = "lifelong_bench_partner_analytics"
ZONE = ZoneInfo("Asia/Shanghai")
AREAS = np.array([a.value for a in Area])
CHUNK = 50_000  # courses (or rows) built and loaded at a time
# The rollup and log tables filled in bulk: their secondary indexes are dropped before the fill
# and made again after it from the very statements the migrations left in the database.
LOADED = (
    "analytics_course_days",
    "analytics_provider_days",
    "analytics_lesson_funnel",
    "analytics_search_visits",
    "analytics_poor_searches",
    "search_queries",
)


def load(conn, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Bulk-load tuples: COPY on PostgreSQL, one prepared INSERT run by executemany on SQLite
    (dates and times as ISO text); returns how many rows."""
    raw = conn.connection.driver_connection
    total = 0
    if conn.dialect.name == "postgresql":
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                total += 1
        return total
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    cursor = raw.cursor()
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            cursor.executemany(statement, batch)
            total += len(batch)
            batch = []
    if batch:
        cursor.executemany(statement, batch)
        total += len(batch)
    cursor.close()
    return total


def secondary_indexes(conn, tables: Sequence[str]) -> dict[str, str]:
    """name → CREATE INDEX statement of the tables' indexes other than primary keys and unique
    constraints, as the migrations made them (read back from the database)."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            sa.text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = "
                "current_schema() AND i.tablename = ANY(:tables) AND NOT EXISTS (SELECT 1 "
                "FROM pg_constraint c WHERE c.conname = i.indexname)"
            ),
            {"tables": list(tables)},
        )
    else:
        rows = conn.execute(
            sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join(repr(t) for t in tables)})"
            )
        )
    return dict(rows.all())


def day_texts(today: date) -> np.ndarray:
    """The 90 days the pages read as ISO text, oldest first (index 89 is today)."""
    return np.array([(today - timedelta(days=89 - d)).isoformat() for d in range(90)])


def counts(gen: np.random.Generator, views: np.ndarray) -> list[np.ndarray]:
    """A day's figures for each of `views` (same shape as DAY_COUNTS + learning_seconds)."""
    n = len(views)
    starts = gen.integers(0, views // 3 + 1)
    likes = gen.integers(0, views + 1)
    ratings = gen.integers(0, 3, n)
    return [
        views,
        starts,
        gen.integers(0, starts + 1),
        likes,
        np.where(likes > 0, gen.integers(0, likes // 4 + 2), 0),
        gen.integers(0, views + 1),
        np.zeros(n, dtype=np.int64),
        ratings,
        ratings * gen.integers(3, 6, n),
        gen.integers(0, 4, n),
        gen.integers(0, 3601, n),
    ]


DAY_COLUMNS = (*DAY_COUNTS, "learning_seconds")


def course_day_rows(
    gen: np.random.Generator,
    groups: Sequence[tuple[np.ndarray, float, int, np.ndarray]],
    days: np.ndarray,
) -> Iterator[tuple]:
    """Course-days day after day, as the job writes them (so the rows of one course lie
    scattered over the table, as they do in production): each group is (course ids, share of
    the days each course is active, most views in a day, provider of each course)."""
    for day_index in range(len(days)):
        day = days[day_index]
        for ids, share, top, provider_of in groups:
            active = np.nonzero(gen.random(len(ids)) < share)[0]
            course = ids[active]
            figures = counts(gen, gen.integers(1, top + 1, len(course)))
            yield from zip(
                course.tolist(),
                itertools.repeat(day),
                provider_of[active].tolist(),
                AREAS[course % 6].tolist(),
                *(f.tolist() for f in figures),
                strict=False,
            )


def build(url: str, scale: float, seed: int, today: date, provider_scale: float = 1.0) -> dict:
    """Fill the database; returns the large provider's id, its course ids and row counts."""
    engine = make_engine(url)
    upgrade_database(engine)
    gen = np.random.default_rng(seed)
    postgres = engine.dialect.name == "postgresql"
    n_courses = int(630_000 * scale)
    big_courses = max(50, int(20_000 * provider_scale))
    n_providers = max(10, int(3_000 * scale))
    figures: dict[str, float] = {}
    started = time.perf_counter()
    now = datetime.now(UTC)
    days = day_texts(today)
    with engine.begin() as conn:
        if not postgres:
            conn.exec_driver_sql("PRAGMA synchronous = OFF")
        indexes = secondary_indexes(conn, LOADED)
        for name in indexes:
            conn.exec_driver_sql(f"DROP INDEX {name}")
        conn.execute(
            sa.insert(Provider.__table__),
            [{"name": f"基准机构 {p}", "kind": "university"} for p in range(n_providers)],
        )
        provider_ids = np.array(list(conn.scalars(sa.select(Provider.id).order_by(Provider.id))))
        big = int(provider_ids[0])
        # Real course rows for the large provider (its pages read titles, lessons); the other
        # courses exist only as rollup rows, which have no foreign keys.
        conn.execute(
            sa.insert(Course.__table__),
            [
                {
                    "provider_id": big,
                    "external_id": f"big-{i}",
                    "title": f"基准课程 {i}",
                    "area": AREAS[i % 6],
                    "subjects": [f"主题{i % 150}", "太极拳" if i % 7 == 0 else "书法"],
                    "format": "video",
                    "status": "published",
                    "lesson_count": 8,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(big_courses)
            ],
        )
        big_ids = np.array(
            list(conn.scalars(sa.select(Course.id).where(Course.provider_id == big)))
        )
        load(
            conn,
            "lessons",
            ("course_id", "position", "title", "media_type", "duration_seconds"),
            ((c, p, f"第{p}讲", "video", 600) for c in big_ids.tolist() for p in range(1, 9)),
        )
        other_first = int(big_ids.max()) + 1
        other_ids = np.arange(other_first, other_first + max(1000, n_courses - big_courses))
        other_provider = provider_ids[1 + other_ids % (len(provider_ids) - 1)]
        fill = time.perf_counter()
        # 30 M events over a year ≈ 7.4 M in the 90 days: the other courses are active on
        # ~1 day in 10 of them (≈ 1 event a day), the large provider's on 30 % of the days.
        day_columns = ("course_id", "day", "provider_id", "area", *DAY_COLUMNS)
        figures["course_days"] = load(
            conn,
            "analytics_course_days",
            day_columns,
            course_day_rows(
                gen,
                [
                    (big_ids, 0.30, 40, np.full(len(big_ids), big)),
                    (other_ids, 0.10, 3, other_provider),
                ],
                days,
            ),
        )
        figures["course_days_s"] = round(time.perf_counter() - fill, 1)
        provider_index = np.repeat(np.arange(len(provider_ids)), 90)
        provider_figures = counts(gen, np.full(len(provider_index), 500))
        figures["provider_days"] = load(
            conn,
            "analytics_provider_days",
            ("provider_id", "day", *DAY_COLUMNS),
            zip(
                provider_ids[provider_index].tolist(),
                np.tile(days, len(provider_ids)).tolist(),
                *(f.tolist() for f in provider_figures),
                strict=True,
            ),
        )
        lessons = conn.execute(
            sa.select(Lesson.course_id, Lesson.id, Lesson.position)
            .join(Course, Course.id == Lesson.course_id)
            .where(Course.provider_id == big)
        ).all()
        funnel_others = np.repeat(other_ids[: len(other_ids) // 4], 8)
        funnel_positions = np.tile(np.arange(8), len(funnel_others) // 8)
        figures["lesson_funnel"] = load(
            conn,
            "analytics_lesson_funnel",
            ("course_id", "lesson_id", "finished"),
            itertools.chain(
                ((c, lesson, 1000 - p * 90) for c, lesson, p in lessons),
                zip(
                    funnel_others.tolist(),
                    (funnel_others * 8 + funnel_positions).tolist(),
                    (1000 - funnel_positions * 90).tolist(),
                    strict=True,
                ),
            ),
        )
        # Search log: ~ 20 M searches a year in the 90 days ≈ 5 M; 2 M visits from results.
        n_searches = int(5_000_000 * scale)
        texts = np.array([f"主题{i % 300} 课程{i % 997}" for i in range(5000)] + ["太极拳 视频"])
        minute = now.replace(second=0, microsecond=0)
        stamp = "%Y-%m-%d %H:%M:%S+00:00" if postgres else "%Y-%m-%d %H:%M:%S.000000"
        minutes = np.array(
            [(minute - timedelta(minutes=m)).strftime(stamp) for m in range(90 * 1440)]
        )

        def searches() -> Iterator[tuple]:
            for start in range(0, n_searches, CHUNK):
                n = min(CHUNK, n_searches - start)
                yield from zip(
                    texts[gen.integers(0, len(texts), n)].tolist(),
                    itertools.repeat("{}"),
                    gen.integers(0, 31, n).tolist(),
                    minutes[gen.integers(0, len(minutes), n)].tolist(),
                    strict=False,
                )

        figures["search_queries"] = load(
            conn, "search_queries", ("text", "filters", "results", "created_at"), searches()
        )
        n_visits = int(2_000_000 * scale)
        query = gen.integers(1, max(2, n_searches + 1), n_visits)
        from_big = gen.random(n_visits) < 0.1
        course = np.where(
            from_big,
            big_ids[gen.integers(0, len(big_ids), n_visits)],
            other_ids[gen.integers(0, len(other_ids), n_visits)],
        )
        day = gen.integers(0, 90, n_visits)
        # One row per (search, course, day): the primary key.
        _, first = np.unique((query * 2**21 + course) * 128 + day, return_index=True)
        query, course, day = query[first], course[first], day[first]
        provider = np.where(
            course >= other_first, provider_ids[1 + course % (len(provider_ids) - 1)], big
        )
        figures["search_visits"] = load(
            conn,
            "analytics_search_visits",
            ("search_query_id", "course_id", "day", "provider_id", "visits"),
            zip(
                query.tolist(),
                course.tolist(),
                days[day].tolist(),
                provider.tolist(),
                itertools.repeat(1),
                strict=False,
            ),
        )
        poor_rows = []
        for d in range(90):
            for t in gen.choice(len(texts), size=min(len(texts), 2000), replace=False).tolist():
                poor_rows.append(
                    (days[d], texts[t], int(gen.integers(1, 51)), int(gen.integers(0, 2)))
                )
        figures["poor_searches"] = load(
            conn,
            "analytics_poor_searches",
            ("day", "text", "searches", "zero_results"),
            poor_rows,
        )
        figures["fill_s"] = round(time.perf_counter() - fill, 1)
        indexed = time.perf_counter()
        for statement in indexes.values():
            conn.exec_driver_sql(statement)
        figures["indexes_s"] = round(time.perf_counter() - indexed, 1)
        if postgres:
            # COPY'd rows advance no sequence: ids go on from the loaded ones.
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('search_queries', 'id'), "
                "(SELECT max(id) FROM search_queries))"
            )
        assert set(secondary_indexes(conn, LOADED)) == set(indexes)
    analysed = time.perf_counter()
    if postgres:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
    figures["analyze_s"] = round(time.perf_counter() - analysed, 1)
    figures["build_s"] = round(time.perf_counter() - started, 1)
    print(f"  built: {figures}", flush=True)
    with make_session_factory(engine)() as session, write_transactions(engine) as writes:
        t0 = time.perf_counter()
        refreshed = course_stats.refresh_periods(session, today)
        session.commit()
        print(
            f"  daily refresh (course_stats.refresh_periods): "
            f"{time.perf_counter() - t0:.1f} s {refreshed}",
            flush=True,
        )
    if writes:
        print(
            f"  its write transactions (what the site's writes may wait for): {len(writes)}, "
            f"{percentiles([w * 1000 for w in writes])}, longest {max(writes) * 1000:.0f} ms",
            flush=True,
        )
    # The rollups the refresh wrote have statistics, as they would after the first day.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    return {"big": big, "big_ids": big_ids.tolist(), "figures": figures}


@contextmanager
def write_transactions(engine: sa.Engine) -> Iterator[list[float]]:
    """The durations (s) of the transactions that wrote, from their first write to their end:
    on SQLite the time the single writer lock is held."""
    durations: list[float] = []
    first_write: dict[int, float] = {}

    def on_execute(conn, _cursor, statement, _params, _context, _many) -> None:
        verb = statement.lstrip()[:6].upper()
        if verb in ("INSERT", "DELETE", "UPDATE"):
            first_write.setdefault(id(conn), time.perf_counter())

    def on_end(conn) -> None:
        began = first_write.pop(id(conn), None)
        if began is not None:
            durations.append(time.perf_counter() - began)

    sa.event.listen(engine, "before_cursor_execute", on_execute)
    sa.event.listen(engine, "commit", on_end)
    sa.event.listen(engine, "rollback", on_end)
    try:
        yield durations
    finally:
        sa.event.remove(engine, "before_cursor_execute", on_execute)
        sa.event.remove(engine, "commit", on_end)
        sa.event.remove(engine, "rollback", on_end)


def measure(url: str, big: int, big_ids: list[int], today: date, repeat: int) -> None:
    """Print p50/p95/p99 of each page query for the large provider."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    rng = random.Random(2)
    queries = {
        "provider series 90 d": lambda s, c: pa.provider_series(s, big, 90, today),
        "provider top courses 30 d": lambda s, c: pa.top_courses(s, big, 30),
        "provider search terms 30 d": lambda s, c: pa.provider_search_terms(s, big, 30, today),
        "poor searches in subjects 30 d": lambda s, c: pa.poor_searches_in_subjects(
            s, big, 30, today
        ),
        "course series 90 d": lambda s, c: pa.course_series(s, c, 90, today),
        "course vs area median 30 d": lambda s, c: pa.course_figures(s, big, c, 30),
        "course lesson funnel": lambda s, c: pa.lesson_funnel(s, big, c),
        "course search terms 30 d": lambda s, c: pa.course_search_terms(s, big, c, 30, today),
    }
    for name, query in queries.items():
        samples = []
        for _ in range(repeat):
            course = rng.choice(big_ids)
            with sessions() as session:
                t0 = time.perf_counter()
                query(session, course)
                samples.append((time.perf_counter() - t0) * 1000)
        print(f"  {name:34s} {percentiles(samples)}", flush=True)
    with sessions() as session:
        t0 = time.perf_counter()
        rows = pa.top_courses(session, big, 90, limit=None)
        text = pa.courses_csv(rows, ["h"] * 15)
        print(
            f"  export: all {len(rows)} courses of 90 d as CSV ({len(text) // 1024} KB) "
            f"in {(time.perf_counter() - t0) * 1000:.0f} ms"
        )
    engine.dispose()


def job_throughput(url: str, big_ids: list[int], events: int) -> None:
    """Append `events` events and time the job counting them."""
    engine = make_engine(url)
    postgres = engine.dialect.name == "postgresql"
    now = datetime.now(UTC) - timedelta(minutes=1)
    gen = np.random.default_rng(3)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(User.__table__),
            [
                {"email": f"b{i}@bench.example", "password_hash": "!", "display_name": f"B{i}"}
                for i in range(1000)
            ],
        )
        users = np.array(list(conn.scalars(sa.select(User.id))))
        kinds = np.array(["view"] * 6 + ["like", "save", "start", "complete", "rate", "progress"])
        kind = kinds[gen.integers(0, len(kinds), events)]
        value = np.where(kind == "rate", 4.0, np.where(kind == "progress", 0.5, np.nan))
        stamp = "%Y-%m-%d %H:%M:%S+00:00" if postgres else "%Y-%m-%d %H:%M:%S.000000"
        seconds = np.array([(now - timedelta(seconds=s)).strftime(stamp) for s in range(86_400)])
        # Appended in time order, as the site writes them (ids follow created_at).
        created = seconds[np.sort(gen.integers(0, 86_400, events))[::-1]]
        load(
            conn,
            "events",
            ("user_id", "course_id", "lesson_id", "kind", "value", "created_at"),
            zip(
                users[gen.integers(0, len(users), events)].tolist(),
                np.array(big_ids)[gen.integers(0, len(big_ids), events)].tolist(),
                itertools.repeat(None),
                kind.tolist(),
                [None if np.isnan(v) else v for v in value.tolist()],
                created.tolist(),
                strict=False,
            ),
        )
    with make_session_factory(engine)() as session:
        t0 = time.perf_counter()
        counted = course_stats.count_events(session, zone=ZONE, lag=timedelta(0))
        took = time.perf_counter() - t0
    print(
        f"  job: {counted} new events counted in {took:.1f} s "
        f"({counted / took:,.0f} events/s, batches of {course_stats.BATCH})"
    )
    engine.dispose()


def main() -> None:
    """Build, measure, report, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--provider-scale",
        type=float,
        default=None,
        help="scale of the large provider alone (default: --scale)",
    )
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    today = datetime.now(UTC).astimezone(ZONE).date()
    provider_scale = args.scale if args.provider_scale is None else args.provider_scale
    with scratch_database(NAME, args.postgres) as url:
        print(
            f"partner analytics at scale {args.scale} (large provider {provider_scale}) "
            f"on {'PostgreSQL' if args.postgres else 'SQLite'}, load average "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}",
            flush=True,
        )
        built = build(url, args.scale, args.seed, today, provider_scale)
        measure(url, built["big"], built["big_ids"], today, args.repeat)
        job_throughput(url, built["big_ids"], args.events)
        print(
            f"  peak memory {peak_rss_mb():.0f} MB, load average "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )


if __name__ == "__main__":
    main()

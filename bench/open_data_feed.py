"""Benchmark: the open data API's catalogue change feed at the platform's scale (issue 17).

.venv/bin/python bench/open_data_feed.py                      # 630,000 courses, SQLite
.venv/bin/python bench/open_data_feed.py --postgres           # a scratch PostgreSQL database
.venv/bin/python bench/open_data_feed.py --courses 20000      # a quick look
.venv/bin/python bench/open_data_feed.py --profile 50         # cProfile of 50 pages too

Fills a fresh database by bulk insert (no demo learners, lessons or search index): the demo
generator's course records (`catalogue.demo.generator.iter_course_records`: its titles,
descriptions, subjects, providers, 2 % drafts and 2 % withdrawn) drawn once for a pool of
--templates courses and repeated with their own ids and change times over three years; one
course in ten is stamped with the same instant as the 99 before it (a partner upload's batch),
so the cursor crosses many runs of equal `updated_at`. Then walks the whole feed from the
beginning twice, page by page at --limit (the API's default page size, 100, unless told):
through the service alone (`insight.open_data.changes.course_changes` on one session) and
through the whole Flask stack (test client: routing, token check, the client's limits in the
shared storage, the audit row, JSON, ETag), and prints per-page p50/p95/p99, the whole walk,
the query plan, a conditional request's 304 and the process's memory.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import pstats
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from figures import peak_rss_mb, percentiles
from scratch_db import scratch_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import assistant.models  # noqa: F401
import insight.models  # noqa: F401
import records.models  # noqa: F401
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.demo.generator import iter_course_records
from catalogue.models import Course, Provider
from insight.open_data import changes

NAME = "lifelong_bench_open_data"
CHUNK = 10_000
NOW = datetime(2026, 12, 1, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 1_000_000


def course_rows(total: int, templates: list[dict], providers: dict[int, int], seed: int):
    """`total` course rows for bulk insert, their change times spread over SPAN."""
    rng = random.Random(seed)
    step = SPAN / total
    batch_stamp = NOW
    for n in range(total):
        row = dict(templates[n % len(templates)])
        row.pop("id")
        row.pop("provider")
        row["provider_id"] = providers[row["provider_id"]]
        row["external_id"] = f"KC{n + 1:08d}"
        stamp = NOW - SPAN + step * n + timedelta(microseconds=rng.randrange(1_000_000))
        if n % 1000 == 900:  # an upload's batch: this and the next 99 share one instant
            batch_stamp = stamp
        if n % 1000 >= 900:
            stamp = batch_stamp
        row["created_at"] = min(row["created_at"], stamp)
        row["updated_at"] = stamp
        if row["published_at"] is not None:
            row["published_at"] = min(row["published_at"], stamp)
        if row["withdrawn_at"] is not None:
            row["withdrawn_at"] = stamp
        yield row


def build(url: str, courses: int, template_count: int, seed: int) -> None:
    """Make the schema and insert the providers and courses."""
    engine = make_engine(url)
    upgrade_database(engine)
    began = time.perf_counter()
    templates = list(iter_course_records(min(courses, template_count), seed=seed))
    names = {t["provider_id"]: t["provider"] for t in templates}
    drawn = time.perf_counter() - began
    with engine.begin() as conn:
        # The secondary indexes are built after the rows (a sorted build, not 630,000 inserts
        # into each of a dozen B-trees); the unique (provider_id, external_id) stays.
        indexes = sorted(Course.__table__.indexes, key=lambda ix: ix.name)
        for index in indexes:
            index.drop(conn)
        providers = {}
        for template_id, name in sorted(names.items()):
            providers[template_id] = conn.execute(
                sa.insert(Provider).values(name=name, kind="university").returning(Provider.id)
            ).scalar_one()
        batch: list[dict] = []
        for row in course_rows(courses, templates, providers, seed):
            batch.append(row)
            if len(batch) == CHUNK:
                conn.execute(sa.insert(Course.__table__), batch)
                batch = []
        if batch:
            conn.execute(sa.insert(Course.__table__), batch)
        for index in indexes:
            index.create(conn)
    del templates, batch
    inserted = time.perf_counter() - began
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))
    with engine.connect() as conn:
        counts = dict(
            conn.execute(sa.select(Course.status, sa.func.count()).group_by(Course.status)).all()
        )
    engine.dispose()
    print(
        f"built {courses:,} courses ({', '.join(f'{k.value} {v:,}' for k, v in counts.items())}; "
        f"{len(names)} providers) in {time.perf_counter() - began:.1f} s "
        f"(records drawn {drawn:.1f} s, inserted and indexed by {inserted:.1f} s, then ANALYZE)",
        flush=True,
    )


def explain(url: str, limit: int) -> None:
    """The page query's plan on this database, deep in the walk."""
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        middle = session.execute(
            sa.select(Course.updated_at, Course.id)
            .order_by(Course.updated_at, Course.id)
            .offset(session.scalar(sa.select(sa.func.count()).select_from(Course)) // 2)
            .limit(1)
        ).one()
        stmt, params = changes.page_query((middle[0], middle[1]), limit, NOW + timedelta(days=1))
        compiled = stmt.params(params).compile(engine, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
        plan = session.execute(sa.text(prefix + str(compiled))).all()
        print("plan of a page in the middle of the walk:")
        for row in plan:
            print("   ", row[-1])
    engine.dispose()


def walk_service(url: str, limit: int) -> tuple[list[float], int, float]:
    """Walk the feed through the service; per-page ms, courses seen, seconds."""
    engine = make_engine(url)
    times, seen, cursor = [], 0, None
    began = time.perf_counter()
    with make_session_factory(engine)() as session:
        while True:
            start = time.perf_counter()
            page = changes.course_changes(session, cursor, limit)
            session.rollback()  # as a request ends: no snapshot held across pages
            times.append((time.perf_counter() - start) * 1000)
            seen += len(page.changes)
            cursor = page.next_cursor
            if not page.has_more:
                break
    engine.dispose()
    return times, seen, time.perf_counter() - began


def web_client(url: str, folder: Path):
    """The app's test client and a bearer header of a client with generous limits."""
    from insight.open_data.clients import ClientData, register_client
    from webapp import create_app
    from webapp.db import get_database

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder / "instance")})
    with get_database(app).sessions.begin() as session:
        data = ClientData(f"bench {time.time_ns()}", ["catalogue:read"], 100_000, 10_000_000)
        issued = register_client(session, data, None)
        client_id, secret = issued.client.client_id, issued.secret
    web = app.test_client()
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    token = web.post(
        "/api/v1/open/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {raw}"},
    ).get_json()["access_token"]
    return app, web, {"Authorization": f"Bearer {token}"}


def walk_stack(web, headers: dict, limit: int, pages: int | None = None):
    """Walk the feed through the Flask stack; per-page ms, courses seen, seconds, last page."""
    cursor, times, seen = "", [], 0
    began = time.perf_counter()
    while True:
        start = time.perf_counter()
        answer = web.get(
            f"/api/v1/open/catalogue/changes?limit={limit}&cursor={cursor}", headers=headers
        )
        body = answer.get_json()
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, body
        seen += len(body["changes"])
        if not body["has_more"] or (pages is not None and len(times) >= pages):
            return times, seen, time.perf_counter() - began, (cursor, answer.headers["ETag"])
        cursor = body["next_cursor"]


def report(label: str, times: list[float], seen: int, seconds: float, limit: int) -> None:
    """One line of figures."""
    print(
        f"{label}: {seen:,} changes in {len(times):,} pages of {limit} in {seconds:.1f} s; "
        f"per page {percentiles(times)}, max {max(times):.1f} ms; "
        f"RSS now {rss_mb():.0f} MB, peak {peak_rss_mb():.0f} MB",
        flush=True,
    )


def profile(web, headers: dict, limit: int, pages: int) -> None:
    """cProfile of `pages` pages through the stack: the 25 costliest functions."""
    profiler = cProfile.Profile()
    profiler.enable()
    walk_stack(web, headers, limit, pages)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue())


def main() -> None:
    """Build the catalogue, then walk the feed and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=630_000)
    parser.add_argument("--limit", type=int, default=100, help="page size (the API's default)")
    parser.add_argument("--templates", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database")
    parser.add_argument("--profile", type=int, default=0, help="also profile this many pages")
    args = parser.parse_args()
    with scratch_database(NAME, args.postgres) as url:
        build(url, args.courses, args.templates, args.seed)
        print(f"after the build: RSS {rss_mb():.0f} MB, peak {peak_rss_mb():.0f} MB", flush=True)
        explain(url, args.limit)
        report("service walk", *walk_service(url, args.limit), args.limit)
        with tempfile.TemporaryDirectory(prefix="open-data-bench-") as folder:
            from webapp.db import get_database

            app, web, headers = web_client(url, Path(folder))
            times, seen, seconds, (cursor, etag) = walk_stack(web, headers, args.limit)
            report("Flask stack walk", times, seen, seconds, args.limit)
            again = web.get(
                f"/api/v1/open/catalogue/changes?limit={args.limit}&cursor={cursor}",
                headers={**headers, "If-None-Match": etag},
            )
            print(f"the last page again with If-None-Match: {again.status_code}")
            if args.profile:
                profile(web, headers, args.limit, args.profile)
            get_database(app).engine.dispose()


if __name__ == "__main__":
    main()

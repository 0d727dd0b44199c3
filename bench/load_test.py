"""Benchmark: a load test of the production server with locust, at several numbers of users.

.venv/bin/pip install -c constraints.txt -e '.[load]'
.venv/bin/python -m bench.load_test --users 50,100,200
.venv/bin/python -m bench.load_test --users 50,100,200 --db postgresql://postgres@127.0.0.1:5432/bench_load

Generates the demo catalogue (`--courses`, default 5,000) in a fresh database, adds learners who
can log in, starts the site as the README does (`lifelong start`: gunicorn and the jobs worker),
waits for the worker's first runs, then runs locust (bench/locustfile.py: 70 % visitors who
browse and search, 30 % learners who also read their feed and write) for `--seconds` at each
number of users, and a search-only run for /search throughput. Prints, per run, each endpoint's
requests, failures, p50, p95 and requests per second. Locust runs on the same machine as the
server (2 cores here): its own CPU use is part of the figures.

With `--instance DIR --db URL` the site runs on a database and instance folder prepared
beforehand, as they are (the full-scale ones of bench/page_speed.py: 630,000 courses, a
million learners); only the accounts that log in are added, once. Such an instance already holds
what the worker's first runs would make (course popularity, a trained model), so those runs are
recorded as done rather than run again (at 30 million events they take a quarter of an hour;
their own figures are in docs/benchmarks.md).

The site runs with its access log on (each line ends with the request's milliseconds). After
each run the script prints the slowest requests it served and the jobs the worker ran meanwhile;
`--out DIR` keeps the site's log and locust's CSV files there.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

from bench.live_site import lifelong, live_site, site_env
from bench.upload_contention import APP_LIMITS, fresh_engine, wait_for_quiet_worker
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Course, CourseStatus, JobOutcome, JobRun, Lesson, User, utcnow
from catalogue.services.users import register_user

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
PASSWORD = "Load-Learner-2026!"


def _learners(sessions, count: int) -> list[str]:
    """Accounts that can log in (added unless they exist), as "email:password" strings."""
    with sessions() as session:
        emails = [f"load{i}@bench.example.cn" for i in range(count)]
        known = set(session.scalars(sa.select(User.email).where(User.email.in_(emails))))
        for email in emails:
            if email not in known:
                register_user(session, email, PASSWORD, "压测学员")
        session.commit()
    return [f"{email}:{PASSWORD}" for email in emails]


def _record_first_runs(sessions) -> None:
    """Record the worker's first-run jobs as done on a prepared instance (see the docstring)."""
    now = utcnow()
    with sessions() as session:
        for job in ("popularity-refresh", "recommender-train"):
            if session.scalar(sa.select(JobRun.id).where(JobRun.job_id == job).limit(1)):
                continue
            session.add(
                JobRun(
                    job_id=job,
                    trigger="manual",
                    started_at=now,
                    finished_at=now,
                    outcome=JobOutcome.SUCCEEDED,
                    figures={"note": "prepared beforehand by the benchmark"},
                )
            )
        session.commit()


def _course_ids(engine: sa.Engine, count: int = 500) -> list[int]:
    with engine.connect() as conn:
        ids = list(
            conn.scalars(sa.select(Course.id).where(Course.status == CourseStatus.PUBLISHED))
        )
    return random.Random(7).sample(ids, min(count, len(ids)))


def _lesson_pairs(engine: sa.Engine, course_ids: list[int]) -> list[str]:
    """ "course:lesson" of the first lesson of each sampled course that has lessons."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(Lesson.course_id, sa.func.min(Lesson.id))
            .where(Lesson.course_id.in_(course_ids))
            .group_by(Lesson.course_id)
        ).all()
    return [f"{course}:{lesson}" for course, lesson in rows]


def run_locust(base: str, users: int, seconds: int, out: Path, env: dict, classes: list[str]):
    """Run locust headless; returns the rows of its per-endpoint statistics."""
    with open(f"{out}_locust.txt", "w", encoding="utf-8") as summary:
        subprocess.run(
            [
                sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
                "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s",
                "--host", base, "--csv", str(out), "--only-summary", "--loglevel", "WARNING",
                *classes,
            ],
            env=env, check=False, stdout=summary, stderr=subprocess.STDOUT,
        )  # fmt: skip
    with open(f"{out}_stats.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


_ACCESS_LINE = re.compile(
    r'\[(?P<at>[^\]]+)\] "(?P<request>[^"]*)" (?P<status>\d+) .* (?P<ms>\d+)ms$'
)


def _log_lines(log: Path, start: int) -> list[str]:
    with log.open("rb") as handle:
        handle.seek(start)
        return handle.read().decode("utf-8", "replace").splitlines()


def slowest_requests(log: Path, start: int, count: int = 8) -> list[tuple[int, str, str, str]]:
    """The slowest requests in the access log from byte `start` on: (ms, time, request, status)."""
    found = []
    for line in _log_lines(log, start):
        match = _ACCESS_LINE.search(line)
        if match:
            found.append((int(match["ms"]), match["at"], match["request"][:70], match["status"]))
    return sorted(found, reverse=True)[:count]


def jobs_since(engine: sa.Engine, since) -> list[tuple]:
    """The job runs that started at or after `since`: (job, trigger, started, finished, outcome)."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(
                    JobRun.job_id, JobRun.trigger, JobRun.started_at, JobRun.finished_at,
                    JobRun.outcome,
                )
                .where(JobRun.started_at >= since)
                .order_by(JobRun.started_at)
            )
        )  # fmt: skip


def print_diagnostics(engine: sa.Engine, log: Path, log_start: int, since) -> None:
    """Print the run's slowest requests and the jobs that ran during it."""
    print("slowest requests (ms, time, request, status):")
    for ms, at, request, status in slowest_requests(log, log_start):
        print(f"  {ms:>7} {at} {request} {status}")
    runs = jobs_since(engine, since)
    print(f"jobs started during the run: {len(runs) or 'none'}")
    for job, trigger, started, finished, outcome in runs:
        print(f"  {job} ({trigger}) {started:%H:%M:%S}–{finished or '…'} {outcome}")
    warnings = [
        line
        for line in _log_lines(log, log_start)
        if "garbage collection" in line or "Traceback" in line or "WORKER TIMEOUT" in line
    ]
    for line in warnings[:10]:
        print(f"  log: {line[:160]}")


def print_table(title: str, rows: list[dict]) -> None:
    """Print one run's figures."""
    print(f"\n{title}")
    print(f"{'endpoint':<34}{'requests':>9}{'failed':>8}{'p50 ms':>8}{'p95 ms':>8}{'req/s':>8}")
    for row in rows:
        print(
            f"{row['Name'][:33]:<34}{row['Request Count']:>9}{row['Failure Count']:>8}"
            f"{row['50%']:>8}{row['95%']:>8}{float(row['Requests/s']):>8.1f}"
        )


def main() -> None:
    """Run the load test and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--courses", type=int, default=5000)
    parser.add_argument("--learners", type=int, default=200, help="accounts that log in")
    parser.add_argument("--users", default="50,100,200", help="numbers of locust users")
    parser.add_argument("--seconds", type=int, default=60, help="length of each run")
    parser.add_argument("--search-users", type=int, default=32)
    parser.add_argument(
        "--instance", type=Path, help="a prepared instance folder, used with --db as it is"
    )
    parser.add_argument("--out", type=Path, help="keep the site's log and locust's CSVs here")
    args = parser.parse_args()
    if args.instance and not args.db:
        parser.error("--instance needs the --db it was prepared with")

    workdir = Path(tempfile.mkdtemp(prefix="lifelong-load-"))
    out = args.out or workdir
    out.mkdir(parents=True, exist_ok=True)
    log = out / "server.log"
    try:
        if args.instance:
            engine = make_engine(args.db)
            upgrade_database(engine)
            _record_first_runs(make_session_factory(engine))
            url = engine.url.render_as_string(hide_password=False)
            env = site_env(args.instance, url, WEB_ACCESS_LOG="1", **APP_LIMITS)
        else:
            engine = fresh_engine(args.db, workdir)
            url = engine.url.render_as_string(hide_password=False)
            env = site_env(
                workdir / "instance",
                url,
                DEMO_COURSES=str(args.courses),
                DEMO_LEARNERS=str(max(2000, args.courses // 3)),
                WEB_ACCESS_LOG="1",
                **APP_LIMITS,
            )
            lifelong(env, "demo", "--courses", str(args.courses), timeout=3600)
        accounts = _learners(make_session_factory(engine), args.learners)
        sample = _course_ids(engine)
        load_env = {
            **os.environ,
            "LOAD_COURSES": ",".join(map(str, sample)),
            "LOAD_LESSONS": ",".join(_lesson_pairs(engine, sample)),
            "LOAD_LEARNERS": ",".join(accounts),
        }
        with live_site(env, log, start_timeout=3600) as site:
            wait_for_quiet_worker(engine, timeout=3600)
            with engine.connect() as conn:
                courses = conn.scalar(sa.select(sa.func.count()).select_from(Course))
            print(f"database: {engine.dialect.name}; courses: {courses:,}")
            runs = [(f"{u} users, {args.seconds} s", int(u), ["Visitor", "Learner"], f"u{u}")
                    for u in args.users.split(",")]  # fmt: skip
            runs.append((
                f"/search only, {args.search_users} users without pauses",
                args.search_users, ["Searcher"], "search",
            ))  # fmt: skip
            for title, users, classes, name in runs:
                log_start, since = log.stat().st_size, utcnow()
                rows = run_locust(site.base, users, args.seconds, out / name, load_env, classes)
                print_table(title, rows)
                print_diagnostics(engine, log, log_start, since)
            alive = site.process.poll() is None
            errors = site.log_tail(200_000).count("Traceback")
        print(f"\nsite alive afterwards: {alive}; tracebacks in its log: {errors}")
        engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

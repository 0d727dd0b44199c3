"""Benchmark: a load test of the production server with locust, at several numbers of users.

.venv/bin/pip install -c constraints.txt -e '.[load]'
.venv/bin/python -m bench.load_test --users 50,100,200
.venv/bin/python -m bench.load_test --users 50,100,200 --db postgresql://postgres@127.0.0.1:5432/bench_load

Generates the demo catalogue (`--courses`, default 5,000) in a fresh database, adds learners who
can log in, starts the site as the README does (`lifelong start`: gunicorn and the jobs worker),
waits for the worker's first runs, then runs locust (bench/locustfile.py: 70 % visitors who
browse and search, 30 % learners who also read their feed and write) for `--seconds` at each
number of users, and a search-only run for /search throughput; then the insight mix of issue 17
(`--insight-users`, default 50: the same visitors and learners with administrators on the data
cockpit and ask-the-data, partners on their course analytics and CSV exports, institutions' open
data clients walking the change feed and reading statistics, and app API clients; see
bench/locustfile.py). `--users ''` or `--search-users 0` leave those runs out. Prints, per run,
each endpoint's requests, failures (5xx separately), p50, p95, p99 and requests per second.
Locust runs on the same machine as the server (2 cores here): its own CPU use is part of the
figures.

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
from catalogue.models import (
    Course,
    CourseStatus,
    JobOutcome,
    JobRun,
    Lesson,
    Role,
    User,
    utcnow,
)
from catalogue.services.users import register_user

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
# The insight mix: the site's visitors and learners with issue 17's users (bench/locustfile.py).
INSIGHT_MIX = ["Visitor", "Learner", "AppUser", "PartnerAnalyst", "CockpitAdmin", "OpenDataClient"]
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


def _staff(sessions, admins: int, partners: int) -> tuple[list[str], list[str]]:
    """Administrators, and partner accounts of the providers with the most published courses
    (added unless they exist), as "email:password" strings."""
    with sessions() as session:
        providers = list(
            session.scalars(
                sa.select(Course.provider_id)
                .where(Course.status == CourseStatus.PUBLISHED)
                .group_by(Course.provider_id)
                .order_by(sa.func.count().desc(), Course.provider_id)
                .limit(partners)
            )
        )
        wanted = [(f"admin{i}@bench.example.cn", Role.ADMIN, None) for i in range(admins)]
        wanted += [(f"partner{p}@bench.example.cn", Role.PARTNER, p) for p in providers]
        known = set(
            session.scalars(sa.select(User.email).where(User.email.like("%@bench.example.cn")))
        )
        for email, role, provider in wanted:
            if email not in known:
                register_user(session, email, PASSWORD, "压测员", role=role, provider_id=provider)
        session.commit()
    accounts = [f"{email}:{PASSWORD}" for email, _role, _provider in wanted]
    return accounts[:admins], accounts[admins:]


def _open_clients(sessions, count: int) -> list[str]:
    """Open data clients with every read scope and limits no load test reaches, as
    "client_id:secret" strings (new ones each time: a secret is shown once)."""
    from insight.open_data.clients import (
        MAX_DAILY_QUOTA,
        MAX_RATE_PER_MINUTE,
        ClientData,
        register_client,
    )

    made, run = [], f"{utcnow():%Y%m%d%H%M%S}"
    with sessions() as session:
        for i in range(count):
            scopes = ["catalogue:read", "statistics:read"]
            name = f"压测机构{i}（{run}）"  # names are unique among live clients
            data = ClientData(name, scopes, MAX_RATE_PER_MINUTE, MAX_DAILY_QUOTA)
            issued = register_client(session, data, None)
            made.append(f"{issued.client.client_id}:{issued.secret}")
        session.commit()
    return made


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


def server_errors(out: Path) -> dict[str, int]:
    """Failures per endpoint whose answer was a 5xx (or no answer), from locust's failures CSV."""
    found: dict[str, int] = {}
    path = Path(f"{out}_failures.csv")
    if not path.exists():
        return found
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            error = row.get("Error", "")
            if re.search(r"\b5\d\d\b", error) or "Connection" in error or "Remote" in error:
                name = row.get("Name", "?")
                found[name] = found.get(name, 0) + int(row.get("Occurrences", 0) or 0)
    return found


def print_table(title: str, rows: list[dict], errors: dict[str, int] | None = None) -> None:
    """Print one run's figures."""
    errors = errors or {}
    print(f"\n{title}")
    print(
        f"{'endpoint':<40}{'requests':>9}{'failed':>7}{'5xx':>5}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'req/s':>8}"
    )
    for row in rows:
        name = row["Name"]
        print(
            f"{name[:39]:<40}{row['Request Count']:>9}{row['Failure Count']:>7}"
            f"{errors.get(name, 0) if name != 'Aggregated' else sum(errors.values()):>5}"
            f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}{float(row['Requests/s']):>8.1f}"
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
        "--insight-users", type=int, default=50, help="users of the insight mix (0: no such run)"
    )
    parser.add_argument("--insight-seconds", type=int, help="its length (default --seconds)")
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
        sessions = make_session_factory(engine)
        accounts = _learners(sessions, args.learners)
        admins, partners = _staff(sessions, admins=10, partners=20)
        sample = _course_ids(engine)
        load_env = {
            **os.environ,
            "LOAD_COURSES": ",".join(map(str, sample)),
            "LOAD_LESSONS": ",".join(_lesson_pairs(engine, sample)),
            "LOAD_LEARNERS": ",".join(accounts),
            "LOAD_ADMINS": ",".join(admins),
            "LOAD_PARTNERS": ",".join(partners),
            "LOAD_OPEN_CLIENTS": ",".join(_open_clients(sessions, 5)),
        }
        with live_site(env, log, start_timeout=3600) as site:
            wait_for_quiet_worker(engine, timeout=3600)
            with engine.connect() as conn:
                courses = conn.scalar(sa.select(sa.func.count()).select_from(Course))
            print(f"database: {engine.dialect.name}; courses: {courses:,}")
            runs = [(f"{u} users, {args.seconds} s", int(u), ["Visitor", "Learner"], f"u{u}",
                     args.seconds) for u in args.users.split(",") if u]  # fmt: skip
            if args.search_users:
                runs.append((
                    f"/search only, {args.search_users} users without pauses",
                    args.search_users, ["Searcher"], "search", args.seconds,
                ))  # fmt: skip
            if args.insight_users:
                seconds = args.insight_seconds or args.seconds
                runs.append((
                    f"insight mix (issue 17), {args.insight_users} users, {seconds} s",
                    args.insight_users, INSIGHT_MIX, f"insight{args.insight_users}", seconds,
                ))  # fmt: skip
            for title, users, classes, name, seconds in runs:
                log_start, since = log.stat().st_size, utcnow()
                rows = run_locust(site.base, users, seconds, out / name, load_env, classes)
                print_table(title, rows, server_errors(out / name))
                print_diagnostics(engine, log, log_start, since)
                print(f"load average after the run: {os.getloadavg()}")
            alive = site.process.poll() is None
            errors = site.log_tail(200_000).count("Traceback")
        print(f"\nsite alive afterwards: {alive}; tracebacks in its log: {errors}")
        engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

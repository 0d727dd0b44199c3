"""Benchmark: server-side render time of the organiser's page of a 2,000-member study group,
in a database of 1,000,000 learners.

.venv/bin/python bench/records_groups.py                        # SQLite in a temporary folder
.venv/bin/python bench/records_groups.py --db postgresql+psycopg://postgres@127.0.0.1:5432/x
.venv/bin/python bench/records_groups.py --learners 100000      # a quicker, smaller run

Builds the database with bulk inserts (SQLAlchemy Core, batches): `--learners` accounts, a
provider with `--courses` courses of 8 lessons, background events of random learners (views,
starts, likes, saves and, four in ten, lesson progress and completions, so `course_progress`
is not only the group's), one organiser and one group of `--members` consenting members with
five assigned courses (two due in the past) whose members have lesson progress, completions,
views and a spread of last activity (some inactive), and a certificate table that stays
empty. Then it
requests the organiser's page through the whole Flask stack (routing, session, CSRF, database,
templates; the test client, so no network) with several sort orders and filters, timing each
request in the process, and prints p50/p95/p99. Every request must answer 200 and show rows.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from figures import peak_rss_mb, percentiles
from records_data import bench_courses
from sqlalchemy import func, insert, select

import records.models  # noqa: F401  (the learning record's tables)
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Event, EventKind, Lesson, Role, User, utcnow
from catalogue.services.users import register_user
from records import groups as group_service
from records.models.groups import CONSENT_SCOPE, GroupMember
from records.models.progress import CourseProgress
from webapp import create_app

PASSWORD = "bench-password-1"
ORGANISER = "organiser@bench.cn"
BATCH = 50_000
# The background learners' event kinds, as often as listed: 40 % progress and completions, so
# `course_progress` holds hundreds of thousands of other learners' rows beside the group's.
BACKGROUND_KINDS = (
    *(EventKind.VIEW,) * 3,
    EventKind.START,
    EventKind.LIKE,
    EventKind.SAVE,
    *(EventKind.PROGRESS,) * 3,
    EventKind.COMPLETE,
)


def build(url: str, learners: int, courses: int, members: int, background: int) -> int:
    """Fill an empty database; returns the group's id."""
    engine = make_engine(url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    rng = random.Random(20261201)
    started = time.perf_counter()
    with sessions() as session:
        course_ids = bench_courses(session, courses)
        organiser = register_user(session, ORGANISER, PASSWORD, "王老师", role=Role.ORGANISER)
        session.commit()
        lessons = {
            c: list(session.scalars(select(Lesson.id).where(Lesson.course_id == c)))
            for c in course_ids
        }
        organiser_id = organiser.id
    now = utcnow()
    users = User.__table__
    with engine.begin() as conn:
        for start in range(0, learners, BATCH):
            conn.execute(
                insert(users),
                [
                    {
                        "email": f"l{n}@bench.cn",
                        "password_hash": "!",
                        "display_name": f"学员{n:07d}",
                        "role": Role.LEARNER,
                        "preferred_language": "zh",
                        "caring_mode": False,
                        "text_size": "large",
                        "interest_areas": [],
                        "is_active": True,
                        "created_at": now,
                        "digest_mail": True,
                        "reminders": "off",
                    }
                    for n in range(start, min(learners, start + BATCH))
                ],
            )
    print(f"{learners:,} learners in {time.perf_counter() - started:.0f} s", flush=True)
    with engine.connect() as conn:
        first_id = conn.scalar(select(func.min(User.id)).where(User.email.like("l%@bench.cn")))
    learner_ids = range(first_id, first_id + learners)
    events = Event.__table__

    def event(user_id, course_id, kind, value=None, lesson_id=None, at=None):
        return {
            "user_id": user_id,
            "course_id": course_id,
            "lesson_id": lesson_id,
            "kind": kind,
            "value": value,
            "created_at": at or now,
        }

    with engine.begin() as conn:
        batch = []
        for _ in range(background):
            course_id = rng.choice(course_ids)
            kind = rng.choice(BACKGROUND_KINDS)
            value = lesson_id = None
            if kind == EventKind.PROGRESS:
                k = rng.randrange(8)
                value, lesson_id = (k + 1) / 8, lessons[course_id][k]
            batch.append(
                event(
                    rng.choice(learner_ids),
                    course_id,
                    kind,
                    value,
                    lesson_id,
                    at=now - timedelta(minutes=rng.randrange(60 * 24 * 90)),
                )
            )
            if len(batch) == BATCH:
                conn.execute(insert(events), batch)
                batch = []
        if batch:
            conn.execute(insert(events), batch)
    with engine.connect() as conn:
        standing = conn.scalar(select(func.count()).select_from(CourseProgress))
    print(f"{background:,} background events; {standing:,} course_progress rows", flush=True)

    with sessions() as session:
        group = group_service.create_group(
            session, group_service.Organiser(organiser_id, Role.ORGANISER), "基准小组", ""
        )
        actor = group_service.Organiser(organiser_id, Role.ORGANISER)
        assigned = course_ids[:5]
        for n, course_id in enumerate(assigned):
            group_service.assign_course(
                session, actor, group.id, course_id, (now + timedelta(days=(n - 2) * 7)).date()
            )
        session.commit()
        group_id = group.id
    chosen = rng.sample(learner_ids, members)
    with engine.begin() as conn:
        conn.execute(
            insert(GroupMember.__table__),
            [
                {
                    "group_id": group_id,
                    "user_id": u,
                    "consent_scope": CONSENT_SCOPE,
                    "consented_at": now - timedelta(days=40),
                    "joined_at": now - timedelta(days=40),
                    "left_at": None,
                }
                for u in chosen
            ],
        )
        batch = []
        for user_id in chosen:
            idle = rng.choice((0, 1, 2, 3, 5, 8, 13, 21, 30))  # days since last learnt
            for course_id in assigned + rng.sample(course_ids[5:], 3):
                done = rng.randrange(0, 9)
                at = now - timedelta(days=idle, minutes=rng.randrange(600))
                batch.append(event(user_id, course_id, EventKind.VIEW, at=at))
                if done:
                    batch.append(event(user_id, course_id, EventKind.START, at=at))
                for k in range(done):
                    batch.append(
                        event(
                            user_id,
                            course_id,
                            EventKind.PROGRESS,
                            (k + 1) / 8,
                            lessons[course_id][k],
                            at,
                        )
                    )
                if done == 8:
                    batch.append(event(user_id, course_id, EventKind.COMPLETE, at=at))
            if len(batch) >= BATCH:
                conn.execute(insert(events), batch)
                batch = []
        if batch:
            conn.execute(insert(events), batch)
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(events))
    took = time.perf_counter() - started
    print(f"group of {members:,} members; {total:,} events; built in {took:.0f} s", flush=True)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return group_id


def main() -> int:
    """Build, then time the organiser's page."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="an empty database URL (default: SQLite in a temp folder)")
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--courses", type=int, default=200)
    parser.add_argument("--background", type=int, default=2_000_000)
    parser.add_argument("--requests", type=int, default=40, help="per page variant")
    parser.add_argument(
        "--reuse", action="store_true", help="time a database this script built before (--db)"
    )
    parser.add_argument(
        "--gc",
        choices=("auto", "between"),
        default="auto",
        help="auto: Python's own collections (they fall inside requests); between: as the"
        " server's gc gate does, no collection inside a request, the start-up heap frozen and"
        " a collection between requests once YOUNG_THRESHOLD new objects piled up",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-groups-"))
    url = args.db or f"sqlite:///{folder / 'groups.db'}"
    if args.reuse:
        group_id = 1
    else:
        group_id = build(url, args.learners, args.courses, args.members, args.background)

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder / "instance")})
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text)
    answer = client.post(
        "/login", data={"email": ORGANISER, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 302, "the organiser could not log in"
    base = f"/organiser/groups/{group_id}"
    variants = {
        "by name": base,
        "by progress, descending": base + "?sort=progress&dir=desc",
        "by last activity, page 20": base + "?sort=last_activity&page=20",
        "warning filter (inactive)": base + "?warning=inactive",
    }
    every: list[float] = []
    every_cpu: list[float] = []
    if args.gc == "between":
        from jobs.gc_gate import YOUNG_THRESHOLD

        gc.collect()
        gc.disable()
        gc.freeze()
    for label, path in variants.items():
        for _ in range(3):  # warm the caches
            client.get(path)
        samples, cpu = [], []
        for _ in range(args.requests):
            if args.gc == "between" and gc.get_count()[0] >= YOUNG_THRESHOLD:
                gc.collect(1)  # outside the timed request, as the gate's thread does
            started, on_cpu = time.perf_counter(), time.process_time()
            answer = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - on_cpu) * 1000)
            if answer.status_code != 200 or "学员" not in answer.get_data(as_text=True):
                print(f"{label}: {answer.status_code}", file=sys.stderr)
                return 1
        every += samples
        every_cpu += cpu
        print(f"{label:30} {percentiles(samples)}; CPU {percentiles(cpu)}")
    print(f"{'all':30} {percentiles(every)}; CPU {percentiles(every_cpu)}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (1 min)")
    started = time.perf_counter()
    export = client.get(base + "/members.csv")
    took = (time.perf_counter() - started) * 1000
    print(
        f"CSV export of {args.members:,} members: {took:.0f} ms, {len(export.get_data()):,} bytes"
    )
    print(f"peak memory {peak_rss_mb():.0f} MB; database {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

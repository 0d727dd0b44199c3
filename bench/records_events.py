"""Benchmark: a special event with 100,000 signed-up learners: the counts (signed up, taking
part, certified), one learner's standing on the column page, the periodic count of everyone,
and issuing signed participation certificates.

.venv/bin/python bench/records_events.py                          # SQLite in a temporary folder
.venv/bin/python bench/records_events.py --db postgresql+psycopg://postgres@127.0.0.1:5432/x
.venv/bin/python bench/records_events.py --participants 20000     # a quicker, smaller run

Builds the database with bulk inserts: `--participants` learners, all signed up for one event
on a column of 5 courses of 8 lessons; 40 % of them finished 1–4 lessons inside the window and
a further `--background` events lie outside it or on other courses. Then it times (in this
process, on the database given) the grouped count, one learner's fresh standing, the one-UPDATE
count of every sign-up, and issuing `--certificates` certificates with an Ed25519 key.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from figures import percentiles
from records_data import bench_courses
from sqlalchemy import func, insert, select

import records.models  # noqa: F401  (the learning record's tables)
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Event, EventKind, Lesson, Role, User, utcnow
from catalogue.services import columns as column_service
from records import special_events as events
from records.models.events import EventSignup
from records.signing import load_signer

BATCH = 50_000


def build(url: str, participants: int, background: int) -> int:
    """Fill an empty database; returns the event's id."""
    engine = make_engine(url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    rng = random.Random(20261201)
    now = utcnow()
    started = time.perf_counter()
    with sessions() as session:
        course_ids = bench_courses(session, 6)
        column = column_service.create_column(session, "bench-event", "基准专题活动")
        column_service.set_column_courses(session, column.id, course_ids[:5])
        column_service.publish_column(session, column.id)
        event = events.save_event(
            session,
            column.id,
            starts_at=now - timedelta(days=10),
            ends_at=now + timedelta(days=10),
            signup_open=True,
            rule="lessons",
            threshold=3,
            certificate_title_zh="基准专题活动参与证书",
            certificate_title_en="Benchmark event",
        )
        session.commit()
        event_id = event.id
        lessons = {
            c: list(session.scalars(select(Lesson.id).where(Lesson.course_id == c)))
            for c in course_ids
        }
    with engine.begin() as conn:
        for start in range(0, participants, BATCH):
            conn.execute(
                insert(User.__table__),
                [
                    {
                        "email": f"p{n}@bench.cn",
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
                    for n in range(start, min(participants, start + BATCH))
                ],
            )
        first = conn.scalar(select(func.min(User.id)).where(User.email.like("p%@bench.cn")))
        ids = range(first, first + participants)
        for start in range(0, participants, BATCH):
            conn.execute(
                insert(EventSignup.__table__),
                [
                    {"event_id": event_id, "user_id": u, "signed_up_at": now, "progress": 0}
                    for u in ids[start : start + BATCH]
                ],
            )
        rows = []
        for user_id in ids:
            if rng.random() < 0.4:
                course = rng.choice(course_ids[:5])
                for lesson in rng.sample(lessons[course], rng.randint(1, 4)):
                    at = now - timedelta(minutes=rng.randrange(60 * 24 * 9))
                    rows.append(_event(user_id, course, lesson, at))
        for _ in range(background):
            course = rng.choice(course_ids)
            at = now - timedelta(minutes=rng.randrange(60 * 24 * 60))
            rows.append(_event(rng.choice(ids), course, rng.choice(lessons[course]), at))
        for start in range(0, len(rows), BATCH):
            conn.execute(insert(Event.__table__), rows[start : start + BATCH])
    print(
        f"{participants:,} participants, {len(rows):,} lesson events "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    if engine.dialect.name == "postgresql":
        # As autovacuum leaves a table in steady use: statistics and the visibility map (which
        # lets the counts read the index only).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE event_signups")
            conn.exec_driver_sql("VACUUM ANALYZE events")
    engine.dispose()
    return event_id


def _event(user_id: int, course_id: int, lesson_id: int, at) -> dict:
    return {
        "user_id": user_id,
        "course_id": course_id,
        "lesson_id": lesson_id,
        "kind": EventKind.PROGRESS,
        "value": 0.5,
        "created_at": at,
    }


def _timed(fn, repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> int:
    """Build, then time the four operations; prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--background", type=int, default=200_000)
    parser.add_argument("--certificates", type=int, default=1_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-events-"))
    url = args.db or f"sqlite:///{folder / 'bench.db'}"
    event_id = build(url, args.participants, args.background)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    signer = load_signer(folder / "keys")
    with sessions() as session:
        event = events.get_event(session, event_id)
        learners = list(
            session.scalars(select(EventSignup.user_id).where(EventSignup.event_id == event_id))
        )
        print("counts (one grouped count)", percentiles(
            _timed(lambda: events.counts(session, [event_id]), 30)
        ))  # fmt: skip
        rng = random.Random(7)

        def one() -> None:
            events.standing(session, event, rng.choice(learners))
            session.rollback()

        print("one learner's standing", percentiles(_timed(one, 200)))
        started = time.perf_counter()
        counted = events.count_progress(session, event)
        session.commit()
        print(f"count_progress: {counted:,} sign-ups in {time.perf_counter() - started:.1f} s")
        print("after counting:", events.counts(session, [event_id])[event_id])
        print("counts after counting", percentiles(
            _timed(lambda: events.counts(session, [event_id]), 30)
        ))  # fmt: skip
        issue = events.certificate_issuer(signer, "https://bench.example.cn")
        started = time.perf_counter()
        issued = events.certify_reached(session, event, issue, limit=args.certificates)
        took = time.perf_counter() - started
        print(
            f"issued {issued:,} certificates in {took:.1f} s "
            f"({took / max(issued, 1) * 1000:.1f} ms each)"
        )
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`course_progress`: each learner's standing per course, kept by the database's trigger on
events (migration 0031), whoever writes the events, and filled from older events on upgrade."""

from __future__ import annotations

import random

import sqlalchemy as sa
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from catalogue.db import make_engine, upgrade_database
from catalogue.models import Event, EventKind, Role, User
from catalogue.services.activity import record_event
from catalogue.services.users import register_user
from records.models.progress import CourseProgress
from tests.helpers import make_course, make_provider

PASSWORD = "correct horse battery"


def _standing(db) -> dict[tuple[int, int], tuple[float, bool]]:
    rows = db.execute(
        select(
            CourseProgress.user_id,
            CourseProgress.course_id,
            CourseProgress.progress,
            CourseProgress.completed,
        )
    )
    return {(u, c): (round(p, 6), bool(done)) for u, c, p, done in rows}


def _from_events(db) -> dict[tuple[int, int], tuple[float, bool]]:
    """The same standing, aggregated from the events directly."""
    best: dict[tuple[int, int], tuple[float, bool]] = {}
    for user_id, course_id, kind, value in db.execute(
        select(Event.user_id, Event.course_id, Event.kind, Event.value).where(
            Event.kind.in_((EventKind.PROGRESS, EventKind.COMPLETE))
        )
    ):
        done = kind == EventKind.COMPLETE
        p = 1.0 if done else (value or 0.0)
        old_p, old_done = best.get((user_id, course_id), (0.0, False))
        best[(user_id, course_id)] = (round(max(old_p, p), 6), old_done or done)
    return best


def _learners(session, count: int) -> list[User]:
    return [
        register_user(session, f"cp{i}@example.cn", PASSWORD, f"Learner {i}", role=Role.LEARNER)
        for i in range(count)
    ]


def test_the_standing_follows_events_written_one_by_one_and_in_bulk(session):
    provider = make_provider(session)
    courses = [make_course(session, provider.id, title=f"课程 {i}") for i in range(3)]
    learners = _learners(session, 4)
    session.commit()
    a, b = learners[0].id, learners[1].id
    first, second = courses[0].id, courses[1].id

    # Through the service, one event at a time.
    record_event(session, a, first, EventKind.PROGRESS, value=0.25)
    record_event(session, a, first, EventKind.PROGRESS, value=0.5)
    record_event(session, a, first, EventKind.VIEW)
    session.commit()
    assert _standing(session) == {(a, first): (0.5, False)}

    # Progress never goes back; a completion is 1.0 and stays.
    record_event(session, a, first, EventKind.PROGRESS, value=0.1)
    record_event(session, b, second, EventKind.COMPLETE)
    record_event(session, b, second, EventKind.PROGRESS, value=0.3)
    session.commit()
    assert _standing(session) == {(a, first): (0.5, False), (b, second): (1.0, True)}

    # A bulk insert of many rows in one statement, repeated pairs within it included.
    rng = random.Random(7)
    kinds = [EventKind.PROGRESS, EventKind.PROGRESS, EventKind.COMPLETE, EventKind.VIEW]
    rows = []
    for _ in range(400):
        kind = rng.choice(kinds)
        rows.append(
            {
                "user_id": rng.choice(learners).id,
                "course_id": rng.choice(courses).id,
                "kind": kind,
                "value": round(rng.random(), 3) if kind == EventKind.PROGRESS else None,
            }
        )
    session.execute(insert(Event), rows)  # executemany
    session.execute(insert(Event).values(rows[:50]))  # one multi-row INSERT
    session.commit()
    expected = _from_events(session)
    assert len(expected) > 6
    assert _standing(session) == expected


def test_a_deleted_learner_or_course_takes_its_standing_with_it(session):
    provider = make_provider(session)
    course = make_course(session, provider.id)
    other = make_course(session, provider.id, title="八段锦")
    learner, keeper = _learners(session, 2)
    session.commit()
    for who in (learner.id, keeper.id):
        record_event(session, who, course.id, EventKind.PROGRESS, value=0.4)
        record_event(session, who, other.id, EventKind.COMPLETE)
    session.commit()
    session.execute(sa.delete(User).where(User.id == learner.id))
    session.commit()
    assert {u for u, _c in _standing(session)} == {keeper.id}
    session.execute(sa.delete(type(course)).where(type(course).id == other.id))
    session.commit()
    assert _standing(session) == {(keeper.id, course.id): (0.4, False)}


def test_the_upgrade_fills_the_standing_from_older_events(fresh_database_url):
    engine = make_engine(fresh_database_url)
    try:
        upgrade_database(engine, "0030")
        with Session(engine) as session:
            user_id = _learners(session, 1)[0].id
            course_id = make_course(session, make_provider(session).id).id
            session.commit()
        with engine.begin() as db:
            for kind, value in (("progress", 0.2), ("progress", 0.7), ("view", None)):
                db.execute(
                    sa.text(
                        "INSERT INTO events (user_id, course_id, kind, value, created_at) "
                        "VALUES (:u, :c, :k, :v, CURRENT_TIMESTAMP)"
                    ),
                    {"u": user_id, "c": course_id, "k": kind, "v": value},
                )
        upgrade_database(engine)
        with engine.begin() as db:
            assert _standing(db) == {(user_id, course_id): (0.7, False)}
            # And from now on the trigger keeps it.
            db.execute(
                sa.text(
                    "INSERT INTO events (user_id, course_id, kind, created_at) "
                    "VALUES (:u, :c, 'complete', CURRENT_TIMESTAMP)"
                ),
                {"u": user_id, "c": course_id},
            )
            assert _standing(db) == {(user_id, course_id): (1.0, True)}
            assert db.scalar(select(func.count()).select_from(CourseProgress)) == 1
    finally:
        engine.dispose()

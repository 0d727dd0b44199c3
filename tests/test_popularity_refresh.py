"""The popularity refresh counts without holding the database's write lock: on SQLite a
learner's like during the minutes-long count is stored, and the refresh still completes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, func, select

from catalogue.db import make_engine, make_session_factory
from catalogue.models import CourseStats, Event
from catalogue.services.activity import record_event, refresh_course_stats
from catalogue.services.users import register_user
from tests.helpers import make_course, make_provider


def test_a_write_during_the_count_is_neither_blocked_nor_lost(engine, database_url):
    sessions = make_session_factory(engine)
    with sessions() as setup:
        course = make_course(setup, make_provider(setup).id)
        learners = [
            register_user(setup, f"r{i}@example.cn", "password-123", f"r{i}") for i in range(2)
        ]
        record_event(setup, learners[0].id, course.id, "view")
        setup.commit()
        course_id, other = course.id, learners[1].id

    other_engine = make_engine(database_url)
    during: list[str] = []

    def write_while_counting(conn, cursor, statement, parameters, context, executemany):
        if "UNION ALL" not in statement or during:
            return
        # Another web process: a learner likes the course while the count has just run.
        with other_engine.connect() as writer:
            if writer.dialect.name == "sqlite":
                writer.exec_driver_sql("PRAGMA busy_timeout=300")  # a held lock fails fast
            with make_session_factory(writer)() as learner_session:
                record_event(learner_session, other, course_id, "like")
                learner_session.commit()
            writer.commit()
        during.append(statement)

    event.listen(engine, "after_cursor_execute", write_while_counting)
    try:
        with sessions() as session:  # the job's own, fresh session
            assert refresh_course_stats(session) == 1
            session.commit()
    finally:
        event.remove(engine, "after_cursor_execute", write_while_counting)
        other_engine.dispose()

    assert during, "the count statement was not seen"
    with sessions() as check:
        kinds = sorted(str(k.value) for k in check.scalars(select(Event.kind)))
        assert kinds == ["like", "view"]
        assert check.scalar(select(func.count()).select_from(CourseStats)) == 1
        stats = check.get(CourseStats, course_id)
        assert stats.views == 1


def test_refresh_replaces_every_row_in_batches(session, monkeypatch):
    import catalogue.services.activity as activity

    monkeypatch.setattr(activity, "_BATCH", 3)
    provider = make_provider(session)
    courses = [make_course(session, provider.id, title=f"书法 {i}") for i in range(8)]
    learner = register_user(session, "b@example.cn", "password-123", "b")
    for course in courses:
        record_event(session, learner.id, course.id, "save")
    session.commit()
    assert refresh_course_stats(session) == 8
    session.commit()
    assert session.scalar(select(sa.func.sum(CourseStats.saves))) == 8
    assert set(session.scalars(select(activity.Course.popularity))) == {4.0}

"""The cockpit's rollup job while learners write (found by tests/test_insight_live.py's load):
on PostgreSQL an id is taken from the sequence when a row is inserted, not when its transaction
commits, so a transaction can commit an event with a lower id after another committed a higher
one. The job must not move its watermark past the lower id before that event is visible, or the
event is never counted. (SQLite has one writer at a time: ids commit in order.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from catalogue.db import make_session_factory
from catalogue.models import Event, EventKind, User
from insight.models import DailyFigure
from insight.rollups import run_rollups
from jobs.context import JobContext
from jobs.insight import insight_rollups
from tests.helpers import make_course

ZONE = ZoneInfo("Asia/Shanghai")


def _views_counted(session) -> int:
    session.expire_all()
    return (
        session.scalar(
            select(func.sum(DailyFigure.value)).where(
                DailyFigure.metric == "events.view", DailyFigure.area == ""
            )
        )
        or 0
    )


def test_an_event_that_commits_after_a_later_one_is_counted(engine, session, tmp_path):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: its ids commit in order")
    course = make_course(session)
    user = User(email="race@example.cn", password_hash="x", display_name="学员")
    session.add(user)
    session.commit()
    slow = make_session_factory(engine)()
    try:
        # A learner's request takes id N for its view and has not committed yet …
        slow.add(Event(user_id=user.id, course_id=course.id, kind=EventKind.VIEW))
        slow.flush()
        # … while another's takes N + 1 and commits.
        session.add(Event(user_id=user.id, course_id=course.id, kind=EventKind.VIEW))
        session.commit()
        # The worker's job runs now,
        context = JobContext(
            database_url=engine.url.render_as_string(hide_password=False),
            index_dir=tmp_path / "index",
            model_dir=tmp_path / "models",
        )
        insight_rollups(context)
        # then the slow request commits.
        slow.commit()
    finally:
        slow.close()
    # A later run (the events are old enough by then) counts both.
    later = datetime.now(UTC) + timedelta(minutes=5)
    run_rollups(make_session_factory(engine), ZONE, now=later)
    assert session.scalar(select(func.count()).select_from(Event)) == 2
    assert _views_counted(session) == 2


def test_a_transaction_open_longer_than_the_lag_holds_the_watermark_back(engine, session):
    """The settle time alone covers transactions shorter than it: one still open after it has
    passed (here the lag is 0) must hold the job back until it commits, not be skipped."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: its ids commit in order")
    course = make_course(session)
    user = User(email="slow@example.cn", password_hash="x", display_name="学员")
    session.add(user)
    session.commit()
    sessions = make_session_factory(engine)
    slow = sessions()
    try:
        slow.add(Event(user_id=user.id, course_id=course.id, kind=EventKind.VIEW))
        slow.flush()  # id N taken, not committed, older than the lag
        session.add(Event(user_id=user.id, course_id=course.id, kind=EventKind.VIEW))
        session.commit()  # N + 1 committed
        run_rollups(sessions, ZONE, lag=timedelta(0))
        assert _views_counted(session) == 0  # N + 1 waits behind the open transaction
        slow.commit()
    finally:
        slow.close()
    run_rollups(sessions, ZONE, lag=timedelta(0))
    assert _views_counted(session) == 2

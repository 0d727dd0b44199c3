"""Two runs of a counting job at once (the worker's, and one by hand with `lifelong jobs run`,
as docs/insight.md says a backfill is done): they must take turns, not both read the same
watermark and add the same events twice. Both jobs: the partners' course analytics
(insight/course_stats.py) and the cockpit's rollups (insight/rollups.py).

To make the runs overlap for sure, a third transaction holds the figure row both will add to:
each run has read its batch by the time it waits there. On SQLite one writer at a time keeps
them apart anyway (the second fails on its stale snapshot rather than adding twice)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from catalogue.db import make_session_factory
from catalogue.models import Event, EventKind, SearchQuery, User
from insight import course_stats
from insight.models import DailyFigure
from insight.models.course_stats import CourseDay
from insight.rollups import run_rollups
from tests.helpers import make_course

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def viewed(engine, session):
    """A course with one view counted by both jobs, and three more views not yet counted."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: a second run cannot add at the same time")
    course = make_course(session)
    user = User(email="runs@example.cn", password_hash="x", display_name="学员")
    session.add(user)
    session.commit()
    at = datetime.now(UTC) - timedelta(minutes=1)

    def view() -> None:
        session.add(Event(user_id=user.id, course_id=course.id, kind=EventKind.VIEW, created_at=at))
        session.commit()

    view()
    course_stats.count_events(session, zone=ZONE, lag=timedelta(0))
    run_rollups(make_session_factory(engine), ZONE)
    for _ in range(3):
        view()
    session.add(SearchQuery(text="太极拳", results=5, created_at=at))  # top queries to redo
    session.commit()
    return course.id, at.astimezone(ZONE).date()


def _twice_at_once(engine, hold_sql: str, params: dict, run) -> list[BaseException]:
    """Hold the row (FOR UPDATE) while two runs start, let go after both read their batch."""
    failures: list[BaseException] = []

    def guarded() -> None:
        try:
            run()
        except BaseException as exc:
            failures.append(exc)

    with engine.connect() as holder:
        holder.execute(text(hold_sql), params)
        threads = [threading.Thread(target=guarded) for _ in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(3)  # both runs are waiting: at the held row, or (fixed) one at the lock
        holder.rollback()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads)
    return failures


def test_two_course_analytics_runs_at_once_count_each_event_once(engine, session, viewed):
    course_id, day = viewed

    def run() -> None:
        with make_session_factory(engine)() as own:
            course_stats.count_events(own, zone=ZONE, lag=timedelta(0))

    failures = _twice_at_once(
        engine,
        "SELECT views FROM analytics_course_days WHERE course_id = :c AND day = :d FOR UPDATE",
        {"c": course_id, "d": day},
        run,
    )
    assert failures == []
    session.expire_all()
    assert session.get(CourseDay, (course_id, day)).views == 4


def test_two_rollup_runs_at_once_count_each_event_once(engine, session, viewed):
    _course_id, day = viewed

    def run() -> None:
        run_rollups(make_session_factory(engine), ZONE)

    failures = _twice_at_once(
        engine,
        "SELECT value FROM insight_daily WHERE metric = 'events.view' AND area = '' "
        "AND day = :d FOR UPDATE",
        {"d": day},
        run,
    )
    assert failures == []
    session.expire_all()
    views = session.scalar(
        select(func.sum(DailyFigure.value)).where(
            DailyFigure.metric == "events.view", DailyFigure.area == ""
        )
    )
    assert views == 4

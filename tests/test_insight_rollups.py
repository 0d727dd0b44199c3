"""The cockpit's rollups (insight/rollups.py): what the job adds up equals a count from scratch,
running twice adds nothing, a run that dies mid-batch leaves the watermark and the figures
consistent. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from catalogue.db import make_session_factory
from catalogue.models import Area, Event, EventKind, Role, SearchQuery, User
from insight import cockpit
from insight.models import DailyFigure, LearnerDay, TopQuery
from insight.rollup_store import watermark
from insight.rollups import run_rollups
from jobs.context import JobContext
from jobs.insight import insight_rollups
from tests.helpers import make_course, make_provider

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def _user(session, n: int, *, role=Role.LEARNER, caring=False, areas=(), created=NOW) -> User:
    user = User(
        email=f"r{n}@example.org",
        password_hash="x",
        display_name=f"R{n}",
        role=role,
        caring_mode=caring,
        interest_areas=list(areas),
        created_at=created,
    )
    session.add(user)
    session.flush()
    return user


@pytest.fixture
def world(session):
    provider = make_provider(session)
    elderly = make_course(session, provider.id, area=Area.ELDERLY)
    hobbies = make_course(session, provider.id, area=Area.HOBBIES, title="摄影")
    users = [
        _user(session, i, caring=i % 2 == 0, areas=["elderly"] if i < 3 else ["hobbies", "x"])
        for i in range(5)
    ]
    session.commit()
    return {"courses": (elderly, hobbies), "users": users}


def _events(session, world, start: datetime, n: int) -> None:
    """n events spread over hours (crossing Shanghai's midnight at 16:00 UTC)."""
    kinds = [EventKind.VIEW, EventKind.START, EventKind.COMPLETE, EventKind.RATE, EventKind.LIKE]
    courses, users = world["courses"], world["users"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        session.add(
            Event(
                user_id=users[(i * 7) % len(users)].id,
                course_id=courses[i % 2].id,
                kind=kind,
                value=float(1 + i % 5) if kind == EventKind.RATE else None,
                created_at=start + timedelta(hours=i * 5),
            )
        )
    session.commit()


def _expected_events(session, up_to: int | None = None) -> Counter:
    """Counted from scratch: events per (metric, area, local day)."""
    from catalogue.models import Course

    query = select(Event.kind, Event.value, Event.created_at, Course.area).join(
        Course, Course.id == Event.course_id
    )
    if up_to is not None:
        query = query.where(Event.id <= up_to)
    expected: Counter = Counter()
    for kind, value, created_at, area in session.execute(query):
        day = created_at.astimezone(ZONE).date()
        for a in (str(area), ""):
            expected[(f"events.{kind.value}", a, day)] += 1
            if kind == EventKind.RATE:
                expected[("ratings.sum", a, day)] += int(value)
    return expected


def _stored(session, prefixes=("events.", "ratings.")) -> Counter:
    session.expire_all()
    return Counter(
        {
            (m, a, d): v
            for m, a, d, v in session.execute(
                select(DailyFigure.metric, DailyFigure.area, DailyFigure.day, DailyFigure.value)
            )
            if m.startswith(prefixes) and v
        }
    )


def _expected_active(session, day, span: int) -> int:
    first = day - timedelta(days=span - 1)
    return len(
        {
            u
            for u, created_at in session.execute(select(Event.user_id, Event.created_at))
            if first <= created_at.astimezone(ZONE).date() <= day
        }
    )


def test_increments_equal_a_recount_and_twice_adds_nothing(session, engine, world):
    sessions = make_session_factory(engine)
    _events(session, world, NOW - timedelta(days=6), 20)
    first = run_rollups(sessions, ZONE, batch=7, now=NOW)
    assert first["events"] == 20
    assert _stored(session) == _expected_events(session)

    _events(session, world, NOW - timedelta(days=2), 13)
    second = run_rollups(sessions, ZONE, batch=7, now=NOW)
    assert second["events"] == 13
    assert _stored(session) == _expected_events(session)

    before = _stored(session, ("",))
    again = run_rollups(sessions, ZONE, batch=7, now=NOW)
    assert again["events"] == again["search_queries"] == again["users"] == 0
    assert _stored(session, ("",)) == before

    today = NOW.astimezone(ZONE).date()
    for day in (today, today - timedelta(days=1), today - timedelta(days=3)):
        week_to_date = day.weekday() + 1  # from Monday (2026-11-16); events go back 6 days
        month_to_date = day.day
        for metric, span in (
            ("active.day", 1),
            ("active.week", 7),
            ("active.month", 30),
            ("active.week_to_date", week_to_date),
            ("active.month_to_date", month_to_date),
        ):
            got = session.scalar(
                select(DailyFigure.value).where(
                    DailyFigure.metric == metric, DailyFigure.area == "", DailyFigure.day == day
                )
            )
            assert (got or 0) == _expected_active(session, day, span), (metric, day)


def test_a_run_that_dies_mid_batch_leaves_the_watermark_consistent(session, engine, world):
    sessions = make_session_factory(engine)
    _events(session, world, NOW - timedelta(days=4), 17)
    batches = []

    def die_in_second_batch(source: str) -> None:
        if source == "events":
            batches.append(source)
            if len(batches) == 2:
                raise RuntimeError("the worker died")

    with pytest.raises(RuntimeError, match="died"):
        run_rollups(sessions, ZONE, batch=5, now=NOW, before_commit=die_in_second_batch)
    session.expire_all()
    mark = watermark(session, "events")
    ids = session.scalars(select(Event.id).order_by(Event.id)).all()
    assert mark == ids[4]  # the first batch of five, and nothing of the second
    assert _stored(session) == _expected_events(session, up_to=mark)
    learners = session.scalar(select(LearnerDay.user_id).limit(1))
    assert learners is not None
    session.rollback()  # a watermark read holds its lock on PostgreSQL until the transaction ends

    run_rollups(sessions, ZONE, batch=5, now=NOW)
    assert watermark(session, "events") == ids[-1]
    assert _stored(session) == _expected_events(session)


def test_searches_new_learners_and_caring_share(session, engine, world):
    sessions = make_session_factory(engine)
    _user(session, 90, role=Role.EDITOR)  # staff are not learners
    for text, results, relaxed in [
        ("太极拳", 12, None),
        ("  太极拳 ", 8, None),
        ("<script>alert(1)</script>", 0, None),
        ("<script>alert(1)</script>", 0, None),
        ("摄影 入门", 2, None),
        ("书法", 5, "or"),
    ]:
        session.add(SearchQuery(text=text, results=results, relaxed=relaxed, created_at=NOW))
    session.commit()
    run_rollups(sessions, ZONE, batch=4, now=NOW)
    today = NOW.astimezone(ZONE).date()

    def figure(metric, area=""):
        return cockpit.period_total(session, metric, today, today, area=area)

    assert (figure("search.all"), figure("search.zero"), figure("search.poor")) == (6, 2, 2)
    assert figure("learners.new") == 5
    assert figure("learners.new", "elderly") == 3
    assert figure("learners.new", "hobbies") == 2
    assert figure("learners.total") == 5
    assert figure("learners.caring") == 3
    top = session.execute(
        select(TopQuery.text, TopQuery.searches)
        .where(TopQuery.period_days == 7, TopQuery.kind == "all")
        .order_by(TopQuery.rank)
    ).all()
    # most typed first, ties in text order; texts trimmed and spaces folded
    assert top == [
        ("<script>alert(1)</script>", 2),
        ("太极拳", 2),
        ("书法", 1),
        ("摄影 入门", 1),
    ]
    zero = cockpit.top_queries(session, 7, "zero")
    assert [(q.text, q.zero_results) for q in zero] == [("<script>alert(1)</script>", 2)]


def test_the_job_runs_from_its_registry_entry(session, engine, world, tmp_path):
    from jobs.registry import get_job

    _events(session, world, datetime.now(UTC) - timedelta(hours=30), 6)
    job = get_job("insight-rollups")
    context = JobContext(
        database_url=engine.url.render_as_string(hide_password=False),
        index_dir=tmp_path / "index",
        model_dir=tmp_path / "models",
    )
    figures = job.func(context)
    assert figures["events"] == 6
    assert job.func is insight_rollups
    assert sum(_stored(session).values()) == sum(_expected_events(session).values())


def test_changing_tables_are_recounted_not_added_twice(session, engine, world):
    from assistant.models import Conversation, ConversationStatus, Outcome, Question
    from catalogue.models import JobOutcome, JobRun
    from records.models.learning_time import LearningDay

    sessions = make_session_factory(engine)
    today = NOW.astimezone(ZONE).date()
    elderly, hobbies = world["courses"]
    learner = world["users"][0]
    day = LearningDay(user_id=learner.id, course_id=elderly.id, day=today, seconds=600)
    chat = Conversation(
        public_id="c" * 43,
        user_id=learner.id,
        status=ConversationStatus.WAITING,
        created_at=NOW,
        handed_off_at=NOW,
    )
    session.add_all(
        [
            day,
            LearningDay(user_id=learner.id, course_id=hobbies.id, day=today, seconds=300),
            chat,
            Question(text="怎么改密码", language="zh", outcome=Outcome.HANDED_OFF, created_at=NOW),
            JobRun(job_id="index-rebuild", trigger="schedule", started_at=NOW),
            JobRun(
                job_id="index-rebuild",
                trigger="schedule",
                started_at=NOW,
                outcome=JobOutcome.FAILED,
            ),
        ]
    )
    session.commit()

    def figure(metric, area=""):
        return cockpit.period_total(session, metric, today, today, area=area)

    run_rollups(sessions, ZONE, now=NOW)
    assert figure("learning.seconds") == 900
    assert figure("learning.seconds", "elderly") == 600
    assert (figure("desk.conversations"), figure("desk.handoffs")) == (1, 1)
    assert (figure("desk.questions"), figure("desk.ratings")) == (1, 0)
    assert (figure("jobs.runs"), figure("jobs.failed")) == (2, 1)
    assert figure("courses.published") == 2 and figure("courses.published", "hobbies") == 1

    # The learner goes on learning and rates the conversation: the day is recounted.
    day.seconds = 1500
    chat.rating = 4
    session.commit()
    run_rollups(sessions, ZONE, now=NOW)
    session.expire_all()
    assert figure("learning.seconds") == 1800
    assert (figure("desk.ratings"), figure("desk.rating_sum")) == (1, 4)
    assert (figure("desk.conversations"), figure("jobs.runs")) == (1, 2)


def test_a_deleted_accounts_placeholder_is_not_a_new_or_counted_learner(session, engine, world):
    """Deleting an account moves its events to a placeholder account: the placeholder is
    nobody, so neither the day's new learners nor the learner total counts it."""
    from records.personal_data import delete_account

    sessions = make_session_factory(engine)
    today = NOW.astimezone(ZONE).date()
    run_rollups(sessions, ZONE, batch=4, now=NOW)
    assert cockpit.period_total(session, "learners.new", today, today) == 5
    leaving = world["users"][0].id
    session.add(Event(user_id=leaving, course_id=world["courses"][0].id, kind=EventKind.VIEW))
    session.commit()
    deletion = delete_account(session, leaving)
    session.commit()
    placeholder = session.get(User, deletion.placeholder_id)
    placeholder.created_at = NOW  # made today, as a sign-up would be
    session.commit()
    later = NOW + timedelta(hours=1)
    run_rollups(sessions, ZONE, batch=4, now=later)
    session.expire_all()
    assert cockpit.period_total(session, "learners.new", today, today) == 5
    assert cockpit.period_total(session, "learners.total", today, today) == 4

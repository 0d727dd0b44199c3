"""Partners' course analytics rollups (insight/course_stats.py) on both databases: increments
equal a recount, runs are idempotent, the area median of a hand-built example, learning time,
poor searches, search visits and the Excel-safe export."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from catalogue.models import Area, Event, EventKind, Lesson, SearchQuery
from catalogue.services.activity import record_event
from catalogue.services.search_admin import record_query
from catalogue.services.users import register_user
from insight import course_stats, partner_analytics
from insight.models.course_stats import (
    AreaMedian,
    CourseDay,
    CoursePeriod,
    LessonFunnel,
    ProviderDay,
    SearchVisit,
)
from insight.search_visits import record_visit
from records.models.learning_time import LearningDay
from tests.helpers import make_course, make_provider

ZONE = ZoneInfo("Asia/Shanghai")
NO_LAG = timedelta(0)
KINDS = [
    EventKind.VIEW,
    EventKind.VIEW,
    EventKind.START,
    EventKind.COMPLETE,
    EventKind.LIKE,
    EventKind.UNLIKE,
    EventKind.SAVE,
    EventKind.UNSAVE,
    EventKind.RATE,
    EventKind.PROGRESS,
    EventKind.SHARE,
]


def _learners(session, n: int) -> list[int]:
    return [
        register_user(session, f"l{i}-{random.random()}@example.org", "password-123", f"L{i}").id
        for i in range(n)
    ]


def _world(session):
    provider = make_provider(session)
    other = make_provider(session)
    courses = [
        make_course(session, provider.id, lessons=3),
        make_course(session, provider.id, area=Area.HOBBIES, lessons=2),
        make_course(session, other.id, lessons=1),
    ]
    users = _learners(session, 4)
    session.commit()
    return provider, other, courses, users


def _value(kind: EventKind, rng: random.Random) -> float | None:
    if kind == EventKind.RATE:
        return float(rng.randint(1, 5))
    return 0.5 if kind == EventKind.PROGRESS else None


def _add_events(session, courses, users, rng: random.Random, n: int) -> None:
    start = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    for _ in range(n):
        course = rng.choice(courses)
        kind = rng.choice(KINDS)
        lessons = session.scalars(select(Lesson.id).where(Lesson.course_id == course.id)).all()
        record_event(
            session,
            rng.choice(users),
            course.id,
            kind,
            value=_value(kind, rng),
            lesson_id=rng.choice(lessons) if kind == EventKind.PROGRESS else None,
            at=start + timedelta(hours=rng.randint(0, 24 * 5)),
        )
    session.commit()


def _recount(session) -> tuple[dict, dict, Counter]:
    """The figures counted straight from the events, independently of the job's code."""
    column = {
        "view": "views",
        "start": "starts",
        "complete": "completions",
        "like": "likes",
        "unlike": "unlikes",
        "save": "saves",
        "unsave": "unsaves",
        "rate": "ratings",
    }
    courses: dict = {}
    providers: dict = {}
    funnel: Counter = Counter()
    from catalogue.models import Course

    provider_of = dict(session.execute(select(Course.id, Course.provider_id)).all())
    for event in session.scalars(select(Event)):
        kind = str(event.kind)
        if kind == "progress":
            funnel[(event.course_id, event.lesson_id)] += 1
            continue
        if kind not in column:
            continue
        day = event.created_at.astimezone(ZONE).date()
        for table, key in (
            (courses, (event.course_id, day)),
            (providers, (provider_of[event.course_id], day)),
        ):
            row = table.setdefault(key, Counter())
            row[column[kind]] += 1
            if kind == "rate":
                row["rating_sum"] += int(event.value)
    return courses, providers, funnel


def _stored(session) -> tuple[dict, dict, Counter]:
    names = ["views", "starts", "completions", "likes", "unlikes", "saves", "unsaves"]
    names += ["ratings", "rating_sum"]

    def counts(row) -> Counter:
        return Counter({n: getattr(row, n) for n in names if getattr(row, n)})

    courses = {(r.course_id, r.day): counts(r) for r in session.scalars(select(CourseDay))}
    providers = {(r.provider_id, r.day): counts(r) for r in session.scalars(select(ProviderDay))}
    funnel = Counter(
        {(r.course_id, r.lesson_id): r.finished for r in session.scalars(select(LessonFunnel))}
    )
    return courses, providers, funnel


def test_increments_equal_a_recount(session):
    _provider, _other, courses, users = _world(session)
    rng = random.Random(7)
    for round_ in range(3):
        _add_events(session, courses, users, rng, 40)
        # Small batches: the watermark moves many times per run.
        counted = course_stats.count_events(session, zone=ZONE, batch=7, lag=NO_LAG)
        assert counted == 40, round_
    assert _stored(session) == _recount(session)
    mark = course_stats.get_mark(session, course_stats.EVENT_MARK)
    assert mark == session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1))


def test_runs_are_idempotent_and_a_rebuild_gives_the_same(session):
    _provider, _other, courses, users = _world(session)
    _add_events(session, courses, users, random.Random(3), 60)
    course_stats.run(session, zone=ZONE, lag=NO_LAG, force=True)
    first = _stored(session)
    again = course_stats.run(session, zone=ZONE, lag=NO_LAG, force=True)
    assert again.events == 0
    assert _stored(session) == first
    course_stats.rebuild(session, zone=ZONE, lag=NO_LAG)
    assert _stored(session) == first == _recount(session)


def test_young_events_wait_for_the_next_run(session):
    _provider, _other, courses, users = _world(session)
    record_event(session, users[0], courses[0].id, EventKind.VIEW)
    session.commit()
    assert course_stats.count_events(session, zone=ZONE, lag=timedelta(minutes=5)) == 0
    assert course_stats.count_events(session, zone=ZONE, lag=NO_LAG) == 1


def _day(session, course, day: date, **counts) -> None:
    row = dict.fromkeys((*course_stats.DAY_COUNTS, "learning_seconds"), 0)
    row.update(counts)
    session.add(
        CourseDay(
            course_id=course.id,
            day=day,
            provider_id=course.provider_id,
            area=str(course.area),
            **row,
        )
    )


def test_area_median_of_a_hand_built_example(session):
    provider = make_provider(session)
    elderly = [make_course(session, provider.id, lessons=1) for _ in range(4)]
    hobby = make_course(session, provider.id, area=Area.HOBBIES, lessons=1)
    session.commit()
    today = date(2026, 12, 2)
    yesterday = today - timedelta(days=1)
    # Views over the last 7 full days: 2, 4 (two days), 10, 30 → median (4 + 10) / 2 = 7.
    _day(session, elderly[0], yesterday, views=2, starts=2, completions=1)
    _day(session, elderly[1], yesterday, views=1, starts=4, completions=1)
    _day(session, elderly[1], yesterday - timedelta(days=3), views=3)
    _day(session, elderly[2], yesterday, views=10, learning_seconds=600)
    _day(session, elderly[3], yesterday, views=30)
    # Outside the 7 days (but inside 30), and today (not a full day yet): not in the 7 days.
    _day(session, elderly[3], today - timedelta(days=8), views=1000)
    _day(session, elderly[0], today, views=500)
    _day(session, hobby, yesterday, views=99)
    session.commit()
    course_stats.refresh_periods(session, today)
    session.commit()
    medians = {
        (m.area, m.metric): (m.median, m.courses)
        for m in session.scalars(select(AreaMedian).where(AreaMedian.period_days == 7))
    }
    assert medians[("elderly", "views")] == (7.0, 4)
    assert medians[("hobbies", "views")] == (99.0, 1)
    # Completion rate: only courses with starts, 1/2 and 1/4 → 0.375.
    assert medians[("elderly", "completion_rate")] == (0.375, 2)
    # Learning minutes 0, 0, 10, 0 → 0.
    assert medians[("elderly", "learning_minutes")] == (0.0, 4)
    thirty = session.get(CoursePeriod, (elderly[3].id, 30))
    assert thirty.views == 1030
    table = partner_analytics.top_courses(session, provider.id, 7)
    assert [f.views for f in table] == [99, 30, 10, 4, 2]
    assert table[1].medians["views"] == 7.0


def test_learning_time_is_recounted_not_added(session):
    _provider, _other, courses, users = _world(session)
    day = date(2026, 12, 1)
    session.add(LearningDay(user_id=users[0], course_id=courses[0].id, day=day, seconds=300))
    session.add(LearningDay(user_id=users[1], course_id=courses[0].id, day=day, seconds=120))
    session.add(LearningDay(user_id=users[1], course_id=courses[1].id, day=day, seconds=60))
    session.commit()
    for _ in range(2):
        course_stats.recount_learning_time(session, day - timedelta(days=2))
        session.commit()
    assert session.get(CourseDay, (courses[0].id, day)).learning_seconds == 420
    provider_day = session.get(ProviderDay, (courses[0].provider_id, day))
    assert provider_day.learning_seconds == 480


def test_poor_searches_and_the_subject_rule(session):
    provider = make_provider(session)
    make_course(session, provider.id, subjects=["太极拳", "养生"], lessons=1)
    session.commit()
    # Yesterday: the period lists cover full days.
    now = datetime.now(UTC) - timedelta(days=1)
    for text, results, relaxed in [
        ("太极拳 视频", 0, None),
        ("太极拳 视频", 1, None),
        ("养生", 10, "fuzzy"),
        ("养生", 10, None),
        ("钢琴", 0, None),
    ]:
        session.add(
            SearchQuery(text=text, filters={}, results=results, relaxed=relaxed, created_at=now)
        )
    session.commit()
    figures = course_stats.run(session, zone=ZONE, lag=NO_LAG, force=True)
    assert figures.searches == 5
    today = datetime.now(UTC).astimezone(ZONE).date()
    terms = partner_analytics.poor_searches_in_subjects(session, provider.id, 7, today)
    assert [(t.text, t.count, t.zero_results) for t in terms] == [
        ("太极拳 视频", 2, 1),
        ("养生", 1, 0),
    ]
    assert partner_analytics.matches_subjects("太极", ["太极拳"])
    assert not partner_analytics.matches_subjects("钢琴", ["太极拳", "养生"])


def test_search_visits_are_counted_for_recent_searches_only(session):
    provider = make_provider(session)
    course = make_course(session, provider.id, lessons=1)
    session.commit()
    query_id = record_query(session, "  太极拳 ", {}, 3, None)
    assert query_id is not None
    assert record_visit(session, query_id, course.id)
    assert not record_visit(session, query_id, course.id)  # a reload: counted once
    assert not record_visit(session, query_id + 999, course.id)  # no such search
    old = SearchQuery(
        text="old", filters={}, results=1, created_at=datetime.now(UTC) - timedelta(days=2)
    )
    session.add(old)
    session.commit()
    assert not record_visit(session, old.id, course.id)
    visit = session.scalars(select(SearchVisit)).one()
    assert visit.visits == 1 and visit.provider_id == provider.id
    today = datetime.now(UTC).astimezone(ZONE).date()
    terms = partner_analytics.course_search_terms(session, provider.id, course.id, 7, today)
    assert [(t.text, t.count) for t in terms] == [("太极拳", 1)]
    assert session.get(CourseDay, (course.id, today)).search_visits == 1
    # The provider's list covers full days: yesterday's visits, once the day is refreshed.
    session.add(
        SearchVisit(
            search_query_id=query_id,
            course_id=course.id,
            day=today - timedelta(days=1),
            provider_id=provider.id,
            visits=5,
        )
    )
    session.commit()
    course_stats.refresh_periods(session, today)
    session.commit()
    terms = partner_analytics.provider_search_terms(session, provider.id, 7, today)
    assert [(t.text, t.count) for t in terms] == [("太极拳", 5)]


def test_funnel_shows_where_learners_stop(session):
    provider = make_provider(session)
    course = make_course(session, provider.id, lessons=3)
    users = _learners(session, 3)
    session.commit()
    lessons = session.scalars(
        select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).all()
    from catalogue.services.engagement import finish_lesson

    for done, user in zip((3, 1, 2), users, strict=True):
        for lesson in lessons[:done]:
            finish_lesson(session, user, course.id, lesson)
    finish_lesson(session, users[0], course.id, lessons[0])  # again: not counted twice
    session.commit()
    course_stats.count_events(session, zone=ZONE, lag=NO_LAG)
    started, steps = partner_analytics.lesson_funnel(session, provider.id, course.id)
    assert started == 3
    assert [(s.finished, s.stopped) for s in steps] == [(3, 1), (2, 1), (1, 0)]


def test_another_providers_course_is_not_found(session):
    from catalogue.errors import NotFound

    provider, other, courses, _users = _world(session)
    with pytest.raises(NotFound):
        partner_analytics.lesson_funnel(session, provider.id, courses[2].id)
    with pytest.raises(NotFound):
        partner_analytics.course_figures(session, other.id, courses[0].id, 30)


def test_export_is_excel_safe_and_escaped():
    figure = partner_analytics.CourseFigures(
        course_id=1,
        title='=HYPERLINK("http://evil","点我"), "引号"',
        area="elderly",
        views=5,
        starts=2,
        completions=1,
        likes=0,
        saves=0,
        ratings=0,
        average_rating=None,
        search_visits=0,
        learning_minutes=3,
        completion_rate=0.5,
        medians={"views": 2.0},
    )
    text = partner_analytics.courses_csv([figure], ["id", "@title"] + ["x"] * 13)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][1] == "'@title"
    assert rows[1][1] == "'" + figure.title
    assert rows[1][6] == "50.0%"


def test_period_is_validated():
    from catalogue.errors import ValidationError

    assert partner_analytics.parse_period(None) == 30
    assert partner_analytics.parse_period("7") == 7
    for bad in ("8", "abc", "-1"):
        with pytest.raises(ValidationError):
            partner_analytics.parse_period(bad)


def test_the_daily_refresh_writes_in_short_transactions_with_the_same_result(
    session, engine, monkeypatch
):
    """A range of course ids per write transaction (the site's writes never wait behind the
    whole refresh on SQLite): the same totals as one range, and a course whose days left every
    period loses its rows."""
    from sqlalchemy import event

    provider = make_provider(session)
    courses = [make_course(session, provider.id, lessons=1) for _ in range(5)]
    session.commit()
    today = date(2026, 12, 2)
    for n, course in enumerate(courses):
        _day(session, course, today - timedelta(days=1 + n), views=10 * (n + 1), starts=n)
        _day(session, course, today - timedelta(days=20 + n), views=1, completions=1)
    session.commit()

    def refreshed() -> dict:
        course_stats.refresh_periods(session, today)
        rows = session.scalars(select(CoursePeriod)).all()
        return {(r.course_id, r.period_days): (r.views, r.starts, r.completions) for r in rows}

    whole = refreshed()
    assert whole[(courses[4].id, 7)] == (50, 4, 0) and whole[(courses[4].id, 30)] == (51, 4, 1)
    commits: list[int] = []

    def count(_connection) -> None:
        commits.append(1)

    event.listen(engine, "commit", count)
    try:
        monkeypatch.setattr(course_stats, "REFRESH_CHUNK", 2)
        assert refreshed() == whole
    finally:
        event.remove(engine, "commit", count)
    ids = sorted(c.id for c in courses)
    chunks = len(range(ids[0], ids[-1] + 1, 2))
    assert len(commits) >= 3 * chunks  # each period's ranges apart, then the other parts
    # The oldest course's days leave every period: its rows go, the others' stay.
    session.execute(CourseDay.__table__.delete().where(CourseDay.course_id == courses[0].id))
    session.commit()
    after = refreshed()
    assert not [key for key in after if key[0] == courses[0].id]
    assert {k: v for k, v in whole.items() if k[0] != courses[0].id} == after

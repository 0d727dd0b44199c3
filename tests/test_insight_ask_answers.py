""" "Ask the data" answers over the rollups: source rows are seeded, the rollup job's function
runs, the question is asked, and the figure is compared with a count made directly from the
source rows. On SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from catalogue.db import make_session_factory
from catalogue.models import Area, Event, EventKind, Role, SearchQuery, User
from insight.ask.answer import Answer, Unanswerable, ask
from insight.rollups import run_rollups
from tests.helpers import make_course, make_provider

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)  # noon in Shanghai
TODAY = date(2026, 12, 2)
AREAS = ["elderly", "hobbies", "workplace"]


def _local(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def _moment(rng: random.Random, first: datetime, last: datetime) -> datetime:
    return first + timedelta(seconds=rng.randrange(int((last - first).total_seconds())))


@pytest.fixture
def world(session, engine):
    """Learners, courses, events and searches over October to 2 December, rolled up."""
    rng = random.Random(17)
    provider = make_provider(session)
    courses = {
        area: make_course(session, provider.id, area=Area(area), title=f"课程{area}")
        for area in AREAS
    }
    start = datetime(2026, 9, 20, tzinfo=UTC)
    learners = []
    for i in range(60):
        user = User(
            email=f"ask{i}@example.org",
            password_hash="x",
            display_name=f"A{i}",
            role=Role.LEARNER,
            caring_mode=rng.random() < 0.3,
            interest_areas=rng.sample(AREAS, rng.randint(0, 2)),
            created_at=_moment(rng, start, NOW),
        )
        session.add(user)
        learners.append(user)
    session.add(
        User(
            email="staff@example.org",
            password_hash="x",
            display_name="S",
            role=Role.ADMIN,
            created_at=datetime(2026, 11, 10, tzinfo=UTC),
        )
    )
    session.flush()
    events = []
    for _ in range(400):
        user = rng.choice(learners)
        area = rng.choice(AREAS)
        event = Event(
            user_id=user.id,
            course_id=courses[area].id,
            kind=rng.choice([EventKind.VIEW, EventKind.START, EventKind.COMPLETE]),
            created_at=_moment(rng, datetime(2026, 9, 25, tzinfo=UTC), NOW),
        )
        session.add(event)
        events.append((user.id, area, event.kind, event.created_at))
    searches = []
    for i in range(120):
        moment = _moment(rng, datetime(2026, 9, 25, tzinfo=UTC), NOW)
        results = rng.choice([0, 0, 3, 12])
        session.add(SearchQuery(text=f"查询{i % 9}", results=results, created_at=moment))
        searches.append((moment, results))
    session.commit()
    run_rollups(make_session_factory(engine), ZONE, now=NOW)
    return {
        "learners": [(u.created_at, u.interest_areas, u.caring_mode) for u in learners],
        "events": events,
        "searches": searches,
    }


def _in(moment: datetime, first: date, last: date) -> bool:
    return first <= _local(moment) <= last


def _answer(session, question: str) -> Answer:
    result = ask(session, question, TODAY)
    assert isinstance(result, Answer), result
    return result


NOV = (date(2026, 11, 1), date(2026, 11, 30))
OCT = (date(2026, 10, 1), date(2026, 10, 31))


def test_new_learners_in_an_area_last_month(session, world):
    result = _answer(session, "上个月老年教育新增多少学员?")
    expected = sum(1 for at, areas, _c in world["learners"] if _in(at, *NOV) and "elderly" in areas)
    assert expected > 0
    assert result.value == expected
    assert result.understood == "老年教育 · 新增学员 · 2026年11月"
    assert f"{expected} 人" in result.sentence
    assert result.sentence.startswith("2026年11月，老年教育的新增学员为")


def test_new_learners_in_english_and_per_day(session, world):
    total = _answer(session, "How many new learners last month?")
    assert total.value == sum(1 for at, _a, _c in world["learners"] if _in(at, *NOV))
    assert total.query.language == "en"
    assert total.sentence.startswith("November 2026: new learners,")
    daily = _answer(session, "上周每天新增学员")
    monday = date(2026, 11, 23)
    expected = [
        sum(1 for at, _a, _c in world["learners"] if _local(at) == monday + timedelta(days=i))
        for i in range(7)
    ]
    assert daily.chart["categories"][0] == "11-23"
    assert daily.chart["series"][0]["values"] == expected
    assert daily.value == sum(expected)


def test_completions_by_area(session, world):
    result = _answer(session, "上个月各领域完成课程多少次")
    counts = {
        area: sum(
            1
            for _u, a, kind, at in world["events"]
            if a == area and kind == EventKind.COMPLETE and _in(at, *NOV)
        )
        for area in AREAS
    }
    shown = dict(zip(result.chart["categories"], result.chart["series"][0]["values"], strict=True))
    assert shown["老年教育"] == counts["elderly"]
    assert shown["兴趣爱好"] == counts["hobbies"]
    assert shown["职场能力"] == counts["workplace"]
    assert shown["专业技能"] == 0
    assert result.value == sum(counts.values())


def test_active_learners_over_7_30_and_31_days(session, world):
    def distinct(first: date, last: date) -> int:
        return len({u for u, _a, _k, at in world["events"] if _in(at, first, last)})

    assert _answer(session, "最近7天活跃学员").value == distinct(date(2026, 11, 26), TODAY)
    assert _answer(session, "上个月活跃学员").value == distinct(*NOV)
    assert _answer(session, "active learners in October").value == distinct(*OCT)
    elderly = _answer(session, "10月老年教育活跃学员").value
    assert elderly == len(
        {u for u, a, _k, at in world["events"] if a == "elderly" and _in(at, *OCT)}
    )


def test_a_calendar_month_of_active_learners_is_one_read_of_the_rollups(session, world):
    """October's active learners are kept at its last day (active.month_to_date, by the job)
    and the answer reads that figure instead of counting the learner days again."""
    from sqlalchemy import update

    from insight.models import DailyFigure

    kept = (
        (DailyFigure.metric == "active.month_to_date")
        & (DailyFigure.area == "")
        & (DailyFigure.day == date(2026, 10, 31))
    )
    expected = len({u for u, _a, _k, at in world["events"] if _in(at, *OCT)})
    assert session.scalar(select(DailyFigure.value).where(kept)) == expected
    session.execute(update(DailyFigure).where(kept).values(value=expected + 1000))
    session.commit()
    assert _answer(session, "active learners in October").value == expected + 1000


def test_searches_compared_with_the_previous_month(session, world):
    result = _answer(session, "上个月搜索次数环比")
    nov = sum(1 for at, _r in world["searches"] if _in(at, *NOV))
    oct_ = sum(1 for at, _r in world["searches"] if _in(at, *OCT))
    assert (result.value, result.comparison.value) == (nov, oct_)
    assert result.comparison.change == nov - oct_
    assert "环比（2026年10月" in result.sentence
    zero = _answer(session, "zero-result searches last week")
    assert zero.value == sum(
        1
        for at, r in world["searches"]
        if r == 0 and _in(at, date(2026, 11, 23), date(2026, 11, 29))
    )


def test_several_areas(session, world):
    def new_in(area):
        return sum(1 for at, areas, _c in world["learners"] if _in(at, *NOV) and area in areas)

    learners = _answer(session, "上个月老年教育和兴趣爱好新增学员")
    assert learners.value is None  # a learner may have chosen both: no total
    assert learners.chart["series"][0]["values"] == [new_in("elderly"), new_in("hobbies")]
    assert f"老年教育 {new_in('elderly')} 人、兴趣爱好 {new_in('hobbies')} 人" in learners.sentence
    completions = _answer(session, "上个月老年教育和兴趣爱好完成课程多少次")
    assert completions.value == sum(
        1
        for _u, a, kind, at in world["events"]
        if a in ("elderly", "hobbies") and kind == EventKind.COMPLETE and _in(at, *NOV)
    )


def test_caring_mode_share(session, world):
    result = _answer(session, "长辈模式学员占比")
    caring = sum(1 for _at, _a, c in world["learners"] if c)
    assert (result.value, result.whole) == (caring, len(world["learners"]))
    assert result.figure == f"{100 * caring / len(world['learners']):.1f}%"


def test_what_the_aggregates_cannot_give_is_refused(session, world):
    by_area = ask(session, "上个月各领域搜索次数", TODAY)
    assert isinstance(by_area, Unanswerable) and by_area.reason == "unsupported_filter"
    assert "没有按领域记录" in by_area.message
    caring = ask(session, "长辈模式的完成课程次数", TODAY)
    assert isinstance(caring, Unanswerable) and caring.reason == "unsupported_filter"
    age = ask(session, "new learners by age last month", TODAY)
    assert age.reason == "unsupported_filter" and "age" in age.message
    assert age.suggestions and age.language == "en"
    before = ask(session, "2025年3月学员总数", TODAY)
    assert before.reason == "no_data"


def test_nothing_is_answered_before_the_rollups_exist(session):
    result = ask(session, "上个月新增学员", TODAY)
    assert isinstance(result, Unanswerable) and result.reason == "no_data"
    assert "还没有生成" in result.message


def test_suggestions_are_answerable_questions():
    from insight.ask.parser import Query, parse
    from insight.ask.texts import SUGGESTIONS

    for questions in SUGGESTIONS.values():
        for question in questions:
            assert isinstance(parse(question, TODAY), Query), question

"""Distinct active learners over any span from HyperLogLog sketches (insight/hll.py,
insight/active_sketches.py): the estimator against exact counts, the job writing the sketches,
"ask the data" answering from them and saying so, and falling back to the exact count where a
day has no sketch. The database tests run on SQLite and PostgreSQL."""

# ruff: noqa: F811  (the tests take the imported `world` fixture as a parameter)

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy import delete, select

from catalogue.db import make_session_factory
from catalogue.models import Role, User
from insight import active_sketches, hll
from insight.ask.answer import Answer, ask
from insight.models import ActiveMonthSketch, ActiveSketch, LearnerDay
from tests.test_insight_ask_answers import TODAY, _in, world  # noqa: F401  (the fixture)


def test_the_estimate_of_20000_learners_over_60_days_is_within_3_percent():
    rng = np.random.default_rng(5)
    days = [
        rng.choice(20_000, size=int(rng.integers(1_500, 4_000)), replace=False) for _ in range(60)
    ]
    sketches = [hll.unpack(hll.pack(hll.registers(ids))) for ids in days]
    for first, last in ((0, 13), (0, 59), (20, 49), (59, 59)):
        exact = len(set(np.concatenate(days[first : last + 1]).tolist()))
        estimate = hll.estimate(hll.union(sketches[first : last + 1]))
        assert abs(estimate - exact) <= 0.03 * exact, (first, last, exact, estimate)
    # a union is the sketch of the union, in any order, and a day twice changes nothing
    assert np.array_equal(
        hll.union(sketches), hll.registers(np.concatenate(days))
    ) and np.array_equal(hll.union(reversed(sketches + sketches[:3])), hll.union(sketches))
    big = rng.choice(10_000_000, size=1_000_000, replace=False)
    assert abs(hll.estimate(hll.registers(big)) - 1_000_000) <= 30_000


def test_small_sets_are_counted_exactly_or_within_one():
    """Tiny sets (the per-area days of a small site): exact bar a collision of two ids in one
    register (about n² / 32,768 expected), which costs one; a few hundred: within 3 %."""
    rng = random.Random(3)
    off = []
    for n in [0, 1, 2, 3, 5, 10, 20, 37, 50]:
        for _ in range(5):
            ids = rng.sample(range(1, 5_000_000), n)
            got = round(hll.estimate(hll.registers(ids + ids[: n // 2])))  # duplicates too
            assert abs(got - n) <= 1, (n, got)
            off.append(got != n)
    assert sum(off) <= 3
    for n in [100, 250, 1_000]:
        for _ in range(5):
            got = hll.estimate(hll.registers(rng.sample(range(1, 5_000_000), n)))
            assert abs(got - n) <= 0.03 * n, (n, got)


def test_the_hash_is_fixed_and_the_rounding_keeps_four_figures():
    # the first output of splitmix64 seeded with 0, as every implementation gives it
    assert int(hll.hash64(np.array([1]))[0]) == 0xE220A8397B1DCDAF
    assert hll.significant(123_456) == 123_500
    assert hll.significant(9_876) == 9_876
    assert hll.significant(1_234_567) == 1_235_000


def _exact(world, first: date, last: date, area: str | None = None) -> int:
    return len(
        {u for u, a, _k, at in world["events"] if _in(at, first, last) and area in (None, a)}
    )


def test_the_job_writes_a_sketch_for_each_day_with_learners(session, world):
    by_day: dict[tuple[str, date], set[int]] = {}
    for area, day, user in session.execute(
        select(LearnerDay.area, LearnerDay.day, LearnerDay.user_id)
    ):
        by_day.setdefault((area, day), set()).add(user)
    sketches = {(s.area, s.day): s for s in session.scalars(select(ActiveSketch))}
    assert set(sketches) == set(by_day) and len(sketches) > 50
    for key, users in by_day.items():
        assert sketches[key].learners == len(users)
        # a handful of ids: exact, bar two sharing a register (ids 50 and 60 do)
        assert abs(round(hll.estimate(hll.unpack(sketches[key].registers))) - len(users)) <= 1


@pytest.fixture
def sketches_always(monkeypatch):
    """Answer from the sketches however few the learner-days (a real site: above 50,000)."""
    monkeypatch.setattr(active_sketches, "EXACT_ROWS", 0)


# The test world's 60 learners: a union is exact bar ids sharing a register (one each).
CLOSE = 2


def test_a_small_span_is_counted_exactly_and_not_called_an_estimate(session, world):
    result = ask(session, "最近14天活跃学员", TODAY)
    assert isinstance(result, Answer) and not result.estimate
    assert result.value == _exact(world, TODAY - timedelta(days=13), TODAY)
    assert "约" not in result.figure


@pytest.mark.usefixtures("sketches_always")
def test_14_days_and_a_quarter_are_estimated_from_sketches_and_say_so(session, world):
    fourteen = ask(session, "最近14天活跃学员", TODAY)
    assert isinstance(fourteen, Answer) and fourteen.estimate
    expected = _exact(world, TODAY - timedelta(days=13), TODAY)
    assert expected > 20 and abs(fourteen.value - expected) <= CLOSE
    assert fourteen.figure == f"约 {round(fourteen.value)} 人（估计，误差约 ±1%）"
    assert f"活跃学员为 约 {round(fourteen.value)} 人（估计，误差约 ±1%）" in fourteen.sentence
    quarter = ask(session, "active learners this quarter", TODAY)  # 1 October to today
    assert isinstance(quarter, Answer) and quarter.estimate
    expected = _exact(world, date(2026, 10, 1), TODAY)
    assert abs(quarter.value - expected) <= CLOSE
    assert quarter.figure == f"about {round(quarter.value)} learners (estimate, ±1%)"
    # the months of its chart are calendar months: read from the rollups, and consistent
    assert sum(quarter.chart["series"][0]["values"]) >= quarter.value


@pytest.mark.usefixtures("sketches_always")
def test_a_weekly_chart_with_a_part_week_says_its_figures_are_estimates(session, world):
    result = ask(session, "最近30天每周活跃学员", TODAY)  # from Tuesday 3 November
    assert isinstance(result, Answer) and result.estimate
    assert result.chart_title == "活跃学员（估计，误差约 ±1%）"
    first_week = _exact(world, date(2026, 11, 3), date(2026, 11, 8))
    assert abs(result.chart["series"][0]["values"][0] - first_week) <= CLOSE


@pytest.mark.usefixtures("sketches_always")
def test_days_without_a_sketch_are_counted_exactly(session, world):
    first = TODAY - timedelta(days=13)
    session.execute(delete(ActiveSketch).where(ActiveSketch.day == first + timedelta(days=3)))
    session.commit()
    assert active_sketches.span_estimate(session, first, TODAY, None) is None
    result = ask(session, "最近14天活跃学员", TODAY)
    assert isinstance(result, Answer) and not result.estimate
    assert result.value == _exact(world, first, TODAY)
    assert "约" not in result.figure and "估计" not in result.sentence
    # the job sketches the days that have none, newest first, a month of them per run
    session.execute(delete(ActiveSketch))
    session.commit()
    sessions = make_session_factory(session.get_bind())
    assert active_sketches.backfill(sessions, limit=200) > 30
    assert active_sketches.span_estimate(session, first, TODAY, None) is not None
    assert ask(session, "最近14天活跃学员", TODAY).estimate


@pytest.mark.usefixtures("sketches_always")
def test_a_day_with_no_learners_needs_no_sketch(session, world):
    """A span reaching back before the first event: those days have no learners and no
    sketch, and the answer is still the union (the days with learners are all sketched)."""
    result = ask(session, "2026年8月20日到2026年10月10日的活跃学员", TODAY)
    assert isinstance(result, Answer) and result.estimate
    assert abs(result.value - _exact(world, date(2026, 8, 20), date(2026, 10, 10))) <= CLOSE


def test_20000_learners_over_60_days_in_the_database(session):
    """Realistic sizes through the tables: 20,000 learners, 60 days of 1,500–3,000 each."""
    rng = random.Random(11)
    session.execute(
        sa.insert(User.__table__),
        [
            {
                "email": f"hll{i}@example.org",
                "password_hash": "x",
                "display_name": f"H{i}",
                "role": Role.LEARNER,
                "interest_areas": [],
            }
            for i in range(20_000)
        ],
    )
    ids = list(session.scalars(select(User.id)))
    first = date(2026, 9, 1)
    days = {
        first + timedelta(days=d): rng.sample(ids, rng.randint(1_500, 3_000)) for d in range(60)
    }
    session.execute(
        sa.insert(LearnerDay.__table__),
        [{"area": "", "day": day, "user_id": u} for day, users in days.items() for u in users],
    )
    for day in days:
        active_sketches.sketch_day(session, day)
    session.commit()
    last = first + timedelta(days=59)
    exact = len({u for users in days.values() for u in users})
    estimate = active_sketches.span_estimate(session, first, last, None)
    assert abs(estimate - exact) <= 0.03 * exact, (exact, estimate)
    month = [first + timedelta(days=d) for d in range(10, 40)]  # > 50,000 learner-days
    exact = len({u for day in month for u in days[day]})
    estimate = active_sketches.span_estimate(session, month[0], month[-1], "")
    assert abs(estimate - exact) <= 0.03 * exact, (exact, estimate)
    # September lies wholly in the first span: it is read from its month's sketch, which holds
    # the same registers as the union of its days, so the answer is the days' union exactly.
    september = session.scalar(
        select(ActiveMonthSketch.registers).where(
            ActiveMonthSketch.area == "", ActiveMonthSketch.month == first
        )
    )
    its_days = session.scalars(
        select(ActiveSketch.registers).where(
            ActiveSketch.area == "", ActiveSketch.day.between(first, date(2026, 9, 30))
        )
    ).all()
    assert np.array_equal(hll.unpack(september), hll.union(hll.unpack(d) for d in its_days))
    every_day = hll.union(hll.unpack(d) for d in session.scalars(select(ActiveSketch.registers)))
    by_days = round(hll.estimate(every_day))
    assert active_sketches.span_estimate(session, first, last, None) == by_days
    session.execute(delete(ActiveMonthSketch))  # months without a sketch: read from their days
    assert active_sketches.span_estimate(session, first, last, None) == by_days


def test_whole_months_of_a_span():
    assert active_sketches.month_of(date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert active_sketches.month_of(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert active_sketches.whole_months(date(2026, 1, 1), date(2026, 12, 31)) == [
        date(2026, m, 1) for m in range(1, 13)
    ]
    assert active_sketches.whole_months(date(2026, 1, 2), date(2026, 3, 30)) == [date(2026, 2, 1)]
    assert active_sketches.whole_months(date(2026, 3, 5), date(2026, 3, 31)) == []

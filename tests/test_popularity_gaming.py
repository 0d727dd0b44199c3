"""One account cannot buy popularity: a learner's repeated views of a course count once a day
in course popularity, in the training matrix and in the feed's fold-in of today's events."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from catalogue.models import CourseStats, Event, EventKind
from catalogue.services.activity import refresh_course_stats
from catalogue.services.courses import popular_courses
from catalogue.services.users import register_user
from recommender.config import TrainingConfig
from recommender.interactions import read_interactions
from recommender.serving import learner_history
from tests.helpers import login, make_course, make_provider

# Mid-morning UTC, so 800 events a few seconds apart stay within one UTC day.
DAY = datetime(2026, 11, 2, 9, tzinfo=UTC)
NOW = DAY + timedelta(days=3)


def learner(session, name: str) -> int:
    return register_user(session, f"{name}@example.cn", "password-123", name).id


def flood(session, user_id: int, course_id: int, kind: str, count: int, days: int = 1) -> None:
    """`count` events of one kind by one learner on one course, spread over `days` days: a
    log as a script leaves it (written in one statement, as an old log already holds it)."""
    rows = [
        {
            "user_id": user_id,
            "course_id": course_id,
            "kind": EventKind(kind),
            "created_at": DAY + timedelta(days=n % days, seconds=30 * (n // days)),
        }
        for n in range(count)
    ]
    session.execute(insert(Event), rows)


def once(session, user_id: int, course_id: int, kind: str = "view", at: datetime = DAY) -> None:
    session.execute(
        insert(Event),
        [{"user_id": user_id, "course_id": course_id, "kind": EventKind(kind), "created_at": at}],
    )


def stats(session, course_id: int) -> CourseStats:
    return session.scalar(select(CourseStats).where(CourseStats.course_id == course_id))


@pytest.fixture
def catalogue(session):
    """A course one learner floods, and two courses each viewed once by four learners."""
    provider = make_provider(session).id
    bought = make_course(session, provider, title="刷出来的课").id
    liked = [make_course(session, provider, title=f"大家爱看的课{n}").id for n in range(2)]
    spammer = learner(session, "spammer")
    for n in range(4):
        reader = learner(session, f"reader{n}")
        for course in liked:
            once(session, reader, course)
    session.commit()
    return spammer, bought, liked


@pytest.mark.parametrize("days", [1, 3])
def test_800_views_by_one_learner_are_worth_one_view_a_day(session, catalogue, days):
    spammer, bought, _liked = catalogue
    flood(session, spammer, bought, "view", 800, days=days)
    refresh_course_stats(session)
    session.commit()
    assert stats(session, bought).views == days
    assert stats(session, bought).popularity == pytest.approx(1.0 * days)
    assert [c.id for c in popular_courses(session, 3)][-1] == bought


def test_the_flooded_course_is_not_first_on_the_home_page(client, session, catalogue):
    spammer, bought, liked = catalogue
    flood(session, spammer, bought, "view", 800)
    refresh_course_stats(session)
    session.commit()
    html = client.get("/").get_data(as_text=True)
    section = html.split('id="popular-heading"', 1)[1].split("</section>", 1)[0]
    shown = [int(n) for n in re.findall(r'href="/courses/(\d+)"', section)]
    shown = list(dict.fromkeys(shown))
    assert set(shown[:2]) == set(liked) and shown[2] == bought


def test_several_learners_still_add_up(session, catalogue):
    """The rule takes away repeats, not learners: each learner's day counts."""
    spammer, _bought, liked = catalogue
    refresh_course_stats(session)
    assert stats(session, liked[0]).views == 4
    once(session, spammer, liked[0], at=DAY)
    once(session, spammer, liked[0], at=DAY + timedelta(days=1))
    refresh_course_stats(session)
    assert stats(session, liked[0]).views == 6


def test_duplicate_likes_saves_starts_and_completions_count_once_per_learner(session, catalogue):
    """Two tabs, a double submit or a script can write 'like' twice without an 'unlike' in
    between; the learner still likes the course once. Toggling nets out to the last state."""
    spammer, bought, _liked = catalogue
    for kind in ("like", "save", "start", "complete"):
        flood(session, spammer, bought, kind, 50)
    refresh_course_stats(session)
    found = stats(session, bought)
    assert (found.likes, found.saves, found.starts, found.completions) == (1, 1, 1, 1)
    other = learner(session, "toggler")
    for n in range(801):  # like, unlike, like … like: liked in the end
        once(session, other, bought, "like" if n % 2 == 0 else "unlike", DAY + timedelta(seconds=n))
    refresh_course_stats(session)
    assert stats(session, bought).likes == 2


def matrix_weight(engine, user_id: int, course_id: int, config: TrainingConfig) -> float:
    with engine.connect() as connection:
        data = read_interactions(connection, config, now=NOW)
    row = list(data.user_ids).index(user_id)
    col = list(data.item_ids).index(course_id)
    return float(data.matrix[row, col])


@pytest.mark.parametrize("days", [1, 3])
def test_training_weighs_800_views_as_one_view_a_day(engine, session, catalogue, days):
    spammer, bought, _liked = catalogue
    flood(session, spammer, bought, "view", 800, days=days)
    session.commit()
    flat = TrainingConfig(half_life_days=0, half_life_courses=0)
    assert matrix_weight(engine, spammer, bought, flat) == pytest.approx(1.0 * days)
    # Ages counted from the run's time, as this expectation computes them (the default counts
    # from the learner's own latest event: tests/test_recommender_training.py).
    decayed = TrainingConfig(half_life_days=90, decay_from="now", half_life_courses=0)
    expected = sum(decayed.decay((NOW - DAY).total_seconds() - d * 86_400) for d in range(days))
    assert matrix_weight(engine, spammer, bought, decayed) == pytest.approx(expected, rel=1e-4)


def test_training_counts_repeated_shares_once_a_day_and_toggles_net_out(engine, session, catalogue):
    spammer, bought, liked = catalogue
    flood(session, spammer, bought, "share", 500)
    for n in range(801):  # like, unlike, like … like
        kind = "like" if n % 2 == 0 else "unlike"
        once(session, spammer, liked[0], kind, DAY + timedelta(seconds=n))
    session.commit()
    flat = TrainingConfig(half_life_days=0, half_life_courses=0)
    weights = flat.event_weights
    assert matrix_weight(engine, spammer, bought, flat) == pytest.approx(weights["share"])
    assert matrix_weight(engine, spammer, liked[0], flat) == pytest.approx(weights["like"])


@pytest.mark.parametrize("days", [1, 3])
def test_the_feed_folds_in_800_views_as_one_view_a_day(session, catalogue, days):
    spammer, bought, _liked = catalogue
    flood(session, spammer, bought, "view", 800, days=days)
    session.commit()
    history = learner_history(
        session, spammer, TrainingConfig(half_life_days=0, half_life_courses=0), now=NOW
    )
    assert history.weights[bought] == pytest.approx(1.0 * days)
    assert bought in history.engaged


def test_reloading_a_course_page_stores_one_view(client, session):
    course = make_course(session).id
    register_user(session, "reloader@example.cn", "password-123", "刷新的人")
    session.commit()
    login(client, "reloader@example.cn", "password-123")
    for _ in range(5):
        assert client.get(f"/courses/{course}").status_code == 200
    views = session.scalar(
        select(func.count()).select_from(Event).where(Event.kind == EventKind.VIEW)
    )
    assert views == 1

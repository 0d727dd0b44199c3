"""The demo catalogue generator: realistic, deterministic and safe on a non-empty database."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from catalogue.db import make_engine, upgrade_database
from catalogue.demo import DEMO_NOW, DEMO_PASSWORD_HASH, DemoSummary, generate_demo
from catalogue.models import (
    Area,
    ColumnCourse,
    Course,
    CourseStats,
    Event,
    EventKind,
    IndexOutbox,
    Lesson,
    Provider,
    ProviderKind,
    ThematicColumn,
    User,
)
from catalogue.services.users import authenticate

SIZES = {"courses": 300, "learners": 120}
FIRST_LESSON = {
    "zh": defaultdict(lambda: "第1讲 ", reading="第1章 ", audio="第1集 "),
    "en": defaultdict(lambda: "Lesson 1: ", reading="Chapter 1: ", audio="Episode 1: "),
}
DUMPED = (Provider, Course, Lesson, User, Event, ThematicColumn, ColumnCourse)


@pytest.fixture
def demo(engine: sa.Engine) -> DemoSummary:
    """The demo data generated into the test database in small batches."""
    return generate_demo(engine, **SIZES, batch_size=64)


def _fresh_sqlite(tmp_path: Path, name: str) -> sa.Engine:
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    upgrade_database(engine)
    return engine


def _dump(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row the generator writes, in primary-key order."""
    with engine.connect() as conn:
        return {
            model.__tablename__: [
                tuple(row)
                for row in conn.execute(
                    sa.select(model.__table__).order_by(*model.__table__.primary_key.columns)
                )
            ]
            for model in DUMPED
        }


def _all(engine: sa.Engine, stmt) -> list:
    with engine.connect() as conn:
        return list(conn.execute(stmt))


def _count(engine: sa.Engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_summary_counts_the_rows_written(engine, demo):
    assert demo.courses == _count(engine, Course) == 300
    assert demo.learners == _count(engine, User) == 120
    assert demo.providers == _count(engine, Provider) == 20
    assert demo.lessons == _count(engine, Lesson) > 300
    assert demo.events == _count(engine, Event) > 120 * 15
    assert 5 <= demo.columns == _count(engine, ThematicColumn) <= 8
    assert demo.elapsed_seconds > 0


def test_same_seed_gives_identical_rows_whatever_the_batch_size(engine, demo, tmp_path):
    other = _fresh_sqlite(tmp_path, "again.db")
    generate_demo(other, **SIZES, batch_size=1000)
    first, second = _dump(engine), _dump(other)
    other.dispose()
    for table, rows in first.items():
        assert rows == second[table], table


def test_a_different_seed_gives_different_titles(engine, demo, tmp_path):
    other = _fresh_sqlite(tmp_path, "other.db")
    generate_demo(other, **SIZES, seed=7)
    titles = [t for (t,) in _all(engine, sa.select(Course.title).order_by(Course.id))]
    others = [t for (t,) in _all(other, sa.select(Course.title).order_by(Course.id))]
    other.dispose()
    assert sum(a != b for a, b in zip(titles, others, strict=True)) > 250


def test_reference_date_moves_every_timestamp(engine, demo, tmp_path):
    other = _fresh_sqlite(tmp_path, "later.db")
    generate_demo(other, **SIZES, batch_size=64, now=DEMO_NOW + timedelta(days=10))
    stmt = sa.select(Event.user_id, Event.course_id, Event.kind, Event.created_at).order_by(
        Event.id
    )
    before, after = _all(engine, stmt), _all(other, stmt)
    other.dispose()
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        assert old[:3] == new[:3]
        assert new.created_at - old.created_at == timedelta(days=10)


def test_catalogue_is_bilingual_over_all_areas_with_micro_courses(engine, demo):
    rows = _all(engine, sa.select(Course.area, Course.language, Course.duration_minutes))
    assert {r.area for r in rows} == set(Area)
    languages = Counter(r.language for r in rows)
    assert set(languages) == {"zh", "en"}
    assert 0.70 <= languages["zh"] / len(rows) <= 0.95
    micro = sum(1 for r in rows if r.duration_minutes <= 5) / len(rows)
    assert 0.15 <= micro <= 0.40
    assert max(r.duration_minutes for r in rows) >= 600


def test_titles_and_descriptions_read_like_courses(engine, demo):
    rows = _all(engine, sa.select(Course.title, Course.description, Course.subjects))
    assert len({r.title for r in rows}) > 200
    for row in rows:
        assert row.title and len(row.title) <= 300
        assert 2 <= len(row.subjects) <= 4
        assert len(row.description) > 20


def test_lessons_agree_with_their_course(engine, demo):
    lessons: dict[int, list] = defaultdict(list)
    for lesson in _all(engine, sa.select(Lesson).order_by(Lesson.course_id, Lesson.position)):
        lessons[lesson.course_id].append(lesson)
    for course in _all(engine, sa.select(Course)):
        own = lessons[course.id]
        assert course.lesson_count == len(own)
        assert [lesson.position for lesson in own] == list(range(1, len(own) + 1))
        assert sum(lesson.duration_seconds for lesson in own) == course.duration_minutes * 60
        assert (1 <= len(own) <= 3) if course.duration_minutes <= 5 else (3 <= len(own) <= 30)
        assert own[0].title.startswith(FIRST_LESSON[course.language][course.format.value])


def test_statuses_and_dates_are_consistent(engine, demo):
    rows = _all(engine, sa.select(Course))
    statuses = Counter(r.status.value for r in rows)
    assert statuses["published"] / len(rows) > 0.9
    for row in rows:
        assert row.created_at <= DEMO_NOW
        if row.status.value == "draft":
            assert row.published_at is None and row.withdrawn_at is None
        elif row.status.value == "published":
            assert row.published_at <= DEMO_NOW and row.withdrawn_at is None
        else:
            assert row.published_at < row.withdrawn_at <= DEMO_NOW
        assert row.is_free == (row.price_cents is None)


def test_platform_owns_a_share_and_external_ids_are_unique(engine, demo):
    rows = _all(
        engine, sa.select(Course.provider_id, Course.external_id, Provider.kind).join(Provider)
    )
    own = sum(1 for r in rows if r.kind == ProviderKind.OWN) / len(rows)
    assert 0.05 <= own <= 0.2
    assert len({(r.provider_id, r.external_id) for r in rows}) == len(rows)
    kinds = {k for (k,) in _all(engine, sa.select(Provider.kind))}
    assert len(kinds) >= 3


def test_activity_is_heavy_tailed_and_follows_interests(engine, demo):
    per_user = Counter(u for (u,) in _all(engine, sa.select(Event.user_id)))
    counts = sorted(per_user.get(uid, 0) for (uid,) in _all(engine, sa.select(User.id)))
    top = counts[len(counts) - len(counts) // 10 :]
    assert sum(top) / sum(counts) > 0.30
    assert counts[len(counts) // 2] < sum(counts) / len(counts)  # median below mean
    interests = dict(_all(engine, sa.select(User.id, User.interest_areas)))
    hits: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for user_id, area in _all(engine, sa.select(Event.user_id, Course.area).join(Course)):
        hits[user_id][0] += area.value in interests[user_id]
        hits[user_id][1] += 1
    assert sum(a / n for a, n in hits.values()) / len(hits) >= 0.60


def test_event_kinds_are_realistic_and_ordered(engine, demo):
    rows = _all(engine, sa.select(Event).order_by(Event.id))
    kinds = Counter(r.kind for r in rows)
    assert kinds.most_common(1)[0][0] == EventKind.VIEW
    assert kinds[EventKind.UNLIKE] < kinds[EventKind.LIKE]
    journeys: dict[tuple[int, int], list] = defaultdict(list)
    for row in rows:
        journeys[row.user_id, row.course_id].append(row)
    for events in journeys.values():
        times = [e.created_at for e in events]
        assert times == sorted(times)
        order = [e.kind for e in events]
        assert order[0] == EventKind.VIEW
        for before, after in (
            (EventKind.START, EventKind.COMPLETE),
            (EventKind.LIKE, EventKind.UNLIKE),
            (EventKind.SAVE, EventKind.UNSAVE),
        ):
            if after in order:
                assert before in order and order.index(before) < order.index(after)


def test_events_fall_on_published_courses_inside_the_window(engine, demo):
    rows = _all(
        engine,
        sa.select(Event.created_at, Course.status, Course.published_at).join(Course),
    )
    start = DEMO_NOW - timedelta(days=180)
    for row in rows:
        assert row.status.value == "published"
        assert max(start, row.published_at) <= row.created_at <= DEMO_NOW
    mismatched = _all(
        engine,
        sa.select(Event.id)
        .join(Lesson, Lesson.id == Event.lesson_id)
        .where(Lesson.course_id != Event.course_id),
    )
    assert mismatched == []


def test_columns_are_published_current_and_hold_published_courses(engine, demo):
    columns = _all(engine, sa.select(ThematicColumn))
    for column in columns:
        assert column.status.value == "published"
        assert column.publish_from <= DEMO_NOW < column.publish_until
        assert column.publish_until >= DEMO_NOW + timedelta(days=3000)
        entries = _all(
            engine,
            sa.select(ColumnCourse.position, Course.status)
            .join(Course)
            .where(ColumnCourse.column_id == column.id)
            .order_by(ColumnCourse.position),
        )
        assert 6 <= len(entries) <= 12
        assert [e.position for e in entries] == list(range(1, len(entries) + 1))
        assert all(e.status.value == "published" for e in entries)


def test_second_run_into_a_non_empty_database(engine, demo):
    again = generate_demo(engine, courses=100, learners=30, seed=99)
    assert _count(engine, Course) == 300 + again.courses
    assert _count(engine, User) == 120 + again.learners
    assert _count(engine, Event) == demo.events + again.events
    names = [n for (n,) in _all(engine, sa.select(Provider.name))]
    assert len(names) == len(set(names)) == demo.providers + again.providers
    own = _all(engine, sa.select(Provider.id).where(Provider.kind == ProviderKind.OWN))
    assert len(own) == 1  # the platform's own provider is reused, not duplicated
    external = _all(engine, sa.select(Course.provider_id, Course.external_id))
    assert len(set(external)) == len(external)
    slugs = [s for (s,) in _all(engine, sa.select(ThematicColumn.slug))]
    assert len(slugs) == len(set(slugs))
    with Session(engine) as session:
        extra = Provider(name="新合作机构", kind=ProviderKind.TRAINING)
        session.add(extra)
        session.commit()
        assert extra.id > max(
            p for (p,) in _all(engine, sa.select(Provider.id).where(Provider.id != extra.id))
        )


def test_demo_learners_cannot_log_in(engine, demo):
    users = _all(engine, sa.select(User.email, User.password_hash))
    assert {h for _, h in users} == {DEMO_PASSWORD_HASH}
    assert all(e.endswith("@demo.invalid") for e, _ in users)
    with Session(engine) as session:
        for password in (DEMO_PASSWORD_HASH, "demo-unusable", "", "password123"):
            assert authenticate(session, users[0].email, password) is None


def test_stats_are_refreshed_and_no_outbox_is_written(engine, demo):
    with_events = {c for (c,) in _all(engine, sa.select(Event.course_id).distinct())}
    assert {c for (c,) in _all(engine, sa.select(CourseStats.course_id))} == with_events
    assert _count(engine, IndexOutbox) == 0


def test_progress_is_reported_per_batch(engine):
    seen: list[tuple[str, int, int]] = []
    generate_demo(
        engine, courses=50, learners=10, batch_size=20, progress=lambda *a: seen.append(a)
    )
    courses = [(done, total) for stage, done, total in seen if stage == "courses"]
    assert courses == [(20, 50), (40, 50), (50, 50)]
    assert [s for s, *_ in seen if s == "learners"] == ["learners"]


def test_negative_sizes_are_refused(engine):
    with pytest.raises(ValueError):
        generate_demo(engine, courses=-1)
    assert _count(engine, Provider) == 0

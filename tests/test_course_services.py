"""Course services: validation, the outbox written with every change, and the listings."""

from __future__ import annotations

import pytest
from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select

from catalogue.errors import Conflict, NotFound, ValidationError
from catalogue.models import Area, CourseStatus, Event, IndexOutbox, OutboxOp
from catalogue.services import courses as svc
from catalogue.services import playback
from catalogue.services.activity import record_event, refresh_course_stats
from catalogue.services.users import register_user
from tests.helpers import make_course, make_provider


def _outbox(session) -> list[tuple[int, str]]:
    rows = session.execute(select(IndexOutbox.course_id, IndexOutbox.op).order_by(IndexOutbox.id))
    return [(cid, op.value) for cid, op in rows]


def test_create_reports_every_problem_at_once(session):
    provider = make_provider(session)
    data = svc.CourseData(
        external_id="",
        title="x" * 301,
        area="gardening",
        format="hologram",
        cover_url="javascript:alert(1)",
        is_free=False,
        lessons=[svc.LessonData(title="", duration_seconds=-5)],
    )
    with pytest.raises(ValidationError) as info:
        svc.create_course(session, provider.id, data)
    codes = {(e.field, e.code) for e in info.value.errors}
    assert codes == {
        ("external_id", "REQUIRED"),
        ("title", "TOO_LONG"),
        ("area", "INVALID_CHOICE"),
        ("format", "INVALID_CHOICE"),
        ("cover_url", "BAD_URL"),
        ("price_cents", "MISSING_PRICE"),
        ("lessons[1].title", "REQUIRED"),
        ("lessons[1].duration_seconds", "OUT_OF_RANGE"),
    }


def test_create_normalises_text_and_derives_duration(session):
    course = make_course(
        session,
        title="  太极拳\x00入门  ",
        subjects=["太极", " 太极 ", "", "养生"],
        lessons=3,
        publish=False,
    )
    assert course.title == "太极拳入门"
    assert course.subjects == ["太极", "养生"]
    assert course.duration_minutes == 15  # three five-minute lessons
    assert course.lesson_count == 3
    assert course.status == CourseStatus.DRAFT


def test_external_id_is_unique_per_provider(session):
    provider = make_provider(session)
    make_course(session, provider.id, external_id="A-1")
    with pytest.raises(Conflict) as info:
        make_course(session, provider.id, external_id="A-1")
    assert info.value.code == "DUPLICATE_EXTERNAL_ID"
    other = make_provider(session)
    assert make_course(session, other.id, external_id="A-1").id


def test_every_change_writes_an_outbox_row(session):
    course = make_course(session, publish=False)
    svc.publish_course(session, course.id)
    svc.publish_course(session, course.id)  # no change, no row
    svc.withdraw_course(session, course.id)
    assert _outbox(session) == [
        (course.id, OutboxOp.UPSERT.value),
        (course.id, OutboxOp.UPSERT.value),
        (course.id, OutboxOp.DELETE.value),
    ]


def test_outbox_row_shares_the_course_transaction(session):
    make_course(session)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(IndexOutbox)) == 0


def test_update_replaces_lessons(session):
    course = make_course(session, lessons=4)
    data = svc.CourseData(
        external_id=course.external_id,
        title="太极拳进阶",
        area=Area.ELDERLY,
        lessons=[svc.LessonData(title="只有一讲", duration_seconds=60)],
    )
    updated = svc.update_course(session, course.id, data)
    session.commit()
    session.expire_all()
    fresh = svc.get_published_course(session, updated.id)
    assert fresh.title == "太极拳进阶"
    assert [lesson.title for lesson in fresh.lessons] == ["只有一讲"]
    assert fresh.lesson_count == 1


def test_update_keeps_the_lessons_that_stay_and_learners_progress_on_them(session):
    course = make_course(session, lessons=3)
    learner = register_user(session, "keep@example.com", "correct horse battery", "学员")
    first, second, _third = course.lessons
    playback.save_position(session, learner.id, course.id, second.id, 42)
    session.commit()
    first_id, second_id, first_title = first.id, second.id, first.title
    data = svc.CourseData(
        external_id=course.external_id,
        title=course.title,
        area=Area.ELDERLY,
        lessons=[
            # Reordered by id, one renamed by position, one new; the third is dropped.
            svc.LessonData(title="第二讲（新版）", duration_seconds=60, id=second_id),
            svc.LessonData(title=first_title, duration_seconds=60, id=first_id),
            svc.LessonData(title="加餐", duration_seconds=30),
        ],
    )
    svc.update_course(session, course.id, data)
    session.commit()
    session.expire_all()
    fresh = svc.get_published_course(session, course.id)
    assert [(lesson.position, lesson.title) for lesson in fresh.lessons] == [
        (1, "第二讲（新版）"),
        (2, first_title),
        (3, "加餐"),
    ]
    assert [lesson.id for lesson in fresh.lessons][:2] == [second_id, first_id]
    point = playback.resume_point(session, learner.id, course.id)
    assert point is not None and point.lesson_id == second_id


def test_update_without_ids_keeps_lessons_by_position(session):
    course = make_course(session, lessons=2)
    before = [lesson.id for lesson in course.lessons]
    data = svc.CourseData(
        external_id=course.external_id,
        title=course.title,
        area=Area.ELDERLY,
        lessons=[svc.LessonData(title=f"新{i}", duration_seconds=60) for i in range(3)],
    )
    svc.update_course(session, course.id, data)
    session.commit()
    session.expire_all()
    fresh = svc.get_published_course(session, course.id)
    assert [lesson.id for lesson in fresh.lessons][:2] == before
    assert [lesson.title for lesson in fresh.lessons] == ["新0", "新1", "新2"]


def test_unpublished_courses_are_invisible(session):
    draft = make_course(session, publish=False)
    gone = make_course(session)
    svc.withdraw_course(session, gone.id)
    for course in (draft, gone):
        with pytest.raises(NotFound):
            svc.get_published_course(session, course.id)
    assert svc.newest_courses(session) == []
    assert svc.area_counts(session)[Area.ELDERLY] == 0


def test_area_pages_are_paginated_and_counted(session):
    provider = make_provider(session)
    for i in range(25):
        make_course(session, provider.id, title=f"智能手机使用技巧 {i}", area=Area.LIFE_SKILLS)
    make_course(session, provider.id, area=Area.HOBBIES)
    session.commit()
    first = svc.area_course_page(session, Area.LIFE_SKILLS, page=1, per_page=10)
    last = svc.area_course_page(session, Area.LIFE_SKILLS, page=3, per_page=10)
    assert (first.total, first.pages, len(first.items), len(last.items)) == (25, 3, 10, 5)
    assert first.has_next and not first.has_prev and not last.has_next
    seen = {
        c.id
        for p in (1, 2, 3)
        for c in svc.area_course_page(session, Area.LIFE_SKILLS, p, 10).items
    }
    assert len(seen) == 25
    counts = svc.area_counts(session)
    assert counts[Area.LIFE_SKILLS] == 25 and counts[Area.HOBBIES] == 1


def test_popular_follows_activity(session):
    provider = make_provider(session)
    quiet = make_course(session, provider.id, title="园艺入门")
    loved = make_course(session, provider.id, title="八段锦")
    learner = register_user(session, "a@example.cn", "correct horse", "阿明")
    record_event(session, learner.id, quiet.id, "view")
    for kind in ("view", "like", "save", "complete"):
        record_event(session, learner.id, loved.id, kind)
    refresh_course_stats(session)
    session.commit()
    assert [c.id for c in svc.popular_courses(session)] == [loved.id, quiet.id]
    page = svc.area_course_page(session, Area.ELDERLY, sort="popular")
    assert [c.id for c in page.items] == [loved.id, quiet.id]


def test_popular_listing_pages_follow_the_refreshed_popularity(session):
    provider = make_provider(session)
    courses = [make_course(session, provider.id, title=f"太极拳 {i}") for i in range(7)]
    learners = [
        register_user(session, f"p{i}@example.cn", "correct horse", f"学员{i}") for i in range(4)
    ]
    # Course i is viewed by i % 4 learners: three ties of popularity, broken by newest id.
    for i, course in enumerate(courses):
        for learner in learners[: i % 4]:
            record_event(session, learner.id, course.id, "view")
    session.commit()
    before = {c.id: c.updated_at for c in courses}
    assert svc.area_course_page(session, Area.ELDERLY, sort="popular").items[0].popularity == 0
    refresh_course_stats(session)
    session.commit()
    session.expire_all()
    expected = [c.id for c in sorted(courses, key=lambda c: (-(courses.index(c) % 4), -c.id))]
    pages = [svc.area_course_page(session, Area.ELDERLY, p, 3, sort="popular") for p in (1, 2, 3)]
    assert [c.id for page in pages for c in page.items] == expected
    assert [page.total for page in pages] == [7, 7, 7]
    assert {c.id: c.updated_at for c in courses} == before  # the copy is not a course change
    # A course with no activity left drops back to 0 at the next refresh.
    session.execute(sa_delete(Event).where(Event.course_id == courses[3].id))
    refresh_course_stats(session)
    session.commit()
    session.refresh(courses[3])
    assert courses[3].popularity == 0

"""The partner's course editor: one course and its lessons by hand, a preview, saving, and the
limits (own courses only, bad input kept and explained, suspended providers)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalogue.models import Course, CourseStatus, Lesson, Provider, Role
from catalogue.services import playback
from catalogue.services.users import register_user
from tests.helpers import csrf_token, login, make_course, make_provider

PASSWORD = "password-123"


@pytest.fixture
def partner(session):
    provider = make_provider(session, "上海开放大学")
    register_user(
        session, "editor@shou.cn", PASSWORD, "上开", role=Role.PARTNER, provider_id=provider.id
    )
    session.commit()
    return provider


def _course_form(token: str, lessons: list[dict], **course) -> dict:
    data = {
        "csrf_token": token,
        "external_id": "HAND-1",
        "title": "手机摄影入门",
        "subtitle": "",
        "description": "从构图到修图。\n适合零基础。",
        "area": "hobbies",
        "format": "mixed",
        "level": "beginner",
        "language": "zh",
        "subjects": "摄影，手机",
        "duration_minutes": "",
        "cover_url": "",
        "source_url": "",
        "is_free": "y",
        "price": "",
        "status": "published",
    }
    data.update(course)
    if data.get("is_free") is None:
        del data["is_free"]
    for i, lesson in enumerate(lessons):
        row = {
            "lesson_id": "",
            "title": "",
            "media_type": "video",
            "duration": "",
            "url": "",
            "captions_url": "",
            "body": "",
            "body_format": "markdown",
        }
        row.update(lesson)
        for key, value in row.items():
            if value is not None:
                data[f"lessons-{i}-{key}"] = value
    return data


LESSONS = [
    {"title": "构图的三分法", "duration": "12:30", "url": "https://cdn.shou.cn/v/1.m3u8"},
    {
        "title": "读一读：光线",
        "media_type": "text",
        "body": "# 光线\n\n顺光、逆光<script>alert(1)</script>和**侧光**。",
    },
]


def _stored(session, provider_id: int) -> Course:
    session.expire_all()
    return session.scalar(select(Course).where(Course.provider_id == provider_id))


def test_partner_previews_then_saves_a_new_course_with_lessons(client, session, partner):
    login(client, "editor@shou.cn", PASSWORD)
    listing = client.get("/partner/courses").get_data(as_text=True)
    assert "/partner/courses/new" in listing
    page = client.get("/partner/courses/new").get_data(as_text=True)
    form = _course_form(csrf_token(page), LESSONS, preview="1")
    preview = client.post("/partner/courses/new", data=form)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "构图的三分法" in html and "12:30" in html
    # The reading text is shown as the learner will see it: rendered and sanitised.
    assert "<strong>侧光</strong>" in html and "<script>alert(1)" not in html
    assert _stored(session, partner.id) is None, "a preview saves nothing"

    form = _course_form(csrf_token(html), LESSONS, save="1")
    saved = client.post("/partner/courses/new", data=form)
    assert saved.status_code == 302
    course = _stored(session, partner.id)
    assert course.title == "手机摄影入门" and course.status == CourseStatus.PUBLISHED
    assert course.subjects == ["摄影", "手机"]
    first = course.lessons[0]
    assert (first.title, first.duration_seconds) == ("构图的三分法", 750)
    assert course.lessons[1].body.startswith("# 光线") and course.lesson_count == 2
    assert course.lessons[1].duration_seconds > 0, "a reading lesson's length is estimated"
    assert saved.headers["Location"].endswith(f"/partner/courses/{course.id}?provider={partner.id}")
    learner_page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "构图的三分法" in learner_page


def test_editing_keeps_lessons_and_learners_progress(client, session, partner):
    course = make_course(session, partner.id, lessons=3)
    learner = register_user(session, "learner@example.com", PASSWORD, "学员")
    kept = course.lessons[1]
    playback.save_position(session, learner.id, course.id, kept.id, 120)
    session.commit()
    ids = [lesson.id for lesson in course.lessons]
    login(client, "editor@shou.cn", PASSWORD)
    page = client.get(f"/partner/courses/{course.id}").get_data(as_text=True)
    assert 'value="第2讲"' in page
    token = csrf_token(page)
    rows = [
        {"lesson_id": str(ids[0]), "title": "第1讲", "duration": "5:00", "remove": "y"},
        {"lesson_id": str(ids[1]), "title": "第2讲（修订）", "duration": "6:00"},
        {"lesson_id": str(ids[2]), "title": "第3讲", "duration": "5:00"},
    ]
    # "Add a lesson" adds an empty row and saves nothing.
    more = client.post(
        f"/partner/courses/{course.id}",
        data=_course_form(token, rows, external_id="ignored", add_lesson="1"),
    ).get_data(as_text=True)
    assert 'name="lessons-3-title"' in more
    rows.append({"title": "加餐：夜景", "duration": "3:00"})
    saved = client.post(
        f"/partner/courses/{course.id}",
        data=_course_form(token, rows, title="太极拳（修订版）", external_id="ignored", save="1"),
    )
    assert saved.status_code == 302
    fresh = _stored(session, partner.id)
    assert fresh.external_id == course.external_id, "the course id cannot be changed here"
    assert fresh.title == "太极拳（修订版）"
    assert [lesson.title for lesson in fresh.lessons] == ["第2讲（修订）", "第3讲", "加餐：夜景"]
    assert fresh.lessons[0].id == ids[1] and fresh.lessons[1].id == ids[2]
    resume = playback.resume_point(session, learner.id, course.id)
    assert resume is not None and resume.lesson_id == ids[1] and resume.position_seconds == 120


def test_bad_input_is_explained_per_field_and_nothing_changes(client, session, partner):
    course = make_course(session, partner.id, lessons=1)
    session.commit()
    login(client, "editor@shou.cn", PASSWORD)
    token = csrf_token(client.get(f"/partner/courses/{course.id}").get_data(as_text=True))
    rows = [
        {"title": "", "duration": "99:99", "url": "javascript:alert(1)"},
        {"title": "好的一讲", "duration": "1:00", "captions_url": "ftp://x"},
    ]
    response = client.post(
        f"/partner/courses/{course.id}",
        data=_course_form(token, rows, is_free=None, price="abc", save="1"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请按“分:秒”写时长" in html or "minutes:seconds" in html
    assert re.search(r'id="price-error"', html)
    response = client.post(
        f"/partner/courses/{course.id}",
        data=_course_form(token, rows[1:] + rows[:1], is_free=None, price="", save="1"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="lessons-0-captions_url-error"' in html and 'id="price-error"' in html
    fresh = _stored(session, partner.id)
    assert fresh.title == course.title and [lesson.title for lesson in fresh.lessons] == ["第1讲"]


def test_a_course_id_already_in_use_is_refused(client, session, partner):
    make_course(session, partner.id, external_id="HAND-1")
    session.commit()
    login(client, "editor@shou.cn", PASSWORD)
    token = csrf_token(client.get("/partner/courses/new").get_data(as_text=True))
    response = client.post("/partner/courses/new", data=_course_form(token, LESSONS, save="1"))
    assert response.status_code == 409
    assert 'id="external_id-error"' in response.get_data(as_text=True)


def test_partners_cannot_open_or_change_another_providers_course(client, session, partner):
    other = make_course(session, make_provider(session).id, title="别人的课")
    session.commit()
    login(client, "editor@shou.cn", PASSWORD)
    assert client.get(f"/partner/courses/{other.id}").status_code == 404
    token = csrf_token(client.get("/partner/courses/new").get_data(as_text=True))
    response = client.post(
        f"/partner/courses/{other.id}", data=_course_form(token, LESSONS, save="1")
    )
    assert response.status_code == 404
    session.expire_all()
    assert session.get(Course, other.id).title == "别人的课"
    assert session.scalar(select(Lesson.title).where(Lesson.course_id == other.id)) == "第1讲"


def test_a_suspended_provider_cannot_save(client, session, partner):
    login(client, "editor@shou.cn", PASSWORD)
    token = csrf_token(client.get("/partner/courses/new").get_data(as_text=True))
    session.get(Provider, partner.id).status = "suspended"
    session.commit()
    response = client.post("/partner/courses/new", data=_course_form(token, LESSONS, save="1"))
    assert response.status_code == 403
    assert _stored(session, partner.id) is None


def test_the_form_posts_without_a_csrf_token_are_refused(client, session, partner):
    login(client, "editor@shou.cn", PASSWORD)
    form = _course_form("", LESSONS, save="1")
    assert client.post("/partner/courses/new", data=form).status_code == 400
    assert _stored(session, partner.id) is None

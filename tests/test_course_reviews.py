"""Review before publishing, per provider: a provider under review's new and changed courses
wait for an editor; the decision and its reason reach the partner; learners see only what was
approved. Through the portal, the course editor, uploads and the editors' queue."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import select

from catalogue.db import make_session_factory
from catalogue.errors import Conflict, ValidationError
from catalogue.models import (
    AccountAudit,
    Course,
    CourseReview,
    CourseStatus,
    Provider,
    ReviewKind,
    ReviewStatus,
    Role,
)
from catalogue.services import reviews
from catalogue.services.audit import Operator
from catalogue.services.courses import CourseData, LessonData
from catalogue.services.users import register_user
from tests.helpers import csrf_token, login, make_course, make_provider
from tests.ingest_helpers import run_file

PASSWORD = "password-123"
ADMIN = Operator(user_id=None, role=Role.ADMIN, channel="cli", os_user="test")


@pytest.fixture
def reviewed(session):
    """A provider under review with a partner account, and an editor."""
    provider = make_provider(session, "新来的培训机构")
    reviews.set_review_required(session, ADMIN, provider.id, True)
    register_user(
        session, "partner@new.cn", PASSWORD, "新机构", role=Role.PARTNER, provider_id=provider.id
    )
    register_user(session, "editor@ouchn.cn", PASSWORD, "编辑", role=Role.EDITOR)
    session.commit()
    return provider


def _data(title: str = "手机摄影入门", lessons: int = 2, key: str = "N1") -> CourseData:
    return CourseData(
        external_id=key,
        title=title,
        area="hobbies",
        lessons=[LessonData(title=f"第{i}讲", duration_seconds=300) for i in range(1, lessons + 1)],
    )


def _pending(session, course_id: int) -> CourseReview | None:
    session.expire_all()
    return session.scalar(
        select(CourseReview).where(
            CourseReview.course_id == course_id, CourseReview.status == ReviewStatus.PENDING
        )
    )


def test_a_new_course_waits_as_a_draft_until_an_editor_approves(client, app, session, reviewed):
    submitted = reviews.submit_course(session, reviewed.id, None, _data(), "published")
    session.commit()
    course_id = submitted.course.id
    assert submitted.course.status == CourseStatus.DRAFT
    assert submitted.review.kind == ReviewKind.NEW
    assert client.get(f"/courses/{course_id}").status_code == 404

    editor = app.test_client()
    login(editor, "editor@ouchn.cn", PASSWORD)
    queue = editor.get("/editor/reviews/").get_data(as_text=True)
    assert "手机摄影入门" in queue and "新来的培训机构" in queue
    page = editor.get(f"/editor/reviews/{submitted.review.id}").get_data(as_text=True)
    assert "第1讲" in page and "第2讲" in page
    response = editor.post(
        f"/editor/reviews/{submitted.review.id}",
        data={"csrf_token": csrf_token(page), "approve": "1", "reason": ""},
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Course, course_id).status == CourseStatus.PUBLISHED
    assert client.get(f"/courses/{course_id}").status_code == 200

    partner = app.test_client()
    login(partner, "partner@new.cn", PASSWORD)
    listing = partner.get("/partner/courses").get_data(as_text=True)
    assert "已通过" in listing or "Approved" in listing


def test_changes_to_a_live_course_wait_and_a_rejection_says_why(client, app, session, reviewed):
    course = make_course(session, reviewed.id, title="太极拳入门", lessons=2)
    session.commit()
    partner = app.test_client()
    login(partner, "partner@new.cn", PASSWORD)
    form_page = partner.get(f"/partner/courses/{course.id}").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(form_page),
        "title": "太极拳入门（全新版）",
        "area": "elderly",
        "format": "video",
        "level": "all",
        "language": "zh",
        "is_free": "y",
        "status": "published",
        "save": "1",
    }
    for i, lesson in enumerate(course.lessons):
        form[f"lessons-{i}-lesson_id"] = str(lesson.id)
        form[f"lessons-{i}-title"] = lesson.title
        form[f"lessons-{i}-media_type"] = "video"
        form[f"lessons-{i}-duration"] = "5:00"
    assert partner.post(f"/partner/courses/{course.id}", data=form).status_code == 302
    learner_view = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "太极拳入门（全新版）" not in learner_view, "learners see the course as it was"
    # The partner's form shows what waits, not the live version.
    again = partner.get(f"/partner/courses/{course.id}").get_data(as_text=True)
    assert 'value="太极拳入门（全新版）"' in again
    review = _pending(session, course.id)
    assert review.kind == ReviewKind.CHANGE

    editor = app.test_client()
    login(editor, "editor@ouchn.cn", PASSWORD)
    page = editor.get(f"/editor/reviews/{review.id}").get_data(as_text=True)
    assert "太极拳入门（全新版）" in page and 'class="changed"' in page
    token = csrf_token(page)
    no_reason = editor.post(
        f"/editor/reviews/{review.id}", data={"csrf_token": token, "reject": "1", "reason": " "}
    )
    assert no_reason.status_code == 400
    assert _pending(session, course.id) is not None, "a rejection without a reason decides nothing"
    editor.post(
        f"/editor/reviews/{review.id}",
        data={"csrf_token": token, "reject": "1", "reason": "标题与内容不符 <b>请修改</b>"},
    )
    session.expire_all()
    assert session.get(Course, course.id).title == "太极拳入门"
    seen = partner.get(f"/partner/courses/{course.id}").get_data(as_text=True)
    assert "标题与内容不符 &lt;b&gt;请修改&lt;/b&gt;" in seen
    assert "<b>请修改</b>" not in seen
    told = partner.get("/me/notifications").get_data(as_text=True)
    assert "太极拳入门（全新版）" in told and "标题与内容不符 &lt;b&gt;" in told


def test_approving_changes_applies_them_and_keeps_the_lessons(session, reviewed):
    course = make_course(session, reviewed.id, title="太极拳入门", lessons=2)
    session.commit()
    ids = [lesson.id for lesson in course.lessons]
    data = _data("太极拳（修订）", key=course.external_id)
    data.lessons = [
        LessonData(id=ids[1], title="第二讲（新）", duration_seconds=60),
        LessonData(id=ids[0], title="第一讲", duration_seconds=60),
    ]
    submitted = reviews.submit_course(session, reviewed.id, course.id, data, "published")
    session.commit()
    detail = reviews.review_detail(session, submitted.review.id)
    assert {f.field for f in detail.fields if f.changed} >= {"title", "area"}
    reviews.decide(session, submitted.review.id, True, None, None)
    session.commit()
    session.expire_all()
    fresh = session.get(Course, course.id)
    assert fresh.title == "太极拳（修订）" and fresh.status == CourseStatus.PUBLISHED
    assert [(x.id, x.title) for x in fresh.lessons] == [
        (ids[1], "第二讲（新）"),
        (ids[0], "第一讲"),
    ]


def test_taking_a_course_down_never_waits_and_drops_what_waited(session, reviewed):
    course = make_course(session, reviewed.id, lessons=1)
    session.commit()
    waiting = reviews.submit_course(
        session, reviewed.id, course.id, _data("新标题", 1, course.external_id), "published"
    ).review
    gone = reviews.submit_course(
        session, reviewed.id, course.id, _data("新标题", 1, course.external_id), "withdrawn"
    )
    session.commit()
    assert gone.review is None and gone.course.status == CourseStatus.WITHDRAWN
    session.expire_all()
    assert session.get(CourseReview, waiting.id).status == ReviewStatus.SUPERSEDED


def test_two_editors_deciding_at_once_one_decision_stands(engine, session, reviewed):
    review_id = reviews.submit_course(session, reviewed.id, None, _data(), "published").review.id
    session.commit()
    sessions = make_session_factory(engine)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def editor(approve: bool) -> None:
        with sessions() as mine:
            start.wait()
            try:
                reviews.decide(mine, review_id, approve, None if approve else "不合适", None)
                mine.commit()
                outcomes.append("approved" if approve else "rejected")
            except Conflict:
                mine.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=editor, args=(flag,)) for flag in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["approved", "conflict"], ["conflict", "rejected"])
    session.expire_all()
    review = session.get(CourseReview, review_id)
    course = session.get(Course, review.course_id)
    assert (review.status.value == "approved") == (course.status == CourseStatus.PUBLISHED)


def test_rejections_need_a_reason(session, reviewed):
    review_id = reviews.submit_course(session, reviewed.id, None, _data(), "published").review.id
    with pytest.raises(ValidationError):
        reviews.decide(session, review_id, False, "  ", None)


def _file(courses: list[dict]) -> bytes:
    return json.dumps(courses, ensure_ascii=False).encode()


def test_uploads_of_a_provider_under_review_wait_too(engine, session, reviewed, tmp_path):
    live = make_course(session, reviewed.id, title="家常菜", external_id="LIVE", lessons=1)
    session.commit()
    rows = [
        {"id": "U1", "title": "插花入门", "area": "兴趣爱好", "lessons": [{"title": "认识花材"}]},
        {"id": "U2", "title": "茶艺入门", "area": "兴趣爱好"},
        {
            "id": "LIVE",
            "title": "家常菜（新版）",
            "area": "生活技能",
            "lessons": [{"title": "红烧肉", "duration": 600}],
        },
    ]
    upload = run_file(engine, reviewed.id, _file(rows), tmp_path, filename="a.json")
    assert upload.rejected == 0
    session.expire_all()
    new = {
        c.external_id: c
        for c in session.scalars(select(Course).where(Course.external_id.in_(["U1", "U2"])))
    }
    assert {c.status for c in new.values()} == {CourseStatus.DRAFT}
    assert [lesson.title for lesson in new["U1"].lessons] == ["认识花材"]
    kept = session.get(Course, live.id)
    assert kept.title == "家常菜" and [x.title for x in kept.lessons] == ["第1讲"]
    pending = session.scalars(
        select(CourseReview).where(CourseReview.status == ReviewStatus.PENDING)
    ).all()
    assert sorted((r.kind.value, r.title) for r in pending) == [
        ("change", "家常菜（新版）"),
        ("new", "插花入门"),
        ("new", "茶艺入门"),
    ]
    assert {r.upload_id for r in pending} == {upload.id}

    # The same file again: no second review for the drafts; the held change is replaced.
    run_file(engine, reviewed.id, _file(rows), tmp_path, filename="b.json")
    session.expire_all()
    pending = session.scalars(
        select(CourseReview).where(CourseReview.status == ReviewStatus.PENDING)
    ).all()
    assert len(pending) == 3
    change = next(r for r in pending if r.kind == ReviewKind.CHANGE)
    reviews.decide(session, change.id, True, None, None)
    session.commit()
    session.expire_all()
    kept = session.get(Course, live.id)
    assert kept.title == "家常菜（新版）" and [x.title for x in kept.lessons] == ["红烧肉"]
    third = run_file(engine, reviewed.id, _file(rows[2:]), tmp_path, filename="c.json")
    assert third.unchanged == 1, "an approved change is what the file says: nothing to do"


def test_only_admins_put_a_provider_under_review(app, session, reviewed):
    other = make_provider(session, "另一所大学")
    register_user(session, "admin@ops.cn", PASSWORD, "管理员", role=Role.ADMIN)
    session.commit()
    editor = app.test_client()
    login(editor, "editor@ouchn.cn", PASSWORD)
    page = editor.get("/editor/reviews/").get_data(as_text=True)
    token = csrf_token(page)
    refused = editor.post(
        f"/admin/providers/{other.id}/review", data={"csrf_token": token, "required": "1"}
    )
    assert refused.status_code == 403
    admin = app.test_client()
    login(admin, "admin@ops.cn", PASSWORD)
    page = admin.get(f"/admin/providers/{other.id}").get_data(as_text=True)
    done = admin.post(
        f"/admin/providers/{other.id}/review",
        data={"csrf_token": csrf_token(page), "required": "1"},
    )
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Provider, other.id).review_required is True
    entry = session.scalar(
        select(AccountAudit).where(
            AccountAudit.action == "provider_review", AccountAudit.provider_id == other.id
        )
    )
    assert entry is not None and entry.after == {"review_required": True}


def test_learners_and_partners_cannot_open_the_queue(app, session, reviewed):
    register_user(session, "learner@example.com", PASSWORD, "学员")
    session.commit()
    for email in ("learner@example.com", "partner@new.cn"):
        visitor = app.test_client()
        login(visitor, email, PASSWORD)
        assert visitor.get("/editor/reviews/").status_code == 403


def test_the_queue_pages_through_many_submissions(app, session, reviewed):
    for n in range(55):
        reviews.submit_course(
            session, reviewed.id, None, _data(f"课程{n:02d}", 1, f"K{n}"), "published"
        )
    session.commit()
    editor = app.test_client()
    login(editor, "editor@ouchn.cn", PASSWORD)
    first = editor.get("/editor/reviews/").get_data(as_text=True)
    assert "课程00" in first and "课程54" not in first
    assert 'rel="next" href="/editor/reviews/?page=2"' in first
    second = editor.get("/editor/reviews/?page=2").get_data(as_text=True)
    assert "课程54" in second and 'rel="prev" href="/editor/reviews/?page=1"' in second

"""Likes, saves, views and "not interested" write events; "my learning" reads them back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from catalogue.models import Event, Lesson
from catalogue.services.activity import record_event
from catalogue.services.courses import withdraw_course
from catalogue.services.engagement import in_progress, my_learning, standing, toggle
from catalogue.services.users import register_user
from tests.helpers import login, make_course, make_provider, page_token


def setup(session):
    provider = make_provider(session).id
    taiji = make_course(session, provider, title="太极拳入门")
    phone = make_course(session, provider, title="老年人智能手机入门")
    ann = register_user(session, "ann@example.cn", "password-123", "Ann").id
    session.commit()
    return ann, taiji.id, phone.id


def kinds(session, user_id: int) -> list[str]:
    session.expire_all()
    stmt = select(Event.kind).where(Event.user_id == user_id).order_by(Event.id)
    return [str(k) for k in session.scalars(stmt)]


def test_toggles_follow_the_latest_event(session):
    ann, taiji, _phone = setup(session)
    assert standing(session, ann, taiji).liked is False
    assert toggle(session, ann, taiji, "like") is True
    assert standing(session, ann, taiji).liked is True
    assert toggle(session, ann, taiji, "like") is False
    assert toggle(session, ann, taiji, "save") is True
    assert standing(session, ann, taiji).saved is True and not standing(session, ann, taiji).liked
    assert kinds(session, ann) == ["like", "unlike", "save"]


def test_the_course_page_records_views_and_its_buttons_like_and_save(client, session):
    ann, taiji, _phone = setup(session)
    login(client, "ann@example.cn", "password-123")
    page = client.get(f"/courses/{taiji}").get_data(as_text=True)
    assert ">点赞</button>" in page and ">收藏</button>" in page
    token = page_token(client)
    client.post(f"/courses/{taiji}/like", data={"csrf_token": token})
    client.post(f"/courses/{taiji}/save", data={"csrf_token": token})
    page = client.get(f"/courses/{taiji}").get_data(as_text=True)
    assert 'aria-pressed="true">已点赞</button>' in page
    assert 'aria-pressed="true">已收藏</button>' in page
    # Two visits within REPEAT_VIEW_WINDOW are one view; the two clicks are two events.
    assert kinds(session, ann) == ["view", "like", "save"]
    # Without a CSRF token nothing happens.
    assert client.post(f"/courses/{taiji}/like").status_code == 400
    assert client.post("/courses/999999/like", data={"csrf_token": token}).status_code == 404


def test_my_learning_lists_saved_in_progress_completed_and_viewed(client, session):
    ann, taiji, phone = setup(session)
    now = datetime.now(UTC)
    record_event(session, ann, taiji, "view", at=now - timedelta(days=2))
    record_event(session, ann, taiji, "start", at=now - timedelta(days=2))
    record_event(session, ann, taiji, "progress", value=0.4, at=now - timedelta(days=1))
    record_event(session, ann, phone, "view", at=now)
    record_event(session, ann, phone, "complete", at=now)
    toggle(session, ann, phone, "save")
    session.commit()
    lists = my_learning(session, ann)
    assert [e.course_id for e in lists.in_progress] == [taiji]
    assert lists.in_progress[0].progress == 0.4
    assert [e.course_id for e in lists.completed] == [phone]
    assert [e.course_id for e in lists.saved] == [phone]
    assert [e.course_id for e in lists.history] == [phone, taiji]
    login(client, "ann@example.cn", "password-123")
    page = client.get("/me/learning").get_data(as_text=True)
    assert "学习中" in page and 'value="40"' in page and "老年人智能手机入门" in page


def test_not_interested_removes_a_course_from_the_feed(client, session):
    ann, taiji, _phone = setup(session)
    login(client, "ann@example.cn", "password-123")
    response = client.post(
        f"/courses/{taiji}/dismiss", data={"csrf_token": page_token(client), "next": "/"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "dismiss" in kinds(session, ann)
    feed = client.get("/api/v1/feed?limit=10").get_json()
    assert taiji not in {item["id"] for item in feed["items"]}


def test_marking_lessons_done_tracks_progress_resume_and_completion(client, session):
    provider = make_provider(session).id
    course = make_course(session, provider, title="八段锦", lessons=3)
    register_user(session, "lee@example.cn", "password-123", "Lee")
    session.commit()
    lessons = sorted(course.lessons, key=lambda lesson: lesson.position)
    login(client, "lee@example.cn", "password-123")
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert page.count(">学完这一讲<") == 3 and "继续上次的学习" not in page
    token = page_token(client)
    done = f"/courses/{course.id}/lessons/{lessons[0].id}/done"
    assert client.post(done, data={"csrf_token": token}).status_code == 302
    client.post(done, data={"csrf_token": token})  # twice: counted once
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert f"继续上次的学习：{lessons[1].title}" in page and "已学 33%" in page
    user = session.scalar(select(Event.user_id).limit(1))
    # The second visit within REPEAT_VIEW_WINDOW stores no second view.
    assert kinds(session, user) == ["view", "start", "progress"]
    for lesson in lessons[1:]:
        client.post(f"/courses/{course.id}/lessons/{lesson.id}/done", data={"csrf_token": token})
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert page.count(">已学完<") >= 3 and "学完这一讲" not in page
    assert kinds(session, user).count("complete") == 1
    lists = my_learning(session, user)
    assert [e.course_id for e in lists.completed] == [course.id] and not lists.in_progress
    other = make_course(session, provider, title="别的课")
    session.commit()
    wrong = f"/courses/{other.id}/lessons/{lessons[0].id}/done"
    assert client.post(wrong, data={"csrf_token": token}).status_code == 404


JSON = {"Accept": "application/json"}


def test_actions_answer_the_pages_script_with_json(client, session):
    ann, taiji, _phone = setup(session)
    login(client, "ann@example.cn", "password-123")
    token = page_token(client)
    liked = client.post(f"/courses/{taiji}/like", data={"csrf_token": token}, headers=JSON)
    assert liked.status_code == 200
    assert liked.get_json() == {
        "ok": True,
        "message": "已点赞这门课。",
        "pressed": True,
        "label": "已点赞",
    }
    unliked = client.post(f"/courses/{taiji}/like", data={"csrf_token": token}, headers=JSON)
    assert unliked.get_json()["pressed"] is False and unliked.get_json()["label"] == "点赞"
    lesson = session.scalars(select(Lesson.id).where(Lesson.course_id == taiji)).first()
    done = client.post(
        f"/courses/{taiji}/lessons/{lesson}/done", data={"csrf_token": token}, headers=JSON
    ).get_json()
    assert done["fraction"] == 0.5 and done["label"] == "已学完"
    dismissed = client.post(
        f"/courses/{taiji}/dismiss", data={"csrf_token": token}, headers=JSON
    ).get_json()
    assert dismissed["removed"] is True
    assert kinds(session, ann)[-5:] == ["like", "unlike", "start", "progress", "dismiss"]
    # A plain form post (no script) still gets a page back.
    assert client.post(f"/courses/{taiji}/like", data={"csrf_token": token}).status_code == 302


def test_sharing_records_a_share_and_gives_the_link(client, session):
    ann, taiji, _phone = setup(session)
    login(client, "ann@example.cn", "password-123")
    token = page_token(client)
    answer = client.post(f"/courses/{taiji}/share", data={"csrf_token": token}, headers=JSON)
    assert answer.get_json()["url"] == f"http://localhost/courses/{taiji}"
    plain = client.post(f"/courses/{taiji}/share", data={"csrf_token": token})
    page = client.get(plain.headers["Location"]).get_data(as_text=True)
    assert f"复制这个链接分享课程：http://localhost/courses/{taiji}" in page
    assert kinds(session, ann).count("share") == 2
    assert client.post(f"/courses/{taiji}/share").status_code == 400
    assert client.post("/courses/999999/share", data={"csrf_token": token}).status_code == 404


def test_continue_learning_lists_started_unfinished_courses_newest_first(session):
    ann, taiji, phone = setup(session)
    provider = make_provider(session).id
    done = make_course(session, provider, title="已学完的课").id
    gone = make_course(session, provider, title="下架的课").id
    now = datetime.now(UTC)
    record_event(session, ann, taiji, "start", at=now - timedelta(days=3))
    record_event(session, ann, taiji, "progress", value=0.5, at=now - timedelta(days=2))
    record_event(session, ann, phone, "start", at=now - timedelta(days=1))
    record_event(session, ann, done, "start", at=now - timedelta(hours=5))
    record_event(session, ann, done, "complete", at=now - timedelta(hours=4))
    record_event(session, ann, gone, "start", at=now)
    withdraw_course(session, gone)
    session.commit()
    entries = in_progress(session, ann)
    assert [(e.course_id, e.progress) for e in entries] == [(phone, 0.0), (taiji, 0.5)]
    assert in_progress(session, ann, limit=1)[0].course_id == phone
    assert [e.course_id for e in my_learning(session, ann).in_progress] == [phone, taiji]

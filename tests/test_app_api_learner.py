"""The app API's learner endpoints through real HTTP requests on both databases: each one's
happy path, its bad input, and a second learner who can never read or change the first's."""

from __future__ import annotations

from sqlalchemy import select

from catalogue.models import Comment, Event, Lesson, LessonPosition, Notification, User, utcnow
from catalogue.services import notifications as notification_service
from catalogue.services.courses import withdraw_course
from tests.helpers import make_course, make_provider
from tests.test_app_api_auth import bearer, make_learner, sign_in


def world(client, session):
    """Ann and Bob signed in to the app, two published courses and a draft one."""
    provider = make_provider(session).id
    taiji = make_course(session, provider, title="太极拳入门", lessons=3)
    phone = make_course(session, provider, title="老年人智能手机入门")
    draft = make_course(session, provider, title="草稿", publish=False)
    session.commit()
    make_learner(session)
    make_learner(session, "bob@example.cn", "Bob")
    ann = bearer(sign_in(client))
    bob = bearer(sign_in(client, "bob@example.cn"))
    lessons = [lesson.id for lesson in taiji.lessons]
    return ann, bob, taiji.id, phone.id, draft.id, lessons


def error_code(response) -> str:
    assert response.is_json, response.get_data(as_text=True)[:200]
    return response.get_json()["error"]["code"]


def test_me_and_settings(client, session):
    ann, _bob, *_ = world(client, session)
    me = client.get("/api/v1/me", headers=ann).get_json()
    assert me["caring_mode"] == {"enabled": False, "text_size": "large"}
    assert me["preferred_language"] == "zh" and me["unread_notifications"] == 0
    changed = client.patch(
        "/api/v1/me/settings",
        json={"caring_mode": True, "text_size": "larger", "preferred_language": "en"},
        headers=ann,
    )
    assert changed.status_code == 200
    body = changed.get_json()
    assert body["caring_mode"] == {"enabled": True, "text_size": "larger"}
    assert body["preferred_language"] == "en"
    assert client.put("/api/v1/me/settings", json={"time_zone": "Asia/Urumqi"}, headers=ann)
    assert client.get("/api/v1/me", headers=ann).get_json()["time_zone"] == "Asia/Urumqi"
    for bad in [
        {"caring_mode": "yes"},
        {"text_size": "huge"},
        {"preferred_language": "fr"},
        {"time_zone": "Mars/Olympus"},
        {"time_zone": 5},
        {"interest_areas": ["nowhere"]},
        {"interest_areas": "elderly"},
        {"password": "x"},
    ]:
        response = client.patch("/api/v1/me/settings", json=bad, headers=ann)
        assert response.status_code == 422, bad
        assert error_code(response) == "VALIDATION_ERROR"
        assert response.get_json()["error"]["fields"][0]["field"] == next(iter(bad))
    assert client.patch("/api/v1/me/settings", data="[]", headers=ann).status_code == 400
    # Nothing of the bad requests was stored.
    assert client.get("/api/v1/me", headers=ann).get_json()["caring_mode"]["text_size"] == "larger"


def test_course_lessons_like_save_and_my_learning(client, session):
    ann, bob, taiji, _phone, draft, lessons = world(client, session)
    course = client.get(f"/api/v1/courses/{taiji}", headers=ann).get_json()
    assert course["title"] == "太极拳入门" and [x["id"] for x in course["lessons"]] == lessons
    assert course["me"] == {
        "liked": False,
        "saved": False,
        "completed": False,
        "progress": 0.0,
        "next_lesson_id": lessons[0],
        "resume": None,
    }
    for path in (f"/api/v1/courses/{draft}", "/api/v1/courses/999999", "/api/v1/lessons/999999"):
        response = client.get(path, headers=ann)
        assert response.status_code == 404 and error_code(response) == "NOT_FOUND"
    lesson = client.get(f"/api/v1/lessons/{lessons[1]}", headers=ann).get_json()
    assert lesson["course_id"] == taiji and lesson["previous_lesson_id"] == lessons[0]
    assert lesson["position_seconds"] == 0 and lesson["done"] is False
    # PUT twice is still liked (idempotent); DELETE unlikes.
    for _ in range(2):
        liked = client.put(f"/api/v1/courses/{taiji}/like", headers=ann)
        assert liked.status_code == 200 and liked.get_json() == {"course_id": taiji, "liked": True}
    assert client.put(f"/api/v1/courses/{taiji}/save", headers=ann).get_json()["saved"] is True
    assert client.delete(f"/api/v1/courses/{taiji}/like", headers=ann).get_json()["liked"] is False
    assert client.delete(f"/api/v1/courses/{taiji}/like", headers=ann).get_json()["liked"] is False
    kinds = session.scalars(select(Event.kind).order_by(Event.id)).all()
    assert [str(k) for k in kinds] == ["like", "save", "unlike"]
    assert client.put(f"/api/v1/courses/{draft}/save", headers=ann).status_code == 404
    mine = client.get("/api/v1/me/learning", headers=ann).get_json()
    assert [e["course_id"] for e in mine["saved"]] == [taiji]
    # Bob's lists are his own.
    assert client.get("/api/v1/me/learning", headers=bob).get_json()["saved"] == []
    assert client.get(f"/api/v1/courses/{taiji}", headers=bob).get_json()["me"]["saved"] is False


def test_positions_progress_and_completion(client, session):
    ann, bob, taiji, _phone, _draft, lessons = world(client, session)
    saved = client.put(
        f"/api/v1/lessons/{lessons[0]}/position", json={"position_seconds": 120}, headers=ann
    )
    assert saved.status_code == 200
    assert saved.get_json() == {
        "lesson_id": lessons[0],
        "course_id": taiji,
        "position_seconds": 120,
        "finished": False,
        "course_progress": 0.0,
    }
    got = client.get(f"/api/v1/lessons/{lessons[0]}/position", headers=ann).get_json()
    assert got["position_seconds"] == 120
    # Bob sees his own position (none), and his save does not touch Ann's.
    assert (
        client.get(f"/api/v1/lessons/{lessons[0]}", headers=bob).get_json()["position_seconds"] == 0
    )
    client.put(f"/api/v1/lessons/{lessons[0]}/position", json={"position_seconds": 5}, headers=bob)
    assert (
        client.get(f"/api/v1/lessons/{lessons[0]}", headers=ann).get_json()["position_seconds"]
        == 120
    )
    # Played to its end (300 s lessons): finished, clamped to the length.
    end = client.put(
        f"/api/v1/lessons/{lessons[0]}/position", json={"position_seconds": 9999}, headers=ann
    ).get_json()
    assert end["position_seconds"] == 300 and end["finished"] is True
    assert abs(end["course_progress"] - 1 / 3) < 1e-9
    for bad in [
        {"position_seconds": -1},
        {"position_seconds": "12:30"},
        {},
        {"position_seconds": True},
        {"position_seconds": 10**9},
    ]:
        response = client.put(f"/api/v1/lessons/{lessons[1]}/position", json=bad, headers=ann)
        assert response.status_code == 422, bad
    assert (
        client.put(f"/api/v1/lessons/{lessons[1]}/position", data="x", headers=ann).status_code
        == 400
    )
    missing = client.put(
        "/api/v1/lessons/999999/position", json={"position_seconds": 1}, headers=ann
    )
    assert missing.status_code == 404
    for lesson_id in lessons[1:]:
        done = client.post(f"/api/v1/lessons/{lesson_id}/complete", headers=ann)
        assert done.status_code == 200
    assert done.get_json()["course_completed"] is True
    course = client.get(f"/api/v1/courses/{taiji}", headers=ann).get_json()
    assert course["me"]["completed"] is True and course["me"]["progress"] == 1.0
    assert all(lesson["done"] for lesson in course["lessons"])
    assert (
        client.get(f"/api/v1/courses/{taiji}", headers=bob).get_json()["me"]["completed"] is False
    )
    mine = client.get("/api/v1/me/learning", headers=ann).get_json()
    assert [e["course_id"] for e in mine["completed"]] == [taiji]
    positions = session.scalars(select(LessonPosition.user_id)).all()
    assert len(positions) == 2  # one each: Ann's and Bob's rows of lesson 1
    profile = client.get("/api/v1/me/profile", headers=ann).get_json()
    assert profile["total_seconds"] > 0 and profile["completed"] == 1
    assert set(profile["streak"]) == {"current", "longest", "learned_today"}


def test_goal(client, session):
    ann, bob, *_ = world(client, session)
    assert client.get("/api/v1/me/profile", headers=ann).get_json()["goal"] is None
    goal = client.put("/api/v1/me/profile/goal", json={"weekly_hours": 1.5}, headers=ann)
    assert goal.status_code == 200 and goal.get_json()["goal"]["weekly_minutes"] == 90
    for bad in [
        {"weekly_hours": 0},
        {"weekly_hours": "3"},
        {"weekly_hours": 1000},
        {},
        {"weekly_hours": 2, "reminders": "no"},
    ]:
        response = client.put("/api/v1/me/profile/goal", json=bad, headers=ann)
        assert response.status_code == 422, bad
    assert client.get("/api/v1/me/profile", headers=bob).get_json()["goal"] is None
    assert client.delete("/api/v1/me/profile/goal", headers=ann).status_code == 204
    assert client.get("/api/v1/me/profile", headers=ann).get_json()["goal"] is None


def test_notes_crud_pages_and_privacy(client, session):
    ann, bob, taiji, phone, draft, lessons = world(client, session)
    created = client.post(
        f"/api/v1/courses/{taiji}/notes",
        json={"body": "云手要慢", "lesson_id": lessons[1], "position_seconds": 61},
        headers=ann,
    )
    assert created.status_code == 201
    note = created.get_json()
    assert note["body"] == "云手要慢" and note["lesson_id"] == lessons[1]
    for i in range(4):
        client.post(f"/api/v1/courses/{phone}/notes", json={"body": f"笔记 {i}"}, headers=ann)
    first = client.get("/api/v1/me/notes?limit=3", headers=ann).get_json()
    assert [n["body"] for n in first["items"]] == ["笔记 3", "笔记 2", "笔记 1"]
    rest = client.get(f"/api/v1/me/notes?limit=3&cursor={first['next_cursor']}", headers=ann)
    assert [n["body"] for n in rest.get_json()["items"]] == ["笔记 0", "云手要慢"]
    assert rest.get_json()["next_cursor"] is None
    on_taiji = client.get(f"/api/v1/courses/{taiji}/notes", headers=ann).get_json()["items"]
    assert [n["id"] for n in on_taiji] == [note["id"]]
    for query in ("limit=0", "limit=101", "limit=x", "cursor=abc", "cursor=-1"):
        response = client.get(f"/api/v1/me/notes?{query}", headers=ann)
        assert response.status_code == 400, query
        assert error_code(response) in {"BAD_LIMIT", "BAD_CURSOR"}
    changed = client.patch(
        f"/api/v1/me/notes/{note['id']}", json={"body": "云手要慢而匀"}, headers=ann
    )
    assert changed.status_code == 200 and changed.get_json()["body"] == "云手要慢而匀"
    # Bob can neither list, read, change nor delete Ann's note.
    assert client.get("/api/v1/me/notes", headers=bob).get_json()["items"] == []
    assert client.get(f"/api/v1/courses/{taiji}/notes", headers=bob).get_json()["items"] == []
    assert client.get(f"/api/v1/me/notes/{note['id']}", headers=bob).status_code == 404
    assert (
        client.patch(f"/api/v1/me/notes/{note['id']}", json={"body": "x"}, headers=bob).status_code
        == 404
    )
    assert client.delete(f"/api/v1/me/notes/{note['id']}", headers=bob).status_code == 404
    assert (
        client.get(f"/api/v1/me/notes/{note['id']}", headers=ann).get_json()["body"]
        == "云手要慢而匀"
    )
    for bad, status in [
        ({"body": ""}, 422),
        ({"body": 5}, 422),
        ({"body": "x" * 20_001}, 422),
        ({"body": "x", "lesson_id": "1"}, 422),
        ({"body": "x", "position_seconds": -5}, 422),
    ]:
        response = client.post(f"/api/v1/courses/{taiji}/notes", json=bad, headers=ann)
        assert response.status_code == status, bad
    other_lesson = session.scalar(select(Lesson.id).where(Lesson.course_id == phone))
    wrong = client.post(
        f"/api/v1/courses/{taiji}/notes", json={"body": "x", "lesson_id": other_lesson}, headers=ann
    )
    assert wrong.status_code == 404
    assert (
        client.post(f"/api/v1/courses/{draft}/notes", json={"body": "x"}, headers=ann).status_code
        == 404
    )
    assert client.delete(f"/api/v1/me/notes/{note['id']}", headers=ann).status_code == 204
    assert client.get(f"/api/v1/me/notes/{note['id']}", headers=ann).status_code == 404


def test_comments_follow_the_sites_rules(client, session):
    ann, bob, taiji, _phone, draft, _lessons = world(client, session)
    posted = client.post(f"/api/v1/courses/{taiji}/comments", json={"body": "讲得好"}, headers=ann)
    assert posted.status_code == 201
    comment = posted.get_json()
    assert comment["author"] == "Ann" and comment["mine"] is True
    reply = client.post(
        f"/api/v1/courses/{taiji}/comments",
        json={"body": "同意", "parent_id": comment["id"]},
        headers=bob,
    )
    assert reply.status_code == 201 and reply.get_json()["parent_id"] == comment["id"]
    # Ann is told of Bob's reply.
    listed = client.get(f"/api/v1/courses/{taiji}/comments", headers=ann).get_json()
    assert [t["body"] for t in listed["items"]] == ["讲得好"]
    assert [r["body"] for r in listed["items"][0]["replies"]] == ["同意"]
    assert listed["items"][0]["replies"][0]["mine"] is False
    # Bob cannot delete Ann's comment; Ann cannot delete hers now that Bob replied.
    assert client.delete(f"/api/v1/comments/{comment['id']}", headers=bob).status_code == 404
    conflict = client.delete(f"/api/v1/comments/{comment['id']}", headers=ann)
    assert conflict.status_code == 409 and error_code(conflict) == "HAS_REPLIES"
    assert (
        client.delete(f"/api/v1/comments/{reply.get_json()['id']}", headers=bob).status_code == 204
    )
    assert client.delete(f"/api/v1/comments/{comment['id']}", headers=ann).status_code == 204
    assert session.scalar(select(Comment.id)) is None
    for bad in [{"body": ""}, {"body": "x" * 2001}, {}, {"body": "x", "parent_id": 0}]:
        response = client.post(f"/api/v1/courses/{taiji}/comments", json=bad, headers=ann)
        assert response.status_code == 422, bad
    bad_parent = client.post(
        f"/api/v1/courses/{taiji}/comments", json={"body": "x", "parent_id": 999999}, headers=ann
    )
    assert bad_parent.status_code == 404
    assert client.get(f"/api/v1/courses/{draft}/comments", headers=ann).status_code == 404
    # A muted learner is refused, as on the site.
    session.get(
        User, session.scalar(select(User.id).where(User.email == "bob@example.cn"))
    ).muted_at = utcnow()
    session.commit()
    muted = client.post(f"/api/v1/courses/{taiji}/comments", json={"body": "hi"}, headers=bob)
    assert muted.status_code == 403 and error_code(muted) == "MUTED"
    # Too many comments in a short time: 429 with Retry-After.
    codes = [
        client.post(
            f"/api/v1/courses/{taiji}/comments", json={"body": f"第{i}条"}, headers=ann
        ).status_code
        for i in range(11)
    ]
    assert codes[:10] == [201] * 10 and codes[10] == 429
    report = client.post(
        f"/api/v1/comments/{session.scalar(select(Comment.id).order_by(Comment.id))}/report",
        json={"reason": "广告"},
        headers=bob,
    )
    assert report.status_code == 200


def test_notifications(client, session):
    ann, bob, *_ = world(client, session)
    ann_id = session.scalar(select(User.id).where(User.email == "ann@example.cn"))
    for i in range(3):
        notification_service.notify(session, ann_id, notification_service.GOAL_BEHIND, week=i)
    session.commit()
    page = client.get("/api/v1/me/notifications?limit=2", headers=ann).get_json()
    assert page["unread"] == 3 and len(page["items"]) == 2 and page["next_cursor"]
    assert all(item["text"] and item["read"] is False for item in page["items"])
    rest = client.get(f"/api/v1/me/notifications?cursor={page['next_cursor']}", headers=ann)
    assert len(rest.get_json()["items"]) == 1 and rest.get_json()["next_cursor"] is None
    first = page["items"][0]["id"]
    assert client.post(f"/api/v1/me/notifications/{first}/read", headers=bob).status_code == 404
    read = client.post(f"/api/v1/me/notifications/{first}/read", headers=ann)
    assert read.status_code == 200 and read.get_json()["read"] is True
    assert client.get("/api/v1/me", headers=ann).get_json()["unread_notifications"] == 2
    assert client.get("/api/v1/me/notifications", headers=bob).get_json()["items"] == []
    assert client.post("/api/v1/me/notifications/read", headers=ann).get_json()["marked"] == 2
    assert session.scalar(select(Notification.id).where(Notification.read_at.is_(None))) is None


def test_feed_search_and_suggest_accept_an_app_token(client, session):
    ann, _bob, *_ = world(client, session)
    assert client.get("/api/v1/feed", headers=ann).status_code == 200
    revoked = sign_in(client, device="old")
    client.delete("/api/v1/auth/token", headers=bearer(revoked))
    for path in ("/api/v1/feed", "/api/v1/search?q=太极", "/api/v1/suggest?q=tai"):
        response = client.get(path, headers=bearer(revoked))
        assert response.status_code == 401, path
        assert error_code(response) == "TOKEN_REVOKED"
    # Without a token they answer visitors as before.
    assert client.get("/api/v1/feed").status_code == 200
    assert client.get("/api/v1/feed").get_json()["personalised"] is False


def test_withdrawn_course_and_wrong_methods_answer_json(client, session):
    ann, _bob, taiji, *_ = world(client, session)
    withdraw_course(session, taiji)
    session.commit()
    assert client.get(f"/api/v1/courses/{taiji}", headers=ann).status_code == 404
    wrong = client.post("/api/v1/me", headers=ann)
    assert wrong.status_code == 405 and wrong.is_json
    assert client.get("/api/v1/nothing-here", headers=ann).is_json

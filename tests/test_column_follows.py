"""Following a column: a learner follows a column on its page and finds it in "my learning";
when an editor adds a course to it, every follower hears of it, once per column while unread
(merged, not one notification per course), leading to the course, or to the column when
several are new."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from catalogue.db import make_session_factory
from catalogue.errors import NotFound
from catalogue.models import ColumnFollow, Notification, Role, utcnow
from catalogue.services import columns as column_service
from catalogue.services import notifications
from catalogue.services.users import register_user
from tests.helpers import csrf_token, login, make_course

PASSWORD = "follow-pass-2026"


def _column(session, slug="tea-culture", *, publish=True, **window):
    column = column_service.create_column(session, slug, "茶文化专题", **window)
    if publish:
        column_service.publish_column(session, column.id)
    return column


def _learners(session, *names):
    return [register_user(session, f"{n}@example.cn", PASSWORD, n).id for n in names]


def _notes(session, user_id):
    session.expire_all()
    return list(
        session.scalars(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
        )
    )


def test_follow_is_idempotent_and_only_for_columns_learners_can_see(session):
    column = _column(session)
    draft = _column(session, "draft-one", publish=False)
    ended = _column(session, "ended", publish_until=utcnow() - timedelta(days=1),
                    publish_from=utcnow() - timedelta(days=9))  # fmt: skip
    (mei,) = _learners(session, "mei")
    column_service.follow_column(session, mei, "tea-culture")
    column_service.follow_column(session, mei, "tea-culture")
    session.commit()
    assert session.scalars(select(ColumnFollow)).all()[0].column_id == column.id
    assert column_service.follower_count(session, column.id) == 1
    assert column_service.is_following(session, mei, column.id)
    for slug in (draft.slug, ended.slug, "nope", "bad\x00slug"):
        with pytest.raises(NotFound):
            column_service.follow_column(session, mei, slug)
    assert [c.slug for c in column_service.followed_columns(session, mei)] == ["tea-culture"]
    column_service.unfollow_column(session, mei, "tea-culture")
    column_service.unfollow_column(session, mei, "tea-culture")  # twice: nothing more
    for slug in ("nope", "bad\x00slug"):
        with pytest.raises(NotFound):
            column_service.unfollow_column(session, mei, slug)
    session.commit()
    assert column_service.follower_count(session, column.id) == 0
    assert column_service.followed_columns(session, mei) == []


def test_followers_hear_of_added_courses_merged_while_unread(session):
    column = _column(session)
    other = _column(session, "calligraphy")
    mei, wang, zhou = _learners(session, "mei", "wang", "zhou")
    for learner in (mei, wang):
        column_service.follow_column(session, learner, "tea-culture")
    column_service.follow_column(session, zhou, "calligraphy")
    first = make_course(session, title="普洱茶入门")
    second = make_course(session, title="工夫茶")
    third = make_course(session, title="茶具鉴赏")
    session.commit()

    column_service.add_column_course(session, column.id, first.id)
    session.commit()
    [note] = _notes(session, mei)
    assert note.kind == notifications.COLUMN_COURSE and note.read_at is None
    assert note.data == {
        "column_id": column.id,
        "column_slug": "tea-culture",
        "column_title": "茶文化专题",
        "course_id": first.id,
        "course_title": "普洱茶入门",
        "more": False,
    }
    assert len(_notes(session, wang)) == 1 and _notes(session, zhou) == []

    # wang reads his; mei does not. A second course: mei's is merged, wang gets a new one.
    notifications.open_notification(session, wang, _notes(session, wang)[0].id)
    note.mailed_at = utcnow()  # the digest had told mei of the first course
    session.commit()
    column_service.add_column_course(session, column.id, second.id)
    column_service.add_column_course(session, column.id, second.id)  # already in: no news
    session.commit()
    [merged] = _notes(session, mei)
    assert merged.id == note.id
    assert merged.data["course_title"] == "工夫茶" and merged.data["more"] is True
    assert merged.mailed_at is None  # the next digest tells of the change
    wang_notes = _notes(session, wang)
    assert len(wang_notes) == 2 and wang_notes[1].data["more"] is False
    assert wang_notes[1].data["course_id"] == second.id

    # A course in another column is another notification; unread counts follow.
    column_service.add_column_course(session, other.id, third.id)
    column_service.add_column_course(session, column.id, third.id)
    session.commit()
    assert len(_notes(session, mei)) == 1 and _notes(session, mei)[0].data["course_id"] == third.id
    assert [n.data["column_slug"] for n in _notes(session, zhou)] == ["calligraphy"]
    assert notifications.unread_count(session, wang) == 1


def test_a_column_learners_cannot_see_tells_nobody(session):
    column = _column(session)
    (mei,) = _learners(session, "mei")
    column_service.follow_column(session, mei, "tea-culture")
    column_service.unpublish_column(session, column.id)
    column_service.add_column_course(session, column.id, make_course(session).id)
    session.commit()
    assert _notes(session, mei) == []


def test_follow_button_my_learning_and_the_notification_link(app, session):
    column = _column(session)
    editor = register_user(session, "ed@example.cn", PASSWORD, "编辑", role=Role.EDITOR).id
    register_user(session, "mei@example.cn", PASSWORD, "梅阿姨")
    courses = [make_course(session, title=t).id for t in ("普洱茶入门", "工夫茶")]
    session.commit()
    visitor = app.test_client()
    page = visitor.get("/columns/tea-culture").get_data(as_text=True)
    assert "登录后关注这个专题" in page and "/login?next=/columns/tea-culture" in page
    assert visitor.post("/columns/tea-culture/follow").status_code in (302, 400, 401)

    client = app.test_client()
    login(client, "mei@example.cn", PASSWORD)
    page = client.get("/columns/tea-culture").get_data(as_text=True)
    assert "关注这个专题" in page and 'aria-pressed="false"' in page
    assert client.post("/columns/tea-culture/follow").status_code == 400  # no CSRF token
    answer = client.post("/columns/tea-culture/follow", data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/columns/tea-culture")
    page = client.get("/columns/tea-culture").get_data(as_text=True)
    assert "您已关注“茶文化专题”" in page and 'aria-pressed="true"' in page
    assert "关注人数：1" in page
    mine = client.get("/me/learning").get_data(as_text=True)
    assert "我关注的专题" in mine and 'href="/columns/tea-culture"' in mine
    assert (
        client.post("/columns/nope/follow", data={"csrf_token": csrf_token(page)}).status_code
        == 404
    )

    # The editor adds a course through the console: mei's notification leads to it.
    editor_client = app.test_client()
    login(editor_client, "ed@example.cn", PASSWORD)
    edit = editor_client.get(f"/editor/columns/{column.id}").get_data(as_text=True)
    for course_id in courses[:1]:
        editor_client.post(
            f"/editor/columns/{column.id}/courses",
            data={"csrf_token": csrf_token(edit), "action": "add", "course_id": str(course_id)},
        )
    listing = client.get("/me/notifications").get_data(as_text=True)
    assert "专题“茶文化专题”有新课程：《普洱茶入门》" in listing
    [note] = _notes(session, session.scalar(select(Notification.user_id)))
    assert note.user_id != editor
    opened = client.get(f"/me/notifications/{note.id}")
    assert opened.headers["Location"].endswith(f"/courses/{courses[0]}")
    # Read, then two more courses while unread: one notification, leading to the column.
    editor_client.post(
        f"/editor/columns/{column.id}/courses",
        data={"csrf_token": csrf_token(edit), "action": "add", "course_id": str(courses[1])},
    )
    column_service.add_column_course(session, column.id, make_course(session, title="茶具").id)
    session.commit()
    listing = client.get("/me/notifications").get_data(as_text=True)
    assert "专题“茶文化专题”有多门新课程，最新的是《茶具》" in listing
    newest = _notes(session, note.user_id)[-1]
    assert (
        client.get(f"/me/notifications/{newest.id}")
        .headers["Location"]
        .endswith("/columns/tea-culture")
    )

    page = client.get("/columns/tea-culture").get_data(as_text=True)
    client.post("/columns/tea-culture/unfollow", data={"csrf_token": csrf_token(page)})
    page = client.get("/columns/tea-culture").get_data(as_text=True)
    assert "您不再关注“茶文化专题”" in page and 'aria-pressed="false"' in page
    assert 'href="/columns/tea-culture"' not in client.get("/me/learning").get_data(as_text=True)


def test_two_follows_at_once_are_one_follow_and_no_error(engine, session):
    column = _column(session)
    (mei,) = _learners(session, "mei")
    session.commit()
    sessions = make_session_factory(engine)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def follow() -> None:
        with sessions() as own:
            start.wait()
            try:
                column_service.follow_column(own, mei, "tea-culture")
                own.commit()
            except Exception as exc:  # reported below
                errors.append(exc)

    threads = [threading.Thread(target=follow) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert column_service.follower_count(session, column.id) == 1

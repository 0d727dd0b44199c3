"""Taking notes on a course page, the notes list, search, edit, delete, export; privacy."""

from __future__ import annotations

from sqlalchemy import func, select

from catalogue.models import Lesson, Note
from catalogue.services.users import register_user
from tests.helpers import csrf_token, login, make_course, make_provider, page_token


def setup(session):
    course = make_course(session, make_provider(session).id, title="太极拳入门", lessons=3)
    lesson = session.scalars(select(Lesson).where(Lesson.course_id == course.id)).first()
    register_user(session, "ann@example.cn", "password-123", "Ann")
    register_user(session, "bob@example.cn", "password-123", "Bob")
    session.commit()
    return course, lesson


def notes_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Note))


def add(client, course_id: int, follow_redirects: bool = False, **data):
    token = page_token(client)
    return client.post(
        f"/courses/{course_id}/notes",
        data={"csrf_token": token, **data},
        follow_redirects=follow_redirects,
    )


def test_a_note_taken_on_the_course_page_shows_there_and_in_my_notes(client, session):
    course, lesson = setup(session)
    login(client, "ann@example.cn", "password-123")
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "我在这门课的笔记" in page and "时间点（分:秒）" in page
    response = add(
        client, course.id, body="起势<b>放松</b>", lesson_id=str(lesson.id), position="2:05"
    )
    assert response.status_code == 302
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "起势&lt;b&gt;放松&lt;/b&gt;" in page and "<b>放松" not in page
    mine = client.get("/me/notes").get_data(as_text=True)
    assert "太极拳入门" in mine and "起势&lt;b&gt;放松" in mine and lesson.title in mine


def test_bad_notes_are_refused_with_a_message_and_store_nothing(client, session):
    course, _lesson = setup(session)
    login(client, "ann@example.cn", "password-123")
    cases = [
        ({"body": "   "}, "该字段是必填字段。"),
        ({"body": "ok", "position": "two"}, "请按 2:05 的格式填写时间。"),
    ]
    cases.append(({"body": "x" * 20_001}, "字段长度不能超过 20000 个字符。"))
    for data, message in cases:
        page = add(client, course.id, **data, follow_redirects=True).get_data(as_text=True)
        assert f'class="flash flash-error" role="status">{message}<' in page, data
    assert notes_count(session) == 0
    assert add(client, 999_999, body="no such course").status_code == 404


def test_notes_are_private(client, session):
    course, _lesson = setup(session)
    login(client, "ann@example.cn", "password-123")
    add(client, course.id, body="ann's secret")
    note_id = session.scalar(select(Note.id))
    login(client, "bob@example.cn", "password-123")
    assert "ann's secret" not in client.get("/me/notes").get_data(as_text=True)
    assert "ann&#39;s secret" not in client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert client.get(f"/me/notes/{note_id}/edit").status_code == 404
    token = page_token(client)
    assert client.post(f"/me/notes/{note_id}/delete", data={"csrf_token": token}).status_code == 404
    assert notes_count(session) == 1


def test_search_edit_delete_and_export(client, session):
    course, _lesson = setup(session)
    login(client, "ann@example.cn", "password-123")
    add(client, course.id, body="收势 呼吸均匀")
    add(client, course.id, body="=1+1 formula?")
    assert "呼吸均匀" in client.get("/me/notes?q=呼吸").get_data(as_text=True)
    assert "呼吸均匀" not in client.get("/me/notes?q=formula").get_data(as_text=True)
    markdown = client.get("/me/notes/export.md")
    assert markdown.headers["Content-Disposition"].endswith('my-notes.md"')
    assert "## 太极拳入门" in markdown.get_data(as_text=True)
    spreadsheet = client.get("/me/notes/export.csv?q=formula").get_data(as_text=True)
    assert "'=1+1 formula?" in spreadsheet and "呼吸均匀" not in spreadsheet
    assert client.get("/me/notes/export.pdf").status_code == 404
    note_id = session.scalar(select(Note.id).where(Note.body.startswith("收势")))
    form = client.get(f"/me/notes/{note_id}/edit").get_data(as_text=True)
    token = csrf_token(form)
    client.post(f"/me/notes/{note_id}/edit", data={"csrf_token": token, "body": "收势 改好了"})
    assert "收势 改好了" in client.get("/me/notes").get_data(as_text=True)
    client.post(f"/me/notes/{note_id}/delete", data={"csrf_token": page_token(client)})
    assert notes_count(session) == 1


def test_visitors_are_sent_to_log_in(client, session):
    course, _lesson = setup(session)
    assert client.get("/me/notes").status_code == 302
    assert "我在这门课的笔记" not in client.get(f"/courses/{course.id}").get_data(as_text=True)

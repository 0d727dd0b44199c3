"""Micro-course and reading channels, home's new sections, thematic column pages and the
editors' column console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from catalogue.models import Area, ColumnStatus, CourseFormat, Role, ThematicColumn
from catalogue.services import columns as column_service
from catalogue.services.activity import record_event
from catalogue.services.courses import short_lessons
from catalogue.services.users import register_user
from search.indexer import rebuild
from tests.helpers import csrf_token, login, make_course, make_provider, page_token


def index(app) -> None:
    from webapp.db import get_database

    rebuild(get_database(app).sessions, app.extensions["lifelong.search"].store)


def hits(html: str) -> int:
    return html.count('class="card-title"')


# -- channels --------------------------------------------------------------------------------


def test_the_micro_channel_lists_courses_of_five_minutes_or_less(app, client, session):
    provider = make_provider(session).id
    make_course(session, provider, title="一分钟学会视频通话", lessons=1)  # 5 min (300 s)
    make_course(session, provider, title="两分钟认识二维码", area=Area.LIFE_SKILLS, lessons=1)
    make_course(session, provider, title="太极拳完整课程", lessons=12)  # an hour
    session.commit()
    index(app)
    html = client.get("/micro").get_data(as_text=True)
    assert "一分钟学会视频通话" in html and "两分钟认识二维码" in html
    assert hits(html.split('aria-labelledby="short-lessons-heading"')[0]) == 2
    # The longer course offers its first short lesson instead.
    lessons = html.split('aria-labelledby="short-lessons-heading"')[1]
    assert "第1讲" in lessons and "太极拳完整课程" in lessons
    elderly = client.get("/micro?area=elderly").get_data(as_text=True)
    assert "一分钟学会视频通话" in elderly and "两分钟认识二维码" not in elderly
    assert 'aria-current="page">老年教育 (1)' in elderly
    assert client.get("/micro?area=nowhere").status_code == 404
    assert client.get("/micro?page=9999").status_code == 404


def test_the_reading_channel_lists_reading_resources_only(app, client, session):
    provider = make_provider(session).id
    make_course(session, provider, title="家庭理财读本", format=CourseFormat.READING)
    make_course(session, provider, title="理财视频课", format=CourseFormat.VIDEO)
    session.commit()
    index(app)
    html = client.get("/reading").get_data(as_text=True)
    assert "家庭理财读本" in html and "理财视频课" not in html and hits(html) == 1


def test_short_lessons_come_one_per_course_from_longer_courses(session):
    provider = make_provider(session).id
    long_course = make_course(session, provider, title="长课", lessons=10)
    make_course(session, provider, title="微课", lessons=1)
    session.commit()
    found = short_lessons(session)
    assert [(s.course_id, s.lesson_title) for s in found] == [(long_course.id, "第1讲")]
    assert short_lessons(session, area=Area.WORKPLACE) == []


def test_home_shows_micro_courses_and_the_learners_courses_in_progress(app, client, session):
    provider = make_provider(session).id
    micro = make_course(session, provider, title="三分钟手机拍照", lessons=1)
    started = make_course(session, provider, title="书法入门", lessons=6)
    learner = register_user(session, "su@example.cn", "password-123", "苏")
    record_event(session, learner.id, started.id, "start")
    record_event(session, learner.id, started.id, "progress", value=0.5)
    session.commit()
    index(app)
    visitor = client.get("/").get_data(as_text=True)
    assert "micro-heading" in visitor and f"/courses/{micro.id}" in visitor
    assert "in-progress-heading" not in visitor
    login(client, "su@example.cn", "password-123")
    home = client.get("/").get_data(as_text=True)
    assert "in-progress-heading" in home and 'value="50"' in home and "书法入门" in home


# -- column pages ----------------------------------------------------------------------------


def make_column(session, slug="chongyang", **window):
    provider = make_provider(session).id
    a = make_course(session, provider, title="重阳登高")
    b = make_course(session, provider, title="敬老诗词", area=Area.HOBBIES)
    hidden = make_course(session, provider, title="草稿课程", publish=False)
    column = column_service.create_column(
        session, slug, "重阳节专题", description="九九重阳，敬老爱老。", **window
    )
    column_service.set_column_courses(session, column.id, [b.id, a.id, hidden.id])
    session.commit()
    return column, a, b


def test_a_published_current_column_shows_its_courses_in_order(client, session):
    column, _a, _b = make_column(session)
    assert client.get("/columns/chongyang").status_code == 404  # a draft
    column_service.publish_column(session, column.id)
    session.commit()
    html = client.get("/columns/chongyang").get_data(as_text=True)
    assert html.index("敬老诗词") < html.index("重阳登高") and "草稿课程" not in html
    assert "九九重阳，敬老爱老。" in html
    # Linked from the home page and from the areas its courses belong to.
    assert 'href="/columns/chongyang"' in client.get("/").get_data(as_text=True)
    assert 'href="/columns/chongyang"' in client.get("/areas/hobbies").get_data(as_text=True)
    assert 'href="/columns/chongyang"' not in client.get("/areas/workplace").get_data(as_text=True)


def test_a_column_outside_its_window_is_not_shown(client, session):
    now = datetime.now(UTC)
    column, _a, _b = make_column(
        session, publish_from=now + timedelta(days=1), publish_until=now + timedelta(days=3)
    )
    column_service.publish_column(session, column.id)
    session.commit()
    assert client.get("/columns/chongyang").status_code == 404
    assert "重阳节专题" not in client.get("/").get_data(as_text=True)
    past = now - timedelta(days=10)
    column_service.update_column(
        session, column.id, title="重阳节专题", publish_from=past, publish_until=now
    )
    session.commit()
    assert client.get("/columns/chongyang").status_code == 404


# -- the editors' console ----------------------------------------------------------------------


def editor_client(app, session, role=Role.EDITOR):
    register_user(session, "ed@example.cn", "password-123", "编辑", role=role)
    session.commit()
    client = app.test_client()
    login(client, "ed@example.cn", "password-123")
    return client


def test_only_editors_reach_the_column_console(app, client, session):
    assert client.get("/editor/columns/").status_code == 302  # to the log-in page
    register_user(session, "learner@example.cn", "password-123", "学员")
    session.commit()
    login(client, "learner@example.cn", "password-123")
    assert client.get("/editor/columns/").status_code == 403
    token = page_token(client)
    assert client.post("/editor/columns/", data={"csrf_token": token}).status_code == 403


def test_an_editor_creates_fills_orders_schedules_and_publishes_a_column(app, session):
    provider = make_provider(session).id
    first = make_course(session, provider, title="智能手机入门")
    second = make_course(session, provider, title="手机支付安全")
    session.commit()
    index(app)
    editor = editor_client(app, session)
    page = editor.get("/editor/columns/").get_data(as_text=True)
    response = editor.post(
        "/editor/columns/",
        data={
            "csrf_token": csrf_token(page),
            "slug": "zhihui-zhulao",
            "title": "智慧助老",
            "description": "跨越数字鸿沟",
            "publish_from": "2026-01-01T08:00",
            "publish_until": "2036-01-01T08:00",
        },
    )
    assert response.status_code == 302
    column = session.scalars(select(ThematicColumn)).one()
    # Times are typed in Beijing time and stored in UTC.
    assert column.publish_from.astimezone(UTC) == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    edit = f"/editor/columns/{column.id}"
    found = editor.get(f"{edit}?q=手机").get_data(as_text=True)
    assert "智能手机入门" in found and "手机支付安全" in found
    token = csrf_token(found)
    for course in (first, second):
        editor.post(
            f"{edit}/courses", data={"csrf_token": token, "action": "add", "course_id": course.id}
        )
    editor.post(
        f"{edit}/courses", data={"csrf_token": token, "action": "up", "course_id": second.id}
    )
    session.expire_all()
    assert [e.course_id for e in column_service.get_column(session, column.id).entries] == [
        second.id,
        first.id,
    ]
    learner_view = editor.application.test_client()
    assert learner_view.get("/columns/zhihui-zhulao").status_code == 404
    assert "预览" in editor.get("/columns/zhihui-zhulao").get_data(as_text=True)  # a preview
    editor.post(f"{edit}/publish", data={"csrf_token": token})
    html = learner_view.get("/columns/zhihui-zhulao").get_data(as_text=True)
    assert html.index("手机支付安全") < html.index("智能手机入门")
    editor.post(
        f"{edit}/courses", data={"csrf_token": token, "action": "remove", "course_id": first.id}
    )
    editor.post(f"{edit}/unpublish", data={"csrf_token": token})
    session.expire_all()
    assert session.get(ThematicColumn, column.id).status == ColumnStatus.DRAFT
    assert [e.course_id for e in column_service.get_column(session, column.id).entries] == [
        second.id
    ]
    assert learner_view.get("/columns/zhihui-zhulao").status_code == 404


def test_bad_column_details_are_explained_and_nothing_is_stored(app, session):
    editor = editor_client(app, session)
    token = csrf_token(editor.get("/editor/columns/").get_data(as_text=True))
    response = editor.post(
        "/editor/columns/",
        data={
            "csrf_token": token,
            "slug": "spring",
            "title": "春季专题",
            "cover_url": "javascript:alert(1)",
            "publish_from": "2026-05-01T00:00",
            "publish_until": "2026-04-01T00:00",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "结束时间必须晚于开始时间。" in html
    assert session.scalars(select(ThematicColumn)).all() == []
    column_service.create_column(session, "spring", "已有专题")
    session.commit()
    again = editor.post(
        "/editor/columns/", data={"csrf_token": token, "slug": "spring", "title": "春季专题"}
    )
    assert again.status_code == 400 and "这个地址已被其他专题使用。" in again.get_data(as_text=True)


def test_column_console_actions_need_a_token_and_real_courses(app, session):
    editor = editor_client(app, session)
    column = column_service.create_column(session, "x", "专题")
    session.commit()
    token = csrf_token(editor.get("/editor/columns/").get_data(as_text=True))
    edit = f"/editor/columns/{column.id}"
    assert editor.post(f"{edit}/publish").status_code == 400
    assert (
        editor.post(
            f"{edit}/courses", data={"csrf_token": token, "action": "add", "course_id": "999"}
        ).status_code
        == 404
    )
    assert (
        editor.post(
            f"{edit}/courses", data={"csrf_token": token, "action": "fly", "course_id": "1"}
        ).status_code
        == 400
    )
    assert editor.get("/editor/columns/999999").status_code == 404

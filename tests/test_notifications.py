"""Notifications: a reply to my comment, and the outcome of my upload, reach me as a count in
the header and a list; opening one marks it read; nobody sees or opens another's."""

from __future__ import annotations

import io

from sqlalchemy import select

from catalogue.models import Comment, Notification, Role
from catalogue.services import social
from catalogue.services.users import register_user
from tests.helpers import csrf_token, login, make_course, make_provider, page_token
from tests.ingest_helpers import csv_bytes

PASSWORD = "notify-pass-2026"


def _people(app, session):
    course = make_course(session, title="书法入门").id
    ids = {
        name: register_user(session, f"{name}@example.cn", PASSWORD, label).id
        for name, label in (("mei", "梅阿姨"), ("wang", "<b>王</b>伯伯"))
    }
    session.commit()
    clients = {}
    for name in ids:
        clients[name] = app.test_client()
        login(clients[name], f"{name}@example.cn", PASSWORD)
    return course, ids, clients


def _reply(client, course: int, parent: int, body: str):
    return client.post(
        f"/courses/{course}/comments",
        data={"csrf_token": page_token(client), "body": body, "parent_id": str(parent)},
    )


def test_a_reply_reaches_the_comments_author_and_is_read_once_opened(app, session):
    course, ids, clients = _people(app, session)
    top = social.add_comment(session, ids["mei"], course, "第三讲的笔法很清楚")
    session.commit()
    assert 'class="count-badge"' not in clients["mei"].get("/").get_data(as_text=True)
    _reply(clients["wang"], course, top.id, "同意！我也学会了")
    _reply(clients["mei"], course, top.id, "谢谢")  # her own reply: no notification to herself
    home = clients["mei"].get("/").get_data(as_text=True)
    assert '<span class="count-badge">1<span class="visually-hidden"> 条未读' in home
    page = clients["mei"].get("/me/notifications").get_data(as_text=True)
    assert "&lt;b&gt;王&lt;/b&gt;伯伯 回复了您在《书法入门》的评论" in page
    assert "同意！我也学会了" in page and "<b>王</b>" not in page
    notification = session.scalars(select(Notification)).one()
    assert clients["wang"].get(f"/me/notifications/{notification.id}").status_code == 404
    opened = clients["mei"].get(f"/me/notifications/{notification.id}")
    reply = session.scalars(select(Comment).order_by(Comment.id.desc())).all()[1]
    assert opened.headers["Location"].endswith(f"/courses/{course}#comment-{reply.id}")
    assert 'class="count-badge"' not in clients["mei"].get("/").get_data(as_text=True)
    assert session.scalar(select(Notification.user_id)) == ids["mei"]


def test_mark_all_read_needs_the_form_token(app, session):
    course, ids, clients = _people(app, session)
    for n in range(3):
        top = social.add_comment(session, ids["mei"], course, f"问题 {n}")
        social.add_comment(session, ids["wang"], course, f"回答 {n}", parent_id=top.id)
    session.commit()
    assert clients["mei"].post("/me/notifications/read").status_code == 400
    assert "通知 (3)" in clients["mei"].get("/me/account").get_data(as_text=True)
    clients["mei"].post("/me/notifications/read", data={"csrf_token": page_token(clients["mei"])})
    session.expire_all()
    assert all(n.read_at for n in session.scalars(select(Notification)))


def test_a_partner_hears_how_their_upload_ended(app, session, apply_uploads):
    provider = make_provider(session, "北京开放大学")
    register_user(
        session, "up@bjou.cn", PASSWORD, "北开", role=Role.PARTNER, provider_id=provider.id
    )
    session.commit()
    client = app.test_client()
    login(client, "up@bjou.cn", PASSWORD)
    rows = [["编号", "课程名称", "领域"], ["N1", "广场舞入门", "兴趣爱好"], ["N2", "坏行", "火星"]]
    answer = client.post(
        "/partner/uploads",
        data={
            "csrf_token": csrf_token(client.get("/partner/").get_data(as_text=True)),
            "policy": "valid_rows",
            "encoding": "",
            "default_area": "",
            "file": (io.BytesIO(csv_bytes(rows)), "目录.csv"),
        },
        content_type="multipart/form-data",
    )
    upload_id = int(answer.headers["Location"].rstrip("/").split("/")[-1])
    preview = client.get(answer.headers["Location"]).get_data(as_text=True)
    client.post(f"/partner/uploads/{upload_id}/apply", data={"csrf_token": csrf_token(preview)})
    apply_uploads()
    page = client.get("/me/notifications").get_data(as_text=True)
    assert "您上传的“目录.csv”已处理完：新增 1 门，更新 0 门，1 行有问题。" in page
    notification = session.scalars(select(Notification)).one()
    opened = client.get(f"/me/notifications/{notification.id}")
    assert opened.headers["Location"].endswith(f"/partner/uploads/{upload_id}")

"""Comments and replies on course pages, reporting, the editors' moderation console (hide,
restore, dismiss, mute) and feedback to the provider as partners read it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from catalogue.errors import RateLimited
from catalogue.models import (
    Comment,
    CommentReport,
    CommentStatus,
    Event,
    Feedback,
    Role,
    User,
    utcnow,
)
from catalogue.services import social
from catalogue.services.users import register_user
from tests.helpers import csrf_token, login, make_course, make_provider, page_token

PASSWORD = "password-123"


def people(session):
    provider = make_provider(session, "上海老年大学")
    other_provider = make_provider(session, "别的大学")
    course = make_course(session, provider.id, title="太极拳入门")
    other = make_course(session, other_provider.id, title="别家的课")
    users = {
        name: register_user(
            session,
            f"{name}@example.cn",
            PASSWORD,
            label,
            role=role,
            provider_id=provider.id if role == Role.PARTNER else None,
        ).id
        for name, label, role in [
            ("mei", "梅阿姨", Role.LEARNER),
            ("wang", "王伯伯", Role.LEARNER),
            ("ed", "编辑小李", Role.EDITOR),
            ("partner", "老年大学教务", Role.PARTNER),
        ]
    }
    session.commit()
    return course.id, other.id, users


def as_user(app, name: str):
    client = app.test_client()
    login(client, f"{name}@example.cn", PASSWORD)
    return client


def post_comment(client, course_id: int, body: str, parent_id: int | None = None):
    data = {"csrf_token": page_token(client), "body": body}
    if parent_id:
        data["parent_id"] = str(parent_id)
    return client.post(f"/courses/{course_id}/comments", data=data)


def test_learners_comment_and_reply_and_markup_is_shown_as_text(app, session):
    course, _other, users = people(session)
    mei, wang = as_user(app, "mei"), as_user(app, "wang")
    response = post_comment(mei, course, "<script>alert(1)</script>讲得真好")
    top = session.scalars(select(Comment)).one()
    assert response.headers["Location"].endswith(f"/courses/{course}#comment-{top.id}")
    post_comment(wang, course, "同意，第二讲特别清楚", parent_id=top.id)
    reply = session.scalars(select(Comment).where(Comment.parent_id == top.id)).one()
    # A reply to a reply joins the same thread.
    post_comment(mei, course, "谢谢", parent_id=reply.id)
    assert session.scalars(select(Comment.parent_id).order_by(Comment.id)).all() == [
        None,
        top.id,
        top.id,
    ]
    html = app.test_client().get(f"/courses/{course}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;讲得真好" in html and "<script>alert" not in html
    assert html.index("讲得真好") < html.index("同意，第二讲特别清楚") < html.index("谢谢")
    assert "登录后参与讨论" in html
    kinds = session.scalars(select(Event.kind).where(Event.user_id == users["wang"])).all()
    assert "comment" in [str(k) for k in kinds]


def test_bad_comments_are_refused_with_a_message(app, session):
    course, other, _users = people(session)
    mei = as_user(app, "mei")
    response = post_comment(mei, course, "   ")
    assert response.status_code == 302
    follow = mei.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-error" in follow
    post_comment(mei, course, "长" * 2001)
    assert session.scalars(select(Comment)).all() == []
    top = social.add_comment(session, _users["wang"], course, "第一条")
    session.commit()
    # A reply to a comment of another course, or to no comment, is refused.
    assert post_comment(mei, other, "串台", parent_id=top.id).status_code == 404
    assert post_comment(mei, course, "回复谁", parent_id=999999).status_code == 404
    assert mei.post(f"/courses/{course}/comments", data={"body": "没有令牌"}).status_code == 400
    assert app.test_client().post(f"/courses/{course}/comments").status_code in (302, 400)
    assert session.scalars(select(Comment.body)).all() == ["第一条"]


def test_a_double_submitted_comment_is_stored_once(app, session):
    course, _other, users = people(session)
    mei = as_user(app, "mei")
    first = post_comment(mei, course, "第三讲的例子很好")
    again = post_comment(mei, course, "第三讲的例子很好")
    stored = session.scalars(select(Comment)).all()
    assert len(stored) == 1 and first.headers["Location"] == again.headers["Location"]
    kinds = session.scalars(select(Event.kind).where(Event.user_id == users["mei"])).all()
    assert [str(k) for k in kinds].count("comment") == 1
    # The same words as a reply, or on a new day, are a new comment.
    post_comment(mei, course, "第三讲的例子很好", parent_id=stored[0].id)
    stored[0].created_at -= social.DUPLICATE_WINDOW
    session.commit()
    post_comment(mei, course, "第三讲的例子很好")
    assert len(session.scalars(select(Comment)).all()) == 3


def test_posting_too_many_comments_is_refused_with_a_wait_and_nothing_lost(app, session):
    course, _other, users = people(session)
    burst, window = social.COMMENT_LIMITS[0]
    for n in range(burst):
        social.add_comment(session, users["mei"], course, f"第{n}条")
    session.commit()
    mei = as_user(app, "mei")
    response = post_comment(mei, course, "再来一条")
    follow = mei.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-error" in follow and "分钟后再试" in follow
    assert session.scalars(select(Comment.body).where(Comment.body == "再来一条")).all() == []
    assert len(session.scalars(select(Comment)).all()) == burst
    # Another learner is not held back, and the limit lifts once the window has passed.
    post_comment(as_user(app, "wang"), course, "我也说一句")
    for comment in session.scalars(select(Comment).where(Comment.user_id == users["mei"])):
        comment.created_at -= window
    session.commit()
    post_comment(mei, course, "再来一条")
    assert session.scalars(
        select(Comment.body).where(Comment.body.in_(["再来一条", "我也说一句"]))
    ).all()
    assert len(session.scalars(select(Comment)).all()) == burst + 2


def test_the_daily_comment_limit_says_when_to_try_again(session):
    course, _other, users = people(session)
    most, window = social.COMMENT_LIMITS[1]
    now = utcnow()
    for n in range(most):
        session.add(
            Comment(
                user_id=users["wang"],
                course_id=course,
                body=f"旧评论{n}",
                created_at=now - window + timedelta(hours=1, minutes=n % 60),
            )
        )
    session.commit()
    with pytest.raises(RateLimited) as limited:
        social.add_comment(session, users["wang"], course, "今天的新评论")
    assert limited.value.code == "RATE_LIMITED"
    # The oldest of the day's comments leaves the window in an hour.
    assert 3500 <= limited.value.retry_after <= 3601


def test_a_long_discussion_is_read_page_by_page_newest_first(app, session):
    course, other, users = people(session)
    start = utcnow() - timedelta(days=30)
    for n in range(57):
        session.add(
            Comment(
                user_id=users["mei"],
                course_id=course,
                body=f"第{n:02d}条评论",
                # Two comments share each moment: the order falls back on their ids.
                created_at=start + timedelta(hours=n // 2),
            )
        )
    session.commit()
    visitor = app.test_client()
    html = visitor.get(f"/courses/{course}").get_data(as_text=True)
    shown = re.findall(r"第(\d\d)条评论", html)
    assert shown == [f"{n:02d}" for n in range(56, 6, -1)]
    older = re.search(r'href="([^"]*comments_before=\d+)[^"]*"', html).group(1)
    html = visitor.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert re.findall(r"第(\d\d)条评论", html) == ["06", "05", "04", "03", "02", "01", "00"]
    assert "comments_before=" not in html.replace(older, "")
    assert "更早的评论" not in html and "回到最新评论" in html
    # Caring mode shows fewer threads a page; an anchor from another course shows none.
    visitor.set_cookie("caring", "1")
    html = visitor.get(f"/courses/{course}").get_data(as_text=True)
    assert len(re.findall(r"第(\d\d)条评论", html)) == 20 and "更早的评论" in html
    stray = social.add_comment(session, users["wang"], other, "别的课")
    session.commit()
    html = visitor.get(f"/courses/{course}?comments_before={stray.id}").get_data(as_text=True)
    assert re.findall(r"第(\d\d)条评论", html) == []
    assert visitor.get(f"/courses/{course}?comments_before=abc").status_code == 200


def test_reporting_hiding_restoring_and_muting(app, session):
    course, _other, users = people(session)
    wang = as_user(app, "wang")
    post_comment(wang, course, "加微信领养老金，稳赚不赔")
    spam = session.scalars(select(Comment)).one()
    mei = as_user(app, "mei")
    token = page_token(mei)
    for _ in range(2):  # the same learner reporting twice counts once
        mei.post(f"/comments/{spam.id}/report", data={"csrf_token": token, "reason": "fraud"})
    assert session.scalars(select(CommentReport.reason)).all() == ["fraud"]
    assert mei.post(f"/comments/{spam.id}/report", data={"reason": "spam"}).status_code == 400

    assert mei.get("/editor/comments").status_code == 403
    editor = as_user(app, "ed")
    queue = editor.get("/editor/comments").get_data(as_text=True)
    assert "加微信领养老金" in queue and "诈骗" in queue and "1 条待处理举报" in queue
    token = csrf_token(queue)
    editor.post(f"/editor/comments/{spam.id}/hide", data={"csrf_token": token})
    session.expire_all()
    assert session.get(Comment, spam.id).status == CommentStatus.HIDDEN
    assert session.scalars(select(CommentReport.resolved_at)).one() is not None
    assert "加微信领养老金" not in app.test_client().get(f"/courses/{course}").get_data(
        as_text=True
    )
    assert "加微信领养老金" not in editor.get("/editor/comments").get_data(as_text=True)
    assert "加微信领养老金" in editor.get("/editor/comments?view=hidden").get_data(as_text=True)

    editor.post(f"/editor/users/{users['wang']}/mute", data={"csrf_token": token})
    response = post_comment(wang, course, "我又来了")
    assert "你的账号目前不能发表评论。" in wang.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert session.scalars(select(Comment.body)).all() == ["加微信领养老金，稳赚不赔"]
    assert "王伯伯" in editor.get("/editor/comments").get_data(as_text=True)  # muted list

    editor.post(f"/editor/comments/{spam.id}/restore", data={"csrf_token": token})
    editor.post(f"/editor/users/{users['wang']}/unmute", data={"csrf_token": token})
    post_comment(wang, course, "我改正了")
    session.expire_all()
    assert session.get(Comment, spam.id).status == CommentStatus.VISIBLE
    assert len(session.scalars(select(Comment)).all()) == 2
    # Staff cannot be muted; moderation needs a token and a real comment.
    editor.post(f"/editor/users/{users['ed']}/mute", data={"csrf_token": token})
    assert session.get(User, users["ed"]).muted_at is None
    assert editor.post(f"/editor/comments/{spam.id}/hide").status_code == 400
    missing = editor.post("/editor/comments/999999/hide", data={"csrf_token": token})
    assert missing.status_code == 404


def test_dismissing_reports_keeps_the_comment(app, session):
    course, _other, users = people(session)
    comment = social.add_comment(session, users["wang"], course, "我觉得第三讲太快了")
    social.report_comment(session, users["mei"], comment.id, "other")
    session.commit()
    editor = as_user(app, "ed")
    token = csrf_token(editor.get("/editor/comments").get_data(as_text=True))
    editor.post(f"/editor/comments/{comment.id}/dismiss", data={"csrf_token": token})
    session.expire_all()
    assert session.get(Comment, comment.id).status == CommentStatus.VISIBLE
    assert "我觉得第三讲太快了" not in editor.get("/editor/comments").get_data(as_text=True)


def test_feedback_reaches_only_the_courses_provider(app, session):
    course, other, users = people(session)
    mei = as_user(app, "mei")
    token = page_token(mei)
    page = mei.get(f"/courses/{course}").get_data(as_text=True)
    assert "只有上海老年大学和本站工作人员能看到。" in page
    mei.post(
        f"/courses/{course}/feedback",
        data={"csrf_token": token, "rating": "4", "message": "希望多讲讲呼吸"},
    )
    mei.post(f"/courses/{other}/feedback", data={"csrf_token": token, "rating": "1"})
    # Sending again replaces the learner's earlier feedback on that course.
    mei.post(
        f"/courses/{course}/feedback",
        data={"csrf_token": token, "rating": "5", "message": "希望多讲讲呼吸<b>!</b>"},
    )
    assert mei.post(f"/courses/{course}/feedback", data={"csrf_token": token, "rating": "9"})
    assert sorted(session.scalars(select(Feedback.rating)).all()) == [1, 5]
    assert re.search(
        r'<input checked[^>]*value="5"', mei.get(f"/courses/{course}").get_data(as_text=True)
    )
    rate_events = session.scalars(
        select(Event.value).where(Event.user_id == users["mei"], Event.kind == "rate")
    ).all()
    assert sorted(rate_events) == [1.0, 4.0, 5.0]

    partner = as_user(app, "partner")
    html = partner.get("/partner/feedback").get_data(as_text=True)
    assert "5 星" in html and "希望多讲讲呼吸&lt;b&gt;!&lt;/b&gt;" in html
    assert "别家的课" not in html and "1 条未读" in html
    mine = session.scalars(select(Feedback).where(Feedback.course_id == course)).one()
    theirs = session.scalars(select(Feedback).where(Feedback.course_id == other)).one()
    token = csrf_token(html)
    assert (
        partner.post(f"/partner/feedback/{theirs.id}/read", data={"csrf_token": token}).status_code
        == 404
    )
    partner.post(f"/partner/feedback/{mine.id}/read", data={"csrf_token": token})
    session.expire_all()
    assert session.get(Feedback, mine.id).read_at is not None
    assert session.get(Feedback, theirs.id).read_at is None
    assert "0 条未读" in partner.get("/partner/feedback").get_data(as_text=True)
    assert mei.get("/partner/feedback").status_code == 403


@pytest.mark.parametrize("viewer", ["wang", "partner", "ed", "admin"])
def test_every_other_signed_in_user_can_read_and_report_a_comment(app, session, viewer):
    # Issue 11 finding 1: the report <select> crashed the course page for every viewer who was
    # not the comment's author, because it unpacked WTForms 3 choices as 2-tuples.
    course, _other, _users = people(session)
    register_user(session, "admin@example.cn", PASSWORD, "管理员", role=Role.ADMIN)
    session.commit()
    mei = as_user(app, "mei")
    post_comment(mei, course, "第一讲的呼吸要领很有用")
    top = session.scalars(select(Comment)).one()
    post_comment(mei, course, "补充：每天练十分钟", parent_id=top.id)
    reply = session.scalars(select(Comment).where(Comment.parent_id == top.id)).one()

    client = as_user(app, viewer)
    response = client.get(f"/courses/{course}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for comment_id in (top.id, reply.id):
        select_html = re.search(
            rf'<select[^>]*id="report-{comment_id}"[^>]*>(.*?)</select>', html, re.S
        )
        assert select_html, f"no report form for comment {comment_id}"
        values = re.findall(r'<option[^>]*value="([^"]*)"', select_html.group(1))
        assert values == ["abuse", "spam", "fraud", "wrong", "other"]
        assert 'name="reason"' in select_html.group(0)

    token = csrf_token(html)
    answer = client.post(
        f"/comments/{reply.id}/report", data={"csrf_token": token, "reason": "spam"}
    )
    assert answer.status_code == 302
    assert session.scalars(select(CommentReport.reason)).all() == ["spam"]
    queue = as_user(app, "ed").get("/editor/comments").get_data(as_text=True)
    assert "补充：每天练十分钟" in queue and "1 条待处理举报" in queue


def test_comment_times_are_shown_in_the_sites_time_zone(app, session):
    """A comment stored at 05:32 UTC reads 13:32 on the page (Asia/Shanghai, UTC+8)."""
    course, _other, users = people(session)
    comment = social.add_comment(session, users["mei"], course, "早上好")
    comment.created_at = datetime(2026, 12, 1, 5, 32, tzinfo=UTC)
    session.commit()
    html = app.test_client().get(f"/courses/{course}").get_data(as_text=True)
    assert "2026-12-01 13:32" in html and "2026-12-01 05:32" not in html

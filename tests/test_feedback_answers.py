"""A provider answers a learner's feedback: the learner is told, and reads the answer under
their feedback; bad answers are explained and change nothing; only the course's provider may
answer. Every notification kind has its own words."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalogue import mail_texts
from catalogue.models import Feedback, Notification, Role
from catalogue.services import notifications, social
from catalogue.services.users import register_user
from tests.helpers import csrf_token, login, make_course, make_provider

PASSWORD = "password-123"


@pytest.fixture
def feedback(session):
    provider = make_provider(session, "上海老年大学")
    course = make_course(session, provider.id, title="太极拳入门")
    register_user(
        session,
        "partner@shlndx.cn",
        PASSWORD,
        "老年大学",
        role=Role.PARTNER,
        provider_id=provider.id,
    )
    learner = register_user(session, "learner@example.com", PASSWORD, "王阿姨")
    given = social.give_feedback(session, learner.id, course.id, 4, "第三讲的声音太小了")
    session.commit()
    return given


def test_the_learner_is_told_and_reads_the_answer(app, session, feedback):
    partner = app.test_client()
    login(partner, "partner@shlndx.cn", PASSWORD)
    page = partner.get("/partner/feedback").get_data(as_text=True)
    assert "第三讲的声音太小了" in page
    response = partner.post(
        f"/partner/feedback/{feedback.id}/answer",
        data={"csrf_token": csrf_token(page), "reply": "谢谢！已重新录制<script>x</script>"},
    )
    assert response.status_code == 302
    session.expire_all()
    stored = session.get(Feedback, feedback.id)
    assert stored.reply.startswith("谢谢") and stored.read_at is not None
    told = session.scalar(select(Notification).where(Notification.user_id == feedback.user_id))
    assert told.kind == notifications.FEEDBACK_REPLY

    learner = app.test_client()
    login(learner, "learner@example.com", PASSWORD)
    listed = learner.get("/me/notifications").get_data(as_text=True)
    assert "上海老年大学" in listed and "太极拳入门" in listed
    opened = learner.get(f"/me/notifications/{told.id}")
    assert opened.headers["Location"].endswith(f"/courses/{feedback.course_id}#feedback")
    course_page = learner.get(f"/courses/{feedback.course_id}").get_data(as_text=True)
    assert "谢谢！已重新录制&lt;script&gt;x&lt;/script&gt;" in course_page
    assert "<script>x</script>" not in course_page


def test_an_empty_answer_is_explained_and_changes_nothing(app, session, feedback):
    partner = app.test_client()
    login(partner, "partner@shlndx.cn", PASSWORD)
    page = partner.get("/partner/feedback").get_data(as_text=True)
    response = partner.post(
        f"/partner/feedback/{feedback.id}/answer",
        data={"csrf_token": csrf_token(page), "reply": "   "},
    )
    assert response.status_code == 400
    assert f'id="answer-{feedback.id}-error"' in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Feedback, feedback.id).reply is None
    assert session.scalar(select(Notification.id)) is None


def test_another_provider_cannot_answer(app, session, feedback):
    other = make_provider(session, "别的机构")
    register_user(
        session, "other@example.cn", PASSWORD, "别人", role=Role.PARTNER, provider_id=other.id
    )
    session.commit()
    partner = app.test_client()
    login(partner, "other@example.cn", PASSWORD)
    page = partner.get("/partner/feedback").get_data(as_text=True)
    assert "第三讲的声音太小了" not in page
    response = partner.post(
        f"/partner/feedback/{feedback.id}/answer",
        data={"csrf_token": csrf_token(page), "reply": "不是我们的课"},
    )
    assert response.status_code == 404
    session.expire_all()
    assert session.get(Feedback, feedback.id).reply is None


def test_every_notification_kind_has_its_own_words():
    general = mail_texts.notification_text(str, "no-such-kind", {})
    for kind in notifications.KINDS:
        assert mail_texts.notification_text(str, kind, {}) != general, kind

"""The mail-send job delivers the outbox to a real SMTP server (aiosmtpd on a loopback port)."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from catalogue.db import make_session_factory
from catalogue.models import JobRun, OutgoingMail
from catalogue.services.users import register_user
from jobs.context import JobContext, SmtpSettings
from jobs.registry import get_job
from jobs.runner import run_job
from tests.helpers import csrf_token
from webapp.settings import Settings

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def _context(engine, tmp_path, smtp: SmtpSettings | None) -> JobContext:
    url = engine.url.render_as_string(hide_password=False)
    return JobContext(url, tmp_path / "index", tmp_path / "models", smtp)


def test_reset_mail_reaches_the_smtp_server(client, session, engine, tmp_path, smtp_server):
    inbox, port = smtp_server
    register_user(session, "ann@example.cn", "a-long-passphrase-1", "Ann", preferred_language="en")
    session.commit()
    token = csrf_token(client.get("/password/forgot").get_data(as_text=True))
    client.post("/password/forgot", data={"email": "ann@example.cn", "csrf_token": token})

    smtp = SmtpSettings(host="127.0.0.1", port=port, starttls=False, sender="site@example.cn")
    sessions = make_session_factory(engine)
    _, figures = run_job(get_job("mail-send"), _context(engine, tmp_path, smtp), sessions)
    assert figures == {"sent": 1, "failed": 0}

    [(recipients, message)] = inbox.messages
    assert recipients == ["ann@example.cn"]
    assert message["From"] == "site@example.cn" and "Reset" in message["Subject"]
    assert "/password/reset/" in message.get_content()
    session.expire_all()
    mail = session.scalars(select(OutgoingMail)).one()
    assert (mail.status, mail.attempts) == ("sent", 1) and mail.sent_at is not None
    assert session.scalars(select(JobRun.job_id)).all() == ["mail-send"]
    # Nothing left to send: the next pass does nothing and records nothing.
    run_job(get_job("mail-send"), _context(engine, tmp_path, smtp), sessions)
    assert len(inbox.messages) == 1 and session.scalar(select(JobRun.id).offset(1)) is None


def test_unreachable_server_leaves_mail_queued_with_the_error(session, engine, tmp_path):
    from catalogue.services.mail import queue_mail

    queue_mail(session, "ann@example.cn", "Hi", "Hello", "verify")
    session.commit()
    smtp = SmtpSettings(host="127.0.0.1", port=_free_port(), starttls=False, timeout=5)
    sessions = make_session_factory(engine)
    _, figures = run_job(get_job("mail-send"), _context(engine, tmp_path, smtp), sessions)
    assert figures == {"sent": 0, "failed": 1}
    session.expire_all()
    mail = session.scalars(select(OutgoingMail)).one()
    assert mail.status == "queued" and mail.attempts == 1 and "connect" in mail.error


def test_without_smtp_the_job_sends_nothing(session, engine, tmp_path):
    from catalogue.services.mail import queue_mail

    queue_mail(session, "ann@example.cn", "Hi", "Hello", "verify")
    session.commit()
    sessions = make_session_factory(engine)
    _, figures = run_job(get_job("mail-send"), _context(engine, tmp_path, None), sessions)
    assert figures == {"sent": 0, "failed": 0}
    session.expire_all()
    assert session.scalars(select(OutgoingMail.status)).one() == "queued"


def test_smtp_settings_are_read_from_the_environment(tmp_path):
    env = {
        "INSTANCE_PATH": str(tmp_path),
        "MAIL_SMTP_HOST": "smtp.example.cn",
        "MAIL_SMTP_PORT": "465",
        "MAIL_SMTP_USER": "site",
        "MAIL_SMTP_PASSWORD": "secret",
        "MAIL_SMTP_STARTTLS": "false",
        "MAIL_FROM": "学习网 <noreply@example.cn>",
    }
    smtp = Settings.load(env).job_context().smtp
    assert smtp == SmtpSettings("smtp.example.cn", 465, "site", "secret", False, env["MAIL_FROM"])
    assert Settings.load({"INSTANCE_PATH": str(tmp_path)}).job_context().smtp is None

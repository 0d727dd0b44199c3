"""Deliver the outgoing-mail outbox over SMTP, recording each mail as sent or failed."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from catalogue.services.mail import mark_failed, mark_sent, queued_mail
from jobs.context import SmtpSettings


def _message(smtp: SmtpSettings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    if smtp.starttls:
        client.starttls(context=ssl.create_default_context())
    if smtp.user:
        client.login(smtp.user, smtp.password or "")
    return client


def send_queued(sessions: sessionmaker[Session], smtp: SmtpSettings, limit: int = 50) -> dict:
    """Send up to `limit` queued mails over one SMTP connection; returns the counts."""
    figures: dict[str, Any] = {"sent": 0, "failed": 0}
    with sessions() as session:
        batch = queued_mail(session, limit)
        if not batch:
            return figures
        try:
            client = _connect(smtp)
        except (OSError, smtplib.SMTPException) as exc:
            for mail in batch:
                mark_failed(session, mail, f"connect: {exc}")
            session.commit()
            figures["failed"] = len(batch)
            return figures
        try:
            for mail in batch:
                try:
                    client.send_message(_message(smtp, mail.to_address, mail.subject, mail.body))
                except (OSError, smtplib.SMTPException) as exc:
                    mark_failed(session, mail, str(exc))
                    figures["failed"] += 1
                else:
                    mark_sent(session, mail)
                    figures["sent"] += 1
                # Each mail's outcome is kept even if a later one stops the job.
                session.commit()
        finally:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()
    return figures

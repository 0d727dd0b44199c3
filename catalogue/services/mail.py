"""The outgoing-mail outbox: mails are queued in the same transaction as what caused them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.models import OutgoingMail, utcnow

MAX_ATTEMPTS = 5


def queue_mail(session: Session, to: str, subject: str, body: str, kind: str) -> OutgoingMail:
    """Queue one plain-text mail."""
    mail = OutgoingMail(to_address=to, subject=subject[:200], body=body, kind=kind)
    session.add(mail)
    session.flush()
    return mail


def recent_mail(session: Session, limit: int = 200) -> list[OutgoingMail]:
    """The newest mails, newest first (the admin's outbox page)."""
    return list(session.scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(limit)))


def queued_mail(session: Session, limit: int = 50) -> list[OutgoingMail]:
    """Mails still to send, oldest first."""
    stmt = (
        select(OutgoingMail)
        .where(OutgoingMail.status == "queued")
        .order_by(OutgoingMail.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def mark_sent(session: Session, mail: OutgoingMail) -> None:
    """Record a delivered mail."""
    mail.status = "sent"
    mail.attempts += 1
    mail.sent_at = utcnow()
    mail.error = None
    session.flush()


def mark_failed(session: Session, mail: OutgoingMail, error: str) -> None:
    """Record a failed attempt; after MAX_ATTEMPTS the mail is given up as failed."""
    mail.attempts += 1
    mail.error = error[:2000]
    if mail.attempts >= MAX_ATTEMPTS:
        mail.status = "failed"
    session.flush()

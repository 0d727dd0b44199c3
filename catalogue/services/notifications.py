"""Notifications to accounts: made where something happens (a reply, an upload's outcome),
listed newest first, counted while unread, marked read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from catalogue.errors import NotFound
from catalogue.models import Notification, utcnow

REPLY = "reply"
UPLOAD_DONE = "upload_done"
KINDS = (REPLY, UPLOAD_DONE)


def notify(session: Session, user_id: int, kind: str, **data: Any) -> Notification:
    """Add a notification for an account (committed with the caller's transaction)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    notification = Notification(user_id=user_id, kind=kind, data=data)
    session.add(notification)
    return notification


def unread_count(session: Session, user_id: int) -> int:
    """How many of the account's notifications are unread."""
    return session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


def unread_count_or_zero(session: Session, user_id: int) -> int:
    """The unread count for a page's header, or 0 when the database cannot answer.

    Error pages (a busy or failing database) render the header too and must not fail on it.
    """
    try:
        return unread_count(session, user_id)
    except SQLAlchemyError:
        return 0


def recent(session: Session, user_id: int, limit: int = 50) -> list[Notification]:
    """The account's newest notifications."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def open_notification(session: Session, user_id: int, notification_id: int) -> Notification:
    """Mark one of the account's notifications read and return it (NotFound for others')."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        raise NotFound(f"notification {notification_id} is not this account's")
    if notification.read_at is None:
        notification.read_at = utcnow()
    return notification


def mark_all_read(session: Session, user_id: int) -> int:
    """Mark every unread notification of the account read; returns how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount

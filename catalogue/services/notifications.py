"""Notifications to accounts: made where something happens (a reply, an upload's outcome, a
course added to a column the learner follows), listed newest first, counted while unread,
marked read; the daily digest mails the unread ones (catalogue/services/digests.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, and_, bindparam, exists, func, insert, literal, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from catalogue.errors import NotFound
from catalogue.models import ColumnFollow, Notification, utcnow

REPLY = "reply"
UPLOAD_DONE = "upload_done"
# An editor added a course to a column the learner follows (one unread per column, merged).
COLUMN_COURSE = "column_course"
# The provider answered a learner's feedback on one of its courses.
FEEDBACK_REPLY = "feedback_reply"
# An editor decided on a course a partner submitted for review.
REVIEW_DECIDED = "review_decided"
# A person of the service desk replied to a learner's question (assistant/support.py).
DESK_REPLY = "desk_reply"
# A study group's organiser posted a notice, or assigned a course (records/groups.py).
GROUP_NOTICE = "group_notice"
GROUP_ASSIGNMENT = "group_assignment"
# A learner's week is going behind their weekly learning goal (records/profile.py).
GOAL_BEHIND = "goal_behind"
# A registrar accepted or refused a learner's credit-recognition request (records/recognition.py).
CREDIT_RECOGNITION = "credit_recognition"
# A learner's personal-data archive is ready to download (records/personal_archives.py).
PERSONAL_DATA_READY = "personal_data_ready"
KINDS = (
    REPLY,
    UPLOAD_DONE,
    COLUMN_COURSE,
    FEEDBACK_REPLY,
    REVIEW_DECIDED,
    DESK_REPLY,
    GROUP_NOTICE,
    GROUP_ASSIGNMENT,
    GOAL_BEHIND,
    CREDIT_RECOGNITION,
    PERSONAL_DATA_READY,
)


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


def column_course_added(
    session: Session,
    *,
    column_id: int,
    column_slug: str,
    column_title: str,
    course_id: int,
    course_title: str,
) -> None:
    """Tell every follower of a column that a course was added to it, in two statements
    whatever the number of followers (a popular column has hundreds of thousands).

    No flood: a follower who has not read the column's previous notification keeps that one,
    updated to name the newest course and `more` (several new courses: it leads to the
    column), moved to the top and unmailed again, so the next digest tells of it; the others
    get a new one that leads to the course."""
    now = utcnow()
    data = {
        "column_id": column_id,
        "column_slug": column_slug,
        "column_title": column_title,
        "course_id": course_id,
        "course_title": course_title,
    }
    followers = select(ColumnFollow.user_id).where(ColumnFollow.column_id == column_id)

    def unread_of_column(table):
        return and_(
            table.kind == COLUMN_COURSE,
            table.read_at.is_(None),
            table.data["column_id"].as_integer() == column_id,
        )

    session.execute(
        update(Notification)
        .where(unread_of_column(Notification), Notification.user_id.in_(followers))
        .values(data={**data, "more": True}, created_at=now, mailed_at=None)
        .execution_options(synchronize_session=False)
    )
    earlier = Notification.__table__.alias("earlier")
    already = exists().where(earlier.c.user_id == ColumnFollow.user_id, unread_of_column(earlier.c))
    session.execute(
        insert(Notification).from_select(
            ["user_id", "kind", "data", "created_at"],
            select(
                ColumnFollow.user_id,
                literal(COLUMN_COURSE),
                bindparam("data", {**data, "more": False}, type_=JSON),
                bindparam("now", now, type_=Notification.__table__.c.created_at.type),
            ).where(ColumnFollow.column_id == column_id, ~already),
        )
    )

"""What the mobile app's API needs beyond the site's own services: a lesson found by its id
alone, newest-first cursor pages of a learner's notes and notifications, and deleting one's
own comment. Everything else the API does goes through the services the site's pages use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, aliased

from catalogue.errors import Conflict, NotFound
from catalogue.models import Comment, Course, CourseStatus, Lesson, Note, Notification

T = TypeVar("T")


@dataclass(frozen=True)
class CursorPage(Generic[T]):
    """One page of a newest-first list; `next_cursor` asks for the following (older) page."""

    items: list[T]
    next_cursor: int | None


def lesson_course_id(session: Session, lesson_id: int) -> int:
    """The course of a lesson of a published course (NotFound otherwise)."""
    course_id = session.scalar(
        select(Lesson.course_id)
        .join(Course, Course.id == Lesson.course_id)
        .where(Lesson.id == lesson_id, Course.status == CourseStatus.PUBLISHED)
    )
    if course_id is None:
        raise NotFound(f"lesson {lesson_id} is not available")
    return course_id


def _page(session: Session, stmt: Select, id_column, before: int | None, limit: int) -> CursorPage:
    if before is not None:
        stmt = stmt.where(id_column < before)
    rows = list(session.scalars(stmt.order_by(id_column.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return CursorPage(rows, rows[-1].id if more and rows else None)


def notes_page(
    session: Session,
    user_id: int,
    *,
    course_id: int | None = None,
    before: int | None = None,
    limit: int = 50,
) -> CursorPage[Note]:
    """The learner's own notes (on one course, if given), newest first."""
    stmt = select(Note).where(Note.user_id == user_id)
    if course_id is not None:
        stmt = stmt.where(Note.course_id == course_id)
    return _page(session, stmt, Note.id, before, limit)


def notifications_page(
    session: Session, user_id: int, *, before: int | None = None, limit: int = 50
) -> CursorPage[Notification]:
    """The account's notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    return _page(session, stmt, Notification.id, before, limit)


def delete_own_comment(session: Session, user_id: int, comment_id: int) -> int:
    """Delete one of the learner's own comments; returns its course id.

    Someone else's comment is reported missing. A comment that others have visibly replied to
    stays (Conflict): deleting it would take their replies with it."""
    comment = session.get(Comment, comment_id)
    if comment is None or comment.user_id != user_id:
        raise NotFound(f"comment {comment_id} does not exist")
    reply = aliased(Comment)
    answered = session.scalar(
        select(
            exists().where(
                reply.parent_id == comment_id,
                reply.user_id != user_id,
            )
        )
    )
    if answered:
        raise Conflict("others have replied to this comment", code="HAS_REPLIES")
    course_id = comment.course_id
    session.delete(comment)
    session.flush()
    return course_id

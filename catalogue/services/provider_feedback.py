"""Feedback learners send to a course's provider, as the provider's partners read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.errors import FieldError, NotFound, ValidationError
from catalogue.models import Course, Feedback, Provider, utcnow
from catalogue.services import notifications
from catalogue.services.pagination import Page, paginate_rows


@dataclass(frozen=True)
class CourseRating:
    """A course's average rating and how many learners gave one."""

    course_id: int
    title: str
    average: float
    count: int


def feedback_page(
    session: Session, provider_id: int, page: int = 1, per_page: int = 50, unread_only: bool = False
) -> Page:
    """(Feedback, course title) rows for the provider's courses, newest first."""
    stmt = (
        select(Feedback, Course.title)
        .join(Course, Course.id == Feedback.course_id)
        .where(Course.provider_id == provider_id)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    )
    if unread_only:
        stmt = stmt.where(Feedback.read_at.is_(None))
    return paginate_rows(session, stmt, page, per_page)


def unread_count(session: Session, provider_id: int) -> int:
    """How many feedback messages of the provider's courses nobody has read yet."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Feedback)
            .join(Course, Course.id == Feedback.course_id)
            .where(Course.provider_id == provider_id, Feedback.read_at.is_(None))
        )
        or 0
    )


def course_ratings(session: Session, provider_id: int, limit: int = 100) -> list[CourseRating]:
    """The provider's rated courses with their average rating, most rated first."""
    rows = session.execute(
        select(Course.id, Course.title, func.avg(Feedback.rating), func.count(Feedback.id))
        .join(Feedback, Feedback.course_id == Course.id)
        .where(Course.provider_id == provider_id)
        .group_by(Course.id, Course.title)
        .order_by(func.count(Feedback.id).desc(), Course.id)
        .limit(limit)
    ).all()
    return [CourseRating(cid, title, float(avg), int(n)) for cid, title, avg, n in rows]


MAX_REPLY = 2000


def answer(session: Session, provider_id: int, feedback_id: int, text: str) -> Feedback:
    """The provider answers (or re-answers) a learner's feedback: the learner is told and sees
    the answer under their feedback. NotFound unless it is about the provider's course;
    ValidationError for an empty or too long answer."""
    text = (text or "").strip()
    if not text:
        raise ValidationError([FieldError("reply", "REQUIRED", "write an answer")])
    if len(text) > MAX_REPLY:
        raise ValidationError([FieldError("reply", "TOO_LONG", f"at most {MAX_REPLY} chars")])
    row = session.execute(
        select(Feedback, Course.title, Provider.name)
        .join(Course, Course.id == Feedback.course_id)
        .join(Provider, Provider.id == Course.provider_id)
        .where(Feedback.id == feedback_id, Course.provider_id == provider_id)
    ).first()
    if row is None:
        raise NotFound(f"feedback {feedback_id} is not about this provider's courses")
    feedback, title, provider_name = row
    if feedback.reply == text:
        return feedback
    now = utcnow()
    feedback.reply, feedback.replied_at = text, now
    feedback.read_at = feedback.read_at or now
    notifications.notify(
        session,
        feedback.user_id,
        notifications.FEEDBACK_REPLY,
        course_id=feedback.course_id,
        course_title=title,
        provider=provider_name,
        feedback_id=feedback.id,
    )
    session.flush()
    return feedback


def mark_read(session: Session, provider_id: int, feedback_id: int) -> datetime:
    """Mark one feedback message read; NotFound unless it is about the provider's course."""
    feedback = session.scalar(
        select(Feedback)
        .join(Course, Course.id == Feedback.course_id)
        .where(Feedback.id == feedback_id, Course.provider_id == provider_id)
    )
    if feedback is None:
        raise NotFound(f"feedback {feedback_id} is not about this provider's courses")
    if feedback.read_at is None:
        feedback.read_at = utcnow()
        session.flush()
    return feedback.read_at

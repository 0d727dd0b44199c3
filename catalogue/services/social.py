"""Notes (private), comments (public, moderated) and feedback to providers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import Collector, NotFound, PermissionDenied
from catalogue.models import (
    Comment,
    CommentReport,
    CommentStatus,
    Course,
    CourseStatus,
    Feedback,
    Lesson,
    Note,
)
from catalogue.services.validation import int_field, text_field

MAX_NOTE = 20_000
MAX_COMMENT = 2_000


def _published_course(session: Session, course_id: int) -> Course:
    course = session.get(Course, course_id)
    if course is None or course.status != CourseStatus.PUBLISHED:
        raise NotFound(f"course {course_id} is not available")
    return course


def add_note(
    session: Session,
    user_id: int,
    course_id: int,
    body: str,
    *,
    lesson_id: int | None = None,
    position_seconds: int | None = None,
) -> Note:
    """Save a private note on a course, optionally at a lesson and a time position."""
    errors = Collector()
    text = text_field(errors, "body", body, max_len=MAX_NOTE, required=True)
    position = int_field(errors, "position_seconds", position_seconds, maximum=1_000_000)
    errors.raise_if_any()
    _published_course(session, course_id)
    if (
        lesson_id is not None
        and session.scalar(select(Lesson.course_id).where(Lesson.id == lesson_id)) != course_id
    ):
        raise NotFound(f"lesson {lesson_id} is not part of course {course_id}")
    note = Note(
        user_id=user_id,
        course_id=course_id,
        lesson_id=lesson_id,
        position_seconds=position,
        body=text,
    )
    session.add(note)
    session.flush()
    return note


def _own_note(session: Session, user_id: int, note_id: int) -> Note:
    note = session.get(Note, note_id)
    # Someone else's note is reported as missing, so ids reveal nothing.
    if note is None or note.user_id != user_id:
        raise NotFound(f"note {note_id} does not exist")
    return note


def get_note(session: Session, user_id: int, note_id: int) -> Note:
    """One of the user's own notes (NotFound for anyone else's)."""
    return _own_note(session, user_id, note_id)


def update_note(session: Session, user_id: int, note_id: int, body: str) -> Note:
    """Change the text of one of the user's own notes."""
    errors = Collector()
    text = text_field(errors, "body", body, max_len=MAX_NOTE, required=True)
    errors.raise_if_any()
    note = _own_note(session, user_id, note_id)
    note.body = text
    session.flush()
    return note


def delete_note(session: Session, user_id: int, note_id: int) -> None:
    """Delete one of the user's own notes."""
    session.delete(_own_note(session, user_id, note_id))
    session.flush()


def list_notes(session: Session, user_id: int, course_id: int | None = None) -> list[Note]:
    """The user's notes, by course then time."""
    stmt = select(Note).where(Note.user_id == user_id)
    if course_id is not None:
        stmt = stmt.where(Note.course_id == course_id)
    return list(session.scalars(stmt.order_by(Note.course_id, Note.created_at, Note.id)))


def add_comment(
    session: Session, user_id: int, course_id: int, body: str, *, parent_id: int | None = None
) -> Comment:
    """Post a public comment, or a reply to a comment on the same course."""
    errors = Collector()
    text = text_field(errors, "body", body, max_len=MAX_COMMENT, required=True)
    errors.raise_if_any()
    _published_course(session, course_id)
    if parent_id is not None:
        parent = session.get(Comment, parent_id)
        if parent is None or parent.course_id != course_id:
            raise NotFound(f"comment {parent_id} is not on course {course_id}")
    comment = Comment(user_id=user_id, course_id=course_id, parent_id=parent_id, body=text)
    session.add(comment)
    session.flush()
    return comment


def visible_comments(session: Session, course_id: int) -> list[Comment]:
    """A course's visible comments, oldest first."""
    return list(
        session.scalars(
            select(Comment)
            .where(Comment.course_id == course_id, Comment.status == CommentStatus.VISIBLE)
            .order_by(Comment.created_at, Comment.id)
        )
    )


def report_comment(session: Session, reporter_id: int, comment_id: int, reason: str) -> None:
    """Flag a comment for the editors."""
    errors = Collector()
    text = text_field(errors, "reason", reason, max_len=500, required=True)
    errors.raise_if_any()
    if session.get(Comment, comment_id) is None:
        raise NotFound(f"comment {comment_id} does not exist")
    session.add(CommentReport(comment_id=comment_id, reporter_id=reporter_id, reason=text))
    session.flush()


def set_comment_status(
    session: Session, comment_id: int, status: CommentStatus, *, moderator_role: str
) -> Comment:
    """Hide or restore a comment; editors and admins only."""
    if moderator_role not in ("editor", "admin"):
        raise PermissionDenied("only editors may moderate comments")
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(f"comment {comment_id} does not exist")
    comment.status = status
    session.flush()
    return comment


def give_feedback(
    session: Session, user_id: int, course_id: int, rating: int, message: str | None = None
) -> Feedback:
    """Send a 1–5 rating and an optional message to the course's provider."""
    errors = Collector()
    score = int_field(errors, "rating", rating, minimum=1, maximum=5)
    if score is None and not errors.errors:
        errors.add("rating", "REQUIRED", "rating is required")
    text = text_field(errors, "message", message, max_len=MAX_COMMENT)
    errors.raise_if_any()
    _published_course(session, course_id)
    feedback = Feedback(user_id=user_id, course_id=course_id, rating=score, message=text)
    session.add(feedback)
    session.flush()
    return feedback

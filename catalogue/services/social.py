"""Notes (private), comments (public, moderated) and feedback to providers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import Collector, NotFound, PermissionDenied, RateLimited
from catalogue.models import (
    Comment,
    CommentReport,
    CommentStatus,
    Course,
    CourseStatus,
    EventKind,
    Feedback,
    Lesson,
    Note,
    User,
    utcnow,
)
from catalogue.services import notifications
from catalogue.services.activity import record_event
from catalogue.services.validation import int_field, text_field

MAX_NOTE = 20_000
MAX_COMMENT = 2_000
# Posting limits per learner: (how many comments, in what window). Generous for a learner
# taking part in a discussion, tight enough to stop a script flooding the course pages.
COMMENT_LIMITS = ((10, timedelta(minutes=10)), (100, timedelta(days=1)))
# The same text posted again on the same thread within this window is the same comment
# (a double click, a resubmitted form), not a new one.
DUPLICATE_WINDOW = timedelta(hours=1)


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
    record_event(session, user_id, course_id, EventKind.NOTE, lesson_id=lesson_id)
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
    """Post a public comment, or a reply to a visible comment on the same course; a muted
    user is refused (PermissionDenied with code MUTED)."""
    errors = Collector()
    text = text_field(errors, "body", body, max_len=MAX_COMMENT, required=True)
    errors.raise_if_any()
    _published_course(session, course_id)
    author = session.get(User, user_id)
    if author is None:
        raise NotFound(f"user {user_id} does not exist")
    if author.muted_at is not None:
        raise PermissionDenied("this account may not post comments", code="MUTED")
    if parent_id is not None:
        parent = session.get(Comment, parent_id)
        if (
            parent is None
            or parent.course_id != course_id
            or parent.status != CommentStatus.VISIBLE
        ):
            raise NotFound(f"comment {parent_id} is not on course {course_id}")
        # Replies stay one level deep: a reply to a reply joins its thread.
        parent_id = parent.parent_id or parent.id
    now = utcnow()
    repeated = session.scalar(
        select(Comment)
        .where(
            Comment.user_id == user_id,
            Comment.course_id == course_id,
            Comment.parent_id == parent_id,  # IS NULL for a top-level comment
            Comment.body == text,
            Comment.created_at > now - DUPLICATE_WINDOW,
        )
        .order_by(Comment.id.desc())
        .limit(1)
    )
    if repeated is not None:
        return repeated
    _check_posting_rate(session, user_id, now)
    comment = Comment(user_id=user_id, course_id=course_id, parent_id=parent_id, body=text)
    session.add(comment)
    session.flush()
    record_event(session, user_id, course_id, EventKind.COMMENT)
    if parent_id is not None:
        _tell_about_reply(session, comment, author)
    return comment


def _tell_about_reply(session: Session, reply: Comment, author: User) -> None:
    """The author of the thread's first comment hears of a reply by someone else."""
    thread = session.get(Comment, reply.parent_id)
    if thread is None or thread.user_id == author.id:
        return
    title = session.scalar(select(Course.title).where(Course.id == reply.course_id))
    notifications.notify(
        session,
        thread.user_id,
        notifications.REPLY,
        course_id=reply.course_id,
        course_title=title,
        comment_id=reply.id,
        author=author.display_name,
        excerpt=reply.body[:80],
    )


def _check_posting_rate(session: Session, user_id: int, now: datetime) -> None:
    """Refuse a comment beyond COMMENT_LIMITS with RateLimited, saying when to try again."""
    # One read serves every limit: the comments of a shorter window are the newest of the
    # longest window's, and no limit needs more of them than the largest does.
    recent = session.scalars(
        select(Comment.created_at)
        .where(
            Comment.user_id == user_id,
            Comment.created_at > now - max(window for _most, window in COMMENT_LIMITS),
        )
        .order_by(Comment.created_at.desc())
        .limit(max(most for most, _window in COMMENT_LIMITS))
    ).all()
    for most, window in COMMENT_LIMITS:
        inside = [moment for moment in recent if moment > now - window]
        if len(inside) >= most:
            oldest = inside[most - 1]
            wait = max(1, int((oldest + window - now).total_seconds()) + 1)
            raise RateLimited(
                f"at most {most} comments in {_plain(window)}; try again in {wait} s",
                retry_after=wait,
            )


def _plain(window: timedelta) -> str:
    minutes = int(window.total_seconds() // 60)
    return f"{minutes // 1440} day(s)" if minutes >= 1440 else f"{minutes} minutes"


@dataclass
class Thread:
    """A visible comment with its author's name and its visible replies, oldest first."""

    comment: Comment
    author: str
    replies: list[tuple[Comment, str]] = field(default_factory=list)


@dataclass
class Discussion:
    """One page of a course's discussion: the threads older than comment `before` (None for
    the newest page); `older` is the comment id to ask for the next, older page with, or None
    when these are the oldest threads."""

    threads: list[Thread]
    older: int | None
    before: int | None = None


def discussion(
    session: Session, course_id: int, *, before: int | None = None, limit: int = 50
) -> Discussion:
    """The `limit` newest threads of a course (older than comment `before` when given)."""
    threads = comment_threads(session, course_id, limit=limit + 1, before=before)
    more = len(threads) > limit
    threads = threads[:limit]
    return Discussion(threads, threads[-1].comment.id if more and threads else None, before)


def comment_threads(
    session: Session, course_id: int, limit: int = 50, before: int | None = None
) -> list[Thread]:
    """The course's discussion: the `limit` newest visible comments (those older than comment
    `before`, when given), each with its visible replies (replies of a hidden comment are
    hidden with it)."""
    stmt = (
        select(Comment, User.display_name)
        .join(User, User.id == Comment.user_id)
        .where(
            Comment.course_id == course_id,
            Comment.parent_id.is_(None),
            Comment.status == CommentStatus.VISIBLE,
        )
    )
    if before is not None:
        anchor = session.get(Comment, before)
        if anchor is None or anchor.course_id != course_id:
            return []
        # Newest first by (time, id): the next page starts strictly after the anchor.
        stmt = stmt.where(
            (Comment.created_at < anchor.created_at)
            | ((Comment.created_at == anchor.created_at) & (Comment.id < anchor.id))
        )
    tops = session.execute(
        stmt.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit)
    ).all()
    threads = {comment.id: Thread(comment, name) for comment, name in tops}
    if threads:
        replies = session.execute(
            select(Comment, User.display_name)
            .join(User, User.id == Comment.user_id)
            .where(Comment.parent_id.in_(list(threads)), Comment.status == CommentStatus.VISIBLE)
            .order_by(Comment.created_at, Comment.id)
        ).all()
        for reply, name in replies:
            threads[reply.parent_id].replies.append((reply, name))
    return list(threads.values())


def report_comment(session: Session, reporter_id: int, comment_id: int, reason: str) -> int:
    """Flag a visible comment for the editors (a second report by the same learner while the
    first is open is not added again); returns the comment's course id."""
    errors = Collector()
    text = text_field(errors, "reason", reason, max_len=500, required=True)
    errors.raise_if_any()
    comment = session.get(Comment, comment_id)
    if comment is None or comment.status != CommentStatus.VISIBLE:
        raise NotFound(f"comment {comment_id} does not exist")
    already = session.scalar(
        select(CommentReport.id).where(
            CommentReport.comment_id == comment_id,
            CommentReport.reporter_id == reporter_id,
            CommentReport.resolved_at.is_(None),
        )
    )
    if already is None:
        session.add(CommentReport(comment_id=comment_id, reporter_id=reporter_id, reason=text))
        session.flush()
    return comment.course_id


def give_feedback(
    session: Session, user_id: int, course_id: int, rating: int, message: str | None = None
) -> Feedback:
    """Send a 1–5 rating and an optional message to the course's provider; a learner's later
    feedback on the same course replaces the earlier one (and is unread again)."""
    errors = Collector()
    score = int_field(errors, "rating", rating, minimum=1, maximum=5)
    if score is None and not errors.errors:
        errors.add("rating", "REQUIRED", "rating is required")
    text = text_field(errors, "message", message, max_len=MAX_COMMENT)
    errors.raise_if_any()
    _published_course(session, course_id)
    feedback = my_feedback(session, user_id, course_id)
    if feedback is None:
        feedback = Feedback(user_id=user_id, course_id=course_id, rating=score, message=text)
        session.add(feedback)
    else:
        feedback.rating, feedback.message, feedback.read_at = score, text, None
        feedback.created_at = utcnow()
    session.flush()
    record_event(session, user_id, course_id, EventKind.RATE, value=float(score))
    return feedback


def my_feedback(session: Session, user_id: int, course_id: int) -> Feedback | None:
    """The learner's feedback on a course, if any."""
    return session.scalar(
        select(Feedback)
        .where(Feedback.user_id == user_id, Feedback.course_id == course_id)
        .order_by(Feedback.id.desc())
        .limit(1)
    )

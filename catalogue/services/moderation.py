"""Editors' moderation of the public discussion: reported comments, hiding and restoring them,
muting and unmuting the people who write them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from catalogue.errors import NotFound, PermissionDenied
from catalogue.models import Comment, CommentReport, CommentStatus, Course, User, utcnow

MODERATORS = ("editor", "admin")


@dataclass(frozen=True)
class ModeratedComment:
    """A comment as the moderation console lists it."""

    id: int
    body: str
    status: CommentStatus
    created_at: datetime
    course_id: int
    course_title: str
    author_id: int
    author_name: str
    author_muted: bool
    reports: int
    reasons: tuple[str, ...]


def _check(role: str) -> None:
    if role not in MODERATORS:
        raise PermissionDenied("only editors may moderate comments")


def _listing(session: Session, stmt) -> list[ModeratedComment]:
    rows = session.execute(stmt).all()
    ids = [row[0].id for row in rows]
    reasons: dict[int, list[str]] = {}
    if ids:
        for comment_id, reason in session.execute(
            select(CommentReport.comment_id, CommentReport.reason)
            .where(CommentReport.comment_id.in_(ids), CommentReport.resolved_at.is_(None))
            .order_by(CommentReport.id)
        ):
            reasons.setdefault(comment_id, []).append(reason)
    return [
        ModeratedComment(
            id=comment.id,
            body=comment.body,
            status=comment.status,
            created_at=comment.created_at,
            course_id=comment.course_id,
            course_title=title,
            author_id=author.id,
            author_name=author.display_name,
            author_muted=author.muted_at is not None,
            reports=len(reasons.get(comment.id, ())),
            reasons=tuple(dict.fromkeys(reasons.get(comment.id, ()))),
        )
        for comment, title, author in rows
    ]


def _base():
    return (
        select(Comment, Course.title, User)
        .join(Course, Course.id == Comment.course_id)
        .join(User, User.id == Comment.user_id)
    )


def reported_comments(session: Session, limit: int = 100) -> list[ModeratedComment]:
    """Comments with open reports, the most reported first."""
    open_reports = (
        select(CommentReport.comment_id, func.count().label("n"))
        .where(CommentReport.resolved_at.is_(None))
        .group_by(CommentReport.comment_id)
        .subquery()
    )
    stmt = (
        _base()
        .join(open_reports, open_reports.c.comment_id == Comment.id)
        .order_by(open_reports.c.n.desc(), Comment.created_at.desc())
        .limit(limit)
    )
    return _listing(session, stmt)


def recent_comments(
    session: Session, status: CommentStatus | None = None, limit: int = 50
) -> list[ModeratedComment]:
    """The newest comments (of one status, if given)."""
    stmt = _base().order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit)
    if status is not None:
        stmt = stmt.where(Comment.status == status)
    return _listing(session, stmt)


def _resolve_reports(session: Session, comment_id: int) -> None:
    session.execute(
        update(CommentReport)
        .where(CommentReport.comment_id == comment_id, CommentReport.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )


def moderate_comment(session: Session, comment_id: int, action: str, *, role: str) -> Comment:
    """Hide or restore a comment, or dismiss its reports; every action closes open reports."""
    _check(role)
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(f"comment {comment_id} does not exist")
    if action == "hide":
        comment.status = CommentStatus.HIDDEN
    elif action == "restore":
        comment.status = CommentStatus.VISIBLE
    elif action != "dismiss":
        raise ValueError(f"unknown moderation action {action!r}")
    _resolve_reports(session, comment_id)
    session.flush()
    return comment


def set_muted(session: Session, user_id: int, muted: bool, *, role: str) -> User:
    """Mute a user (no more comments) or lift it; staff accounts cannot be muted."""
    _check(role)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    if muted and user.role.value in MODERATORS:
        raise PermissionDenied("editors and admins cannot be muted", code="STAFF")
    user.muted_at = utcnow() if muted else None
    session.flush()
    return user


def muted_users(session: Session) -> list[User]:
    """Users who may not comment, most recently muted first."""
    return list(
        session.scalars(
            select(User).where(User.muted_at.is_not(None)).order_by(User.muted_at.desc())
        )
    )

"""Recording learner activity and aggregating it into per-course popularity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, case, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from catalogue.errors import Collector, NotFound
from catalogue.models import (
    Course,
    CourseStats,
    CourseStatus,
    Event,
    EventKind,
    Lesson,
    User,
    utcnow,
)
from catalogue.services.validation import enum_field

# Weights of each signal in the popularity score behind "most popular".
POPULARITY_WEIGHTS = {"views": 1.0, "likes": 3.0, "saves": 4.0, "starts": 2.0, "completions": 5.0}


def record_event(
    session: Session,
    user_id: int,
    course_id: int,
    kind: str | EventKind,
    *,
    value: float | None = None,
    lesson_id: int | None = None,
    at: datetime | None = None,
) -> Event:
    """Append one activity event for a published course."""
    errors = Collector()
    event_kind = enum_field(errors, "kind", kind, EventKind)
    if event_kind == EventKind.PROGRESS and (value is None or not 0.0 <= value <= 1.0):
        errors.add("value", "OUT_OF_RANGE", "progress is a fraction between 0 and 1")
    errors.raise_if_any()
    if session.get(User, user_id) is None:
        raise NotFound(f"user {user_id} does not exist")
    status = session.scalar(select(Course.status).where(Course.id == course_id))
    if status != CourseStatus.PUBLISHED:
        raise NotFound(f"course {course_id} is not available")
    if lesson_id is not None:
        owner = session.scalar(select(Lesson.course_id).where(Lesson.id == lesson_id))
        if owner != course_id:
            raise NotFound(f"lesson {lesson_id} is not part of course {course_id}")
    event = Event(
        user_id=user_id,
        course_id=course_id,
        kind=event_kind,
        value=value,
        lesson_id=lesson_id,
        created_at=at or utcnow(),
    )
    session.add(event)
    session.flush()
    return event


def _count(kind: EventKind):
    return func.sum(case((Event.kind == kind, 1), else_=0))


def refresh_course_stats(session: Session) -> int:
    """Recompute course_stats from the whole events table; returns the number of rows."""
    likes = _count(EventKind.LIKE) - _count(EventKind.UNLIKE)
    saves = _count(EventKind.SAVE) - _count(EventKind.UNSAVE)
    totals = (
        select(
            Event.course_id.label("course_id"),
            _count(EventKind.VIEW).label("views"),
            case((likes > 0, likes), else_=0).label("likes"),
            case((saves > 0, saves), else_=0).label("saves"),
            _count(EventKind.START).label("starts"),
            _count(EventKind.COMPLETE).label("completions"),
        )
        .group_by(Event.course_id)
        .subquery()
    )
    w = POPULARITY_WEIGHTS
    popularity = (
        totals.c.views * w["views"]
        + totals.c.likes * w["likes"]
        + totals.c.saves * w["saves"]
        + totals.c.starts * w["starts"]
        + totals.c.completions * w["completions"]
    )
    columns = ["course_id", "views", "likes", "saves", "starts", "completions"]
    session.execute(delete(CourseStats))
    session.execute(
        insert(CourseStats).from_select(
            [*columns, "popularity", "updated_at"],
            select(
                *(totals.c[c].cast(Integer) for c in columns),
                popularity,
                literal(utcnow(), CourseStats.updated_at.type),
            ),
        )
    )
    session.flush()
    return session.scalar(select(func.count()).select_from(CourseStats)) or 0

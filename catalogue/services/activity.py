"""Recording learner activity and aggregating it into per-course popularity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Date,
    Integer,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
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


def utc_day(column, dialect: str):
    """The UTC calendar day of a timestamp column, computed by the database."""
    if dialect == "postgresql":
        # timestamptz → the wall-clock time in UTC, whatever the session's time zone, → a date.
        return cast(func.timezone("UTC", column), Date)
    # SQLite keeps UTC text ("YYYY-MM-DD HH:MM:SS…"): its date part is the UTC day.
    return func.date(column)


def _has(kind: EventKind):
    return func.max(case((Event.kind == kind, 1), else_=0))


def _last_is(on: EventKind, off: EventKind):
    """1 when the learner's latest event of the pair is `on` (ids grow with time), else 0."""
    last_on = func.max(case((Event.kind == on, Event.id), else_=0))
    last_off = func.max(case((Event.kind == off, Event.id), else_=0))
    return case((last_on > last_off, 1), else_=0)


_BATCH = 10_000
_STANDING_KINDS = (
    EventKind.LIKE,
    EventKind.UNLIKE,
    EventKind.SAVE,
    EventKind.UNSAVE,
    EventKind.START,
    EventKind.COMPLETE,
)


def refresh_course_stats(session: Session) -> int:
    """Recompute course_stats from the whole events table; returns the number of rows.

    What one learner can add to a course is bounded, however many events they write: a view
    counts once per learner and UTC day, a like or save counts when it is the learner's
    current standing (the last of like/unlike), and a start or a completion once per learner.
    """
    dialect = session.get_bind().dialect.name
    day = utc_day(Event.created_at, dialect)
    # SQLite would walk the (user, created_at) index to group by learner and fetch every row
    # through it (2.5× slower than scanning the table and sorting); `+ 0` keeps it to the scan.
    learner = Event.user_id + 0 if dialect == "sqlite" else Event.user_id
    # One row per (learner, course, day) viewed: repeats within a day are one view.
    viewed = (
        select(Event.course_id)
        .where(Event.kind == EventKind.VIEW)
        .group_by(learner, Event.course_id, day)
        .subquery()
    )
    views = select(
        viewed.c.course_id.label("course_id"),
        literal(1).label("views"),
        literal(0).label("likes"),
        literal(0).label("saves"),
        literal(0).label("starts"),
        literal(0).label("completions"),
    )
    # One row per (learner, course) with anything else: where the learner stands.
    standing = (
        select(
            Event.course_id.label("course_id"),
            literal(0).label("views"),
            _last_is(EventKind.LIKE, EventKind.UNLIKE).label("likes"),
            _last_is(EventKind.SAVE, EventKind.UNSAVE).label("saves"),
            _has(EventKind.START).label("starts"),
            _has(EventKind.COMPLETE).label("completions"),
        )
        .where(Event.kind.in_(_STANDING_KINDS))
        .group_by(learner, Event.course_id)
    )
    rows = union_all(views, standing).subquery()
    columns = ["course_id", "views", "likes", "saves", "starts", "completions"]
    totals = (
        select(
            rows.c.course_id,
            *(func.sum(rows.c[c]).label(c) for c in columns[1:]),
        )
        .group_by(rows.c.course_id)
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
    fresh = select(
        *(totals.c[c].cast(Integer).label(c) for c in columns),
        popularity.label("popularity"),
        literal(utcnow(), CourseStats.updated_at.type).label("updated_at"),
    )
    # Counted first, the table replaced after: the count reads every event (minutes at 30
    # million), and on SQLite a statement that writes holds the only write lock for as long as
    # it runs. Read on its own (outside a transaction, in a fresh session), it holds no lock;
    # the lock is then held for the replacement alone.
    names = [*columns, "popularity", "updated_at"]
    counted = [dict(zip(names, row, strict=True)) for row in session.execute(fresh)]
    session.execute(delete(CourseStats))
    for start in range(0, len(counted), _BATCH):
        session.execute(insert(CourseStats), counted[start : start + _BATCH])
    session.flush()
    copy_popularity(session)
    return session.scalar(select(func.count()).select_from(CourseStats)) or 0


def copy_popularity(session: Session) -> int:
    """Copy course_stats.popularity onto the courses whose copy differs (0 for courses without
    stats); returns the number of courses changed. Their updated_at stays as it was: it says
    when the course itself last changed."""
    fresh = func.coalesce(
        select(CourseStats.popularity)
        .where(CourseStats.course_id == Course.id)
        .correlate(Course)
        .scalar_subquery(),
        0.0,
    )
    result = session.execute(
        update(Course)
        .where(Course.popularity != fresh)
        .values(popularity=fresh, updated_at=Course.updated_at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0

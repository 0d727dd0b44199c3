"""Thematic columns (专题) that editors curate and learners browse."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from catalogue.errors import Collector, Conflict, NotFound
from catalogue.models import (
    Area,
    ColumnCourse,
    ColumnFollow,
    ColumnStatus,
    Course,
    CourseStatus,
    ThematicColumn,
    utcnow,
)
from catalogue.services import notifications
from catalogue.services.validation import text_field, url_field


def create_column(
    session: Session,
    slug: str,
    title: str,
    *,
    description: str | None = None,
    cover_url: str | None = None,
    publish_from: datetime | None = None,
    publish_until: datetime | None = None,
    created_by_id: int | None = None,
) -> ThematicColumn:
    """Create a draft column."""
    errors = Collector()
    clean_slug = text_field(errors, "slug", slug, max_len=100, required=True)
    if clean_slug and not clean_slug.replace("-", "").isalnum():
        errors.add("slug", "BAD_SLUG", "slug may hold letters, digits and hyphens only")
    clean_title = text_field(errors, "title", title, max_len=200, required=True)
    text = text_field(errors, "description", description, max_len=5000)
    cover = url_field(errors, "cover_url", cover_url)
    if publish_from and publish_until and publish_until <= publish_from:
        errors.add("publish_until", "BAD_WINDOW", "the window must end after it starts")
    errors.raise_if_any()
    if session.scalar(select(ThematicColumn.id).where(ThematicColumn.slug == clean_slug)):
        raise Conflict(f"a column with slug {clean_slug!r} exists", code="DUPLICATE_SLUG")
    column = ThematicColumn(
        slug=clean_slug,
        title=clean_title,
        description=text,
        cover_url=cover,
        publish_from=publish_from,
        publish_until=publish_until,
        created_by_id=created_by_id,
    )
    session.add(column)
    session.flush()
    return column


def set_column_courses(session: Session, column_id: int, course_ids: Sequence[int]) -> None:
    """Replace a column's courses with these, in this order."""
    column = session.get(ThematicColumn, column_id)
    if column is None:
        raise NotFound(f"column {column_id} does not exist")
    unique_ids = list(dict.fromkeys(course_ids))
    found = set(session.scalars(select(Course.id).where(Course.id.in_(unique_ids))))
    missing = [cid for cid in unique_ids if cid not in found]
    if missing:
        raise NotFound(f"courses do not exist: {missing}")
    column.entries = [
        ColumnCourse(course_id=cid, position=i) for i, cid in enumerate(unique_ids, start=1)
    ]
    session.flush()


def publish_column(session: Session, column_id: int) -> ThematicColumn:
    """Mark a column published; learners see it while its window is open."""
    column = session.get(ThematicColumn, column_id)
    if column is None:
        raise NotFound(f"column {column_id} does not exist")
    column.status = ColumnStatus.PUBLISHED
    session.flush()
    return column


def current_columns(
    session: Session, *, now: datetime | None = None, limit: int = 6
) -> list[tuple[ThematicColumn, list[Course]]]:
    """Published columns whose window is open now, each with its published courses in order."""
    now = now or utcnow()
    columns = session.scalars(
        select(ThematicColumn)
        .where(
            ThematicColumn.status == ColumnStatus.PUBLISHED,
            or_(ThematicColumn.publish_from.is_(None), ThematicColumn.publish_from <= now),
            or_(ThematicColumn.publish_until.is_(None), ThematicColumn.publish_until > now),
        )
        .order_by(ThematicColumn.publish_from.desc(), ThematicColumn.id.desc())
        .limit(limit)
        .options(selectinload(ThematicColumn.entries).selectinload(ColumnCourse.course))
    ).all()
    return [
        (c, [e.course for e in c.entries if e.course.status == CourseStatus.PUBLISHED])
        for c in columns
    ]


def _is_current(column: ThematicColumn, now: datetime) -> bool:
    return (
        column.status == ColumnStatus.PUBLISHED
        and (column.publish_from is None or _aware(column.publish_from) <= now)
        and (column.publish_until is None or _aware(column.publish_until) > now)
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def column_page(
    session: Session, slug: str, *, preview: bool = False, now: datetime | None = None
) -> tuple[ThematicColumn, list[Course]]:
    """A column and its published courses in order; NotFound unless it is published and its
    window open now (editors may `preview` any column)."""
    if not slug.replace("-", "").isalnum():
        # Not a slug create_column accepts (PostgreSQL refuses NUL bytes outright).
        raise NotFound(f"column {slug!r} is not available")
    column = session.scalar(
        select(ThematicColumn)
        .where(ThematicColumn.slug == slug)
        .options(selectinload(ThematicColumn.entries).selectinload(ColumnCourse.course))
    )
    if column is None or not (preview or _is_current(column, now or utcnow())):
        raise NotFound(f"column {slug!r} is not available")
    return column, [e.course for e in column.entries if e.course.status == CourseStatus.PUBLISHED]


def area_columns(
    session: Session, area: Area, *, now: datetime | None = None, limit: int = 4
) -> list[ThematicColumn]:
    """Current columns holding at least one published course of the area."""
    now = now or utcnow()
    has_area = (
        select(ColumnCourse.column_id)
        .join(Course, Course.id == ColumnCourse.course_id)
        .where(Course.area == area, Course.status == CourseStatus.PUBLISHED)
    )
    return list(
        session.scalars(
            select(ThematicColumn)
            .where(
                ThematicColumn.id.in_(has_area),
                ThematicColumn.status == ColumnStatus.PUBLISHED,
                or_(ThematicColumn.publish_from.is_(None), ThematicColumn.publish_from <= now),
                or_(ThematicColumn.publish_until.is_(None), ThematicColumn.publish_until > now),
            )
            .order_by(ThematicColumn.publish_from.desc(), ThematicColumn.id.desc())
            .limit(limit)
        )
    )


def list_columns(session: Session) -> list[tuple[ThematicColumn, int]]:
    """Every column with its number of courses, newest first (for the editors)."""
    counts = (
        select(ColumnCourse.column_id, func.count().label("n"))
        .group_by(ColumnCourse.column_id)
        .subquery()
    )
    rows = session.execute(
        select(ThematicColumn, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.column_id == ThematicColumn.id)
        .order_by(ThematicColumn.created_at.desc(), ThematicColumn.id.desc())
    ).all()
    return [(column, int(n)) for column, n in rows]


def get_column(session: Session, column_id: int) -> ThematicColumn:
    """A column with its entries and their courses; NotFound if it does not exist."""
    column = session.scalar(
        select(ThematicColumn)
        .where(ThematicColumn.id == column_id)
        .options(selectinload(ThematicColumn.entries).selectinload(ColumnCourse.course))
    )
    if column is None:
        raise NotFound(f"column {column_id} does not exist")
    return column


def update_column(
    session: Session,
    column_id: int,
    *,
    title: str,
    description: str | None = None,
    cover_url: str | None = None,
    publish_from: datetime | None = None,
    publish_until: datetime | None = None,
) -> ThematicColumn:
    """Change a column's title, description, cover and publish window (its slug stays)."""
    column = get_column(session, column_id)
    errors = Collector()
    clean_title = text_field(errors, "title", title, max_len=200, required=True)
    text = text_field(errors, "description", description, max_len=5000)
    cover = url_field(errors, "cover_url", cover_url)
    if publish_from and publish_until and publish_until <= publish_from:
        errors.add("publish_until", "BAD_WINDOW", "the window must end after it starts")
    errors.raise_if_any()
    column.title, column.description, column.cover_url = clean_title, text, cover
    column.publish_from, column.publish_until = publish_from, publish_until
    session.flush()
    return column


def add_column_course(session: Session, column_id: int, course_id: int) -> None:
    """Append a published course to a column (a course already in it stays where it is).

    When learners can see the column now, its followers hear of the new course (one unread
    notification per column and follower, merged: `notifications.column_course_added`)."""
    column = get_column(session, column_id)
    course = session.get(Course, course_id)
    if course is None or course.status != CourseStatus.PUBLISHED:
        raise NotFound(f"course {course_id} is not published")
    if any(e.course_id == course_id for e in column.entries):
        return
    set_column_courses(session, column_id, [*(e.course_id for e in column.entries), course_id])
    if _is_current(column, utcnow()):
        notifications.column_course_added(
            session,
            column_id=column.id,
            column_slug=column.slug,
            column_title=column.title,
            course_id=course.id,
            course_title=course.title,
        )


def move_column_course(session: Session, column_id: int, course_id: int, step: int) -> None:
    """Move a course `step` places up (negative) or down (positive) in a column."""
    ids = [e.course_id for e in get_column(session, column_id).entries]
    if course_id not in ids:
        raise NotFound(f"course {course_id} is not in column {column_id}")
    at = ids.index(course_id)
    to = max(0, min(len(ids) - 1, at + step))
    ids.insert(to, ids.pop(at))
    set_column_courses(session, column_id, ids)


def remove_column_course(session: Session, column_id: int, course_id: int) -> None:
    """Take a course out of a column."""
    ids = [e.course_id for e in get_column(session, column_id).entries]
    if course_id not in ids:
        raise NotFound(f"course {course_id} is not in column {column_id}")
    set_column_courses(session, column_id, [cid for cid in ids if cid != course_id])


def unpublish_column(session: Session, column_id: int) -> ThematicColumn:
    """Take a column back to draft: learners no longer see it."""
    column = get_column(session, column_id)
    column.status = ColumnStatus.DRAFT
    session.flush()
    return column


def _visible_column(session: Session, slug: str) -> ThematicColumn:
    column, _courses = column_page(session, slug)
    return column


def follow_column(session: Session, user_id: int, slug: str) -> ThematicColumn:
    """The learner follows a column learners can see now (NotFound otherwise); following
    twice is following once."""
    column = _visible_column(session, slug)
    # INSERT … ON CONFLICT DO NOTHING: a double click (two requests at once) is no error.
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(ColumnFollow)
        .values(user_id=user_id, column_id=column.id, created_at=utcnow())
        .on_conflict_do_nothing()
    )
    return column


def unfollow_column(session: Session, user_id: int, slug: str) -> ThematicColumn:
    """The learner no longer follows the column (nothing happens if they did not)."""
    column = None
    if slug.replace("-", "").isalnum():  # else not a slug (PostgreSQL refuses NUL bytes)
        column = session.scalar(select(ThematicColumn).where(ThematicColumn.slug == slug))
    if column is None:
        raise NotFound(f"column {slug!r} does not exist")
    session.execute(
        delete(ColumnFollow).where(
            ColumnFollow.user_id == user_id, ColumnFollow.column_id == column.id
        )
    )
    return column


def is_following(session: Session, user_id: int, column_id: int) -> bool:
    """Whether the learner follows the column."""
    return session.get(ColumnFollow, (user_id, column_id)) is not None


def follower_count(session: Session, column_id: int) -> int:
    """How many learners follow the column."""
    return session.scalar(
        select(func.count()).select_from(ColumnFollow).where(ColumnFollow.column_id == column_id)
    )


def followed_columns(
    session: Session, user_id: int, *, now: datetime | None = None
) -> list[ThematicColumn]:
    """The columns the learner follows that learners can see now, most recently followed
    first (a column taken back or past its window drops off the list, and tells nothing)."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(ThematicColumn)
            .join(ColumnFollow, ColumnFollow.column_id == ThematicColumn.id)
            .where(
                ColumnFollow.user_id == user_id,
                ThematicColumn.status == ColumnStatus.PUBLISHED,
                or_(ThematicColumn.publish_from.is_(None), ThematicColumn.publish_from <= now),
                or_(ThematicColumn.publish_until.is_(None), ThematicColumn.publish_until > now),
            )
            .order_by(ColumnFollow.created_at.desc(), ThematicColumn.id.desc())
        )
    )

"""Thematic columns (专题) that editors curate and learners browse."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from catalogue.errors import Collector, Conflict, NotFound
from catalogue.models import (
    ColumnCourse,
    ColumnStatus,
    Course,
    CourseStatus,
    ThematicColumn,
    utcnow,
)
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

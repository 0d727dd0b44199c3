"""The catalogue's change feed for aggregators: courses changed since a cursor, in a stable
(updated_at, id) order, withdrawn ones as tombstones.

Every catalogue change stamps `courses.updated_at`, so a course changed after a client has read
it comes again later in the walk with its new state, and a walk never skips a course as long as
no transaction can still commit a stamp at or before a cursor already handed out. The feed
therefore only shows changes up to a *horizon*: `settle` seconds ago and, on PostgreSQL, also
`settle` seconds before the start of the oldest transaction of this database that is writing
now (`pg_stat_activity`), since such a transaction may have stamped a course earlier than a
change another one committed since. SQLite has one writer at a time, and the catalogue stamps
its changes while holding the write lock, so its stamps come in commit order and `settle` is
enough there. docs/open-data.md ("The catalogue's change feed").

A page is one keyset query over the index `courses (updated_at, id)` (a row-value comparison,
so the index range starts at the cursor at any depth of the walk), reading only the columns
the feed shows and the provider's name by a join: no ORM objects, no lazy loads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    bindparam,
    or_,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Session

from catalogue.models import Course, CourseStatus, Provider
from insight.open_data.cursors import decode_cursor, encode_cursor
from insight.rollup_store import settled_before

KIND = "changes"
MAX_LIMIT = 500

_PUBLISHED = CourseStatus.PUBLISHED.value
# The columns a page reads, in the order change_json unpacks them; the enums' text as it is
# stored (a CHECK keeps it to the enum's values), so no enum objects are made per row.
_COLUMNS = (
    Course.id,
    type_coerce(Course.status, String),
    Course.updated_at,
    Course.withdrawn_at,
    Course.published_at,
    Course.title,
    Course.subtitle,
    Course.description,
    type_coerce(Course.area, String),
    Course.subjects,
    type_coerce(Course.format, String),
    type_coerce(Course.level, String),
    Course.language,
    Course.duration_minutes,
    Course.lesson_count,
    Course.is_free,
    Course.price_cents,
    Course.cover_url,
    Course.source_url,
    Course.provider_id,
    Provider.name,
)


@dataclass(frozen=True)
class ChangesPage:
    """Changed courses (as JSON objects), the cursor to continue from, whether more wait."""

    changes: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


def _subjects(value: Any) -> list[str]:
    if isinstance(value, str):  # a driver that hands JSON over as text
        value = json.loads(value)
    return list(value or [])


def change_json(row: tuple) -> dict[str, Any]:
    """One row of `page_query` as the feed shows it: the record, or a tombstone when not
    published."""
    (course_id, status, updated, withdrawn, published, title, subtitle, description, area,
     subjects, fmt, level, language, minutes, lessons, is_free, price, cover, source,
     provider_id, provider) = row  # fmt: skip
    if status != _PUBLISHED:
        return {
            "id": course_id,
            "deleted": True,
            "status": status,
            "withdrawn_at": withdrawn.isoformat() if withdrawn is not None else None,
            "updated_at": updated.isoformat(),
        }
    return {
        "id": course_id,
        "deleted": False,
        "status": status,
        "title": title,
        "subtitle": subtitle,
        "description": description,
        "area": area,
        "subjects": _subjects(subjects),
        "format": fmt,
        "level": level,
        "language": language,
        "duration_minutes": minutes,
        "lesson_count": lessons,
        "is_free": is_free,
        "price_cents": price,
        "cover_url": cover,
        "source_url": source,
        "provider": {"id": provider_id, "name": provider},
        "published_at": published.isoformat() if published is not None else None,
        "updated_at": updated.isoformat(),
    }


def read_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The position a cursor names (None: the beginning); BadCursor if it is not ours."""
    if not cursor:
        return None
    at = decode_cursor(KIND, cursor, {"t": datetime, "i": int})
    return at["t"], at["i"]


def _page(after_a_cursor: bool) -> Select:
    stmt = (
        select(*_COLUMNS)
        .join(Provider, Provider.id == Course.provider_id)
        .where(
            # Drafts never published are nobody's business; once published, every state shows.
            or_(Course.status != CourseStatus.DRAFT, Course.published_at.is_not(None)),
            Course.updated_at <= bindparam("horizon", type_=Course.updated_at.type),
        )
    )
    if after_a_cursor:
        # (updated_at, id) > (t, i) as one row value: both databases start the index range
        # there; the stamp is bound with the column's own type.
        stmt = stmt.where(
            tuple_(Course.updated_at, Course.id)
            > tuple_(bindparam("t", type_=Course.updated_at.type), bindparam("i", type_=Integer))
        )
    return stmt.order_by(Course.updated_at, Course.id).limit(bindparam("rows", type_=Integer))


# Built once: a page costs no statement building, only the cached compiled form's execution.
_FIRST_PAGE, _NEXT_PAGE = _page(False), _page(True)


def page_query(
    after: tuple[datetime, int] | None, limit: int, horizon: datetime
) -> tuple[Select, dict[str, Any]]:
    """The query of one page and its parameters: up to limit + 1 rows after the position,
    up to the horizon."""
    params: dict[str, Any] = {"horizon": horizon, "rows": limit + 1}
    if after is None:
        return _FIRST_PAGE, params
    return _NEXT_PAGE, params | {"t": after[0], "i": after[1]}


def horizon(session: Session, settle: timedelta, now: datetime | None = None) -> datetime:
    """The newest change the feed may show now (see the module's docstring)."""
    return settled_before(session, settle, now)


def course_changes(
    session: Session,
    cursor: str | None,
    limit: int = 100,
    settle: timedelta = timedelta(seconds=5),
    now: datetime | None = None,
) -> ChangesPage:
    """The page of changes after `cursor` (None: from the beginning); BadCursor if invalid."""
    limit = max(1, min(limit, MAX_LIMIT))
    after = read_cursor(cursor)
    stmt, params = page_query(after, limit, horizon(session, settle, now))
    # Core rows on the session's connection: no ORM loading for plain columns.
    rows = session.connection().execute(stmt, params).all()
    page = rows[:limit]
    if page:
        last = page[-1]
        next_cursor = encode_cursor(KIND, t=last[2].isoformat(), i=last[0])
    else:
        next_cursor = cursor or ""
    return ChangesPage([change_json(row) for row in page], next_cursor, len(rows) > limit)

"""Applying validated rows to a provider's catalogue inside the caller's transaction.

Rows are applied in batches with bulk statements (no ORM object per row), and every
created, updated or withdrawn course gets an index-outbox row in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from catalogue.ingest.rows import ParsedRow
from catalogue.models import Course, CourseStatus, IndexOutbox, OutboxOp, Provider, utcnow

BATCH = 1000


@dataclass
class ApplyCounts:
    """What applying an upload did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    seen: set[str] = field(default_factory=set, repr=False)


@dataclass(frozen=True)
class _Existing:
    id: int
    fingerprint: str | None
    status: CourseStatus
    published_at: datetime | None


def _existing(session: Session, provider_id: int) -> dict[str, _Existing]:
    rows = session.execute(
        select(
            Course.external_id, Course.id, Course.source_hash, Course.status, Course.published_at
        ).where(Course.provider_id == provider_id)
    )
    return {key: _Existing(*rest) for key, *rest in rows}


def _column_values(row: ParsedRow, now: datetime, published_at: datetime | None) -> dict[str, Any]:
    values = dict(row.values)
    published = row.status == CourseStatus.PUBLISHED
    values.update(
        status=row.status,
        lesson_count=row.lesson_count,
        source_hash=row.fingerprint,
        updated_at=now,
        # A course keeps its first publication date across updates.
        published_at=(published_at or now) if published else published_at,
        withdrawn_at=now if row.status == CourseStatus.WITHDRAWN else None,
    )
    return values


def _lock_provider(session: Session, provider_id: int) -> None:
    """Serialise uploads of one provider (a row lock; on SQLite, the database write lock)."""
    session.execute(
        update(Provider)
        .where(Provider.id == provider_id)
        .values(updated_at=Provider.updated_at)
        .execution_options(synchronize_session=False)
    )


def _allocate_ids(session: Session, count: int) -> list[int]:
    """Ids for new courses, so rows can be bulk-inserted without RETURNING round trips."""
    if session.get_bind().dialect.name == "postgresql":
        return list(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence('courses', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            )
        )
    # SQLite: the provider lock above holds the database's single write lock.
    start = (session.scalar(select(func.max(Course.id))) or 0) + 1
    return list(range(start, start + count))


def _batches(rows: Iterable[ParsedRow]) -> Iterator[list[ParsedRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _outbox(session: Session, ids: list[int], op: OutboxOp, now: datetime) -> None:
    if ids:
        session.execute(
            insert(IndexOutbox), [{"course_id": i, "op": op, "created_at": now} for i in ids]
        )


def apply_rows(
    session: Session, provider_id: int, rows: Iterable[ParsedRow], *, full_sync: bool = False
) -> ApplyCounts:
    """Create, update or leave alone each row's course; with full_sync, withdraw the rest."""
    _lock_provider(session, provider_id)
    existing = _existing(session, provider_id)
    counts = ApplyCounts()
    for batch in _batches(rows):
        now = utcnow()
        creates, updates, touched = [], [], []
        for row in batch:
            counts.seen.add(row.key)
            old = existing.get(row.key)
            if old is None:
                creates.append(
                    {
                        "provider_id": provider_id,
                        "created_at": now,
                        **_column_values(row, now, None),
                    }
                )
            elif old.fingerprint == row.fingerprint and old.status == row.status:
                counts.unchanged += 1
            else:
                values = _column_values(row, now, old.published_at)
                values.pop("external_id")
                updates.append({"id": old.id, **values})
                touched.append((old.id, row.status))
        if creates:
            for row, course_id in zip(creates, _allocate_ids(session, len(creates)), strict=True):
                row["id"] = course_id
            session.connection().execute(insert(Course.__table__), creates)
            new = [(c["external_id"], c["id"], c["status"]) for c in creates]
            for key, cid, status in new:
                existing[key] = _Existing(cid, None, status, None)
            touched.extend((cid, status) for _key, cid, status in new)
            counts.created += len(creates)
        if updates:
            session.execute(update(Course), updates)
            counts.updated += len(updates)
        _outbox(
            session,
            [cid for cid, s in touched if s == CourseStatus.PUBLISHED],
            OutboxOp.UPSERT,
            now,
        )
        _outbox(
            session,
            [cid for cid, s in touched if s != CourseStatus.PUBLISHED],
            OutboxOp.DELETE,
            now,
        )
        session.flush()
    if full_sync:
        counts.withdrawn = _withdraw_missing(session, existing, counts.seen)
    return counts


def _withdraw_missing(session: Session, existing: dict[str, _Existing], seen: set[str]) -> int:
    live = (e for key, e in existing.items() if key not in seen)
    gone = [e.id for e in live if e.status != CourseStatus.WITHDRAWN]
    now = utcnow()
    for start in range(0, len(gone), BATCH):
        ids = gone[start : start + BATCH]
        session.execute(
            update(Course),
            [
                {"id": i, "status": CourseStatus.WITHDRAWN, "withdrawn_at": now, "updated_at": now}
                for i in ids
            ],
        )
        _outbox(session, ids, OutboxOp.DELETE, now)
    session.flush()
    return len(gone)

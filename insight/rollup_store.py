"""Writing the rollup tables on SQLite and PostgreSQL alike: add to a figure, replace figures,
insert rows that may exist, move a watermark (all inside the caller's transaction).

Reading a watermark on PostgreSQL first takes a transaction lock on it (`lock_mark`): two runs of
a job at once (the worker's and one by hand, `lifelong jobs run …`, as a backfill is done) then
take turns batch by batch; without it both read the same watermark and the same rows and add
them twice. On SQLite one writer at a time already keeps them apart (the second's write fails on
its stale snapshot instead of adding twice)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from catalogue.models import utcnow
from insight.models import DailyFigure, RollupWatermark

CHUNK = 2000
# The first key of the watermarks' advisory locks (the second is the watermark's name's CRC).
ROLLUP_LOCKS = 0x17_0001
# The oldest transaction of this database that holds a transaction id (it has written
# something) and may still commit; the asking session is left out.
_OLDEST_WRITER = text(
    "SELECT min(xact_start) FROM pg_stat_activity"
    " WHERE datname = current_database() AND backend_xid IS NOT NULL"
    " AND pid <> pg_backend_pid()"
)


def settled_before(session: Session, lag: timedelta, now: datetime | None = None) -> datetime:
    """The newest creation time a reader of appended rows (by id, or by a stamp) may pass now:
    `lag` ago and, on PostgreSQL, `lag` before the start of the oldest transaction that is
    writing, since it may yet commit a row with a lower id or an earlier stamp than rows
    committed since (a long write holds the readers back: late, never wrong)."""
    moment = (now or utcnow()) - lag
    if session.get_bind().dialect.name == "postgresql":
        oldest = session.scalar(_OLDEST_WRITER)
        if oldest is not None:
            moment = min(moment, oldest - lag)
    return moment


def settled(rows: list, cutoff: datetime | None) -> list:
    """The rows (in id order, each with a `created_at`) before the first one created after
    `cutoff` (settled_before): rows with higher ids wait for the next run too, so a watermark
    never passes a row whose transaction may still commit."""
    if cutoff is None:
        return rows
    for index, row in enumerate(rows):
        created = row.created_at
        if created.tzinfo is None:  # SQLite hands back naive UTC
            created = created.replace(tzinfo=UTC)
        if created > cutoff:
            return rows[:index]
    return rows


def _insert(session: Session, table):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _chunks(rows: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def add_figures(session: Session, counts: Mapping[tuple[str, str, date], int]) -> None:
    """Add counts to (metric, area, day) figures, creating the ones that do not exist."""
    rows = [{"metric": m, "area": a, "day": d, "value": v} for (m, a, d), v in counts.items() if v]
    if not rows:
        return
    stmt = _insert(session, DailyFigure.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["metric", "area", "day"],
        set_={"value": DailyFigure.__table__.c.value + stmt.excluded.value},
    )
    for chunk in _chunks(rows):
        session.execute(stmt, chunk)


def replace_figures(
    session: Session,
    metrics: Iterable[str],
    first_day: date,
    last_day: date,
    values: Mapping[tuple[str, str, date], int],
) -> None:
    """Replace every figure of those metrics from first_day to last_day by `values`."""
    session.execute(
        delete(DailyFigure).where(
            DailyFigure.metric.in_(list(metrics)),
            DailyFigure.day >= first_day,
            DailyFigure.day <= last_day,
        )
    )
    rows = [{"metric": m, "area": a, "day": d, "value": v} for (m, a, d), v in values.items() if v]
    for chunk in _chunks(rows):
        session.execute(DailyFigure.__table__.insert(), chunk)


def insert_missing(session: Session, table, rows: list[dict], keys: list[str]) -> None:
    """Insert rows, leaving alone those whose key exists already."""
    if not rows:
        return
    stmt = _insert(session, table).on_conflict_do_nothing(index_elements=keys)
    for chunk in _chunks(rows):
        session.execute(stmt, chunk)


def add_rows(session: Session, table, rows: list[dict], keys: list[str], adds: list[str]) -> None:
    """Insert rows, or add their `adds` columns to the existing row with the same key."""
    if not rows:
        return
    stmt = _insert(session, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=keys, set_={name: table.c[name] + stmt.excluded[name] for name in adds}
    )
    for chunk in _chunks(rows):
        session.execute(stmt, chunk)


def lock_mark(session: Session, name: str, namespace: int = ROLLUP_LOCKS) -> None:
    """On PostgreSQL, wait for and take the watermark's lock until the caller's transaction
    ends (the module's docstring); nothing on SQLite."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = zlib.crc32(name.encode()) & 0x7FFF_FFFF
    session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": namespace, "b": key})


def watermark(session: Session, source: str) -> int | None:
    """The source's watermark (None: never set), read under its lock (`lock_mark`)."""
    lock_mark(session, source)
    return session.scalar(select(RollupWatermark.last_id).where(RollupWatermark.source == source))


def set_watermark(session: Session, source: str, last_id: int) -> None:
    """Move (or set) the source's watermark."""
    stmt = _insert(session, RollupWatermark.__table__).values(
        source=source, last_id=last_id, updated_at=utcnow()
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["source"],
        set_={"last_id": stmt.excluded.last_id, "updated_at": stmt.excluded.updated_at},
    )
    session.execute(stmt)

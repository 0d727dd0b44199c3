"""The audit log of the open data API: one row per call (refused ones too), searchable by
administrators, kept for a retention period (OPEN_DATA_AUDIT_DAYS, default RETENTION_DAYS) and
pruned in batches by the open-data-audit-prune job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from catalogue.models.base import utcnow
from catalogue.services.validation import like_pattern
from insight.models.open_data import OpenDataCall, OpenDataClient

PAGE_SIZE = 50
# How long a call stays in the log: a full year and a month, so that a yearly review of an
# institution's use (and a complaint about the year before) still finds every call.
RETENTION_DAYS = 400
# Rows deleted in one transaction: short enough that no learner's or client's write waits long.
PRUNE_BATCH = 5000


@dataclass(frozen=True)
class Call:
    """What one call was: who (client row id or None), what, the answer and rows returned."""

    client_pk: int | None
    method: str
    endpoint: str
    status: int
    error_code: str = ""
    rows: int = 0
    ip: str = ""


def record_call(session: Session, call: Call) -> None:
    """Write one audit row (flushes; the caller commits, in a transaction of its own)."""
    session.add(
        OpenDataCall(
            client_pk=call.client_pk,
            method=call.method[:8],
            endpoint=call.endpoint[:300],
            status=call.status,
            error_code=(call.error_code or "")[:40],
            rows=max(0, call.rows),
            ip=(call.ip or "")[:64],
        )
    )
    session.flush()


@dataclass(frozen=True)
class AuditFilter:
    """An administrator's search of the log; every part optional."""

    client_pk: int | None = None
    endpoint: str = ""
    # "2xx", "4xx", "5xx", "429", or an exact status as text; "" for all.
    status: str = ""
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditRow:
    """One row as the admin page shows it."""

    id: int
    at: datetime
    client_name: str
    client_id: str
    method: str
    endpoint: str
    status: int
    error_code: str
    rows: int
    ip: str


@dataclass(frozen=True)
class AuditPage:
    """Newest first; `older` is the `before` id of the next page (None on the last)."""

    rows: list[AuditRow]
    older: int | None


def search_calls(
    session: Session, wanted: AuditFilter, before: int | None = None, limit: int = PAGE_SIZE
) -> AuditPage:
    """A page of calls matching the filter, newest first, keyset-paginated by id."""
    stmt = select(OpenDataCall, OpenDataClient.name, OpenDataClient.client_id).outerjoin(
        OpenDataClient, OpenDataClient.id == OpenDataCall.client_pk
    )
    if wanted.client_pk is not None:
        stmt = stmt.where(OpenDataCall.client_pk == wanted.client_pk)
    if wanted.endpoint:
        stmt = stmt.where(OpenDataCall.endpoint.like(like_pattern(wanted.endpoint), escape="\\"))
    status = (wanted.status or "").strip().lower()
    if status in ("2xx", "3xx", "4xx", "5xx"):
        low = int(status[0]) * 100
        stmt = stmt.where(OpenDataCall.status >= low, OpenDataCall.status < low + 100)
    elif status.isdigit():
        stmt = stmt.where(OpenDataCall.status == int(status))
    if wanted.since is not None:
        stmt = stmt.where(OpenDataCall.at >= wanted.since)
    if wanted.until is not None:
        stmt = stmt.where(OpenDataCall.at < wanted.until)
    if before is not None:
        stmt = stmt.where(OpenDataCall.id < before)
    stmt = stmt.order_by(OpenDataCall.id.desc()).limit(limit + 1)
    found = session.execute(stmt).all()
    rows = [
        AuditRow(
            call.id,
            call.at,
            name or "",
            client_id or "",
            call.method,
            call.endpoint,
            call.status,
            call.error_code,
            call.rows,
            call.ip,
        )
        for call, name, client_id in found[:limit]
    ]
    older = rows[-1].id if len(found) > limit else None
    return AuditPage(rows, older)


@dataclass(frozen=True)
class Pruned:
    """What one pruning did: rows deleted, in how many batches, the cutoff, whether it stopped
    early (the worker was stopping; the rest goes at the next run)."""

    deleted: int
    batches: int
    cutoff: datetime
    interrupted: bool = False


def prune_calls(
    sessions: sessionmaker,
    retention_days: int = RETENTION_DAYS,
    *,
    now: datetime | None = None,
    batch: int = PRUNE_BATCH,
    should_stop: Callable[[], bool] | None = None,
) -> Pruned:
    """Delete the calls older than `retention_days`, oldest first, `batch` rows per transaction
    (each batch commits on its own, so a stop loses nothing and never holds a lock for long)."""
    if retention_days < 1:
        raise ValueError("the call log must be kept for at least one day")
    if batch < 1:
        raise ValueError("batch must be positive")
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    deleted = batches = 0
    while True:
        if should_stop is not None and batches and should_stop():
            return Pruned(deleted, batches, cutoff, interrupted=True)
        with sessions.begin() as session:
            oldest = (
                select(OpenDataCall.id)
                .where(OpenDataCall.at < cutoff)
                .order_by(OpenDataCall.id)
                .limit(batch)
                .subquery()
            )
            last = session.scalar(select(func.max(oldest.c.id)))
            if last is None:
                break
            # Every old row up to the batch's last id (ids and times rise together; a row
            # written late with an old time is caught by a later batch or run).
            result = session.execute(
                delete(OpenDataCall)
                .where(OpenDataCall.id <= last, OpenDataCall.at < cutoff)
                .execution_options(synchronize_session=False)
            )
        deleted += int(result.rowcount or 0)
        batches += 1
    return Pruned(deleted, batches, cutoff)

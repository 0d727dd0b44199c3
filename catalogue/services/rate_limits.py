"""Fixed-window hit counters in the database, for rate limits shared by every web process.

Each key has one row: its count and when its window started and ends. A hit is one atomic
INSERT … ON CONFLICT DO UPDATE … RETURNING (SQLite 3.35+ and PostgreSQL), so concurrent hits
from several processes are never lost; a row whose window has ended starts a new window.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from catalogue.models import RateLimitCounter
from catalogue.models.limits import MAX_KEY_LENGTH

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def storage_key(key: str) -> str:
    """The key as stored: long keys (an e-mail address can be long) become a digest."""
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def hit(session: Session, key: str, expiry: timedelta, now: datetime, amount: int = 1) -> int:
    """Add `amount` (negative to give back, never below 0) to the key's window; the new count."""
    dialect = session.get_bind().dialect.name
    if dialect not in _INSERTS:
        raise NotImplementedError(f"rate-limit counters need SQLite or PostgreSQL, not {dialect}")
    table = RateLimitCounter.__table__
    stmt = _INSERTS[dialect](table).values(
        key=storage_key(key), count=max(amount, 0), window_start=now, expires_at=now + expiry
    )
    ended = table.c.expires_at <= now
    added = table.c.count + amount
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            # Every SET expression reads the row as it was before the update.
            "count": case((ended, stmt.excluded.count), (added < 0, 0), else_=added),
            "window_start": case((ended, stmt.excluded.window_start), else_=table.c.window_start),
            "expires_at": case((ended, stmt.excluded.expires_at), else_=table.c.expires_at),
        },
    ).returning(table.c.count)
    return int(session.execute(stmt).scalar_one())


def count(session: Session, key: str, now: datetime) -> int:
    """Hits of the key in its current window (0 when the window has ended)."""
    value = session.scalar(
        select(RateLimitCounter.count).where(
            RateLimitCounter.key == storage_key(key), RateLimitCounter.expires_at > now
        )
    )
    return int(value or 0)


def window_end(session: Session, key: str, now: datetime) -> datetime:
    """When the key's current window ends (`now` when it has none)."""
    value = session.scalar(
        select(RateLimitCounter.expires_at).where(
            RateLimitCounter.key == storage_key(key), RateLimitCounter.expires_at > now
        )
    )
    return value or now


def clear(session: Session, key: str) -> None:
    """Forget the key's window."""
    session.execute(delete(RateLimitCounter).where(RateLimitCounter.key == storage_key(key)))


def clear_all(session: Session) -> int:
    """Forget every window; how many there were."""
    return session.execute(delete(RateLimitCounter)).rowcount


def purge_ended(session: Session, now: datetime) -> int:
    """Delete the rows whose window has ended; how many."""
    return session.execute(
        delete(RateLimitCounter).where(RateLimitCounter.expires_at <= now)
    ).rowcount


def give_back(session: Session, key: str, now: datetime, amount: int = 1) -> int:
    """Take `amount` hits off a live window (not below 0); the new count, 0 if no window."""
    result = session.execute(
        update(RateLimitCounter)
        .where(RateLimitCounter.key == storage_key(key), RateLimitCounter.expires_at > now)
        .values(
            count=case((RateLimitCounter.count < amount, 0), else_=RateLimitCounter.count - amount)
        )
        .returning(RateLimitCounter.count)
    )
    value = result.scalar_one_or_none()
    return int(value or 0)

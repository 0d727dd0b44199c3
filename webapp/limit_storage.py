"""A `limits` storage over the site's database, for Flask-Limiter when no Redis is configured.

Registered with the `limits` storage registry under the scheme ``lifelong+db``; the engine to
use is handed over as the ``engine`` storage option (the app's own engine and pool).
Only the fixed-window strategy is supported, the one Flask-Limiter uses by default.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.orm import sessionmaker

from catalogue.services import rate_limits

SCHEME = "lifelong+db"
# Ended windows are deleted at most this often per process (rows are reused until then).
PURGE_EVERY_SECONDS = 600.0


class DatabaseStorage(Storage):
    """Fixed-window counters in the `rate_limit_counters` table (SQLite or PostgreSQL)."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 (read by the limits registry's metaclass)

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        engine: sa.Engine | None = None,
        **options: float | str | bool,
    ) -> None:
        if engine is None:
            raise ValueError(f"{SCHEME}:// storage needs the `engine` storage option")
        self._sessions = sessionmaker(bind=engine)
        self._purge_lock = threading.Lock()
        self._last_purge = time.monotonic()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's window (a new window of `expiry` s if none); the count."""
        now = _now()
        with self._sessions.begin() as session:
            value = rate_limits.hit(session, key, timedelta(seconds=expiry), now, amount)
        self._maybe_purge(now)
        return value

    def decr(self, key: str, amount: int = 1) -> int:
        """Give `amount` hits back to the key's live window (never below 0); the count."""
        with self._sessions.begin() as session:
            return rate_limits.give_back(session, key, _now(), amount)

    def get(self, key: str) -> int:
        """Hits in the key's current window."""
        with self._sessions() as session:
            return rate_limits.count(session, key, _now())

    def get_expiry(self, key: str) -> float:
        """When the key's window ends, as a Unix timestamp."""
        with self._sessions() as session:
            return rate_limits.window_end(session, key, _now()).timestamp()

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with self._sessions() as session:
                session.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every window."""
        with self._sessions.begin() as session:
            return rate_limits.clear_all(session)

    def clear(self, key: str) -> None:
        """Forget one key's window."""
        with self._sessions.begin() as session:
            rate_limits.clear(session, key)

    def _maybe_purge(self, now: datetime) -> None:
        if time.monotonic() - self._last_purge < PURGE_EVERY_SECONDS:
            return
        if not self._purge_lock.acquire(blocking=False):
            return
        try:
            self._last_purge = time.monotonic()
            with self._sessions.begin() as session:
                rate_limits.purge_ended(session, now)
        finally:
            self._purge_lock.release()


def _now() -> datetime:
    return datetime.now(UTC)

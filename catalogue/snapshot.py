"""A value recomputed at most every so many seconds, shared by a process's request threads.

For figures that are expensive to compute exactly on every request and may be a little old
(the home page's per-area course counts: a count over every published course). One thread
recomputes a stale value while the others keep answering with the previous one, so no request
but the very first waits for the computation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Snapshot(Generic[T]):
    """The last computed value and when it was computed; `max_age` 0 computes every time."""

    def __init__(self, max_age: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age = max_age
        self._clock = clock
        self._value: T | None = None
        self._at: float | None = None
        self._refreshing = threading.Lock()

    def get(self, compute: Callable[[], T]) -> T:
        """The value, recomputed with `compute` when it is older than `max_age`."""
        if self.max_age <= 0:
            return compute()
        at = self._at
        if at is not None and self._clock() - at < self.max_age:
            return self._value  # type: ignore[return-value]
        # Stale or missing: one thread recomputes; with a previous value the others use it.
        if not self._refreshing.acquire(blocking=at is None):
            return self._value  # type: ignore[return-value]
        try:
            if self._at is not None and self._at != at:
                return self._value  # type: ignore[return-value]  # another thread just did
            started = self._clock()
            value = compute()
            self._value, self._at = value, started
            return value
        finally:
            self._refreshing.release()

    def clear(self) -> None:
        """Forget the value: the next `get` recomputes it."""
        self._at = None

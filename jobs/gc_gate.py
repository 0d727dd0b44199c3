"""The cyclic garbage collector, run only while no thread of this process is mid-work.

Why: under CPython 3.11 (3.11.2 and 3.11.7 reproduced; 3.12.1 not), a cyclic collection that
starts at an arbitrary allocation in one thread while other threads are suspended in the
middle of SQLAlchemy ORM work corrupts memory: two visitors at once crashed the site with a
segmentation fault (issue 11, finding 0). Valgrind shows a weakref created in an ORM
constructor freed while a dictionary still held it; the crash does not depend on SQLAlchemy's
Cython extensions, the connection pool or markupsafe's speedups, and it disappears when the
collector runs only at moments when no request is being served. docs/concurrency.md has the
whole investigation.

So a process that serves requests (or runs jobs) in threads switches automatic collection off
and collects here instead: work is bracketed by `enter()` / `leave()` (the WSGI middleware in
webapp, the worker's job runs, the upload thread between batches); when enough new objects
have piled up, a collector thread stops new work from starting, waits until the work in
flight has left (at most `drain_timeout` seconds, else it lets work go on and tries again
later), collects, and lets work go on. A thread waiting at `enter()` is outside any
operation, which is what makes the collection safe.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from collections.abc import Iterator

log = logging.getLogger(__name__)

# New container objects since the last collection that call for one (CPython's own
# generation-0 threshold is 700; collecting here stops the world, so less often).
YOUNG_THRESHOLD = 20_000
FULL_EVERY = 10  # every tenth collection looks at every generation
POLL_SECONDS = 0.25
# A collection that kept new work waiting longer than this is logged (with what it cost).
SLOW_PAUSE_SECONDS = 0.5


class GcGate:
    """Runs the garbage collector only when no bracketed work is in flight."""

    def __init__(
        self,
        young_threshold: int = YOUNG_THRESHOLD,
        drain_timeout: float = 2.0,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.young_threshold = young_threshold
        self.drain_timeout = drain_timeout
        self.poll_seconds = poll_seconds
        self._cond = threading.Condition()
        self._active = 0
        self._local = threading.local()  # this thread's bracket depth
        self._closed = False  # new work waits while a collection is pending or running
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.collections = 0
        self.skipped = 0  # collections given up because work in flight did not drain

    # -- work ------------------------------------------------------------------------

    def enter(self) -> None:
        """Start a piece of work (waits while a collection is pending or running)."""
        with self._cond:
            while self._closed:
                self._cond.wait()
            self._active += 1
        self._local.depth = getattr(self._local, "depth", 0) + 1

    def leave(self) -> None:
        """End a piece of work."""
        self._local.depth = getattr(self._local, "depth", 0) - 1
        with self._cond:
            self._active -= 1
            if self._active == 0:
                self._cond.notify_all()

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Bracket a piece of work."""
        self.enter()
        try:
            yield
        finally:
            self.leave()

    def checkpoint(self) -> None:
        """Inside long work, between steps: let a pending collection run now.

        Steps out of every bracket this thread holds (nested ones included) and back in;
        outside any bracket it does nothing.
        """
        depth = getattr(self._local, "depth", 0)
        if depth <= 0:
            return
        with self._cond:
            self._active -= depth
            if self._active == 0:
                self._cond.notify_all()
            while self._closed:
                self._cond.wait()
            self._active += depth

    @property
    def in_flight(self) -> int:
        """Pieces of work now in flight."""
        with self._cond:
            return self._active

    # -- collecting --------------------------------------------------------------------

    def collect(self, generation: int = 2) -> bool:
        """Collect once no work is in flight; False when work did not drain in time."""
        started = time.monotonic()
        deadline = started + self.drain_timeout
        with self._cond:
            self._closed = True
            try:
                while self._active:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        self.skipped += 1
                        return False
                    self._cond.wait(left)
                drained = time.monotonic()
                found = gc.collect(generation)
                self.collections += 1
                done = time.monotonic()
                if done - started > SLOW_PAUSE_SECONDS:
                    log.warning(
                        "garbage collection (generation %s) held new work for %.2f s: "
                        "%.2f s draining work in flight, %.2f s collecting (%s unreachable)",
                        generation, done - started, drained - started, done - drained, found,
                    )  # fmt: skip
                return True
            finally:
                self._closed = False
                self._cond.notify_all()

    def due(self) -> bool:
        """Whether enough new objects have piled up since the last collection."""
        return gc.get_count()[0] >= self.young_threshold

    def _loop(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            if self.due():
                full = (self.collections + 1) % FULL_EVERY == 0
                self.collect(2 if full else 1)

    def start(self) -> None:
        """Switch automatic collection off and start the collector thread."""
        if self._thread is not None:
            return
        gc.disable()
        # What exists now (modules, the app, caches) is not garbage: keep it out of every
        # later collection, so a full collection costs only what requests left behind.
        gc.freeze()
        self._thread = threading.Thread(target=self._loop, name="gc-gate", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the collector thread and switch automatic collection back on."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        gc.enable()


_gate: GcGate | None = None
_gate_lock = threading.Lock()


def process_gate() -> GcGate:
    """This process's gate (collection is per process). It counts work from the start, but
    takes collection over only once `start()`ed, which the serving entry points do (`lifelong
    start`, `lifelong worker`, the production WSGI entry): a single-threaded command keeps
    CPython's automatic collection."""
    global _gate
    with _gate_lock:
        if _gate is None:
            _gate = GcGate()
        return _gate

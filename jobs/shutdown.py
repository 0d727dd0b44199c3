"""Whether the job running in this thread should stop early (its worker is stopping).

`run_job` sets the run's cancel event for the thread that runs a job in the worker's own
process; a long job (uploads-apply) asks `stop_requested()` between its steps.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextvars import ContextVar

_cancel: ContextVar[threading.Event | None] = ContextVar("job_cancel", default=None)


@contextlib.contextmanager
def cancellable(event: threading.Event | None) -> Iterator[None]:
    """Run the block with `event` as this thread's "stop early" signal."""
    token = _cancel.set(event)
    try:
        yield
    finally:
        _cancel.reset(token)


def stop_requested() -> bool:
    """Whether the job running in this thread has been asked to stop."""
    event = _cancel.get()
    return event is not None and event.is_set()

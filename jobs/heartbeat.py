"""The jobs worker's heartbeat: a thread that stamps the worker's row every few seconds.

`/healthz` calls the worker gone when the stamp is older than jobs.health.WORKER_SILENT_AFTER.
A beat that fails (the database briefly away) is logged and tried again at the next beat.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from catalogue.services.worker_status import (
    beat,
    begin_heartbeat,
    end_heartbeat,
    prune_heartbeats,
)
from jobs.gc_gate import process_gate

log = logging.getLogger(__name__)
BEAT_SECONDS = 2.0
KEEP = timedelta(days=7)  # heartbeats of stopped workers are kept this long, then pruned


class Heartbeat:
    """Stamps this worker process's heartbeat until stopped."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        running: Callable[[], list[str]],
        interval: float = BEAT_SECONDS,
    ) -> None:
        self.sessions = sessions
        self.running = running
        self.interval = interval
        self.id: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Record this worker and start beating."""
        with process_gate().active(), self.sessions() as session:
            prune_heartbeats(session, KEEP)
            self.id = begin_heartbeat(session, socket.gethostname(), os.getpid())
            session.commit()
        self._thread = threading.Thread(target=self._loop, name="heartbeat", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                with process_gate().active(), self.sessions() as session:
                    beat(session, self.id, self.running())
                    session.commit()
            except Exception:
                log.exception("the worker's heartbeat could not be written; trying again")

    def stop(self) -> None:
        """Stop beating and record that this worker stopped on purpose."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.interval + 5)
        if self.id is None:
            return
        try:
            with process_gate().active(), self.sessions() as session:
                end_heartbeat(session, self.id)
                session.commit()
        except Exception:
            log.exception("the worker's stop could not be recorded")

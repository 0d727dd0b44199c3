"""Running partner uploads in the background, with their progress visible to the portal."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import update

from catalogue.ingest.service import Limits, run_upload
from catalogue.models import Upload
from jobs.gc_gate import process_gate
from webapp.db import get_database
from webapp.settings import Settings

log = logging.getLogger(__name__)
EXTENSION = "lifelong.uploads"


@dataclass
class UploadRunner:
    """A single background thread that applies queued uploads one at a time."""

    app: Flask
    settings: Settings
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload")
    )
    _progress: dict[int, tuple[int, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def limits(self) -> Limits:
        """Size limits from the settings."""
        return self.settings.upload_limits()

    def submit(self, upload_id: int) -> Future:
        """Apply a queued upload in the background."""
        return self.executor.submit(self._run, upload_id)

    def progress(self, upload_id: int) -> tuple[int, int] | None:
        """Rows processed and total rows of a running upload, when this process runs it."""
        with self._lock:
            return self._progress.get(upload_id)

    def _run(self, upload_id: int) -> None:
        database = get_database(self.app)

        gate = process_gate()

        def report(done: int, total: int) -> None:
            # Between rows: a pending garbage collection may run (jobs/gc_gate.py).
            gate.checkpoint()
            with self._lock:
                self._progress[upload_id] = (done, total)
            # Written in its own short transaction (the upload holds no long write lock), so
            # every web worker sees it, on SQLite too.
            with database.engine.begin() as conn:
                conn.execute(
                    update(Upload).where(Upload.id == upload_id).values(processed_rows=done)
                )

        gate.enter()
        try:
            run_upload(database.sessions, upload_id, self.settings.upload_dir, progress=report)
        except Exception:
            log.exception("upload %s failed", upload_id)
        finally:
            gate.leave()
            with self._lock:
                self._progress.pop(upload_id, None)


def init_app(app: Flask, settings: Settings) -> UploadRunner:
    """Create the app's upload runner."""
    runner = UploadRunner(app=app, settings=settings)
    app.extensions[EXTENSION] = runner
    return runner


def get_runner() -> UploadRunner:
    """The current app's upload runner."""
    return current_app.extensions[EXTENSION]

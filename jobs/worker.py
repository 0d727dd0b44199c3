"""The jobs worker: its own process, one per deployment, running the scheduled jobs.

APScheduler (in-memory job store) fires each job of the registry; a job never overlaps itself
(max_instances=1) and missed firings are coalesced into one. A run missed while the worker was
down is caught up once at start, judged from the recorded runs. Only one worker runs at a time:
it holds a PostgreSQL advisory lock (or, on SQLite, an fcntl lock on a file in the instance
folder), so a second worker started by mistake refuses to start.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from catalogue.ingest.service import fail_interrupted_uploads
from catalogue.services.job_runs import abandon_running, last_started
from jobs.context import JobContext
from jobs.gc_gate import process_gate
from jobs.heartbeat import Heartbeat
from jobs.registry import JOBS, Job
from jobs.runner import run_job

log = logging.getLogger(__name__)
WORKER_CHANNELS = ("web", "api")  # uploads the worker applies (the CLI applies its own)
ADVISORY_LOCK_KEY = 7_261_126  # any fixed number shared by every worker of a deployment


class _ExpectedSkips(logging.Filter):
    """Drops APScheduler's warning that a job still running at its next firing was skipped:
    with max_instances=1 that is by design (an upload applied for minutes by a 2-s job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


_SKIPS = _ExpectedSkips()


class WorkerBusy(RuntimeError):
    """Another worker is already running for this database."""


@contextlib.contextmanager
def single_worker(
    engine: Engine,
    lock_file: Path,
    *,
    standby: threading.Event | None = None,
    poll: float = 1.0,
    on_standby: Callable[[str], None] | None = None,
    waiting: Callable[[], None] | None = None,
) -> Iterator[None]:
    """Hold the one-worker lock for as long as the block runs.

    Without `standby`, raise WorkerBusy when another worker holds it. With `standby` (an
    event that is set to give up), wait as a standby: try again every `poll` seconds and take
    over as soon as the active worker is gone; `on_standby` is told once why it waits, and
    `waiting` is called before each wait (a standby keeps its index copy current with it).
    """
    told = False
    while True:
        try:
            with _one_worker_lock(engine, lock_file):
                yield
            return
        except WorkerBusy as busy:
            if standby is None:
                raise
            if not told and on_standby is not None:
                on_standby(str(busy))
                told = True
            if waiting is not None:
                waiting()
            if standby.wait(poll):
                raise


@contextlib.contextmanager
def _one_worker_lock(engine: Engine, lock_file: Path) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            got = connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
            if not got:
                raise WorkerBusy("another jobs worker is running for this database")
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
        return
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WorkerBusy(f"another jobs worker holds {lock_file}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def trigger_of(job: Job, timezone: ZoneInfo):
    """The APScheduler trigger of a job."""
    if "cron" in job.trigger:
        return CronTrigger(timezone=timezone, **job.trigger["cron"])
    return IntervalTrigger(timezone=timezone, **job.trigger["interval"])


def missed(job: Job, last_start: datetime | None, now: datetime, timezone: ZoneInfo) -> bool:
    """Whether a scheduled firing of a cron job passed since it last started."""
    if "cron" not in job.trigger or last_start is None:
        return False
    if last_start.tzinfo is None:
        last_start = last_start.replace(tzinfo=UTC)
    following = trigger_of(job, timezone).get_next_fire_time(None, last_start)
    return following is not None and following <= now


class Worker:
    """Schedules the registry's jobs in this process."""

    def __init__(
        self,
        context: JobContext,
        sessions: sessionmaker[Session],
        *,
        jobs: Sequence[Job] = JOBS,
        timezone: str = "Asia/Shanghai",
    ) -> None:
        self.context = context
        self.sessions = sessions
        # Set when the worker stops: running jobs' processes are stopped rather than awaited.
        self._stopping = threading.Event()
        self.jobs = list(jobs)
        self.timezone = ZoneInfo(timezone)
        self._running: dict[str, int] = {}
        self._running_lock = threading.Lock()
        self.heartbeat = Heartbeat(sessions, self.running_jobs)
        scheduler_log = logging.getLogger("apscheduler.scheduler")
        if _SKIPS not in scheduler_log.filters:
            scheduler_log.addFilter(_SKIPS)
        self.scheduler = BackgroundScheduler(
            timezone=self.timezone,
            executors={"default": ThreadPoolExecutor(4)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    def running_jobs(self) -> list[str]:
        """The ids of the jobs running now."""
        with self._running_lock:
            return [job_id for job_id, count in self._running.items() if count]

    def _run(self, job: Job, trigger: str) -> None:
        with self._running_lock:
            self._running[job.id] = self._running.get(job.id, 0) + 1
        try:
            outcome, _figures = run_job(
                job,
                self.context,
                self.sessions,
                trigger=trigger,
                cancel=self._stopping,
                gate=process_gate(),
            )
        finally:
            with self._running_lock:
                self._running[job.id] -= 1
        log.info("job %s (%s): %s", job.id, trigger, outcome)

    def due_now(self, now: datetime | None = None) -> list[tuple[Job, str]]:
        """(job, trigger) for cron jobs whose firing was missed while no worker ran
        ("catch_up") and first-run jobs that never ran ("first_run")."""
        now = now or datetime.now(UTC)
        due = []
        with self.sessions() as session:
            for job in self.jobs:
                last = last_started(session, job.id)
                if missed(job, last, now, self.timezone):
                    due.append((job, "catch_up"))
                elif job.first_run and last is None:
                    due.append((job, "first_run"))
        return due

    def start(self) -> None:
        """Mark runs and uploads of a dead worker failed, schedule every job, catch up missed
        ones once."""
        with self.sessions() as session:
            abandoned = abandon_running(session)
            # This worker is the only one that applies the portal's and the API's uploads.
            interrupted = fail_interrupted_uploads(session, channels=WORKER_CHANNELS)
            session.commit()
        if abandoned:
            log.warning("%s job runs of a stopped worker were marked failed", abandoned)
        if interrupted:
            log.warning("%s uploads interrupted by a stop were marked failed", interrupted)
        self.heartbeat.start()
        for job in self.jobs:
            self.scheduler.add_job(
                self._run,
                trigger_of(job, self.timezone),
                args=(job, "schedule"),
                id=job.id,
                name=job.description,
                replace_existing=True,
            )
        for job, trigger in self.due_now():
            self.scheduler.add_job(self._run, args=(job, trigger), id=f"{job.id}:{trigger}")
        self.scheduler.start()

    def stop(self) -> None:
        """Stop scheduling, stop the running jobs' processes and wait for them to end."""
        self._stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.heartbeat.stop()

    def run_until(self, stop: threading.Event) -> None:
        """Run until `stop` is set."""
        self.start()
        try:
            stop.wait()
        finally:
            self.stop()

"""Running one job now: record the run, enforce the timeout, record the outcome and figures."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import threading
import time
import traceback
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from catalogue.models import JobOutcome
from catalogue.services.job_runs import finish_run, start_run
from jobs import shutdown
from jobs.context import JobContext
from jobs.gc_gate import GcGate
from jobs.registry import Job

log = logging.getLogger(__name__)


class JobTimedOut(RuntimeError):
    """The job ran past its timeout and was stopped."""


class JobInterrupted(RuntimeError):
    """The worker was stopping, so the job's process was stopped before it finished."""


def _child(func, context: JobContext, results) -> None:
    try:
        results.put(("ok", func(context)))
    except BaseException as exc:  # reported to the parent, which records it
        results.put(("error", "".join(traceback.format_exception_only(type(exc), exc)).strip()))


def _isolated(
    job: Job, context: JobContext, cancel: threading.Event | None = None
) -> dict[str, Any]:
    """Run the job in a child process; stop it at the timeout, or as soon as `cancel` is set
    (the worker is stopping: it should not outlive the site by a whole training run)."""
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    process = spawn.Process(target=_child, args=(job.func, context, results), daemon=True)
    process.start()
    deadline = time.monotonic() + job.timeout_seconds
    try:
        while True:
            try:
                status, value = results.get(timeout=0.2)
                break
            except queue.Empty:
                if not process.is_alive():
                    # It may have put its result just before exiting.
                    try:
                        status, value = results.get(timeout=0.5)
                        break
                    except queue.Empty:
                        raise RuntimeError(
                            f"the job's process died (exit code {process.exitcode})"
                        ) from None
                if time.monotonic() > deadline:
                    raise JobTimedOut(
                        f"{job.id} ran longer than {job.timeout_seconds:g} s and was stopped"
                    ) from None
                if cancel is not None and cancel.is_set():
                    raise JobInterrupted(f"{job.id} was stopped: the worker was stopping") from None
    finally:
        stopping = cancel is not None and cancel.is_set()
        # Let a finished job's process exit by itself.
        process.join(10 if time.monotonic() <= deadline and not stopping else 0)
        if process.is_alive():
            process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
        process.join(30)
    if status == "error":
        raise RuntimeError(value)
    return value


def run_job(
    job: Job,
    context: JobContext,
    sessions: sessionmaker[Session],
    *,
    trigger: str = "manual",
    isolated: bool | None = None,
    cancel: threading.Event | None = None,
    gate: GcGate | None = None,
) -> tuple[JobOutcome, dict[str, Any]]:
    """Run a job, recording its start, end, outcome and figures; an isolated job is stopped
    (and recorded as failed) when `cancel` is set. With a `gate`, this thread's work is
    bracketed for it (only waiting on an isolated job's process is left outside)."""

    def work():
        return gate.active() if gate is not None else contextlib.nullcontext()

    run_id = None
    if not job.quiet:
        with work(), sessions() as session:
            run_id = start_run(session, job.id, trigger).id
            session.commit()
    outcome, figures, error = JobOutcome.SUCCEEDED, {}, None
    try:
        in_child = job.isolated if isolated is None else isolated
        if in_child:
            figures = _isolated(job, context, cancel)
        else:
            with work(), shutdown.cancellable(cancel):
                figures = job.func(context)
    except JobTimedOut as exc:
        outcome, error = JobOutcome.TIMED_OUT, exc
    except JobInterrupted as exc:
        outcome, error = JobOutcome.FAILED, exc
        log.warning("%s", exc)
    except Exception as exc:
        outcome, error = JobOutcome.FAILED, exc
        log.exception("job %s failed", job.id)
    if job.quiet and outcome == JobOutcome.SUCCEEDED and not _did_work(figures):
        return outcome, figures
    with work(), sessions() as session:
        if run_id is None:
            run_id = start_run(session, job.id, trigger).id
        finish_run(session, run_id, outcome, figures, error)
        session.commit()
    return outcome, figures


def _did_work(figures: dict[str, Any]) -> bool:
    return any(isinstance(v, int | float) and v for v in figures.values())

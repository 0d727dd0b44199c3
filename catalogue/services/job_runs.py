"""Recording job runs and reading them back (for admins and for catching up after downtime)."""

from __future__ import annotations

import traceback
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from catalogue.models import JobOutcome, JobRun
from catalogue.models.base import utcnow

MAX_ERROR_CHARS = 4000


def start_run(session: Session, job_id: str, trigger: str) -> JobRun:
    """Record that a job started."""
    run = JobRun(job_id=job_id, trigger=trigger, started_at=utcnow(), figures={})
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    run_id: int,
    outcome: JobOutcome,
    figures: dict[str, Any] | None = None,
    error: BaseException | str | None = None,
) -> JobRun:
    """Record how a run ended, with its figures or its error."""
    run = session.get(JobRun, run_id)
    if run is None:
        raise LookupError(f"job run {run_id} does not exist")
    run.finished_at = utcnow()
    run.outcome = outcome
    run.figures = figures or {}
    if isinstance(error, BaseException):
        error = "".join(traceback.format_exception_only(type(error), error)).strip()
    run.error = error[:MAX_ERROR_CHARS] if error else None
    session.flush()
    return run


def recent_runs(session: Session, job_id: str | None = None, limit: int = 50) -> list[JobRun]:
    """The latest runs, newest first."""
    stmt = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    if job_id is not None:
        stmt = stmt.where(JobRun.job_id == job_id)
    return list(session.scalars(stmt))


def last_started(session: Session, job_id: str) -> datetime | None:
    """When the job last started, however it ended."""
    return session.scalar(select(func.max(JobRun.started_at)).where(JobRun.job_id == job_id))


def abandon_running(session: Session) -> int:
    """Mark runs still 'running' (their worker died) as failed; returns how many."""
    runs = list(session.scalars(select(JobRun).where(JobRun.outcome == JobOutcome.RUNNING)))
    for run in runs:
        run.outcome = JobOutcome.FAILED
        run.finished_at = utcnow()
        run.error = "the worker stopped before the run finished"
    session.flush()
    return len(runs)


def prune_runs(session: Session, older_than: timedelta) -> int:
    """Delete runs started longer ago than `older_than`; returns how many."""
    result = session.execute(delete(JobRun).where(JobRun.started_at < utcnow() - older_than))
    return result.rowcount or 0

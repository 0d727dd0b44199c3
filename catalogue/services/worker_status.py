"""The jobs worker's heartbeat and the latest outcome of each job, for health checks."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from catalogue.models import JobRun, WorkerHeartbeat
from catalogue.models.base import utcnow


def begin_heartbeat(session: Session, host: str, pid: int) -> int:
    """Record that a worker process started; returns its heartbeat id."""
    now = utcnow()
    row = WorkerHeartbeat(host=host[:255], pid=pid, started_at=now, beat_at=now, running=[])
    session.add(row)
    session.flush()
    return row.id


def beat(session: Session, heartbeat_id: int, running: list[str]) -> None:
    """Stamp a worker's heartbeat now, with the jobs it is running."""
    session.execute(
        update(WorkerHeartbeat)
        .where(WorkerHeartbeat.id == heartbeat_id)
        .values(beat_at=utcnow(), running=sorted(running))
    )


def end_heartbeat(session: Session, heartbeat_id: int) -> None:
    """Record that a worker stopped on purpose."""
    now = utcnow()
    session.execute(
        update(WorkerHeartbeat)
        .where(WorkerHeartbeat.id == heartbeat_id)
        .values(beat_at=now, stopped_at=now, running=[])
    )


def latest_heartbeat(session: Session) -> WorkerHeartbeat | None:
    """The most recent heartbeat of any worker (None when no worker ever ran)."""
    return session.scalar(select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc()).limit(1))


def prune_heartbeats(session: Session, older_than: timedelta) -> int:
    """Delete heartbeats of workers silent for longer than `older_than`; returns how many."""
    cutoff = utcnow() - older_than
    return session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < cutoff)).rowcount


def latest_runs(session: Session) -> dict[str, JobRun]:
    """Each job's most recent run, by job id."""
    newest = (
        select(JobRun.job_id, func.max(JobRun.started_at).label("started"))
        .group_by(JobRun.job_id)
        .subquery()
    )
    runs = session.scalars(
        select(JobRun).join(
            newest, (JobRun.job_id == newest.c.job_id) & (JobRun.started_at == newest.c.started)
        )
    )
    return {run.job_id: run for run in runs}

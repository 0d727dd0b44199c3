"""Whether the site is healthy: the database, the jobs worker, the index lag, the model's age.

Read by `/healthz` (load balancers, the supervisor's operators) and the admin jobs page. The
site is unhealthy (503) when the database does not answer or is not migrated, when the jobs
worker is gone (no heartbeat for WORKER_SILENT_AFTER, or none ever), or when the search index
is more than INDEX_BEHIND_AFTER behind the catalogue (the oldest change not yet indexed), or,
on a read-only host that copies the index another host publishes (INDEX_FOLLOW), when its copy
has been outdated by a newer publication for more than INDEX_BEHIND_AFTER.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from catalogue.models import IndexOutbox
from catalogue.services.worker_status import latest_heartbeat, latest_runs
from recommender.artefacts import ModelStore
from search.replication import Publication, publication_status, replica_status
from search.store import IndexStore

WORKER_SILENT_AFTER = timedelta(seconds=15)  # the worker beats every 2 s
INDEX_BEHIND_AFTER = timedelta(seconds=60)


@dataclass
class Health:
    """The outcome of a health check: ok, the problems found (codes), and what was seen."""

    problems: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether no problem was found."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The JSON answer of /healthz."""
        answer: dict[str, Any] = {"status": "ok" if self.ok else "error"}
        if self.problems:
            answer["code"] = self.problems[0]
            answer["problems"] = self.problems
        return {**answer, **self.details}


def _age(moment: datetime | None, now: datetime) -> float | None:
    if moment is None:
        return None
    return round((now - moment).total_seconds(), 1)


def worker_health(session: Session, now: datetime) -> tuple[dict[str, Any], list[str]]:
    """What the worker's heartbeat says, and WORKER_GONE when it is silent."""
    beat = latest_heartbeat(session)
    if beat is None:
        return {"alive": False, "reason": "no jobs worker has run yet"}, ["WORKER_GONE"]
    silent = now - beat.beat_at
    alive = beat.stopped_at is None and silent <= WORKER_SILENT_AFTER
    seen = {
        "alive": alive,
        "host": beat.host,
        "pid": beat.pid,
        "started_at": beat.started_at.isoformat(),
        "last_beat_seconds_ago": _age(beat.beat_at, now),
        "running": list(beat.running or []),
    }
    if beat.stopped_at is not None:
        seen["reason"] = "the jobs worker was stopped"
    elif not alive:
        seen["reason"] = f"no heartbeat for {silent.total_seconds():.0f} s"
    return seen, [] if alive else ["WORKER_GONE"]


def index_health(
    session: Session, store: IndexStore, now: datetime, follow: Path | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Changes waiting to be indexed, the oldest one's age, and INDEX_BEHIND when it is late;
    on a host that follows a publication (`follow`), also how far its copy is behind."""
    pending = session.scalar(select(func.count()).select_from(IndexOutbox)) or 0
    oldest = session.scalar(select(func.min(IndexOutbox.created_at))) if pending else None
    age = _age(oldest, now)
    seen = {
        "generation": store.current_generation(),
        "pending_changes": pending,
        "oldest_pending_seconds": age,
    }
    behind = age is not None and age > INDEX_BEHIND_AFTER.total_seconds()
    if follow is not None:
        seen["replica"] = replica = replica_status(store, Publication(follow), now.timestamp())
        lag = replica["seconds_behind"]
        behind = behind or (lag is not None and lag > INDEX_BEHIND_AFTER.total_seconds())
    elif store.publish_to is not None:
        seen["publication"] = publication_status(store, Publication(store.publish_to))
    if store.current_generation() is None:
        return {**seen, "reason": "no search index has been built"}, ["INDEX_MISSING"]
    return seen, ["INDEX_BEHIND"] if behind else []


def model_health(models: ModelStore, now: datetime) -> dict[str, Any]:
    """The recommendation model in use and its age (a missing model is not a failure: the
    feeds fall back to popularity)."""
    version = models.current()
    if version is None:
        return {"version": None}
    written = datetime.fromtimestamp(models.written_at(version), UTC)
    return {"version": version, "age_seconds": _age(written, now)}


def jobs_health(session: Session) -> dict[str, Any]:
    """Each job's latest run: its outcome and when it ended."""
    return {
        job_id: {
            "outcome": run.outcome.value,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        }
        for job_id, run in sorted(latest_runs(session).items())
    }


def site_health(
    sessions: sessionmaker[Session],
    store: IndexStore,
    models: ModelStore,
    schema: str,
    now: datetime | None = None,
    follow: Path | None = None,
) -> Health:
    """Check the worker, the index and the model of a site whose database answers at `schema`
    (`follow`: the publication this host copies its index from, if it is a read-only host)."""
    now = now or datetime.now(UTC)
    began = time.perf_counter()
    health = Health(details={"schema": schema})
    with sessions() as session:
        worker, problems = worker_health(session, now)
        health.problems += problems
        index, problems = index_health(session, store, now, follow)
        health.problems += problems
        jobs = jobs_health(session)
    health.details.update(worker=worker, index=index, model=model_health(models, now), jobs=jobs)
    health.details["checked_in_ms"] = round((time.perf_counter() - began) * 1000, 1)
    return health

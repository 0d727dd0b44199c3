"""`lifelong worker` and `lifelong jobs …`: the scheduled jobs, their runs, running one now."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from collections.abc import Callable

import click
from flask.cli import AppGroup

from catalogue.models import JobOutcome
from catalogue.services.job_runs import last_started, recent_runs
from jobs.gc_gate import process_gate
from jobs.registry import JOBS, get_job
from jobs.runner import run_job
from jobs.worker import Worker, WorkerBusy, single_worker
from search.replication import Publication, adopt_newer
from search.store import IndexStore
from webapp.db import get_database
from webapp.settings import Settings, get_settings

log = logging.getLogger(__name__)
jobs_cli = AppGroup("jobs", help="Scheduled jobs and their runs.")
# Set by `lifelong start` for the worker it starts: the worker stops when that process is gone,
# even if it was killed without a chance to stop its child.
PARENT_ENV = "LIFELONG_PARENT_PID"


def stop_with_parent(parent: int, stop: threading.Event) -> None:
    """Set `stop` when this process's parent (`lifelong start`) is gone."""
    while not stop.wait(1.0):
        if os.getppid() != parent:
            stop.set()


def follow_while_standing_by(settings: Settings) -> Callable[[], None] | None:
    """For a standby worker whose host publishes the index: a step that copies a newer
    publication (the active worker's) into this host's index, so that its index, and a web
    server reading it on this host, stay current while it waits."""
    if settings.index_publish_dir is None:
        return None
    store = IndexStore(settings.index_dir, settings.index_publish_dir)
    publication = Publication(settings.index_publish_dir)
    failing: list[str] = []

    def follow() -> None:
        try:
            with store.writer_lock():
                adopt_newer(store, publication)
            failing.clear()
        except Exception as exc:  # told once; the standby goes on waiting
            if repr(exc) not in failing:
                log.exception("a standby worker could not copy the published index")
                failing[:] = [repr(exc)]

    return follow


@click.command("worker")
@click.option(
    "--standby/--no-standby",
    default=True,
    show_default=True,
    help="When another worker is active: wait and take over when it stops (or refuse to start).",
)
def worker_command(standby: bool) -> None:
    """Run the jobs worker (one active per deployment) until stopped."""
    settings = get_settings()
    if settings.index_follow is not None:
        raise click.ClickException(
            f"this host follows the index published in {settings.index_follow} (INDEX_FOLLOW) "
            "and runs no jobs worker: the worker writes the index, on the hosts with "
            "INDEX_PUBLISH_DIR"
        )
    database = get_database()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    parent = os.environ.get(PARENT_ENV)
    if parent:
        threading.Thread(target=stop_with_parent, args=(int(parent), stop), daemon=True).start()
    # Jobs run in threads: collection only between their steps (jobs/gc_gate.py).
    process_gate().start()
    try:
        with single_worker(
            database.engine,
            settings.instance_path / "worker.lock",
            standby=stop if standby else None,
            on_standby=lambda why: click.echo(
                f"Standing by: {why}. This worker takes over when that one stops."
            ),
            waiting=follow_while_standing_by(settings),
        ):
            worker = Worker(
                settings.job_context(), database.sessions, timezone=settings.jobs_timezone
            )
            click.echo(f"Jobs worker running ({len(JOBS)} jobs); Ctrl+C to stop.")
            try:
                worker.run_until(stop)
            except KeyboardInterrupt:
                worker.stop()
    except WorkerBusy as exc:
        if not stop.is_set():
            raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        pass  # Ctrl+C while standing by
    click.echo("Worker stopped.")


@jobs_cli.command("list")
def list_command() -> None:
    """Every job: id, trigger, timeout, what it does, when it last started."""
    with get_database().sessions() as session:
        rows = [
            {
                "id": job.id,
                "trigger": job.trigger,
                "timeout_seconds": job.timeout_seconds,
                "description": job.description,
                "last_started": last_started(session, job.id),
            }
            for job in JOBS
        ]
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))


@jobs_cli.command("run")
@click.argument("job_id", type=click.Choice([job.id for job in JOBS]))
def run_command(job_id: str) -> None:
    """Run a job now (recorded like a scheduled run)."""
    database = get_database()
    outcome, figures = run_job(get_job(job_id), get_settings().job_context(), database.sessions)
    click.echo(json.dumps({"job": job_id, "outcome": outcome, "figures": figures}, default=str))
    if outcome != JobOutcome.SUCCEEDED:
        raise click.exceptions.Exit(1)


@jobs_cli.command("history")
@click.option("--job", "job_id", type=click.Choice([job.id for job in JOBS]))
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
def history_command(job_id: str | None, limit: int) -> None:
    """The latest runs, newest first."""
    with get_database().sessions() as session:
        runs = [
            {
                "job": run.job_id,
                "trigger": run.trigger,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "outcome": run.outcome,
                "figures": run.figures,
                "error": run.error,
            }
            for run in recent_runs(session, job_id, limit)
        ]
    click.echo(json.dumps(runs, ensure_ascii=False, indent=2, default=str))

"""The insight jobs: keep the cockpit's rollup tables up to date (insight/rollups.py)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from catalogue.db import make_engine, make_session_factory
from insight.rollups import SAFETY_LAG, run_rollups
from jobs import shutdown
from jobs.context import JobContext
from jobs.gc_gate import process_gate


class RollupsInterrupted(RuntimeError):
    """The worker is stopping: the rollups stop between two batches (nothing is lost)."""


def _between_batches() -> None:
    if shutdown.stop_requested():
        raise RollupsInterrupted("the jobs worker is stopping")
    process_gate().checkpoint()


def insight_rollups(context: JobContext) -> dict[str, Any]:
    """Add the events, searches, accounts, recommendation lists and their clicks appended since
    the last run to the rollups (those at least SAFETY_LAG old: a younger row's id may be passed
    by a slower transaction's)."""
    engine = make_engine(context.database_url)
    try:
        return run_rollups(
            make_session_factory(engine),
            ZoneInfo(context.time_zone),
            between_batches=_between_batches,
            lag=SAFETY_LAG,
        )
    finally:
        engine.dispose()

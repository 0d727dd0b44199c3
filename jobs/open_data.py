"""The open-data-audit-prune job: delete the open data API's call log rows older than the
retention period (OPEN_DATA_AUDIT_DAYS; insight/open_data/audit.py; docs/open-data.md)."""

from __future__ import annotations

from typing import Any

from catalogue.db import make_engine, make_session_factory
from insight.open_data.audit import prune_calls
from jobs import shutdown
from jobs.context import JobContext


def open_data_audit_prune(context: JobContext) -> dict[str, Any]:
    """Delete old call log rows in batches; the figures say how many and up to when."""
    engine = make_engine(context.database_url)
    try:
        pruned = prune_calls(
            make_session_factory(engine),
            context.open_data_audit_days,
            should_stop=shutdown.stop_requested,
        )
    finally:
        engine.dispose()
    figures: dict[str, Any] = {
        "deleted": pruned.deleted,
        "batches": pruned.batches,
        "retention_days": context.open_data_audit_days,
        "cutoff": pruned.cutoff.isoformat(timespec="seconds"),
    }
    if pruned.interrupted:
        figures["interrupted"] = True
    return figures

"""The national-export job: last month's agreed indicators, k-anonymous, as CSV and JSON with a
manifest, into NATIONAL_EXPORT_DIR (insight/national_export.py; docs/open-data.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from catalogue.db import make_engine, make_session_factory
from insight.national_export import previous_month, write_export
from jobs.context import JobContext


def national_export(context: JobContext, month: str | None = None) -> dict[str, Any]:
    """Write the previous local month's export (or `month`, YYYY-MM); its files and sums."""
    if context.national_export_dir is None:
        return {"skipped": "NATIONAL_EXPORT_DIR is not set"}
    if month:
        wanted = datetime.strptime(month, "%Y-%m").date()
    else:
        wanted = previous_month(datetime.now(ZoneInfo(context.time_zone)).date())
    engine = make_engine(context.database_url)
    try:
        with make_session_factory(engine)() as session:
            result = write_export(session, wanted, context.open_data_k, context.national_export_dir)
    finally:
        engine.dispose()
    return {
        "period": wanted.strftime("%Y-%m"),
        "folder": str(result.folder),
        "rows": result.rows,
        "files": result.files,
    }

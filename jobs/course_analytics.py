"""The course-analytics job: keeps partners' course analytics current (insight/course_stats.py,
docs/partner-analytics.md)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from catalogue.db import make_engine, make_session_factory
from insight import course_stats
from jobs.context import JobContext

# One run counts at most this many events; a backlog (the first run at full scale) is worked
# through over the following runs, each committing batch by batch.
MAX_EVENTS_PER_RUN = 2_000_000


def course_analytics(context: JobContext) -> dict[str, Any]:
    """Count the new events and searches into the partner rollups; learning time of the last
    days every few minutes; the period totals and area medians once a day."""
    engine = make_engine(context.database_url)
    try:
        with make_session_factory(engine)() as session:
            figures = course_stats.run(
                session, zone=ZoneInfo(context.time_zone), max_events=MAX_EVENTS_PER_RUN
            )
        return figures.as_dict()
    finally:
        engine.dispose()

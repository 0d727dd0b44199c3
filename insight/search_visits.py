"""Which searches lead to which courses (docs/partner-analytics.md, "Search visits").

The search page logs a search as before (words and filters, never who searched) and puts the
logged search's id on its result links (`?sq=<id>`); opening a course page with it counts one
visit of (search, course, day), once: a reload, or coming back to the course from the same
results, adds nothing (one search is one person's, so the figure is "courses opened from a
search", not page loads). Nothing about the learner is stored: not the account, not the address,
and a visit is only counted for a search logged in the last day."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from catalogue.db import commit_without_flush_wait
from catalogue.models import Course, CourseStatus, SearchQuery, utcnow
from insight.course_stats import SITE_ZONE, add_search_visit_counts, dialect_insert
from insight.models.course_stats import SearchVisit

# A result link older than this no longer counts (a bookmarked or shared link).
VISIT_WINDOW = timedelta(days=1)


def record_visit(
    session: Session, search_query_id: int, course_id: int, *, zone: ZoneInfo | None = None
) -> bool:
    """Count a course opened from a search's results, once per search and course, and commit;
    False when it was counted already, the search is unknown or too old, the course not
    published, or the database busy."""
    now = utcnow()
    try:
        created = session.scalar(
            select(SearchQuery.created_at).where(SearchQuery.id == search_query_id)
        )
        if created is None or now - created > VISIT_WINDOW:
            return False
        course = session.execute(
            select(Course.provider_id, Course.area).where(
                Course.id == course_id, Course.status == CourseStatus.PUBLISHED
            )
        ).first()
        if course is None:
            return False
        day = now.astimezone(zone or ZoneInfo(SITE_ZONE)).date()
        statement = dialect_insert(session)(SearchVisit).values(
            search_query_id=search_query_id,
            course_id=course_id,
            day=day,
            provider_id=course.provider_id,
            visits=1,
        )
        # RETURNING, not rowcount: an ORM insert does not report a skipped row on every driver.
        counted = session.execute(
            statement.on_conflict_do_nothing(
                index_elements=["search_query_id", "course_id", "day"]
            ).returning(SearchVisit.visits)
        ).first()
        if counted is None:
            session.rollback()
            return False
        add_search_visit_counts(session, course_id, course.provider_id, str(course.area), day)
        commit_without_flush_wait(session)
    except OperationalError:
        session.rollback()
        return False
    return True

"""What partners read about their courses (docs/partner-analytics.md): every query reads the
rollups the course-analytics job keeps (insight/course_stats.py), by an index seek on the
provider or the course, never the event log."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.errors import FieldError, NotFound, ValidationError
from catalogue.models import Course, Lesson, SearchQuery
from insight.course_stats import PERIODS, metric_values, period_bounds
from insight.models.course_stats import (
    AreaMedian,
    CourseDay,
    CoursePeriod,
    LessonFunnel,
    PoorSearchPeriod,
    ProviderDay,
    ProviderSubject,
    ProviderTerm,
    SearchVisit,
)
from records.groups import csv_cell

TOP_COURSES = 50
TOP_TERMS = 20
# How many of the provider's subjects a poor search is matched against.
SUBJECTS = 200


def parse_period(value: str | int | None) -> int:
    """A period in days (7, 30 or 90; 30 when absent), else a ValidationError."""
    if value in (None, ""):
        return 30
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = -1
    if days not in PERIODS:
        raise ValidationError([FieldError("days", "INVALID_PERIOD", "period must be 7, 30 or 90")])
    return days


@dataclass(frozen=True)
class Series:
    """Figures per day over a period, oldest first; today is the last day."""

    days: list[date]
    views: list[int]
    starts: list[int]
    completions: list[int]
    likes: list[int]
    saves: list[int]
    ratings: list[int]
    search_visits: list[int]
    learning_minutes: list[int]
    rating_sum: int = 0

    def total(self, name: str) -> int:
        """The period's total of one figure."""
        return int(sum(getattr(self, name)))

    @property
    def completion_rate(self) -> float | None:
        """Completions per learner started in the period (None without starts)."""
        starts = self.total("starts")
        return self.total("completions") / starts if starts else None

    @property
    def average_rating(self) -> float | None:
        """The period's average rating (None without ratings)."""
        count = self.total("ratings")
        return self.rating_sum / count if count else None


def _series(rows: Sequence, days: int, today: date) -> Series:
    """Fill the days without a row with zeros."""
    first = today - timedelta(days=days - 1)
    span = [first + timedelta(days=i) for i in range(days)]
    by_day = {row.day: row for row in rows}
    names = ("views", "starts", "completions", "search_visits")

    def column(name: str) -> list[int]:
        return [int(getattr(by_day[d], name)) if d in by_day else 0 for d in span]

    data = {name: column(name) for name in names}
    return Series(
        days=span,
        likes=[(by_day[d].likes - by_day[d].unlikes) if d in by_day else 0 for d in span],
        saves=[(by_day[d].saves - by_day[d].unsaves) if d in by_day else 0 for d in span],
        ratings=column("ratings"),
        learning_minutes=[
            round(by_day[d].learning_seconds / 60) if d in by_day else 0 for d in span
        ],
        rating_sum=sum(int(r.rating_sum) for r in rows if r.day >= first),
        **data,
    )


def provider_series(session: Session, provider_id: int, days: int, today: date) -> Series:
    """The provider's figures per day over the last `days` days (today included)."""
    rows = session.scalars(
        select(ProviderDay).where(
            ProviderDay.provider_id == provider_id,
            ProviderDay.day >= today - timedelta(days=days - 1),
            ProviderDay.day <= today,
        )
    ).all()
    return _series(rows, days, today)


def course_series(session: Session, course_id: int, days: int, today: date) -> Series:
    """One course's figures per day over the last `days` days (today included)."""
    rows = session.scalars(
        select(CourseDay).where(
            CourseDay.course_id == course_id,
            CourseDay.day >= today - timedelta(days=days - 1),
            CourseDay.day <= today,
        )
    ).all()
    return _series(rows, days, today)


@dataclass(frozen=True)
class CourseFigures:
    """A course's totals over a period (full days), beside its area's medians."""

    course_id: int
    title: str
    area: str
    views: int
    starts: int
    completions: int
    likes: int
    saves: int
    ratings: int
    average_rating: float | None
    search_visits: int
    learning_minutes: int
    completion_rate: float | None
    medians: dict[str, float] = field(default_factory=dict)


def _medians(session: Session, days: int) -> dict[str, dict[str, float]]:
    """area → metric → median for a period."""
    out: dict[str, dict[str, float]] = {}
    for row in session.scalars(select(AreaMedian).where(AreaMedian.period_days == days)):
        out.setdefault(row.area, {})[row.metric] = row.median
    return out


def _figures(row, title: str, medians: dict[str, dict[str, float]]) -> CourseFigures:
    values = metric_values(row)
    return CourseFigures(
        course_id=row.course_id,
        title=title,
        area=str(row.area),
        views=row.views,
        starts=row.starts,
        completions=row.completions,
        likes=row.likes,
        saves=row.saves,
        ratings=row.ratings,
        average_rating=(row.rating_sum / row.ratings) if row.ratings else None,
        search_visits=row.search_visits,
        learning_minutes=round(values["learning_minutes"]),
        completion_rate=values["completion_rate"] if row.starts else None,
        medians=medians.get(str(row.area), {}),
    )


def top_courses(
    session: Session, provider_id: int, days: int, limit: int | None = TOP_COURSES
) -> list[CourseFigures]:
    """The provider's courses with figures in the period, most viewed first, with their
    area's medians (None limit: all of them, for the export)."""
    stmt = (
        select(CoursePeriod, Course.title)
        .join(Course, Course.id == CoursePeriod.course_id)
        .where(CoursePeriod.provider_id == provider_id, CoursePeriod.period_days == days)
        .order_by(CoursePeriod.views.desc(), CoursePeriod.course_id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    medians = _medians(session, days)
    return [_figures(row, title, medians) for row, title in session.execute(stmt)]


def own_course(session: Session, provider_id: int, course_id: int) -> Course:
    """The provider's course, or NotFound (another provider's course is not told apart from
    one that does not exist)."""
    course = session.get(Course, course_id)
    if course is None or course.provider_id != provider_id:
        raise NotFound(f"course {course_id} is not one of provider {provider_id}'s courses")
    return course


def course_provider_id(session: Session, course_id: int) -> int:
    """The provider of a course (NotFound when there is no such course)."""
    provider_id = session.scalar(select(Course.provider_id).where(Course.id == course_id))
    if provider_id is None:
        raise NotFound(f"course {course_id} does not exist")
    return provider_id


def course_figures(
    session: Session, provider_id: int, course_id: int, days: int
) -> CourseFigures | None:
    """One of the provider's courses over a period beside its area's medians (None when it
    has no figures in the period)."""
    course = own_course(session, provider_id, course_id)
    row = session.get(CoursePeriod, (course_id, days))
    if row is None:
        return None
    return _figures(row, course.title, _medians(session, days))


@dataclass(frozen=True)
class FunnelStep:
    """One lesson: how many learners finished it, and how many stopped after it."""

    position: int
    title: str
    finished: int
    stopped: int


def lesson_funnel(
    session: Session, provider_id: int, course_id: int
) -> tuple[int, list[FunnelStep]]:
    """(learners started, the lessons in order with finishers and drop-off) for a course, all
    time. A learner "stopped after" lesson n when they finished it and not lesson n+1."""
    own_course(session, provider_id, course_id)
    started = int(
        session.scalar(
            select(func.coalesce(func.sum(CourseDay.starts), 0)).where(
                CourseDay.course_id == course_id
            )
        )
        or 0
    )
    rows = session.execute(
        select(Lesson.position, Lesson.title, func.coalesce(LessonFunnel.finished, 0))
        .outerjoin(
            LessonFunnel,
            (LessonFunnel.lesson_id == Lesson.id) & (LessonFunnel.course_id == course_id),
        )
        .where(Lesson.course_id == course_id)
        .order_by(Lesson.position)
    ).all()
    steps = []
    for index, (position, title, finished) in enumerate(rows):
        following = rows[index + 1][2] if index + 1 < len(rows) else None
        stopped = max(0, finished - following) if following is not None else 0
        steps.append(FunnelStep(position, title, int(finished), stopped))
    return started, steps


@dataclass(frozen=True)
class Term:
    """A search text and how often it led somewhere (or found nothing good)."""

    text: str
    count: int
    zero_results: int = 0


def course_search_terms(
    session: Session, provider_id: int, course_id: int, days: int, today: date
) -> list[Term]:
    """The searches whose results led learners to the course in the period, most first."""
    own_course(session, provider_id, course_id)
    rows = session.execute(
        select(SearchQuery.text, func.sum(SearchVisit.visits).label("n"))
        .join(SearchQuery, SearchQuery.id == SearchVisit.search_query_id)
        .where(
            SearchVisit.course_id == course_id,
            SearchVisit.day >= today - timedelta(days=days - 1),
        )
        .group_by(SearchQuery.text)
        .order_by(func.sum(SearchVisit.visits).desc(), SearchQuery.text)
        .limit(TOP_TERMS)
    ).all()
    return [Term(text, int(n)) for text, n in rows]


def provider_search_terms(session: Session, provider_id: int, days: int, today: date) -> list[Term]:
    """The searches whose results led learners to the provider's courses in the period's
    full days (kept once a day by the job: ProviderTerm)."""
    rows = session.execute(
        select(ProviderTerm.text, ProviderTerm.visits)
        .where(ProviderTerm.provider_id == provider_id, ProviderTerm.period_days == days)
        .order_by(ProviderTerm.visits.desc(), ProviderTerm.text)
        .limit(TOP_TERMS)
    ).all()
    return [Term(text, int(n)) for text, n in rows]


def matches_subjects(text: str, subjects: Sequence[str]) -> bool:
    """The rule for "a search in the provider's subjects": the search contains one of the
    subjects, or (two characters or more) is contained in one."""
    return _matcher(tuple(subjects)).matches(text)


@lru_cache(maxsize=256)
def _matcher(subjects: tuple[str, ...]) -> _SubjectMatcher:
    """A provider's matcher, compiled once per process for the same subjects (read-only)."""
    return _SubjectMatcher(subjects)


class _SubjectMatcher:
    """matches_subjects for many texts against one provider's subjects: one regular
    expression for "contains a subject", one joined string for "is part of a subject"."""

    def __init__(self, subjects: Sequence[str]) -> None:
        ordered = sorted({s.lower() for s in subjects if s}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None
        self._joined = "\x00".join(ordered)

    def matches(self, text: str) -> bool:
        text = text.lower()
        if self._pattern is None:
            return False
        return bool(self._pattern.search(text)) or (len(text) >= 2 and text in self._joined)


def poor_searches_in_subjects(
    session: Session, provider_id: int, days: int, today: date, limit: int = TOP_TERMS
) -> list[Term]:
    """The period's searches (full days) that found nothing good and match the provider's
    subjects, most frequent first."""
    subjects = list(
        session.scalars(
            select(ProviderSubject.subject)
            .where(ProviderSubject.provider_id == provider_id)
            .order_by(ProviderSubject.courses.desc())
            .limit(SUBJECTS)
        )
    )
    if not subjects:
        return []
    matcher = _matcher(tuple(subjects))
    rows = session.execute(
        select(PoorSearchPeriod.text, PoorSearchPeriod.searches, PoorSearchPeriod.zero_results)
        .where(PoorSearchPeriod.period_days == days)
        .order_by(PoorSearchPeriod.searches.desc(), PoorSearchPeriod.text)
    )
    found = []
    for text, searches, zero in rows:
        if matcher.matches(text):
            found.append(Term(text, int(searches), int(zero)))
            if len(found) >= limit:
                break
    return found


def periods_as_of(today: date, days: int) -> tuple[date, date]:
    """The full days a period's course totals and medians cover."""
    return period_bounds(today, days)


# -- Excel-safe CSV ---------------------------------------------------------------------------


def _write(rows: list[list[object]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(cell) if isinstance(cell, str) else cell for cell in row])
    return out.getvalue()


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def courses_csv(figures: Sequence[CourseFigures], header: Sequence[str]) -> str:
    """The provider's course table as CSV for spreadsheets (UTF-8 with a BOM; a cell that a
    spreadsheet would run as a formula gets a leading quote: records.groups.csv_cell)."""
    rows: list[list[object]] = [list(header)]
    for f in figures:
        rows.append(
            [
                f.course_id,
                f.title,
                f.area,
                f.views,
                f.starts,
                f.completions,
                _rate(f.completion_rate),
                f.learning_minutes,
                f.likes,
                f.saves,
                f.ratings,
                "" if f.average_rating is None else f"{f.average_rating:.2f}",
                f.search_visits,
                f.medians.get("views", ""),
                _rate(f.medians.get("completion_rate")),
            ]
        )
    return _write(rows)


def series_csv(series: Series, header: Sequence[str]) -> str:
    """Figures per day as CSV for spreadsheets (same safety as courses_csv)."""
    rows: list[list[object]] = [list(header)]
    for i, day in enumerate(series.days):
        rows.append(
            [
                day.isoformat(),
                series.views[i],
                series.starts[i],
                series.completions[i],
                series.learning_minutes[i],
                series.likes[i],
                series.saves[i],
                series.ratings[i],
                series.search_visits[i],
            ]
        )
    return _write(rows)

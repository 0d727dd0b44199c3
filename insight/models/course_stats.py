"""Partners' course analytics (issue 17): per-course and per-provider figures by day, the
lesson funnel, period totals with the area medians, search visits and poor searches, kept by the
`course-analytics` job (insight/course_stats.py; docs/partner-analytics.md).

Rollups hold figures, not facts: they have no foreign keys, and a recount rebuilds them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, utcnow

# The figures a day of a course (or of a provider) counts.
DAY_COUNTS = (
    "views",
    "starts",
    "completions",
    "likes",
    "unlikes",
    "saves",
    "unsaves",
    "ratings",
    "rating_sum",
    "search_visits",
)


class CourseDay(Base):
    """One course's figures on one day (the site's zone), added to by the job."""

    __tablename__ = "analytics_course_days"
    __table_args__ = (Index("ix_analytics_course_days_provider_day", "provider_id", "day"),)

    course_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    provider_id: Mapped[int] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(32))
    views: Mapped[int] = mapped_column(Integer, default=0)
    starts: Mapped[int] = mapped_column(Integer, default=0)
    completions: Mapped[int] = mapped_column(Integer, default=0)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    unlikes: Mapped[int] = mapped_column(Integer, default=0)
    saves: Mapped[int] = mapped_column(Integer, default=0)
    unsaves: Mapped[int] = mapped_column(Integer, default=0)
    ratings: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    search_visits: Mapped[int] = mapped_column(Integer, default=0)
    learning_seconds: Mapped[int] = mapped_column(BigInteger, default=0)


class ProviderDay(Base):
    """One provider's figures on one day: the sum of its courses' days."""

    __tablename__ = "analytics_provider_days"

    provider_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    views: Mapped[int] = mapped_column(Integer, default=0)
    starts: Mapped[int] = mapped_column(Integer, default=0)
    completions: Mapped[int] = mapped_column(Integer, default=0)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    unlikes: Mapped[int] = mapped_column(Integer, default=0)
    saves: Mapped[int] = mapped_column(Integer, default=0)
    unsaves: Mapped[int] = mapped_column(Integer, default=0)
    ratings: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    search_visits: Mapped[int] = mapped_column(Integer, default=0)
    learning_seconds: Mapped[int] = mapped_column(BigInteger, default=0)


class LessonFunnel(Base):
    """How many learners finished each lesson of a course (all time): where they stop."""

    __tablename__ = "analytics_lesson_funnel"

    course_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finished: Mapped[int] = mapped_column(Integer, default=0)


class CoursePeriod(Base):
    """A course's totals over the last 7, 30 or 90 full days, recomputed once a day; only
    courses with some figure in the period have a row (the area medians' population)."""

    __tablename__ = "analytics_course_periods"
    __table_args__ = (
        Index(
            "ix_analytics_course_periods_provider",
            "provider_id",
            "period_days",
            "views",
            "course_id",
        ),
    )

    course_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(32))
    views: Mapped[int] = mapped_column(Integer, default=0)
    starts: Mapped[int] = mapped_column(Integer, default=0)
    completions: Mapped[int] = mapped_column(Integer, default=0)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    saves: Mapped[int] = mapped_column(Integer, default=0)
    ratings: Mapped[int] = mapped_column(Integer, default=0)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    search_visits: Mapped[int] = mapped_column(Integer, default=0)
    learning_seconds: Mapped[int] = mapped_column(BigInteger, default=0)


class AreaMedian(Base):
    """The median of one figure over the courses of an area in a period (CoursePeriod rows)."""

    __tablename__ = "analytics_area_medians"

    area: Mapped[str] = mapped_column(String(32), primary_key=True)
    period_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    median: Mapped[float] = mapped_column(Float)
    courses: Mapped[int] = mapped_column(Integer)


class SearchVisit(Base):
    """Course pages opened from a logged search's results (no user recorded), per day."""

    __tablename__ = "analytics_search_visits"
    __table_args__ = (
        Index("ix_analytics_search_visits_course_day", "course_id", "day"),
        Index("ix_analytics_search_visits_provider_day", "provider_id", "day"),
    )

    search_query_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    course_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    provider_id: Mapped[int] = mapped_column(Integer)
    visits: Mapped[int] = mapped_column(Integer, default=0)


class ProviderTerm(Base):
    """The searches whose results led most visits to a provider's courses in the last 7, 30
    or 90 full days (its top TOP_TERMS), recomputed once a day."""

    __tablename__ = "analytics_provider_terms"

    provider_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(200), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)


class PoorSearch(Base):
    """Searches per day and text that found nothing good (no, few or relaxed results)."""

    __tablename__ = "analytics_poor_searches"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    text: Mapped[str] = mapped_column(String(200), primary_key=True)
    searches: Mapped[int] = mapped_column(Integer, default=0)
    zero_results: Mapped[int] = mapped_column(Integer, default=0)


class PoorSearchPeriod(Base):
    """The most frequent poor searches of the last 7, 30 or 90 full days, recomputed once a
    day (the page matches them against a provider's subjects)."""

    __tablename__ = "analytics_poor_search_periods"

    period_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(200), primary_key=True)
    searches: Mapped[int] = mapped_column(Integer, default=0)
    zero_results: Mapped[int] = mapped_column(Integer, default=0)


class ProviderSubject(Base):
    """The subjects of a provider's published courses and how many courses carry each."""

    __tablename__ = "analytics_provider_subjects"

    provider_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(100), primary_key=True)
    courses: Mapped[int] = mapped_column(Integer, default=0)


class AnalyticsMark(Base):
    """How far the job got: the last events.id / search_queries.id counted, the day the
    periods were computed for (as an ordinal), the time of the last learning-time recount."""

    __tablename__ = "analytics_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

"""The cockpit's rollup tables (issue 17), kept incrementally by the `insight-rollups` job
(insight/rollups.py) and read by the cockpit, "ask the data" and the open data API's aggregate
statistics, so no page ever scans the event log.

Days are local days of the site's time zone (JOBS_TIMEZONE, Asia/Shanghai by default). An `area`
of "" means "all areas" (the total); other values are catalogue.models.Area values. The metric
names, what each counts and whether it adds up over days are listed in insight/rollup_metrics.py.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, utcnow


class RollupWatermark(Base):
    """How far the job has read an append-only source table: `source` is the table's name
    ("events", "search_queries", "users"), `last_id` the highest id already counted into the
    rollups. It is moved in the same transaction as the counts it covers, so a job that dies
    mid-way neither loses nor double-counts rows. `updated_at`: when it last moved."""

    __tablename__ = "insight_watermarks"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DailyFigure(Base):
    """One figure of one local day: `metric` (a name from insight/rollup_metrics.py, e.g.
    "events.complete", "active.day", "search.zero"), `area` ("" for all areas), `day` (local
    date) and `value` (a count, or seconds for learning time, or a sum of ratings). Additive
    metrics are incremented batch by batch; distinct counts (active learners) and snapshots
    (caring-mode learners, published courses) are replaced when recomputed."""

    __tablename__ = "insight_daily"

    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    area: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class LearnerDay(Base):
    """That a learner was active (any event) on a local day, in an area ("" = in any area):
    the set distinct counts are made from, since active learners per week or month are not
    the sum of the days. `day`, `area`, `user_id` form the key; nothing else is kept. In the
    person's data archive; on account deletion it moves to the placeholder, as events do."""

    __tablename__ = "insight_learner_days"

    area: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    # Like the events it is made from, it moves to a pseudonymous placeholder when the account
    # is deleted (records/personal_data.py), so past active counts survive a recount.
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, info={"personal": "kept"}
    )


class SearchTermDay(Base):
    """How often a search text (trimmed, lower-cased, at most 200 characters) was typed on a
    local day: `searches` in all, `zero_results` of them found nothing, `poor` found little
    (1–2 results, or only after the search relaxed the query)."""

    __tablename__ = "insight_search_terms"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    text: Mapped[str] = mapped_column(String(200), primary_key=True)
    searches: Mapped[int] = mapped_column(Integer, default=0)
    zero_results: Mapped[int] = mapped_column(Integer, default=0)
    poor: Mapped[int] = mapped_column(Integer, default=0)


class TopQuery(Base):
    """The most typed search texts over the last `period_days` days (7, 30 or 90) up to
    `last_day`, recomputed by each job run: `rank` (1 = most typed), `text`, `searches`,
    `zero_results`. `kind` is "all" (most typed) or "zero" (most typed that found nothing)."""

    __tablename__ = "insight_top_queries"

    period_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    searches: Mapped[int] = mapped_column(Integer)
    zero_results: Mapped[int] = mapped_column(Integer)
    last_day: Mapped[date] = mapped_column(Date)


class ActiveSketch(Base):
    """A HyperLogLog sketch (insight/hll.py) of the learners active on a local day in an area
    ("" = in any area): `registers` are the 16,384 one-byte registers (raw bytes);
    `learners` the exact distinct count of that day. Unions of days' sketches estimate
    distinct active learners over any span (ask the data) within about ±1 %. Written with the
    day's active figures by the rollup job (only for areas with learners that day); holds no
    user id, so it is not personal data and nothing changes on account deletion."""

    __tablename__ = "insight_active_sketches"

    area: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    learners: Mapped[int] = mapped_column(Integer, default=0)
    registers: Mapped[bytes] = mapped_column(LargeBinary)


class ActiveMonthSketch(Base):
    """The union of a calendar month's day sketches (ActiveSketch) in an area, rewritten with
    each of its days' sketches, so a span of many months reads one sketch per whole month
    instead of one per day (a year: at most 12 plus the days of its part months)."""

    __tablename__ = "insight_active_month_sketches"

    area: Mapped[str] = mapped_column(String(16), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the month's first day
    registers: Mapped[bytes] = mapped_column(LargeBinary)

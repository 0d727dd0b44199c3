"""The cockpit's reads: every figure comes from the rollup tables (insight/models/rollups.py),
one indexed range of at most a period's days per chart, never the event log.

Public API for other readers (ask the data, the open data API's aggregate statistics):
`daily_series`, `period_total`, `by_area`, `top_queries`, `freshness`, `feed_click_through`;
metric names and how they combine are in insight/rollup_metrics.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from insight.models import DailyFigure, RollupWatermark, TopQuery
from insight.models.feeds import FeedDay
from insight.rollup_metrics import METRICS
from recommender.artefacts import ArtefactError, ModelStore

PERIODS = (7, 30, 90)


def _combine(metric: str) -> str:
    known = METRICS.get(metric)
    if known is None:
        raise KeyError(f"unknown metric {metric!r}")
    return known.combine


def daily_series(
    session: Session, metric: str, start: date, end: date, area: str | None = None
) -> list[tuple[date, int]]:
    """(day, value) for every day from start to end inclusive, 0 where nothing was counted;
    area None or "" is all areas."""
    _combine(metric)
    rows = dict(
        session.execute(
            select(DailyFigure.day, DailyFigure.value).where(
                DailyFigure.metric == metric,
                DailyFigure.area == (area or ""),
                DailyFigure.day >= start,
                DailyFigure.day <= end,
            )
        ).all()
    )
    days = (end - start).days + 1
    return [(d, int(rows.get(d, 0))) for d in (start + timedelta(days=i) for i in range(days))]


def period_total(
    session: Session, metric: str, start: date, end: date, area: str | None = None
) -> int:
    """A metric over a period: the sum of its days for a "sum" metric, the last counted day's
    value for a "snapshot" or "distinct" one (active learners of a period: use active.week at
    its last day for 7 days, active.month for 30)."""
    combine = _combine(metric)
    where = (
        DailyFigure.metric == metric,
        DailyFigure.area == (area or ""),
        DailyFigure.day >= start,
        DailyFigure.day <= end,
    )
    if combine == "sum":
        return int(
            session.scalar(select(func.coalesce(func.sum(DailyFigure.value), 0)).where(*where))
        )
    value = session.scalar(
        select(DailyFigure.value).where(*where).order_by(DailyFigure.day.desc()).limit(1)
    )
    return int(value or 0)


def by_area(session: Session, metric: str, start: date, end: date) -> dict[str, int]:
    """A "sum" metric over a period per area (the areas with a figure)."""
    if _combine(metric) != "sum":
        raise ValueError(f"{metric} does not add up over days")
    rows = session.execute(
        select(DailyFigure.area, func.sum(DailyFigure.value))
        .where(
            DailyFigure.metric == metric,
            DailyFigure.area != "",
            DailyFigure.day >= start,
            DailyFigure.day <= end,
        )
        .group_by(DailyFigure.area)
    )
    return {area: int(value) for area, value in rows}


def areas_on(session: Session, metric: str, day: date) -> dict[str, int]:
    """A snapshot or distinct metric per area on the last day up to `day` that has it."""
    last = (
        select(func.max(DailyFigure.day))
        .where(DailyFigure.metric == metric, DailyFigure.area == "", DailyFigure.day <= day)
        .scalar_subquery()
    )
    rows = session.execute(
        select(DailyFigure.area, DailyFigure.value).where(
            DailyFigure.metric == metric, DailyFigure.area != "", DailyFigure.day == last
        )
    )
    return {area: int(value) for area, value in rows}


@dataclass(frozen=True)
class TopQueryRow:
    """One of the most typed search texts of a period."""

    rank: int
    text: str
    searches: int
    zero_results: int


def top_queries(session: Session, period_days: int, kind: str = "all") -> list[TopQueryRow]:
    """The most typed ("all") or most typed unanswered ("zero") queries of the last 7/30/90
    days, as the last job run computed them."""
    rows = session.execute(
        select(TopQuery.rank, TopQuery.text, TopQuery.searches, TopQuery.zero_results)
        .where(TopQuery.period_days == period_days, TopQuery.kind == kind)
        .order_by(TopQuery.rank)
    )
    return [TopQueryRow(*row) for row in rows]


def freshness(session: Session) -> dict[str, Any]:
    """When each source's watermark last moved, and where it stands."""
    rows = session.execute(
        select(RollupWatermark.source, RollupWatermark.last_id, RollupWatermark.updated_at)
    )
    return {source: {"last_id": last, "updated_at": at} for source, last, at in rows}


def last_update(session: Session) -> datetime | None:
    """When the rollups were last brought up to date (None: never)."""
    return session.scalar(
        select(RollupWatermark.updated_at).where(RollupWatermark.source == "recount")
    )


@dataclass
class Overview:
    """Everything the cockpit page shows for one period, read from the rollups."""

    start: date
    end: date
    days: list[date]
    series: dict[str, list[int]]
    areas: dict[str, dict[str, int]]
    totals: dict[str, int]
    top: list[TopQueryRow]
    top_zero: list[TopQueryRow]
    updated_at: datetime | None


SERIES = (
    "active.day",
    "active.week",
    "active.month",
    "learners.new",
    "learners.total",
    "learners.caring",
    "learning.seconds",
    "events.start",
    "events.complete",
    "events.view",
    "search.all",
    "search.zero",
    "search.poor",
    "desk.conversations",
    "desk.questions",
    "desk.handoffs",
    "desk.ratings",
    "desk.rating_sum",
    "courses.new",
    "partners.uploads",
    "partners.upload_failed",
    "partners.rows_rejected",
    "jobs.runs",
    "jobs.failed",
)
AREA_SUMS = ("learners.new", "learning.seconds", "events.complete", "courses.new")
AREA_SNAPSHOTS = ("active.month", "courses.published")


def overview(session: Session, end: date, period_days: int) -> Overview:
    """The cockpit's figures for the `period_days` days to `end` (7, 30 or 90), in four
    indexed reads of the rollups (all series, the area sums, the area snapshots, top queries)."""
    if period_days not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    start = end - timedelta(days=period_days - 1)
    days = [start + timedelta(days=i) for i in range(period_days)]
    wanted = (*SERIES, "courses.published", "ratings.sum", "events.rate")
    found: dict[str, dict[date, int]] = {m: {} for m in wanted}
    for metric, day, value in session.execute(
        select(DailyFigure.metric, DailyFigure.day, DailyFigure.value).where(
            DailyFigure.metric.in_(wanted),
            DailyFigure.area == "",
            DailyFigure.day >= start,
            DailyFigure.day <= end,
        )
    ):
        found[metric][day] = int(value)
    series = {m: [found[m].get(d, 0) for d in days] for m in SERIES}
    totals = {}
    for metric in wanted:
        if METRICS[metric].combine == "sum":
            totals[metric] = sum(found[metric].values())
        else:
            totals[metric] = found[metric][max(found[metric])] if found[metric] else 0
    areas: dict[str, dict[str, int]] = {m: {} for m in (*AREA_SUMS, *AREA_SNAPSHOTS)}
    for metric, area, value in session.execute(
        select(DailyFigure.metric, DailyFigure.area, func.sum(DailyFigure.value))
        .where(
            DailyFigure.metric.in_(AREA_SUMS),
            DailyFigure.area != "",
            DailyFigure.day >= start,
            DailyFigure.day <= end,
        )
        .group_by(DailyFigure.metric, DailyFigure.area)
    ):
        areas[metric][area] = int(value)
    for metric in AREA_SNAPSHOTS:
        areas[metric] = areas_on(session, metric, end)
    return Overview(
        start=start,
        end=end,
        days=days,
        series=series,
        areas=areas,
        totals=totals,
        top=top_queries(session, period_days, "all"),
        top_zero=top_queries(session, period_days, "zero"),
        updated_at=last_update(session),
    )


@dataclass(frozen=True)
class ModelVersion:
    """One recommendation model version and its held-out metrics (None when not recorded)."""

    name: str
    current: bool
    written_at: datetime | None
    metrics: dict[str, float]


def model_versions(models: ModelStore) -> list[ModelVersion]:
    """The recommender's versions in the model store, newest first, with their metrics."""
    current = models.current()
    found = []
    for name in models.versions():
        try:
            meta = models.meta(name)
        except ArtefactError:  # a version without readable metadata is listed without figures
            meta = {}
        try:
            written = datetime.fromtimestamp(models.written_at(name), UTC)
        except (ArtefactError, OSError, ValueError):
            written = None
        metrics = meta.get("metrics") or {}
        found.append(ModelVersion(name, name == current, written, dict(metrics)))
    found.sort(key=lambda v: (v.written_at is not None, v.written_at), reverse=True)
    return found


@dataclass(frozen=True)
class FeedFigures:
    """Recommendation lists shown, the courses in them, and the courses opened from them."""

    lists: int = 0
    items: int = 0
    clicks: int = 0

    @property
    def rate(self) -> float | None:
        """Click-through in percent (clicks per course shown); None when nothing was shown."""
        return round(100 * self.clicks / self.items, 2) if self.items else None

    def __add__(self, other: FeedFigures) -> FeedFigures:
        return FeedFigures(
            self.lists + other.lists, self.items + other.items, self.clicks + other.clicks
        )


@dataclass
class FeedClickThrough:
    """The recommendation lists of a period: per day (all surfaces under "", and per surface),
    per model version ("" = served without a model, newest name first) and in all."""

    days: list[date]
    by_day: dict[str, list[FeedFigures]]
    by_version: dict[str, FeedFigures]
    total: FeedFigures


def feed_click_through(session: Session, start: date, end: date) -> FeedClickThrough:
    """Click-through of the recommendation lists from start to end inclusive, from the rollup
    (one indexed range of insight_feed_days)."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    index = {d: i for i, d in enumerate(days)}
    by_day: dict[str, list[FeedFigures]] = {"": [FeedFigures() for _ in days]}
    by_version: dict[str, FeedFigures] = {}
    for day, surface, version, lists, items, clicks in session.execute(
        select(
            FeedDay.day,
            FeedDay.surface,
            FeedDay.model_version,
            FeedDay.lists,
            FeedDay.items,
            FeedDay.clicks,
        ).where(FeedDay.day >= start, FeedDay.day <= end)
    ):
        figures = FeedFigures(int(lists), int(items), int(clicks))
        row = by_day.setdefault(surface, [FeedFigures() for _ in days])
        at = index[day]
        row[at] = row[at] + figures
        by_day[""][at] = by_day[""][at] + figures
        by_version[version] = by_version.get(version, FeedFigures()) + figures
    total = sum(by_version.values(), FeedFigures())
    ordered = dict(sorted(by_version.items(), reverse=True))
    return FeedClickThrough(days, by_day, ordered, total)

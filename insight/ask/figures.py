"""The figures behind an answer, read from the rollups only: the cockpit's read functions
(insight/cockpit.py) and, for distinct active learners over a period the rollups do not hold
as one figure, the union of the days' HyperLogLog sketches (an `Estimate`, within about ±1 %),
or a distinct count over `insight_learner_days` where days have no sketch (never the event
log)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from insight import active_sketches, cockpit, hll
from insight.ask.periods import Period, shift_months
from insight.models import DailyFigure, LearnerDay
from insight.rollup_metrics import METRICS


@dataclass(frozen=True)
class Source:
    """Where a metric of "ask the data" comes from: the rollup metric, how it combines over
    days ("sum", "distinct", "snapshot"), its unit and the factor applied to stored values."""

    rollup: str
    combine: str
    unit: str
    scale: float = 1.0
    areas_add_up: bool = True  # False: one learner counts in several areas

    @property
    def by_area(self) -> bool:
        """Whether the rollups keep this figure per area."""
        return self.rollup == "active" or METRICS[self.rollup].by_area


SOURCES: dict[str, Source] = {
    "new_learners": Source("learners.new", "sum", "learners", areas_add_up=False),
    "active_learners": Source("active", "distinct", "learners", areas_add_up=False),
    "starts": Source("events.start", "sum", "times"),
    "completions": Source("events.complete", "sum", "times"),
    "learning_hours": Source("learning.seconds", "sum", "hours", 1 / 3600),
    "views": Source("events.view", "sum", "times"),
    "searches": Source("search.all", "sum", "times"),
    "zero_result_searches": Source("search.zero", "sum", "times"),
    "handoffs": Source("desk.handoffs", "sum", "times"),
    "new_courses": Source("courses.new", "sum", "courses"),
    "learners_total": Source("learners.total", "snapshot", "learners"),
    "courses_total": Source("courses.published", "snapshot", "courses"),
}
CARING_SOURCE = Source("learners.caring", "snapshot", "learners")
ACTIVE_SPANS = {1: "active.day", 7: "active.week", 30: "active.month"}


class Estimate(float):
    """A figure estimated from sketches (insight/hll.py), not counted: rounded to 4 significant
    figures, and said to be an estimate wherever it is shown."""


def is_estimate(value: object) -> bool:
    """Whether a figure is an estimate."""
    return isinstance(value, Estimate)


def total(session: Session, source: Source, period: Period, area: str | None = None) -> float:
    """The figure over a period: a sum of days, a distinct count, or the last snapshot in it."""
    last = period.end - timedelta(days=1)
    if source.combine == "distinct":
        return _active(session, period, area)
    value = cockpit.period_total(session, source.rollup, period.start, last, area)
    return value * source.scale


def _active(session: Session, period: Period, area: str | None) -> float:
    """Distinct learners active in the period: the rollup's figure when one covers exactly
    these days (a day, 7 days, 30 days, a calendar week or month to the period's last day),
    else an estimate from the days' sketches, else (days without sketches) a distinct count of
    the per-learner active days."""
    last = period.end - timedelta(days=1)
    metric = ACTIVE_SPANS.get(period.days)
    if metric is not None:
        return float(cockpit.period_total(session, metric, last, last, area))
    calendar = _calendar_metric(period)
    if calendar is not None:
        kept = session.scalar(
            select(DailyFigure.value).where(
                DailyFigure.metric == calendar,
                DailyFigure.area == (area or ""),
                DailyFigure.day == last,
            )
        )
        # Days counted before these figures existed have none: estimated or counted below.
        if kept is not None:
            return float(kept)
    estimated = active_sketches.span_estimate(session, period.start, last, area)
    if estimated is not None:
        return Estimate(hll.significant(estimated))
    return float(
        session.scalar(
            select(func.count(func.distinct(LearnerDay.user_id))).where(
                LearnerDay.area == (area or ""),
                LearnerDay.day >= period.start,
                LearnerDay.day <= last,
            )
        )
        or 0
    )


def _calendar_metric(period: Period) -> str | None:
    """The rollup holding a period that starts a calendar week or month and ends within it."""
    last = period.end - timedelta(days=1)
    if period.start.weekday() == 0 and last - period.start < timedelta(days=7):
        return "active.week_to_date"
    if period.start.day == 1 and (last.year, last.month) == (period.start.year, period.start.month):
        return "active.month_to_date"
    return None


def has_snapshot(session: Session, source: Source, period: Period) -> bool:
    """Whether the rollups recorded this snapshot on some day of the period."""
    found = session.scalar(
        select(DailyFigure.day)
        .where(
            DailyFigure.metric == source.rollup,
            DailyFigure.area == "",
            DailyFigure.day >= period.start,
            DailyFigure.day < period.end,
        )
        .limit(1)
    )
    return found is not None


def buckets(period: Period, grain: str) -> list[Period]:
    """The period cut into days, Monday-to-Sunday weeks or calendar months (clipped to it)."""
    cuts: list[Period] = []
    start = period.start
    while start < period.end:
        if grain == "day":
            nxt = start + timedelta(days=1)
        elif grain == "week":
            nxt = start - timedelta(days=start.weekday()) + timedelta(days=7)
        else:
            nxt = shift_months(start.replace(day=1), 1)
        cuts.append(Period(start, min(nxt, period.end)))
        start = nxt
    return cuts


def series(
    session: Session, source: Source, period: Period, grain: str, area: str | None = None
) -> list[tuple[Period, float]]:
    """The figure per day, week or month of the period."""
    cuts = buckets(period, grain)
    if source.combine == "sum":
        last = period.end - timedelta(days=1)
        days = dict(cockpit.daily_series(session, source.rollup, period.start, last, area))
        return [
            (
                cut,
                sum(days.get(cut.start + timedelta(days=i), 0) for i in range(cut.days))
                * source.scale,
            )
            for cut in cuts
        ]
    if source.combine == "distinct" and grain == "day":
        last = period.end - timedelta(days=1)
        days = dict(cockpit.daily_series(session, "active.day", period.start, last, area))
        return [(cut, float(days.get(cut.start, 0))) for cut in cuts]
    return [(cut, total(session, source, cut, area)) for cut in cuts]


def per_area(
    session: Session, source: Source, period: Period, areas: list[str]
) -> list[tuple[str, float]]:
    """The figure for each of these areas over the period."""
    if source.combine == "sum":
        last = period.end - timedelta(days=1)
        values = cockpit.by_area(session, source.rollup, period.start, last)
        return [(area, values.get(area, 0) * source.scale) for area in areas]
    return [(area, total(session, source, period, area)) for area in areas]

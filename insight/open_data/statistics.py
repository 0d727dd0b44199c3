"""Aggregate statistics on lifelong learning and elderly education, by area and month, read
from the cockpit's daily rollups (insight_daily) and made k-anonymous (kanon.py).

Statistics (all per local calendar month, by the six areas, with the all-areas total):

- `learners-active`: learners active in the 30 days to the month's last rolled-up day
  (`active.month`; a learner counts once in every area they were active in, so areas overlap
  and the total is its own figure);
- `learners-new`: learner accounts created in the month (`learners.new`; by interest areas);
- `completions`: courses completed in the month (`events.complete`; by the course's area);
- `learning-hours`: hours of learning time credited in the month (`learning.seconds`), shown
  for an area only where that area's active learners are shown (hours of a small group are as
  telling as its head count);
- `elderly-participation`: the elderly-learning area's row of the four above, the same cells
  (so suppressed wherever they are).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.models import Area
from insight.models.rollups import DailyFigure
from insight.open_data.kanon import Protected, protect

AREAS: tuple[str, ...] = tuple(area.value for area in Area)
TOTAL = ""
MAX_MONTHS = 36


@dataclass(frozen=True)
class Statistic:
    """A published statistic: its rollup metric, how months combine, its unit."""

    name: str
    metric: str
    combine: str  # "sum" over the month's days, or "last" day's value
    unit: str
    description: str


STATISTICS: dict[str, Statistic] = {
    s.name: s
    for s in (
        Statistic(
            "learners-active",
            "active.month",
            "last",
            "learners",
            "learners active in the 30 days to the month's last day",
        ),
        Statistic("learners-new", "learners.new", "sum", "learners", "new learner accounts"),
        Statistic("completions", "events.complete", "sum", "completions", "courses completed"),
        Statistic("learning-hours", "learning.seconds", "sum", "hours", "hours of learning time"),
    )
}
ELDERLY = "elderly-participation"
NAMES: tuple[str, ...] = (*STATISTICS, ELDERLY)


class BadPeriod(ValueError):
    """A month that is not YYYY-MM, or a range that is reversed or too long."""


def parse_month(text: str) -> date:
    """The first day of a YYYY-MM month; BadPeriod otherwise."""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise BadPeriod(f"{text!r} is not a month written YYYY-MM") from exc


def next_month(month: date) -> date:
    """The first day of the following month."""
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def months(first: date, last: date) -> list[date]:
    """The months from `first` to `last` inclusive (first days); BadPeriod if too many."""
    if last < first:
        raise BadPeriod("the range ends before it starts")
    out = [first]
    while out[-1] < last:
        out.append(next_month(out[-1]))
        if len(out) > MAX_MONTHS:
            raise BadPeriod(f"at most {MAX_MONTHS} months at a time")
    return out


def _raw(session: Session, metric: str, first: date, end: date) -> dict[date, dict[str, int]]:
    """Per month, per area ("" = all), the metric combined as its statistic says."""
    rows = session.execute(
        select(DailyFigure.area, DailyFigure.day, DailyFigure.value).where(
            DailyFigure.metric == metric, DailyFigure.day >= first, DailyFigure.day < end
        )
    ).all()
    return _combine(metric, rows)


def _combine(metric: str, rows) -> dict[date, dict[str, int]]:
    last = next(s.combine for s in STATISTICS.values() if s.metric == metric) == "last"
    sums: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    latest: dict[tuple[date, str], date] = {}
    for area, day, value in rows:
        month = day.replace(day=1)
        if last:
            if (month, area) not in latest or day > latest[(month, area)]:
                latest[(month, area)] = day
                sums[month][area] = int(value)
        else:
            sums[month][area] += int(value)
    return sums


def _table(figures: dict[str, int], k: int) -> Protected:
    cells = {area: int(figures.get(area, 0)) for area in AREAS}
    total = figures.get(TOTAL)
    return protect(cells, k, total=int(total) if total is not None else None)


def monthly_tables(
    session: Session, name: str, month_list: list[date], k: int
) -> dict[date, Protected]:
    """The protected table of one statistic for each month."""
    stat = STATISTICS[name]
    first, end = month_list[0], next_month(month_list[-1])
    if name == "learning-hours":
        seconds = _raw(session, stat.metric, first, end)
        active = monthly_tables(session, "learners-active", month_list, k)
        out = {}
        for month in month_list:
            figures = seconds.get(month, {})
            shown = active[month]
            cells = {
                area: (None if shown.cells[area] is None else round(figures.get(area, 0) / 3600))
                for area in AREAS
            }
            total = None if shown.total is None else round(figures.get(TOTAL, 0) / 3600)
            out[month] = Protected(cells, total)
        return out
    raw = _raw(session, stat.metric, first, end)
    return {month: _table(raw.get(month, {}), k) for month in month_list}


def statistic_json(session: Session, name: str, month_list: list[date], k: int) -> dict[str, Any]:
    """One statistic over the months as the API and the export show it."""
    if name == ELDERLY:
        tables = {n: monthly_tables(session, n, month_list, k) for n in STATISTICS}
        periods = []
        for month in month_list:
            row: dict[str, Any] = {"period": month.strftime("%Y-%m")}
            for stat_name, by_month in tables.items():
                value = by_month[month].cells[Area.ELDERLY.value]
                row[stat_name] = {"value": value, "suppressed": value is None}
            periods.append(row)
        return {"statistic": name, "area": Area.ELDERLY.value, "k": k, "periods": periods}
    stat = STATISTICS[name]
    tables = monthly_tables(session, name, month_list, k)
    return {
        "statistic": name,
        "unit": stat.unit,
        "description": stat.description,
        "k": k,
        "periods": [
            {"period": month.strftime("%Y-%m"), **tables[month].as_json("area")}
            for month in month_list
        ],
    }

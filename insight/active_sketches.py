"""The HyperLogLog sketches of each day's active learners (insight/hll.py, table
`insight_active_sketches`): written by the rollup job with the day's active figures, read by
"ask the data" for distinct active learners over spans the rollups do not hold as one figure.

A span is answered from sketches only when every day of it that has active learners (an
`active.day` figure) has its sketch, and when its learner-days are too many to count exactly in
a few ms (more than EXACT_ROWS); otherwise the caller counts exactly (days rolled up before the
sketches existed until `backfill` has reached them, and small sites or spans).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from insight import hll
from insight.models import ActiveMonthSketch, ActiveSketch, DailyFigure, LearnerDay

BACKFILL_DAYS = 31  # days sketched per job run for days rolled up before the sketches
# At most this many learner-days in a span (the sum of its days' learners): counting them
# exactly is as fast as the sketches (tens of ms), so small answers stay exact, not estimates.
EXACT_ROWS = 50_000


def sketch_day(session: Session, day: date) -> int:
    """Replace the day's sketches (one per area with learners, and "") from its learner-days
    (caller commits); how many were written."""
    rows = session.execute(
        select(LearnerDay.area, LearnerDay.user_id)
        .where(LearnerDay.day == day)
        .order_by(LearnerDay.area)
    ).all()
    session.execute(delete(ActiveSketch).where(ActiveSketch.day == day))
    by_area: dict[str, list[int]] = {}
    for area, user_id in rows:
        by_area.setdefault(area, []).append(user_id)
    written = [
        {
            "area": area,
            "day": day,
            "learners": len(set(ids)),
            "registers": hll.pack(hll.registers(np.asarray(ids, dtype=np.int64))),
        }
        for area, ids in by_area.items()
    ]
    if written:
        session.execute(ActiveSketch.__table__.insert(), written)
    sketch_month(session, day)
    return len(written)


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar month holding `day`."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def sketch_month(session: Session, day: date) -> None:
    """Replace the month sketches of the month holding `day` by the union of its days'
    sketches, per area (caller commits)."""
    first, last = month_of(day)
    rows = session.execute(
        select(ActiveSketch.area, ActiveSketch.registers).where(
            ActiveSketch.day >= first, ActiveSketch.day <= last
        )
    ).all()
    by_area: dict[str, list[bytes]] = {}
    for area, data in rows:
        by_area.setdefault(area, []).append(data)
    session.execute(delete(ActiveMonthSketch).where(ActiveMonthSketch.month == first))
    if by_area:
        session.execute(
            ActiveMonthSketch.__table__.insert(),
            [
                {
                    "area": area,
                    "month": first,
                    "registers": hll.pack(hll.union(hll.unpack(d) for d in blobs)),
                }
                for area, blobs in by_area.items()
            ],
        )


def whole_months(first: date, last: date) -> list[date]:
    """The first days of the calendar months lying wholly within `first`..`last`."""
    months = []
    start = first if first.day == 1 else month_of(first)[1] + timedelta(days=1)
    while month_of(start)[1] <= last:
        months.append(start)
        start = month_of(start)[1] + timedelta(days=1)
    return months


def span_estimate(session: Session, first: date, last: date, area: str | None) -> int | None:
    """Estimated distinct active learners from `first` to `last` in an area (None/"" = any),
    from the union of the days' sketches; None (count exactly) when a day with active learners
    has no sketch, or when the span holds at most `EXACT_ROWS` learner-days."""
    key = area or ""
    active_days = set(
        session.scalars(
            select(DailyFigure.day).where(
                DailyFigure.metric == "active.day",
                DailyFigure.area == key,
                DailyFigure.day >= first,
                DailyFigure.day <= last,
                DailyFigure.value > 0,
            )
        )
    )
    in_span = (ActiveSketch.area == key, ActiveSketch.day >= first, ActiveSketch.day <= last)
    sketched = session.execute(select(ActiveSketch.day, ActiveSketch.learners).where(*in_span))
    learners_of = dict(sketched.all())
    if active_days - learners_of.keys():
        return None
    if sum(learners_of.values()) <= EXACT_ROWS:
        return None
    # Whole months from their month sketch (a union of the same day sketches, so the same
    # registers); the days of part months, and of months without one, from the days'.
    months = dict(
        session.execute(
            select(ActiveMonthSketch.month, ActiveMonthSketch.registers).where(
                ActiveMonthSketch.area == key,
                ActiveMonthSketch.month.in_(whole_months(first, last)),
            )
        ).all()
    )
    covered = [(month, month_of(month)[1]) for month in months]
    outside = [~((ActiveSketch.day >= start) & (ActiveSketch.day <= end)) for start, end in covered]
    days = session.scalars(select(ActiveSketch.registers).where(*in_span, *outside)).all()
    blobs = [*months.values(), *days]
    return round(hll.estimate(hll.union(hll.unpack(data) for data in blobs)))


def backfill(sessions: sessionmaker[Session], limit: int = BACKFILL_DAYS) -> int:
    """Sketch up to `limit` days that have active learners but no sketch, newest first, one
    day per transaction; how many days were sketched."""
    with sessions() as session:
        active = select(DailyFigure.day).where(
            DailyFigure.metric == "active.day", DailyFigure.area == "", DailyFigure.value > 0
        )
        sketched = select(ActiveSketch.day).where(ActiveSketch.area == "")
        missing = list(
            session.scalars(
                active.where(DailyFigure.day.not_in(sketched))
                .order_by(DailyFigure.day.desc())
                .limit(limit)
            )
        )
    for day in missing:
        with sessions() as session:
            sketch_day(session, day)
            session.commit()
    return len(missing)

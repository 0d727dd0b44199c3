"""The rollup job's recommendation sources (insight/rollups.py SOURCES): the lists shown
(`feed_impressions`) and the courses opened from them (`feed_clicks`), read past their own
watermarks in id order, in batches, each batch one transaction with its watermark; added to
`insight_feed_days` (per day, surface and model version) and to the daily figures
`feeds.lists`, `feeds.items`, `feeds.clicks` (insight/rollup_metrics.py). A click counts on
the local day of the list it came from, so a day's click-through is clicks / courses shown of
that day's lists (it settles once CLICK_WINDOW has passed).

Given a `cutoff` (run_rollups' `lag`, which the job passes), rows created after it wait for
the next run: on PostgreSQL a transaction that took an id may commit after one that took a
later id, and the watermark must not pass it. Counted
lists are deleted after RETENTION (personal data kept no longer than needed), once the clicks
are counted too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from catalogue.models import utcnow
from insight.feed_clicks import CLICK_WINDOW
from insight.models.feeds import FeedClick, FeedDay, FeedImpression
from insight.rollup_store import add_figures, add_rows, set_watermark, settled, watermark

IMPRESSIONS, CLICKS = "feed_impressions", "feed_clicks"
# Longer than CLICK_WINDOW: a list can no longer be clicked when it is deleted.
RETENTION = timedelta(days=3)
if RETENTION <= CLICK_WINDOW:  # pragma: no cover
    raise RuntimeError("lists must outlive the window in which they can be clicked")
PRUNE_BATCH = 20_000
_KEYS = ["day", "surface", "model_version"]
_COUNTS = ["lists", "items", "clicks"]

DayOf = Callable[[datetime], date]


def _add(session: Session, per_day: dict[tuple[date, str, str], list[int]]) -> None:
    figures: Counter[tuple[str, str, date]] = Counter()
    for (day, _surface, _version), counts in per_day.items():
        for name, value in zip(_COUNTS, counts, strict=True):
            figures[(f"feeds.{name}", "", day)] += value
    add_figures(session, figures)
    add_rows(
        session,
        FeedDay.__table__,
        [
            {"day": d, "surface": s, "model_version": v, **dict(zip(_COUNTS, c, strict=True))}
            for (d, s, v), c in per_day.items()
        ],
        _KEYS,
        _COUNTS,
    )


def impressions_batch(
    session: Session, days: DayOf, batch: int, cutoff: datetime | None = None
) -> int:
    """Count the next batch of lists shown (caller commits); how many were read."""
    after = watermark(session, IMPRESSIONS) or 0
    rows = session.execute(
        select(
            FeedImpression.id,
            FeedImpression.surface,
            FeedImpression.model_version,
            FeedImpression.items,
            FeedImpression.created_at,
        )
        .where(FeedImpression.id > after)
        .order_by(FeedImpression.id)
        .limit(batch)
    ).all()
    rows = settled(rows, cutoff)
    if not rows:
        return 0
    per_day: dict[tuple[date, str, str], list[int]] = {}
    for row in rows:
        key = (days(row.created_at), str(row.surface.value), row.model_version)
        counts = per_day.setdefault(key, [0, 0, 0])
        counts[0] += 1
        counts[1] += row.items
    _add(session, per_day)
    set_watermark(session, IMPRESSIONS, rows[-1].id)
    return len(rows)


def clicks_batch(session: Session, days: DayOf, batch: int, cutoff: datetime | None = None) -> int:
    """Count the next batch of courses opened from lists (caller commits), each on the day of
    the list it came from; how many were read."""
    after = watermark(session, CLICKS) or 0
    rows = session.execute(
        select(
            FeedClick.id,
            FeedClick.created_at,
            FeedImpression.surface,
            FeedImpression.model_version,
            FeedImpression.created_at.label("shown_at"),
        )
        .join(FeedImpression, FeedImpression.id == FeedClick.impression_id)
        .where(FeedClick.id > after)
        .order_by(FeedClick.id)
        .limit(batch)
    ).all()
    rows = settled(rows, cutoff)
    if not rows:
        return 0
    per_day: dict[tuple[date, str, str], list[int]] = {}
    for row in rows:
        key = (days(row.shown_at), str(row.surface.value), row.model_version)
        per_day.setdefault(key, [0, 0, 0])[2] += 1
    _add(session, per_day)
    set_watermark(session, CLICKS, rows[-1].id)
    return len(rows)


def prune(sessions: sessionmaker[Session], *, now: datetime | None = None) -> int:
    """Delete counted lists older than RETENTION (their clicks go with them), a batch per
    transaction, once every click is counted; how many lists were deleted."""
    cutoff = (now or utcnow()) - RETENTION
    deleted = 0
    while True:
        with sessions() as session:
            newest_click = session.scalar(select(func.max(FeedClick.id))) or 0
            if newest_click > (watermark(session, CLICKS) or 0):
                return deleted  # clicks not counted yet: their lists wait for the next run
            oldest = session.execute(
                select(FeedImpression.id, FeedImpression.created_at)
                .where(FeedImpression.id <= (watermark(session, IMPRESSIONS) or 0))
                .order_by(FeedImpression.id)
                .limit(PRUNE_BATCH)
            ).all()
            old = sum(1 for row in oldest if row.created_at < cutoff)
            if not old:
                return deleted
            session.execute(
                delete(FeedImpression).where(
                    FeedImpression.id <= oldest[-1].id, FeedImpression.created_at < cutoff
                )
            )
            session.commit()
            deleted += old
            if old < PRUNE_BATCH:
                return deleted

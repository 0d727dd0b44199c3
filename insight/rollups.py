"""The `insight-rollups` job's work: read what was appended to the events, the search log and
the accounts since the last run (a watermark on each table's id), in batches, and add it to the
rollup tables (insight/models/rollups.py); then recompute the distinct counts (active learners)
for the days that changed, the top queries, today's snapshots and the recent days of the tables
whose rows change in place (insight/rollup_recount.py).

Each batch is one transaction: its counts and the watermark move together, so a run that dies
mid-way leaves the rollups equal to a count of the rows up to the watermark, and the next run
goes on from there. Running twice adds nothing.

On PostgreSQL an id is taken when a row is inserted, not when its transaction commits: a row
can become visible after one with a higher id. The job therefore reads only rows older than
`lag` (SAFETY_LAG, 5 seconds) and stops each batch at the first younger one, so the watermark
never passes a row whose transaction may still commit (as insight/course_stats.py does).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from catalogue.models import Area, Course, Event, EventKind, Role, SearchQuery, User
from insight import active_sketches, feed_rollups, rollup_recount
from insight.models import LearnerDay, SearchTermDay, TopQuery
from insight.rollup_store import (
    add_figures,
    add_rows,
    insert_missing,
    lock_mark,
    replace_figures,
    set_watermark,
    settled,
    settled_before,
    watermark,
)
from records.personal_data import is_person

BATCH = 20_000
# Distinct active learners of the days from first(end) to end, kept for each day `end`: fixed
# spans, and calendar ones (week from Monday, month from the 1st) so that a calendar week or
# month is one read at its last day (ask the data), not a distinct count over the learner days.
ACTIVE_PERIODS: dict[str, Callable[[date], date]] = {
    "active.day": lambda end: end,
    "active.week": lambda end: end - timedelta(days=6),
    "active.month": lambda end: end - timedelta(days=29),
    "active.week_to_date": lambda end: end - timedelta(days=end.weekday()),
    "active.month_to_date": lambda end: end.replace(day=1),
}
TOP_PERIODS = (7, 30, 90)
TOP_N = 20
AREAS = frozenset(a.value for a in Area)
DIRTY = "active.dirty"  # watermark: ordinal of the first day whose active counts are stale
# Rows younger than this are left for the next run (the module's docstring); the job's value.
SAFETY_LAG = timedelta(seconds=5)


class LocalDays:
    """Local dates of UTC moments in one zone, cached per quarter hour (every zone's offset is
    a multiple of 15 minutes)."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._cache: dict[int, date] = {}

    def __call__(self, moment: datetime) -> date:
        """The local date of an aware (or naive UTC) moment."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        key = int(moment.timestamp()) // 900
        day = self._cache.get(key)
        if day is None:
            day = moment.astimezone(self.zone).date()
            self._cache[key] = day
        return day

    def start_utc(self, day: date) -> datetime:
        """The UTC moment the local day starts."""
        return datetime.combine(day, datetime.min.time(), self.zone).astimezone(UTC)


BatchHook = Callable[[str], None]


def _mark_dirty(session: Session, day: date) -> None:
    current = watermark(session, DIRTY) or 0
    if current == 0 or day.toordinal() < current:
        set_watermark(session, DIRTY, day.toordinal())


def events_batch(
    session: Session, days: LocalDays, batch: int, cutoff: datetime | None = None
) -> int:
    """Count the next batch of events (created up to `cutoff`) into the rollups (caller
    commits); how many were read."""
    after = watermark(session, "events") or 0
    rows = session.execute(
        select(Event.id, Event.user_id, Event.kind, Event.value, Course.area, Event.created_at)
        .join(Course, Course.id == Event.course_id)
        .where(Event.id > after)
        .order_by(Event.id)
        .limit(batch)
    ).all()
    rows = settled(rows, cutoff)
    if not rows:
        return 0
    counts: Counter[tuple[str, str, date]] = Counter()
    present: set[tuple[str, date, int]] = set()
    for _id, user_id, kind, value, area, created_at in rows:
        day = days(created_at)
        area = str(area)
        metric = f"events.{kind.value}"
        counts[(metric, area, day)] += 1
        counts[(metric, "", day)] += 1
        if kind == EventKind.RATE and value is not None:
            counts[("ratings.sum", area, day)] += int(value)
            counts[("ratings.sum", "", day)] += int(value)
        present.add((area, day, user_id))
        present.add(("", day, user_id))
    add_figures(session, counts)
    insert_missing(
        session,
        LearnerDay.__table__,
        [{"area": a, "day": d, "user_id": u} for a, d, u in present],
        ["area", "day", "user_id"],
    )
    _mark_dirty(session, min(day for _a, day, _u in present))
    set_watermark(session, "events", rows[-1][0])
    return len(rows)


def _search_flags(results: int, relaxed: str | None) -> tuple[int, int]:
    zero = int(results == 0)
    poor = int(not zero and (results <= 2 or relaxed is not None))
    return zero, poor


def search_batch(
    session: Session, days: LocalDays, batch: int, cutoff: datetime | None = None
) -> int:
    """Count the next batch of logged searches (up to `cutoff`) into the rollups (caller
    commits)."""
    after = watermark(session, "search_queries") or 0
    rows = session.execute(
        select(
            SearchQuery.id,
            SearchQuery.text,
            SearchQuery.results,
            SearchQuery.relaxed,
            SearchQuery.created_at,
        )
        .where(SearchQuery.id > after)
        .order_by(SearchQuery.id)
        .limit(batch)
    ).all()
    rows = settled(rows, cutoff)
    if not rows:
        return 0
    counts: Counter[tuple[str, str, date]] = Counter()
    terms: dict[tuple[date, str], list[int]] = {}
    for _id, text, results, relaxed, created_at in rows:
        day = days(created_at)
        zero, poor = _search_flags(results, relaxed)
        counts[("search.all", "", day)] += 1
        counts[("search.zero", "", day)] += zero
        counts[("search.poor", "", day)] += poor
        key = (day, normalise_query(text))
        if not key[1]:
            continue
        term = terms.setdefault(key, [0, 0, 0])
        term[0] += 1
        term[1] += zero
        term[2] += poor
    add_figures(session, counts)
    add_rows(
        session,
        SearchTermDay.__table__,
        [
            {"day": d, "text": t, "searches": s, "zero_results": z, "poor": p}
            for (d, t), (s, z, p) in terms.items()
        ],
        ["day", "text"],
        ["searches", "zero_results", "poor"],
    )
    set_watermark(session, "search_queries", rows[-1][0])
    return len(rows)


def normalise_query(text: str) -> str:
    """A search text as the top-queries table keeps it: trimmed, spaces folded, lower case."""
    return " ".join((text or "").split()).lower()[:200]


def users_batch(
    session: Session, days: LocalDays, batch: int, cutoff: datetime | None = None
) -> int:
    """Count the next batch of new accounts (up to `cutoff`) into `learners.new` (caller
    commits)."""
    after = watermark(session, "users") or 0
    rows = session.execute(
        select(
            User.id, User.role, User.interest_areas, User.created_at, is_person().label("person")
        )
        .where(User.id > after)
        .order_by(User.id)
        .limit(batch)
    ).all()
    rows = settled(rows, cutoff)
    if not rows:
        return 0
    counts: Counter[tuple[str, str, date]] = Counter()
    for _id, role, interests, created_at, person in rows:
        if role != Role.LEARNER or not person:  # staff; a deleted account's placeholder
            continue
        day = days(created_at)
        counts[("learners.new", "", day)] += 1
        for area in set(interests or ()) & AREAS:
            counts[("learners.new", area, day)] += 1
    add_figures(session, counts)
    set_watermark(session, "users", rows[-1][0])
    return len(rows)


def active_for_day(session: Session, end: date) -> dict[tuple[str, str, date], int]:
    """Distinct active learners per area on `end`, in the 7 and 30 days to it, and in its
    calendar week and month to it."""
    values: dict[tuple[str, str, date], int] = {}
    for metric, first_day in ACTIVE_PERIODS.items():
        first = first_day(end)
        for area, learners in session.execute(
            select(LearnerDay.area, func.count(func.distinct(LearnerDay.user_id)))
            .where(LearnerDay.day >= first, LearnerDay.day <= end)
            .group_by(LearnerDay.area)
        ):
            values[(metric, area, end)] = learners
    return values


def refresh_active(sessions: sessionmaker[Session], today: date) -> int:
    """Recompute the active-learner figures and sketches (insight/active_sketches.py) of every
    day from the first stale one to today, one day per transaction (the stale mark moves with
    them); the number of days redone."""
    redone = 0
    while True:
        with sessions() as session:
            stale = watermark(session, DIRTY) or 0
            if stale == 0:
                return redone
            day = date.fromordinal(stale)
            if day <= today:
                replace_figures(session, ACTIVE_PERIODS, day, day, active_for_day(session, day))
                active_sketches.sketch_day(session, day)
            following = day + timedelta(days=1)
            set_watermark(session, DIRTY, following.toordinal() if following <= today else 0)
            session.commit()
            redone += 1


def refresh_top_queries(session: Session, today: date) -> None:
    """Recompute the most typed (and most typed unanswered) queries of the last 7, 30, 90 days."""
    session.execute(delete(TopQuery))
    for span in TOP_PERIODS:
        first = today - timedelta(days=span - 1)
        searches = func.sum(SearchTermDay.searches)
        zero = func.sum(SearchTermDay.zero_results)
        base = (
            select(SearchTermDay.text, searches, zero)
            .where(SearchTermDay.day >= first, SearchTermDay.day <= today)
            .group_by(SearchTermDay.text)
        )
        for kind, query in (
            ("all", base.order_by(searches.desc(), SearchTermDay.text)),
            ("zero", base.having(zero > 0).order_by(zero.desc(), SearchTermDay.text)),
        ):
            rows = session.execute(query.limit(TOP_N)).all()
            if not rows:
                continue
            session.execute(
                TopQuery.__table__.insert(),
                [
                    {
                        "period_days": span,
                        "kind": kind,
                        "rank": rank,
                        "text": text,
                        "searches": int(s),
                        "zero_results": int(z),
                        "last_day": today,
                    }
                    for rank, (text, s, z) in enumerate(rows, start=1)
                ],
            )


SOURCES: dict[str, Callable[[Session, LocalDays, int, datetime | None], int]] = {
    "events": events_batch,
    "search_queries": search_batch,
    "users": users_batch,
    # recommendation lists shown and courses opened from them (insight/feed_rollups.py)
    feed_rollups.IMPRESSIONS: feed_rollups.impressions_batch,
    feed_rollups.CLICKS: feed_rollups.clicks_batch,
}


def run_rollups(
    sessions: sessionmaker[Session],
    zone: ZoneInfo,
    *,
    batch: int = BATCH,
    now: datetime | None = None,
    max_batches: int | None = None,
    before_commit: BatchHook | None = None,
    between_batches: Callable[[], None] | None = None,
    lag: timedelta | None = None,
) -> dict[str, Any]:
    """Bring every rollup up to date; the figures of the run (rows read per source, …).

    With `lag` (the job passes SAFETY_LAG) only rows at least that old by the clock are read,
    each source stopping at its first younger row (the module's docstring); without, all rows.

    `max_batches` bounds the batches per source in one run (the rest waits for the next run);
    `before_commit(source)` is called inside each batch's transaction just before it commits,
    `between_batches()` after each commit (the worker's stop check)."""
    days = LocalDays(zone)
    today = days(now or datetime.now(UTC))
    cutoff = None
    if lag is not None:
        with sessions() as session:
            cutoff = settled_before(session, lag)
    figures: dict[str, Any] = {}
    for source, read in SOURCES.items():
        total = batches = 0
        while max_batches is None or batches < max_batches:
            with sessions() as session:
                read_now = read(session, days, batch, cutoff)
                if not read_now:
                    break
                if before_commit is not None:
                    before_commit(source)
                session.commit()
            total += read_now
            batches += 1
            if between_batches is not None:
                between_batches()
        figures[source] = total
    figures["feed_lists_pruned"] = feed_rollups.prune(sessions)
    figures["active_days"] = refresh_active(sessions, today)
    # days rolled up before the sketches existed: a month of them per run, newest first
    figures["sketches_backfilled"] = active_sketches.backfill(sessions)
    with sessions() as session:
        lock_mark(session, "top_queries")  # a run by hand beside the worker's waits its turn
        refresh_top_queries(session, today)
        figures.update(rollup_recount.recount(session, days, today))
        session.commit()
    return figures

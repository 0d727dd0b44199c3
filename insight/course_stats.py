"""Keeping partners' course analytics (docs/partner-analytics.md): the `course-analytics` job
reads the events after its watermark in id order, adds them to the per-course and per-provider
days and the lesson funnel, and moves the watermark in the same transaction as the upserts, so a
crash never counts an event twice nor loses one. Once a day it recomputes the period totals, the
area medians and the providers' subjects; every few minutes the learning time of the last days
(learning_days is added to in place, so it has no log to follow)."""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, delete, event, func, insert, literal, select
from sqlalchemy.orm import Session

from catalogue.models import Course, CourseStatus, Event, EventKind, SearchQuery, utcnow
from insight.models.course_stats import (
    DAY_COUNTS,
    AnalyticsMark,
    AreaMedian,
    CourseDay,
    CoursePeriod,
    LessonFunnel,
    PoorSearch,
    PoorSearchPeriod,
    ProviderDay,
    ProviderSubject,
    ProviderTerm,
    SearchVisit,
)
from insight.rollup_store import lock_mark, settled, settled_before
from records.models.learning_time import LearningDay

SITE_ZONE = "Asia/Shanghai"
PERIODS = (7, 30, 90)
# A search found "nothing good" when it found fewer than this many courses, or the engine had
# to relax it (dropped words, fuzzy or popular fallback).
POOR_RESULTS = 3
# Events this young are left for the next run: on PostgreSQL a transaction that took an id may
# commit after a later one, and the watermark must not pass it.
SAFETY_LAG = timedelta(seconds=5)
LEARNING_TIME_DAYS = 3
LEARNING_TIME_EVERY = 300  # seconds between two recounts of the recent learning time
BATCH = 20_000
# How many of a period's most frequent poor searches are kept for matching providers' subjects.
POOR_CANDIDATES = 2000
# How many searches that led to a provider's courses are kept per period.
TOP_TERMS = 20
MEDIAN_METRICS = ("views", "starts", "completion_rate", "learning_minutes", "likes", "saves")
_KIND_COLUMN = {
    EventKind.VIEW.value: "views",
    EventKind.START.value: "starts",
    EventKind.COMPLETE.value: "completions",
    EventKind.LIKE.value: "likes",
    EventKind.UNLIKE.value: "unlikes",
    EventKind.SAVE.value: "saves",
    EventKind.UNSAVE.value: "unsaves",
    EventKind.RATE.value: "ratings",
}
EVENT_MARK, SEARCH_MARK, PERIODS_MARK, LEARNING_MARK = "events", "searches", "periods", "learning"
MARK_LOCKS = 0x17_0002  # the first key of analytics_marks' advisory locks (lock_mark)
# SQLite's page cache during the daily refresh, in KiB (256 MiB): with the connection's default
# of 2 MB the grouping of ~6,000,000 course-days and the writes of the period rows' index read
# the same pages again millions of times (docs/benchmarks.md, "Partners' course analytics").
REFRESH_CACHE_KIB = 262_144
SQLITE_DEFAULT_CACHE = -2000  # SQLite's own default (2,000 KiB), restored afterwards
# Courses per write transaction of the daily refresh: each range of course ids is read first
# (no write lock held) and then replaced in one short transaction, so on SQLite the site's
# writes never wait behind the whole refresh (13 minutes at full scale as one transaction).
REFRESH_CHUNK = 5_000


def dialect_insert(session: Session):
    """The dialect's INSERT with ON CONFLICT (SQLite and PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as chosen
    else:
        from sqlalchemy.dialects.sqlite import insert as chosen
    return chosen


def _add_rows(session: Session, model, keys: list[str], rows: list[dict], columns: Iterable[str]):
    """Upsert rows adding their counts to the existing ones."""
    if not rows:
        return
    statement = dialect_insert(session)(model)
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={c: getattr(model, c) + getattr(statement.excluded, c) for c in columns},
    )
    session.execute(statement, rows)


def get_mark(session: Session, name: str) -> int:
    """A watermark's value (0 when never set), read under its lock until the caller's
    transaction ends (PostgreSQL: a run by hand beside the worker's takes turns with it batch
    by batch instead of counting the same events twice; insight/rollup_store.py)."""
    lock_mark(session, name, MARK_LOCKS)
    return session.scalar(select(AnalyticsMark.value).where(AnalyticsMark.name == name)) or 0


def set_mark(session: Session, name: str, value: int) -> None:
    """Set a watermark in the caller's transaction."""
    statement = dialect_insert(session)(AnalyticsMark).values(
        name=name, value=value, updated_at=utcnow()
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["name"],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
        )
    )


def _zero(extra: dict) -> dict:
    row = dict(extra)
    for column in DAY_COUNTS:
        row.setdefault(column, 0)
    row.setdefault("learning_seconds", 0)
    return row


def count_events(
    session: Session,
    *,
    zone: ZoneInfo,
    batch: int = BATCH,
    max_events: int | None = None,
    lag: timedelta = SAFETY_LAG,
) -> int:
    """Add the events after the watermark to the rollups, one committed batch at a time;
    returns how many events were counted."""
    counted = 0
    cutoff = settled_before(session, lag)
    while max_events is None or counted < max_events:
        mark = get_mark(session, EVENT_MARK)
        rows = session.execute(
            select(
                Event.id,
                Event.course_id,
                Event.lesson_id,
                Event.kind,
                Event.value,
                Event.created_at,
                Course.provider_id,
                Course.area,
            )
            .join(Course, Course.id == Event.course_id)
            .where(Event.id > mark)
            .order_by(Event.id)
            .limit(batch)
        ).all()
        rows = settled(rows, cutoff)
        if not rows:
            break
        last = _apply_events(session, rows, zone)
        set_mark(session, EVENT_MARK, last)
        session.commit()
        counted += len(rows)
        if len(rows) < batch:
            break
    return counted


def _apply_events(session: Session, rows: list, zone: ZoneInfo) -> int:
    """Add one batch of events to the course days, provider days and lesson funnel."""
    course_days: dict[tuple[int, date], dict] = {}
    provider_days: dict[tuple[int, date], dict] = {}
    funnel: Counter[tuple[int, int]] = Counter()
    day_of: dict[int, date] = {}
    last = 0
    for row in rows:
        last = row.id
        kind = str(row.kind)
        # Events of one hour share their local day: one conversion per hour.
        hour = int(row.created_at.timestamp()) // 3600
        day = day_of.get(hour)
        if day is None:
            day = day_of[hour] = row.created_at.astimezone(zone).date()
        if kind == EventKind.PROGRESS.value:
            if row.lesson_id is not None:
                funnel[(row.course_id, row.lesson_id)] += 1
            continue
        column = _KIND_COLUMN.get(kind)
        if column is None:
            continue
        area = str(row.area)
        course = course_days.setdefault(
            (row.course_id, day),
            _zero(
                {
                    "course_id": row.course_id,
                    "day": day,
                    "provider_id": row.provider_id,
                    "area": area,
                }
            ),
        )
        provider = provider_days.setdefault(
            (row.provider_id, day), _zero({"provider_id": row.provider_id, "day": day})
        )
        course[column] += 1
        provider[column] += 1
        if column == "ratings":
            rating = int(row.value or 0)
            course["rating_sum"] += rating
            provider["rating_sum"] += rating
    _add_rows(session, CourseDay, ["course_id", "day"], list(course_days.values()), DAY_COUNTS)
    _add_rows(
        session, ProviderDay, ["provider_id", "day"], list(provider_days.values()), DAY_COUNTS
    )
    _add_rows(
        session,
        LessonFunnel,
        ["course_id", "lesson_id"],
        [{"course_id": c, "lesson_id": lesson, "finished": n} for (c, lesson), n in funnel.items()],
        ["finished"],
    )
    return last


def add_search_visit_counts(
    session: Session, course_id: int, provider_id: int, area: str, day: date, count: int = 1
) -> None:
    """Count search visits on a course's and its provider's day (caller commits)."""
    _add_rows(
        session,
        CourseDay,
        ["course_id", "day"],
        [
            _zero(
                {
                    "course_id": course_id,
                    "day": day,
                    "provider_id": provider_id,
                    "area": area,
                    "search_visits": count,
                }
            )
        ],
        ["search_visits"],
    )
    _add_rows(
        session,
        ProviderDay,
        ["provider_id", "day"],
        [_zero({"provider_id": provider_id, "day": day, "search_visits": count})],
        ["search_visits"],
    )


def is_poor(results: int, relaxed: str | None) -> bool:
    """The rule for a search that found nothing good (docs/partner-analytics.md)."""
    return results < POOR_RESULTS or bool(relaxed)


def count_searches(
    session: Session, *, zone: ZoneInfo, batch: int = BATCH, lag: timedelta = SAFETY_LAG
) -> int:
    """Add the logged searches after the watermark to the poor searches per day and text."""
    counted = 0
    cutoff = settled_before(session, lag)
    while True:
        mark = get_mark(session, SEARCH_MARK)
        rows = session.execute(
            select(
                SearchQuery.id,
                SearchQuery.text,
                SearchQuery.results,
                SearchQuery.relaxed,
                SearchQuery.created_at,
            )
            .where(SearchQuery.id > mark)
            .order_by(SearchQuery.id)
            .limit(batch)
        ).all()
        rows = settled(rows, cutoff)
        if not rows:
            break
        poor: dict[tuple[date, str], dict] = {}
        for row in rows:
            text = (row.text or "").strip()
            if not text or not is_poor(row.results, row.relaxed):
                continue
            day = row.created_at.astimezone(zone).date()
            entry = poor.setdefault(
                (day, text), {"day": day, "text": text, "searches": 0, "zero_results": 0}
            )
            entry["searches"] += 1
            entry["zero_results"] += int(row.results == 0)
        _add_rows(
            session, PoorSearch, ["day", "text"], list(poor.values()), ["searches", "zero_results"]
        )
        set_mark(session, SEARCH_MARK, rows[-1].id)
        session.commit()
        counted += len(rows)
        if len(rows) < batch:
            break
    return counted


def recount_learning_time(session: Session, since: date) -> int:
    """Set the course and provider days' learning time from learning_days for days >= since
    (absolute values, so running it again changes nothing); returns the course days set."""
    rows = session.execute(
        select(
            LearningDay.course_id,
            LearningDay.day,
            func.sum(LearningDay.seconds),
            Course.provider_id,
            Course.area,
        )
        .join(Course, Course.id == LearningDay.course_id)
        .where(LearningDay.day >= since)
        .group_by(LearningDay.course_id, LearningDay.day, Course.provider_id, Course.area)
    ).all()
    per_provider: Counter[tuple[int, date]] = Counter()
    course_rows = []
    for course_id, day, seconds, provider_id, area in rows:
        per_provider[(provider_id, day)] += int(seconds or 0)
        course_rows.append(
            _zero(
                {
                    "course_id": course_id,
                    "day": day,
                    "provider_id": provider_id,
                    "area": str(area),
                    "learning_seconds": int(seconds or 0),
                }
            )
        )
    provider_rows = [
        _zero({"provider_id": p, "day": d, "learning_seconds": s})
        for (p, d), s in per_provider.items()
    ]
    for model, keys, payload in (
        (CourseDay, ["course_id", "day"], course_rows),
        (ProviderDay, ["provider_id", "day"], provider_rows),
    ):
        if payload:
            statement = dialect_insert(session)(model)
            statement = statement.on_conflict_do_update(
                index_elements=keys,
                set_={"learning_seconds": statement.excluded.learning_seconds},
            )
            session.execute(statement, payload)
    return len(course_rows)


def _period_select(since: date, until: date, period: int):
    """Per-course totals of the course days in [since, until] as CoursePeriod rows."""
    return (
        select(
            CourseDay.course_id,
            literal(period, Integer),
            func.min(CourseDay.provider_id),
            func.min(CourseDay.area),
            func.sum(CourseDay.views),
            func.sum(CourseDay.starts),
            func.sum(CourseDay.completions),
            func.sum(CourseDay.likes - CourseDay.unlikes),
            func.sum(CourseDay.saves - CourseDay.unsaves),
            func.sum(CourseDay.ratings),
            func.sum(CourseDay.rating_sum),
            func.sum(CourseDay.search_visits),
            func.sum(CourseDay.learning_seconds),
        )
        .where(CourseDay.day >= since, CourseDay.day <= until)
        .group_by(CourseDay.course_id)
    )


PERIOD_COLUMNS = [
    "course_id",
    "period_days",
    "provider_id",
    "area",
    "views",
    "starts",
    "completions",
    "likes",
    "saves",
    "ratings",
    "rating_sum",
    "search_visits",
    "learning_seconds",
]


def period_bounds(today: date, period: int) -> tuple[date, date]:
    """The last `period` full days before `today`."""
    return today - timedelta(days=period), today - timedelta(days=1)


def metric_values(row) -> dict[str, float]:
    """The figures the area median compares, from a CoursePeriod row."""
    return {
        "views": float(row.views),
        "starts": float(row.starts),
        "completion_rate": (row.completions / row.starts) if row.starts else 0.0,
        "learning_minutes": row.learning_seconds / 60.0,
        "likes": float(row.likes),
        "saves": float(row.saves),
    }


def area_medians(rows: Iterable) -> list[dict]:
    """The median of each figure over the courses of each area (rows: CoursePeriod-like)."""
    values: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in rows:
        for metric, value in metric_values(row).items():
            if metric == "completion_rate" and not row.starts:
                continue  # no starts: no rate to compare
            values[(str(row.area), metric)].append(value)
    return [
        {"area": area, "metric": metric, "median": float(statistics.median(v)), "courses": len(v)}
        for (area, metric), v in values.items()
    ]


@contextmanager
def _refresh_cache(session: Session) -> Iterator[None]:
    """On SQLite, a page cache of REFRESH_CACHE_KIB on every connection the block checks out
    (the refresh commits as it goes, so its connection may change), the usual one again when
    each goes back to the pool."""
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        yield
        return
    session.commit()  # the next statement checks a connection out, with the larger cache

    def enlarge(dbapi_connection, _record, _proxy) -> None:
        dbapi_connection.execute(f"PRAGMA cache_size = -{REFRESH_CACHE_KIB}")

    def restore(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA cache_size = {SQLITE_DEFAULT_CACHE}")

    event.listen(engine, "checkout", enlarge)
    event.listen(engine, "checkin", restore)
    try:
        yield
        session.commit()  # the last connection goes back (restored) before the hooks go
    except BaseException:
        session.rollback()
        raise
    finally:
        event.remove(engine, "checkout", enlarge)
        event.remove(engine, "checkin", restore)


def refresh_periods(session: Session, today: date) -> dict[str, int]:
    """Recompute the period totals, the area medians, the poor searches, the providers' terms
    and subjects for the periods ending yesterday, in short transactions (each part read before
    its write begins); the caller commits the last (the periods' mark)."""
    with _refresh_cache(session):
        return _refresh_periods(session, today)


def _write_turn(session: Session) -> None:
    """Begin a write of the refresh: end what the session holds, then take the periods' lock
    (PostgreSQL: a refresh by hand beside the worker's replaces each part in turn)."""
    session.commit()
    lock_mark(session, PERIODS_MARK, MARK_LOCKS)


def _refresh_periods(session: Session, today: date) -> dict[str, int]:
    figures: dict[str, int] = {}
    session.commit()  # nothing the caller holds stays locked while the refresh reads
    for period in PERIODS:
        figures[f"courses_{period}d"] = _refresh_period(session, period, today)
    medians = []
    for period in PERIODS:
        rows = session.execute(
            select(
                CoursePeriod.area,
                CoursePeriod.views,
                CoursePeriod.starts,
                CoursePeriod.completions,
                CoursePeriod.likes,
                CoursePeriod.saves,
                CoursePeriod.learning_seconds,
            ).where(CoursePeriod.period_days == period)
        ).all()
        medians += [{**m, "period_days": period} for m in area_medians(rows)]
    _write_turn(session)
    session.execute(delete(AreaMedian))
    if medians:
        session.execute(insert(AreaMedian), medians)
    # Each part's write ends before the next part reads (the reads take long at full scale).
    session.commit()
    figures["poor_searches"] = refresh_poor_searches(session, today)
    session.commit()
    figures["provider_terms"] = refresh_provider_terms(session, today)
    session.commit()
    figures["subjects"] = refresh_subjects(session)
    set_mark(session, PERIODS_MARK, today.toordinal())
    return figures


def _refresh_period(session: Session, period: int, today: date) -> int:
    """Replace one period's course totals, REFRESH_CHUNK course ids per transaction (a course's
    row is its old totals or its new ones, never missing); how many courses have figures."""
    since, until = period_bounds(today, period)
    bounds = [
        session.execute(select(func.min(model.course_id), func.max(model.course_id))).one()
        for model in (CourseDay, CoursePeriod)
    ]
    lows = [low for low, _high in bounds if low is not None]
    if not lows:
        return 0
    high = max(high for _low, high in bounds if high is not None)
    written = 0
    for start in range(min(lows), high + 1, REFRESH_CHUNK):
        end = start + REFRESH_CHUNK
        rows = session.execute(
            _period_select(since, until, period).where(
                CourseDay.course_id >= start, CourseDay.course_id < end
            )
        ).all()
        _write_turn(session)
        session.execute(
            delete(CoursePeriod).where(
                CoursePeriod.period_days == period,
                CoursePeriod.course_id >= start,
                CoursePeriod.course_id < end,
            )
        )
        if rows:
            values = [dict(zip(PERIOD_COLUMNS, r, strict=True)) for r in rows]
            session.execute(insert(CoursePeriod), values)
        session.commit()
        written += len(rows)
    return written


def refresh_poor_searches(session: Session, today: date) -> int:
    """Keep each period's POOR_CANDIDATES most frequent poor searches (full days): read, then
    replaced in one short transaction."""
    found = []
    for period in PERIODS:
        since, until = period_bounds(today, period)
        searches = func.sum(PoorSearch.searches)
        rows = session.execute(
            select(PoorSearch.text, searches, func.sum(PoorSearch.zero_results))
            .where(PoorSearch.day >= since, PoorSearch.day <= until)
            .group_by(PoorSearch.text)
            .order_by(searches.desc(), PoorSearch.text)
            .limit(POOR_CANDIDATES)
        ).all()
        found += [
            {"period_days": period, "text": t, "searches": int(n), "zero_results": int(z)}
            for t, n, z in rows
        ]
    _write_turn(session)
    session.execute(delete(PoorSearchPeriod))
    if found:
        session.execute(insert(PoorSearchPeriod), found)
    return len(found)


def refresh_provider_terms(session: Session, today: date) -> int:
    """Keep each provider's TOP_TERMS searches that led visits to its courses, per period
    (ranked in the database: at full scale a period has millions of (provider, search) pairs;
    read, then replaced in one short transaction)."""
    kept: list[dict] = []
    for period in PERIODS:
        since, until = period_bounds(today, period)
        visits = func.sum(SearchVisit.visits)
        ranked = (
            select(
                SearchVisit.provider_id.label("provider_id"),
                SearchQuery.text.label("text"),
                visits.label("visits"),
                func.row_number()
                .over(
                    partition_by=SearchVisit.provider_id,
                    order_by=(visits.desc(), SearchQuery.text),
                )
                .label("rank"),
            )
            .join(SearchQuery, SearchQuery.id == SearchVisit.search_query_id)
            .where(SearchVisit.day >= since, SearchVisit.day <= until)
            .group_by(SearchVisit.provider_id, SearchQuery.text)
            .subquery()
        )
        kept += [
            {"provider_id": p, "period_days": period, "text": t, "visits": int(v)}
            for p, t, v in session.execute(
                select(ranked.c.provider_id, ranked.c.text, ranked.c.visits).where(
                    ranked.c.rank <= TOP_TERMS
                )
            )
        ]
    _write_turn(session)
    session.execute(delete(ProviderTerm))
    for start in range(0, len(kept), 10_000):
        session.execute(insert(ProviderTerm), kept[start : start + 10_000])
    return len(kept)


def refresh_subjects(session: Session, per_provider: int = 200) -> int:
    """The most common subjects of each provider's published courses (top `per_provider`)."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    result = session.execute(
        select(Course.provider_id, Course.subjects)
        .where(Course.status == CourseStatus.PUBLISHED)
        .execution_options(yield_per=10_000)
    )
    for provider_id, subjects in result:
        for subject in subjects or []:
            text = " ".join(str(subject).lower().split())[:100]
            if len(text) >= 2:
                counts[provider_id][text] += 1
    _write_turn(session)
    session.execute(delete(ProviderSubject))
    rows = [
        {"provider_id": p, "subject": s, "courses": n}
        for p, counter in counts.items()
        for s, n in counter.most_common(per_provider)
    ]
    for start in range(0, len(rows), 10_000):
        session.execute(insert(ProviderSubject), rows[start : start + 10_000])
    return len(rows)


@dataclass(frozen=True)
class RunFigures:
    """What one run of the job did."""

    events: int
    searches: int
    learning_days: int | None
    periods: dict[str, int] | None

    def as_dict(self) -> dict:
        """The figures the job run records."""
        return {
            "events": self.events,
            "searches": self.searches,
            "learning_days": self.learning_days,
            "periods": self.periods,
        }


def run(
    session: Session,
    *,
    zone: ZoneInfo | None = None,
    now: datetime | None = None,
    max_events: int | None = None,
    lag: timedelta = SAFETY_LAG,
    force: bool = False,
) -> RunFigures:
    """One run of the course-analytics job: events, searches, recent learning time, and the
    periods once a day (or when forced)."""
    zone = zone or ZoneInfo(SITE_ZONE)
    now = now or utcnow()
    today = now.astimezone(zone).date()
    events = count_events(session, zone=zone, max_events=max_events, lag=lag)
    searches = count_searches(session, zone=zone, lag=lag)
    learning = None
    if force or time.time() - get_mark(session, LEARNING_MARK) >= LEARNING_TIME_EVERY:
        learning = recount_learning_time(session, today - timedelta(days=LEARNING_TIME_DAYS - 1))
        set_mark(session, LEARNING_MARK, int(time.time()))
        session.commit()
    periods = None
    if force or get_mark(session, PERIODS_MARK) != today.toordinal():
        periods = refresh_periods(session, today)
        session.commit()
    return RunFigures(events, searches, learning, periods)


def rebuild(
    session: Session, *, zone: ZoneInfo | None = None, lag: timedelta = SAFETY_LAG
) -> RunFigures:
    """Empty the rollups and count everything again from the events, the search log, the
    learning days and the recorded search visits (after a change of the rules)."""
    for model in (CourseDay, ProviderDay, LessonFunnel, PoorSearch, AnalyticsMark):
        session.execute(delete(model))
    visits = session.execute(
        select(
            SearchVisit.course_id,
            SearchVisit.day,
            SearchVisit.provider_id,
            Course.area,
            func.sum(SearchVisit.visits),
        )
        .join(Course, Course.id == SearchVisit.course_id)
        .group_by(SearchVisit.course_id, SearchVisit.day, SearchVisit.provider_id, Course.area)
    ).all()
    for course_id, day, provider_id, area, count in visits:
        add_search_visit_counts(session, course_id, provider_id, str(area), day, int(count))
    recount_learning_time(session, date(1970, 1, 1))
    session.commit()
    return run(session, zone=zone, lag=lag, force=True)

"""The site's response times (issue 17): a cheap in-process histogram per web process, added to
the database about once a minute, and the cockpit's reads of the merged histograms.

Times fall into fixed log-spaced buckets: bucket 0 is "at most 1 ms", bucket i (1 … 36) is
"more than BOUNDS_MS[i-1], at most BOUNDS_MS[i]" with BOUNDS_MS[i] = 10^(i/8) ms (8 buckets a
decade, each about 1.33 times as wide as the one before, up to 31.6 s), bucket 37 "more than
31.6 s". Percentiles read from them are interpolated inside their bucket on a log scale, so a
reported percentile is within one bucket (±33 %) of the true one.

Counts are kept per (UTC hour, Flask endpoint, status class, bucket): endpoint names, not URLs,
so the number of rows is bounded by the routes. A flush adds each process's counts to the rows
(insert or increment, in one transaction), so flushes of many processes add up; counts that
could not be written stay in memory for the next flush. Each flush also deletes rows older than
KEEP_DAYS (at most once an hour per process): the table stays at about 90 days of hours.
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from insight.models.response_times import ResponseTimeCount

log = logging.getLogger(__name__)

PER_DECADE = 8
BOUNDS_MS: tuple[float, ...] = tuple(10 ** (i / PER_DECADE) for i in range(37))  # 1 ms … 31.6 s
BUCKETS = len(BOUNDS_MS) + 1  # the last one: slower than the last bound
BUCKET_GROWTH = 10 ** (1 / PER_DECADE)
KEEP_DAYS = 90
NO_ENDPOINT = "(none)"  # no route matched (most 404s, 405s)
ENDPOINT_CHARS = 120


def bucket_of(ms: float) -> int:
    """The bucket of a time in milliseconds."""
    return bisect.bisect_left(BOUNDS_MS, ms)


def bucket_range(bucket: int) -> tuple[float, float]:
    """(lower, upper) bound of a bucket in milliseconds (the last one's upper is its lower ×
    one bucket's growth: it is open-ended)."""
    lower = BOUNDS_MS[bucket - 1] if bucket > 0 else 0.0
    upper = BOUNDS_MS[bucket] if bucket < len(BOUNDS_MS) else lower * BUCKET_GROWTH
    return lower, upper


def percentile(counts: Mapping[int, int] | list[int], q: float) -> float | None:
    """The q-th percentile (0 < q ≤ 100) in milliseconds of a histogram ({bucket: count} or a
    list by bucket), interpolated inside its bucket on a log scale; None when it is empty."""
    items = sorted(counts.items()) if isinstance(counts, Mapping) else list(enumerate(counts))
    total = sum(n for _, n in items)
    if total <= 0:
        return None
    rank = q / 100 * total  # the rank-th smallest time, ranks counted from 1
    seen = 0
    for bucket, n in items:
        if n <= 0:
            continue
        if seen + n >= rank:
            lower, upper = bucket_range(bucket)
            share = (rank - seen) / n
            if lower <= 0:  # the first bucket: linear from 0
                return upper * share
            return lower * (upper / lower) ** share
        seen += n
    return bucket_range(items[-1][0])[1]  # pragma: no cover (rounding at q = 100)


def status_class(status: int) -> int:
    """2 for 2xx … 5 for 5xx (1xx counts as 2, anything past 599 as 5)."""
    return min(max(status // 100, 2), 5)


Key = tuple[int, str, int]  # (UTC hour, endpoint, status class)


class Recorder:
    """One process's histogram of response times since its last flush; thread-safe. `record`
    takes a lock only to add 1 to a list; `flush` swaps the histogram out and writes it."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._counts: dict[Key, list[int]] = {}
        self._clock = clock
        self._pruned_hour = -1

    def record(self, endpoint: str | None, status: int, seconds: float) -> None:
        """Count one request that took `seconds` and answered `status`."""
        bucket = bisect.bisect_left(BOUNDS_MS, seconds * 1000.0)
        key = (
            int(self._clock() // 3600),
            (endpoint or NO_ENDPOINT)[:ENDPOINT_CHARS],
            status_class(status),
        )
        with self._lock:
            counts = self._counts.get(key)
            if counts is None:
                counts = self._counts[key] = [0] * BUCKETS
            counts[bucket] += 1

    def pending(self) -> int:
        """How many requests are counted in memory and not yet written."""
        with self._lock:
            return sum(sum(c) for c in self._counts.values())

    def _take(self) -> dict[Key, list[int]]:
        with self._lock:
            taken, self._counts = self._counts, {}
        return taken

    def _put_back(self, taken: dict[Key, list[int]]) -> None:
        with self._lock:
            for key, counts in taken.items():
                mine = self._counts.setdefault(key, [0] * BUCKETS)
                for i, n in enumerate(counts):
                    mine[i] += n

    def flush(self, sessions: sessionmaker[Session]) -> int:
        """Add the counts since the last flush to the table (one transaction) and, once an
        hour, delete rows older than KEEP_DAYS; returns how many requests were written. On a
        database error the counts go back into memory for the next flush and it re-raises."""
        taken = self._take()
        rows = [
            {"hour": h, "endpoint": e, "status_class": s, "bucket": b, "count": n}
            for (h, e, s), counts in taken.items()
            for b, n in enumerate(counts)
            if n
        ]
        hour = int(self._clock() // 3600)
        prune = hour != self._pruned_hour
        if not rows and not prune:
            return 0
        try:
            with sessions.begin() as session:
                if rows:
                    add_counts(session, rows)
                if prune:
                    session.execute(
                        delete(ResponseTimeCount).where(
                            ResponseTimeCount.hour < hour - KEEP_DAYS * 24
                        )
                    )
        except BaseException:
            self._put_back(taken)
            raise
        if prune:
            self._pruned_hour = hour
        return sum(r["count"] for r in rows)


def add_counts(session: Session, rows: list[dict]) -> None:
    """Insert count rows, or add them to the rows with the same key (both databases)."""
    table = ResponseTimeCount.__table__
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["hour", "endpoint", "status_class", "bucket"],
        set_={"count": table.c["count"] + stmt.excluded["count"]},
    )
    # Sorted by key: two processes flushing at once lock the rows in the same order.
    rows = sorted(rows, key=lambda r: (r["hour"], r["endpoint"], r["status_class"], r["bucket"]))
    for start in range(0, len(rows), 2000):
        session.execute(stmt, rows[start : start + 2000])


class Flusher:
    """Flushes a recorder every `interval` seconds in a daemon thread, and once more on
    `stop()` (the web process calls it at exit). Errors are logged, never raised."""

    def __init__(
        self, recorder: Recorder, sessions: sessionmaker[Session], interval: float = 60.0
    ) -> None:
        self.recorder = recorder
        self.sessions = sessions
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def start(self) -> bool:
        """Start the thread; True the first time, later calls do nothing and return False."""
        with self._start_lock:
            if self._thread is not None:
                return False
            self._thread = threading.Thread(
                target=self._run, name="response-times-flush", daemon=True
            )
            self._thread.start()
            return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.flush_quietly()

    def flush_quietly(self) -> None:
        """Flush; a failure is logged and its counts are kept for the next flush."""
        try:
            self.recorder.flush(self.sessions)
        except Exception:
            log.exception("response times: flush failed; counts kept for the next one")

    def stop(self) -> None:
        """Stop the thread and flush what is left."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
        self.flush_quietly()


# -- the cockpit's reads ----------------------------------------------------------------


def _hour_of(moment: datetime) -> int:
    return int(moment.timestamp() // 3600)


def _local_day(hour: int, zone: tzinfo) -> date:
    return datetime.fromtimestamp(hour * 3600, UTC).astimezone(zone).date()


@dataclass(frozen=True)
class Times:
    """Requests of a day, an endpoint or a period: how many, how many 5xx (server errors, and
    requests that raised), and the p50/p95/p99 of their merged histogram in ms (None: none)."""

    label: str
    requests: int
    errors: int
    p50: float | None
    p95: float | None
    p99: float | None

    @classmethod
    def of(cls, label: str, hist: list[int], errors: int) -> Times:
        """The figures of one merged histogram."""
        return cls(
            label,
            sum(hist),
            errors,
            percentile(hist, 50),
            percentile(hist, 95),
            percentile(hist, 99),
        )


@dataclass(frozen=True)
class TimesOverview:
    """The cockpit's response times: each local day of a period, the period as a whole, and
    the slowest endpoints by p95 over the last `slowest_days` days."""

    days: list[tuple[date, Times]]
    period: Times
    slowest: list[Times]
    slowest_days: int
    min_requests: int


def _span(start: date, end: date, zone: tzinfo) -> tuple[int, int]:
    first = datetime.combine(start, datetime.min.time(), zone)
    after = datetime.combine(end + timedelta(days=1), datetime.min.time(), zone)
    return _hour_of(first), _hour_of(after)


def daily_times(
    session: Session, start: date, end: date, zone: tzinfo
) -> tuple[list[tuple[date, Times]], Times]:
    """Every local day (of `zone`) from start to end, and the whole period: requests, 5xx and
    percentiles of the merged histograms of all endpoints and processes (one grouped read of
    the period's hours)."""
    first, after = _span(start, end, zone)
    c = ResponseTimeCount
    rows = session.execute(
        select(c.hour, c.status_class, c.bucket, func.sum(c.count))
        .where(c.hour >= first, c.hour < after)
        .group_by(c.hour, c.status_class, c.bucket)
    )
    hists: dict[date, list[int]] = {}
    errors: dict[date, int] = {}
    for hour, status, bucket, n in rows:
        day = _local_day(hour, zone)
        hists.setdefault(day, [0] * BUCKETS)[bucket] += int(n)
        if status == 5:
            errors[day] = errors.get(day, 0) + int(n)
    whole = [0] * BUCKETS
    for hist in hists.values():
        for i, n in enumerate(hist):
            whole[i] += n
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    per_day = [
        (day, Times.of(day.isoformat(), hists.get(day, [0] * BUCKETS), errors.get(day, 0)))
        for day in days
    ]
    return per_day, Times.of("", whole, sum(errors.values()))


def slowest_endpoints(
    session: Session, now: datetime, days: int = 7, limit: int = 10, min_requests: int = 1
) -> list[Times]:
    """The endpoints with the highest p95 over the `days` × 24 hours to `now` (those with at
    least `min_requests` requests), slowest first; each labelled with its endpoint name."""
    c = ResponseTimeCount
    first = _hour_of(now) - days * 24 + 1
    rows = session.execute(
        select(c.endpoint, c.status_class, c.bucket, func.sum(c.count))
        .where(c.hour >= first)
        .group_by(c.endpoint, c.status_class, c.bucket)
    )
    hists: dict[str, list[int]] = {}
    errors: dict[str, int] = {}
    for endpoint, status, bucket, n in rows:
        hists.setdefault(endpoint, [0] * BUCKETS)[bucket] += int(n)
        if status == 5:
            errors[endpoint] = errors.get(endpoint, 0) + int(n)
    found = [
        Times.of(endpoint, hist, errors.get(endpoint, 0))
        for endpoint, hist in hists.items()
        if sum(hist) >= min_requests
    ]
    found.sort(key=lambda t: (-(t.p95 or 0), -t.requests, t.label))
    return found[:limit]


SLOWEST_DAYS = 7
SLOWEST_MIN_REQUESTS = 10


def overview(
    session: Session, start: date, end: date, zone: tzinfo, now: datetime
) -> TimesOverview:
    """The cockpit's response times for the local days start … end and the slowest endpoints
    (at least SLOWEST_MIN_REQUESTS requests) over the SLOWEST_DAYS days to `now`."""
    days, period = daily_times(session, start, end, zone)
    slowest = slowest_endpoints(
        session, now, SLOWEST_DAYS, limit=10, min_requests=SLOWEST_MIN_REQUESTS
    )
    return TimesOverview(days, period, slowest, SLOWEST_DAYS, SLOWEST_MIN_REQUESTS)

"""Response times (issue 17): the histogram's buckets and percentiles, requests through the app
counted per endpoint and status class, flushes of several processes adding up and never losing
counts, old hours pruned, the real multi-process server counting every request, and the cockpit
showing them; database tests on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Role
from catalogue.services.users import register_user
from insight import response_times as rt
from insight.models.response_times import ResponseTimeCount
from tests.helpers import login
from webapp.db import get_database
from webapp.response_times import flush, get_recorder

ZONE = ZoneInfo("Asia/Shanghai")
PASSWORD = "resp-times-password-1"


def _counts(session, **where) -> int:
    query = select(func.coalesce(func.sum(ResponseTimeCount.count), 0))
    for name, value in where.items():
        query = query.where(getattr(ResponseTimeCount, name) == value)
    session.expire_all()
    return int(session.scalar(query))


# -- the histogram's maths (no database) ------------------------------------------------


def test_buckets_are_log_spaced_from_1_ms_to_32_s():
    assert rt.BOUNDS_MS[0] == 1.0
    assert rt.BOUNDS_MS[-1] == pytest.approx(31_622.8, rel=1e-4)
    ratios = {round(b / a, 6) for a, b in zip(rt.BOUNDS_MS, rt.BOUNDS_MS[1:], strict=False)}
    assert ratios == {round(10 ** (1 / 8), 6)}
    assert rt.bucket_of(0) == 0
    assert rt.bucket_of(1.0) == 0  # "at most 1 ms"
    assert rt.bucket_of(1.01) == 1
    assert rt.bucket_of(10.0) == 8
    assert rt.bucket_of(10.01) == 9
    assert rt.bucket_of(10**6) == rt.BUCKETS - 1  # slower than 31.6 s: the open last bucket
    for ms in (0.2, 3, 47, 512, 9_000, 30_000):
        lower, upper = rt.bucket_range(rt.bucket_of(ms))
        assert lower < ms <= upper


def test_percentiles_of_a_histogram():
    assert rt.percentile([0] * rt.BUCKETS, 50) is None
    assert rt.percentile({}, 99) is None
    # 100 requests in the 10 ms bucket (7.5 … 10 ms): every percentile lies inside it.
    one = {rt.bucket_of(9): 100}
    for q in (1, 50, 95, 99, 100):
        assert 7.49 < rt.percentile(one, q) <= 10.0
    assert rt.percentile(one, 100) == pytest.approx(10.0)
    # 90 fast and 10 slow: p50 fast, p95 and p99 slow, in the right buckets.
    mixed = {rt.bucket_of(2): 90, rt.bucket_of(800): 10}
    assert rt.percentile(mixed, 50) <= 2.0 * 1.34
    assert 750 / 1.34 < rt.percentile(mixed, 95) <= 1000
    assert rt.percentile(mixed, 95) < rt.percentile(mixed, 99)
    # a list by bucket gives the same as the mapping
    as_list = [0] * rt.BUCKETS
    for bucket, n in mixed.items():
        as_list[bucket] = n
    assert rt.percentile(as_list, 95) == rt.percentile(mixed, 95)


def test_percentiles_are_within_one_bucket_of_the_exact_ones():
    rng = random.Random(17)
    times = [rng.lognormvariate(3.5, 1.2) for _ in range(20_000)]  # ms, median ~33 ms
    hist = [0] * rt.BUCKETS
    for ms in times:
        hist[rt.bucket_of(ms)] += 1
    ordered = sorted(times)
    for q in (50, 90, 95, 99):
        exact = ordered[int(q / 100 * len(ordered)) - 1]
        estimate = rt.percentile(hist, q)
        assert exact / rt.BUCKET_GROWTH <= estimate <= exact * rt.BUCKET_GROWTH, q


def test_status_classes():
    assert [rt.status_class(s) for s in (101, 200, 204, 302, 404, 429, 500, 503, 999)] == [
        2, 2, 2, 3, 4, 4, 5, 5, 5,
    ]  # fmt: skip


def test_recording_from_many_threads_loses_nothing():
    recorder = rt.Recorder()
    threads, each = 8, 5_000

    def hammer(n: int) -> None:
        for i in range(each):
            recorder.record(f"view.{n % 3}", 200 if i % 10 else 500, (i % 50) / 1000)

    workers = [threading.Thread(target=hammer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert recorder.pending() == threads * each


# -- flushing into the database ------------------------------------------------------------


def test_flushes_of_two_processes_add_up(engine):
    sessions = make_session_factory(engine)
    now = time.time()
    first, second = rt.Recorder(clock=lambda: now), rt.Recorder(clock=lambda: now)
    for _ in range(30):
        first.record("search.results", 200, 0.012)
    for _ in range(12):
        second.record("search.results", 200, 0.012)  # the same row as the first's
    second.record("search.results", 500, 2.5)
    second.record(None, 404, 0.0004)
    assert first.flush(sessions) == 30
    assert second.flush(sessions) == 14
    assert first.flush(sessions) == 0  # nothing new: nothing written twice
    with sessions() as session:
        assert _counts(session, endpoint="search.results") == 43
        assert _counts(session, endpoint="search.results", status_class=5) == 1
        assert _counts(session, endpoint=rt.NO_ENDPOINT, status_class=4) == 1
        row = session.scalar(
            select(ResponseTimeCount).where(
                ResponseTimeCount.endpoint == "search.results",
                ResponseTimeCount.status_class == 2,
            )
        )
        assert (row.bucket, row.count) == (rt.bucket_of(12), 42)  # one row, incremented


def test_flushes_from_many_threads_at_once_add_up(engine):
    sessions = make_session_factory(engine)
    recorders = [rt.Recorder() for _ in range(4)]
    for n, recorder in enumerate(recorders):
        for i in range(250):
            recorder.record(f"view.{i % 5}", 200, (i + n) / 1000)
    with ThreadPoolExecutor(4) as pool:
        written = list(pool.map(lambda r: r.flush(sessions), recorders))
    assert written == [250] * 4
    with sessions() as session:
        assert _counts(session) == 1000


def test_a_failed_flush_keeps_its_counts_for_the_next(engine, tmp_path):
    broken = make_session_factory(make_engine(f"sqlite:///{tmp_path / 'missing' / 'x.db'}"))
    recorder = rt.Recorder()
    for _ in range(5):
        recorder.record("pages.index", 200, 0.02)
    with pytest.raises(sa.exc.OperationalError):
        recorder.flush(broken)
    recorder.record("pages.index", 200, 0.02)
    assert recorder.pending() == 6
    assert recorder.flush(make_session_factory(engine)) == 6
    with make_session_factory(engine)() as session:
        assert _counts(session, endpoint="pages.index") == 6


def test_flushes_prune_hours_older_than_90_days(engine):
    sessions = make_session_factory(engine)
    now = time.time()
    hour = int(now // 3600)
    with sessions.begin() as session:
        for age in (rt.KEEP_DAYS * 24 + 5, rt.KEEP_DAYS * 24 - 5):
            session.add(
                ResponseTimeCount(
                    hour=hour - age, endpoint="old.view", status_class=2, bucket=3, count=7
                )
            )
    recorder = rt.Recorder(clock=lambda: now)
    recorder.flush(sessions)  # nothing counted: it still prunes (once this hour)
    with sessions() as session:
        kept = session.scalars(select(ResponseTimeCount.hour)).all()
    assert kept == [hour - (rt.KEEP_DAYS * 24 - 5)]


def test_percentiles_by_day_and_slowest_endpoints(engine):
    sessions = make_session_factory(engine)
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    today = now.astimezone(ZONE).date()
    clock = {"t": now.timestamp()}
    recorder = rt.Recorder(clock=lambda: clock["t"])
    for _ in range(100):
        recorder.record("search.results", 200, 0.050)
    for _ in range(20):
        recorder.record("search.results", 500, 3.0)
    for _ in range(50):
        recorder.record("pages.index", 200, 0.004)
    clock["t"] = (now - timedelta(days=1)).timestamp()  # yesterday
    for _ in range(10):
        recorder.record("pages.index", 200, 0.004)
    clock["t"] = (now - timedelta(days=20)).timestamp()  # outside the 7 days
    for _ in range(10):
        recorder.record("cockpit.overview", 200, 9.0)
    recorder.flush(sessions)
    with sessions() as session:
        days, period = rt.daily_times(session, today - timedelta(days=6), today, ZONE)
        slowest = rt.slowest_endpoints(session, now, days=7, min_requests=10)
    assert [d for d, _t in days][-1] == today and len(days) == 7
    last = days[-1][1]
    assert (last.requests, last.errors) == (170, 20)
    assert 3.16 < last.p50 <= 50 and last.p99 > 2000
    assert days[-2][1].requests == 10 and days[-2][1].errors == 0
    assert days[0][1].requests == 0 and days[0][1].p95 is None
    assert (period.requests, period.errors) == (180, 20)
    assert [e.label for e in slowest] == ["search.results", "pages.index"]
    assert slowest[0].requests == 120 and slowest[0].errors == 20
    assert 2370 < slowest[0].p95 <= 3163


# -- through the app -----------------------------------------------------------------------


def _get(client, path: str):
    """GET and close the answer, as a server does once the body is sent (it counts then)."""
    answer = client.get(path)
    answer.get_data()
    answer.close()
    return answer


def test_requests_through_the_app_are_counted_per_endpoint(app, client, session):
    for _ in range(7):
        assert _get(client, "/livez").status_code == 200
    assert _get(client, "/no-such-page-at-all").status_code == 404
    recorder = get_recorder(app)
    assert recorder.pending() == 8
    assert flush(app) == 8
    assert recorder.pending() == 0
    assert _counts(session, endpoint="health.livez", status_class=2) == 7
    assert _counts(session, endpoint=rt.NO_ENDPOINT, status_class=4) == 1
    assert _counts(session) == 8  # no raw URLs: nothing else was written


def _admin(session) -> str:
    register_user(session, "admin@times.example.cn", PASSWORD, "管理员", role=Role.ADMIN)
    session.commit()
    return "admin@times.example.cn"


def test_the_cockpit_shows_response_times(app, client, session):
    login(client, _admin(session), PASSWORD)
    for _ in range(12):
        assert _get(client, "/livez").status_code == 200
    flush(app)
    html = client.get("/admin/cockpit/?days=7").get_data(as_text=True)
    assert 'id="response-times-data"' in html and 'id="response-times-table"' in html
    assert 'id="requests-data"' in html and 'id="requests-table"' in html
    assert 'id="slowest-endpoints"' in html
    assert "<code>health.livez</code>" in html
    assert "access log" not in html and "访问日志" not in html  # the old caveat is gone
    # the page's own figures: at least the 12 requests and the logins
    with get_database(app).sessions() as s:
        assert _counts(s) >= 12
    html = client.get("/admin/cockpit/?days=7").get_data(as_text=True)
    assert 'id="slowest-endpoints"' in html


# -- the real server: several processes, many threads --------------------------------------

REQUESTS, CLIENTS = 400, 16


@pytest.mark.slow
def test_the_real_server_counts_every_request(fresh_database_url: str, tmp_path: Path):
    from bench.live_site import live_site as running_site
    from bench.live_site import site_env

    env = site_env(
        tmp_path / "instance",
        fresh_database_url,
        DEMO_COURSES="50",
        DEMO_LEARNERS="5",
        WEB_WORKERS="3",
        WEB_THREADS="4",
        RESPONSE_TIMES_FLUSH_SECONDS="1",
    )
    engine = make_engine(fresh_database_url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)

    def livez(_n: int) -> int:
        with urllib.request.urlopen(site.base + "/livez", timeout=60) as answer:
            return answer.status

    def counted() -> int:
        with sessions() as session:
            return _counts(session, endpoint="health.livez")

    try:
        with running_site(env, tmp_path / "server.log") as site:
            with ThreadPoolExecutor(CLIENTS) as pool:
                assert set(pool.map(livez, range(REQUESTS))) == {200}
            deadline = time.monotonic() + 60  # the processes flush every second
            while counted() < REQUESTS and time.monotonic() < deadline:
                time.sleep(0.5)
            assert counted() == REQUESTS, site.log_tail()
            with ThreadPoolExecutor(CLIENTS) as pool:  # then stop at once: the exit flush
                assert set(pool.map(livez, range(REQUESTS))) == {200}
        assert counted() == 2 * REQUESTS
        with sessions() as session:
            hours = session.scalars(select(ResponseTimeCount.hour).distinct()).all()
        assert hours and all(abs(h - time.time() // 3600) <= 1 for h in hours)
    finally:
        engine.dispose()

"""The site as `lifelong start` runs it: gunicorn web processes and a supervised jobs worker.

A killed worker comes back and the catalogue changes made meanwhile reach the index; a hung
worker is reported gone by `/healthz` until it beats again; SIGTERM lets the site stop without
cutting answers short, and records the worker's stop.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.live_site import LiveSite, live_site, site_env
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Provider, WorkerHeartbeat
from catalogue.services.courses import CourseData, create_course

pytestmark = pytest.mark.slow


def _health(site: LiveSite) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(site.base + "/healthz", timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def _until(site: LiveSite, condition, timeout: float, what: str) -> dict:
    deadline = time.monotonic() + timeout
    body: dict = {}
    while time.monotonic() < deadline:
        status, body = _health(site)
        if condition(status, body):
            return body
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout:g} s; last /healthz: {body}\n{site.log_tail()}")


@pytest.fixture
def site(fresh_database_url: str, tmp_path: Path):
    env = site_env(
        tmp_path / "instance",
        fresh_database_url,
        DEMO_COURSES="300",
        DEMO_LEARNERS="30",
        WEB_ACCESS_LOG="1",
    )
    with live_site(env, tmp_path / "server.log") as running:
        _until(running, lambda status, _b: status == 200, 120, "the site was not healthy")
        yield running


def _add_course(database_url: str, title: str) -> None:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            provider = session.scalar(sa.select(Provider.id).limit(1))
            data = CourseData(external_id=f"late-{time.time_ns()}", title=title, area="hobbies")
            create_course(session, provider, data, publish=True)
            session.commit()
    finally:
        engine.dispose()


def _search(site: LiveSite, words: str) -> list[str]:
    query = urllib.parse.urlencode({"q": words})
    with urllib.request.urlopen(f"{site.base}/api/v1/search?{query}", timeout=10) as answer:
        return [hit["title"] for hit in json.loads(answer.read())["hits"]]


def test_the_access_log_says_how_long_each_request_took(site):
    """With WEB_ACCESS_LOG set, each request's line ends with its duration in milliseconds."""
    with urllib.request.urlopen(site.base + "/search?q=access-log-probe", timeout=10) as answer:
        assert answer.status == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [ln for ln in site.log_tail().splitlines() if "access-log-probe" in ln]
        if lines:
            break
        time.sleep(0.2)
    assert lines, site.log_tail()
    assert re.search(r'"GET /search\?q=access-log-probe HTTP/1\.1" 200 .* \d+ms$', lines[0])


def test_a_killed_worker_comes_back_and_the_changes_made_meanwhile_are_indexed(site):
    _status, body = _health(site)
    first = body["worker"]["pid"]
    os.kill(first, signal.SIGKILL)
    title = "葫芦丝零基础速成班"
    _add_course(site.database_url, title)  # a change while no worker can index it
    back = _until(
        site,
        lambda status, b: (
            status == 200 and b["worker"]["pid"] != first and b["index"]["pending_changes"] == 0
        ),
        90,
        "the worker did not come back and drain the backlog",
    )
    assert back["worker"]["alive"] is True
    assert title in _search(site, "葫芦丝")
    log = site.log_tail(20_000)
    assert "Jobs worker (pid" in log and "restarting it in" in log


def test_a_hung_worker_is_reported_gone_until_it_beats_again(site):
    _status, body = _health(site)
    worker = body["worker"]["pid"]
    os.kill(worker, signal.SIGSTOP)  # alive to the supervisor, silent to everyone else
    try:
        gone = _until(site, lambda status, _b: status == 503, 60, "a silent worker was not gone")
        assert gone["code"] == "WORKER_GONE" and gone["worker"]["alive"] is False
        assert "no heartbeat for" in gone["worker"]["reason"]
    finally:
        os.kill(worker, signal.SIGCONT)
    again = _until(site, lambda status, _b: status == 200, 30, "the worker's beat was not seen")
    assert again["worker"]["pid"] == worker


def test_sigterm_lets_the_requests_in_flight_finish_then_stops(site):
    """The requests a web process is working on when the site is told to stop are answered;
    then the port closes, and the worker records that it stopped."""
    answers: list[tuple[object, float]] = []

    def visit() -> None:
        try:
            with urllib.request.urlopen(site.base + "/", timeout=60) as answer:
                answer.read()
                answers.append((answer.status, time.monotonic()))
        except urllib.error.HTTPError as failed:
            answers.append((failed.code, time.monotonic()))
        except (urllib.error.URLError, ConnectionError, OSError) as lost:
            answers.append((repr(lost), time.monotonic()))

    # More requests than the two processes' sixteen threads: some are still being answered
    # when the stop comes (the search index is read before serving, so pages are quick).
    threads = [threading.Thread(target=visit) for _ in range(32)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    told = time.monotonic()
    site.process.send_signal(signal.SIGTERM)  # the supervisor only, as an init system does
    for thread in threads:
        thread.join(90)
    try:
        site.process.wait(90)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the site did not stop in 90 s:\n{site.log_tail()}")
    took = time.monotonic() - told
    assert [status for status, _at in answers] == [200] * 32, answers
    assert any(at > told for _status, at in answers), "no request was in flight at the stop"
    assert took < 60, took
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(site.base + "/", timeout=5)
    engine = make_engine(site.database_url)
    try:
        with engine.connect() as conn:
            stopped = conn.scalar(
                sa.select(WorkerHeartbeat.stopped_at).order_by(WorkerHeartbeat.id.desc()).limit(1)
            )
    finally:
        engine.dispose()
    assert stopped is not None, "the worker did not record its stop"


def test_a_standby_worker_takes_over_from_a_killed_active_one(fresh_database_url, tmp_path):
    """Two `lifelong worker` processes for one database (on two hosts, with PostgreSQL): one
    is active and beats; the other stands by. Kill the active one: the standby beats next."""

    env = site_env(tmp_path / "instance", fresh_database_url)
    engine = make_engine(fresh_database_url)
    upgrade_database(engine)

    def beating() -> list[int]:
        with make_session_factory(engine)() as session:
            rows = session.execute(
                sa.select(WorkerHeartbeat.pid, WorkerHeartbeat.beat_at, WorkerHeartbeat.stopped_at)
            ).all()
        now = time.time()
        return [
            pid
            for pid, beat_at, stopped in rows
            if stopped is None and now - beat_at.timestamp() < 10
        ]

    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    workers = []
    try:
        for log in logs:
            with log.open("w") as out:
                workers.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "webapp", "worker"],
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
            time.sleep(3)  # the first takes the lock before the second starts
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not beating():
            time.sleep(0.5)
        active = beating()
        assert active == [workers[0].pid], (active, logs[0].read_text()[-2000:])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "Standing by" not in logs[1].read_text():
            time.sleep(0.5)
        assert "Standing by" in logs[1].read_text(), logs[1].read_text()[-2000:]
        workers[0].kill()
        workers[0].wait(10)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and workers[1].pid not in beating():
            time.sleep(0.5)
        assert workers[1].pid in beating(), logs[1].read_text()[-2000:]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(60)
        engine.dispose()

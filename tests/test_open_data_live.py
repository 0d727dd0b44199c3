"""The open data API on the real server (`lifelong start`: gunicorn, 2 processes × 8 threads;
SQLite and PostgreSQL) with several institutions' clients calling at once: nothing answers
5xx, each client's daily quota and per-minute limit hold exactly across the processes, and the
audit log has a row for every call."""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.live_site import LiveSite, site_env
from bench.live_site import live_site as running_site
from catalogue.db import make_engine, make_session_factory

pytestmark = pytest.mark.slow

THREADS, CALLS = 6, 15  # per client: 90 calls
QUOTA = 40  # calls a day of the quota-bound clients (the token call is one of them)
RATE = 25  # calls a minute of the rate-bound client
PATHS = (
    "/api/v1/open/catalogue/changes?limit=20",
    "/api/v1/open/statistics",
    "/api/v1/open/statistics/learners-active",
)


@pytest.fixture
def site(fresh_database_url: str, tmp_path: Path) -> Iterator[LiveSite]:
    """The demo site (small) with the open data API."""
    env = site_env(
        tmp_path / "instance", fresh_database_url, DEMO_COURSES="200", DEMO_LEARNERS="20"
    )
    with running_site(env, tmp_path / "server.log") as live:
        yield live


def _client(database_url: str, name: str, rate: int, quota: int) -> tuple[int, str, str]:
    from insight.open_data.clients import ClientData, register_client

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine).begin() as session:
            scopes = ["catalogue:read", "statistics:read"]
            issued = register_client(session, ClientData(name, scopes, rate, quota), None)
            return issued.client.id, issued.client.client_id, issued.secret
    finally:
        engine.dispose()


def _call(url: str, headers: dict, data: bytes | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            return exc.code, json.loads(body or b"{}")
        except ValueError:
            return exc.code, {"raw": body[:200].decode(errors="replace")}


def _token(site: LiveSite, client_id: str, secret: str) -> str:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    status, body = _call(
        site.base + "/api/v1/open/oauth/token",
        {"Authorization": f"Basic {raw}", "Content-Type": "application/x-www-form-urlencoded"},
        urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
    )
    assert status == 200, body
    return body["access_token"]


def test_several_clients_at_once_limits_hold_across_processes(site: LiveSite):
    clients = {
        "quota-a": _client(site.database_url, "甲大学", 10_000, QUOTA),
        "quota-b": _client(site.database_url, "乙学院", 10_000, QUOTA),
        "rate": _client(site.database_url, "丙中心", RATE, 1_000_000),
    }
    tokens = {name: _token(site, cid, secret) for name, (_pk, cid, secret) in clients.items()}
    statuses: dict[str, Counter] = {name: Counter() for name in clients}
    codes: dict[str, Counter] = {name: Counter() for name in clients}
    lock = threading.Lock()

    def hammer(name: str, offset: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[name]}"}
        for i in range(CALLS):
            status, body = _call(site.base + PATHS[(offset + i) % len(PATHS)], headers)
            with lock:
                statuses[name][status] += 1
                if status >= 400:
                    codes[name][body.get("error", {}).get("code")] += 1

    threads = [
        threading.Thread(target=hammer, args=(name, n)) for name in clients for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    total = THREADS * CALLS
    for name in clients:
        assert not [s for s in statuses[name] if s >= 500], (statuses, site.log_tail())
        assert sum(statuses[name].values()) == total
    # Quotas: exactly the quota (less the token call) answered, every other call refused.
    for name in ("quota-a", "quota-b"):
        assert statuses[name][200] == QUOTA - 1, statuses
        assert statuses[name][429] == total - (QUOTA - 1)
        assert set(codes[name]) == {"QUOTA_EXCEEDED"}
    # The minute's limit: never more than RATE calls in one window (the token call included).
    assert 0 < statuses["rate"][200] <= RATE - 1 + RATE, statuses
    assert statuses["rate"][429] > 0 and set(codes["rate"]) == {"RATE_LIMITED"}
    # Every call is in the audit log with its answer.
    engine = make_engine(site.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT client_pk, status FROM open_data_audit WHERE endpoint <> :t"),
                {"t": "/api/v1/open/oauth/token"},
            ).all()
    finally:
        engine.dispose()
    for name, (pk, _cid, _secret) in clients.items():
        logged = Counter(status for client_pk, status in rows if client_pk == pk)
        assert logged == statuses[name], (name, logged, statuses[name])

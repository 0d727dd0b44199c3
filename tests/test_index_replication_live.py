"""Two hosts for real: `lifelong start` twice on one machine, two instance folders, two ports.

Host A runs the web server and the jobs worker and publishes its index (INDEX_PUBLISH_DIR);
host B is read-only: its web server and an index follower (INDEX_FOLLOW), no worker. Both
share one PostgreSQL database and one Redis. A partner's upload through host A's API must be
searchable on host B within 10 seconds.

Then a read-only host whose follower is killed in the middle of a copy: a publication file is
a named pipe the test feeds by hand, so the copy stops halfway for as long as the test wants.
The host keeps serving the previous, whole index; the restarted follower discards the partial
copy and finishes.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.live_site import LiveSite, live_site, site_env
from bench.upload_contention import partner_token, send_upload
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Provider
from catalogue.services.courses import CourseData, create_course
from search import indexer
from search.replication import Publication
from search.store import IndexStore
from tests.ingest_helpers import csv_bytes
from tests.search_fixtures import SPECS, build_catalogue

pytestmark = pytest.mark.slow

WITHIN = 10.0  # seconds from the partner's upload to a search hit on the other host


def _get(site: LiveSite, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(site.base + path, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def _titles(site: LiveSite, words: str) -> list[str]:
    status, body = _get(site, "/api/v1/search?" + urllib.parse.urlencode({"q": words}))
    assert status == 200, body
    if body["relaxed"] == "popular":
        return []
    return [re.sub(r"</?mark>", "", hit["title"]) for hit in body["hits"]]


def _until(condition, timeout: float, what: str, site: LiveSite, poll: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"{what} within {timeout:g} s\n{site.log_tail()}")


def test_a_partner_change_on_host_a_is_searchable_on_host_b_within_10_s(
    fresh_database_url, tmp_path, redis_url
):
    if fresh_database_url.startswith("sqlite"):
        pytest.skip(
            "two hosts share one database server: a SQLite file belongs to one machine "
            "(the PostgreSQL run of this test is the real one)"
        )
    shared = tmp_path / "shared" / "index"  # the NFS mount of a real deployment
    common = {
        "DEMO_COURSES": "300",
        "DEMO_LEARNERS": "30",
        "REDIS_URL": redis_url,
        "RATE_LIMIT_PREFIX": f"two-hosts-{time.time_ns()}",
        "SECRET_KEY": "the-same-secret-on-every-web-host",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "4",
    }
    env_a = site_env(tmp_path / "host-a", fresh_database_url, INDEX_PUBLISH_DIR=shared, **common)
    env_b = site_env(tmp_path / "host-b", fresh_database_url, INDEX_FOLLOW=shared, **common)
    with live_site(env_a, tmp_path / "host-a.log") as host_a:
        _until(lambda: _get(host_a, "/healthz")[0] == 200, 120, "host A was not healthy", host_a)
        with live_site(env_b, tmp_path / "host-b.log") as host_b:
            _until(lambda: _get(host_b, "/healthz")[0] == 200, 60, "B was not healthy", host_b)
            _status, health = _get(host_b, "/healthz")
            replica = health["index"]["replica"]
            assert replica["local"] == replica["published"] and replica["seconds_behind"] == 0
            # B runs no worker of its own: the worker it reports is A's.
            assert health["worker"]["pid"] == _get(host_a, "/healthz")[1]["worker"]["pid"]
            log_b = host_b.log_tail(50_000)
            assert "Index follower started" in log_b and "Jobs worker started" not in log_b
            assert "Copied publication" in log_b  # its own copy, in its own instance folder

            engine = make_engine(fresh_database_url)
            try:
                token = partner_token(make_session_factory(engine), "远方合作大学")
            finally:
                engine.dispose()
            title = "葫芦丝零基础速成班"
            assert title not in _titles(host_b, "葫芦丝")
            feed = tmp_path / "feed.csv"
            feed.write_bytes(csv_bytes([["code", "title", "area"], ["hls-1", title, "hobbies"]]))

            sent = time.monotonic()
            send_upload(host_a.base, token, feed)  # the partner's feed reaches host A
            seen: dict[str, float] = {}

            def found_on_both() -> bool:
                for name, host in (("A", host_a), ("B", host_b)):
                    if name not in seen and title in _titles(host, "葫芦丝"):
                        seen[name] = time.monotonic() - sent
                return len(seen) == 2

            _until(found_on_both, 60, f"not found on both hosts ({seen})", host_b, 0.1)
            took = seen["B"]
            print(f"\nupload on host A -> searchable on A: {seen['A']:.2f} s, on B: {took:.2f} s")
            assert took <= WITHIN, f"{took:.1f} s from the upload on A to a hit on B"
            _status, health = _get(host_b, "/healthz")
            assert health["index"]["replica"]["local"] == health["index"]["replica"]["published"]


# -- a follower killed mid-copy -----------------------------------------------------------------


def _open_for_writing(fifo: Path, timeout: float = 30) -> int:
    """Open the named pipe for writing once a reader (the follower's copy) has it open."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: nobody reads it yet
            if time.monotonic() > deadline:
                raise AssertionError("the follower never began copying the file") from None
            time.sleep(0.05)
            continue
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        return fd


def _follower_pid(site: LiveSite) -> int:
    found = re.findall(r"Index follower started \(pid (\d+)\)", site.log_tail(50_000))
    assert found, site.log_tail()
    return int(found[-1])


def test_a_host_whose_follower_is_killed_mid_copy_never_serves_a_half_index(
    fresh_database_url, tmp_path
):
    engine = make_engine(fresh_database_url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    with sessions() as session:
        build_catalogue(session, tuple(s for s in SPECS if s.key in {"taiji_intro", "wechat"}))
    publication = Publication(tmp_path / "publication")
    writer = IndexStore(tmp_path / "writer", publish_to=publication.root)
    indexer.rebuild(sessions, writer)  # publication 1

    env = site_env(
        tmp_path / "replica",
        fresh_database_url,
        INDEX_FOLLOW=publication.root,
        WEB_WORKERS="1",
        WEB_THREADS="4",
    )
    fd = None
    try:
        with live_site(env, tmp_path / "replica.log") as host:
            assert "Copied publication 1" in host.log_tail()
            before = _titles(host, "太极拳")
            assert before and _titles(host, "葫芦丝") == []

            # Publication 2 is made in a staging folder and then put in place with its
            # largest new file as a named pipe: copying it stops where the test stops feeding.
            with sessions() as session:
                provider = session.scalar(sa.select(Provider.id).limit(1))
                create_course(
                    session,
                    provider,
                    CourseData(external_id="hls", title="葫芦丝零基础速成班", area="hobbies"),
                    publish=True,
                )
                session.commit()
            staging = Publication(tmp_path / "staging")
            shutil.copytree(publication.root, staging.root)
            writer.publish_to = staging.root
            indexer.sync_all(sessions, writer)
            manifest = staging.current()
            had = {entry.sha256 for entry in publication.current().files}
            new = [entry for entry in manifest.files if entry.sha256 not in had]
            slow = max(new, key=lambda entry: entry.size)
            for entry in new:
                if entry.sha256 != slow.sha256:
                    target = publication.object_path(entry.sha256)
                    target.write_bytes(staging.object_path(entry.sha256).read_bytes())
            content = staging.object_path(slow.sha256).read_bytes()
            fifo = publication.object_path(slow.sha256)
            os.mkfifo(fifo)
            publication.write_manifest(manifest)  # CURRENT: publication 2

            fd = _open_for_writing(fifo)
            half = len(content) // 2
            os.write(fd, content[:half])
            index_dir = tmp_path / "replica" / "index"

            def partial_file():
                found = list(index_dir.glob(f"incoming-*/{slow.name}"))
                return found[0] if found and found[0].stat().st_size == half else None

            partial = _until(partial_file, 30, "the copy did not get halfway", host, 0.1).parent
            live = (index_dir / "CURRENT").read_text()
            # Mid-copy: the host answers from publication 1, whole.
            assert _titles(host, "太极拳") == before and _titles(host, "葫芦丝") == []
            assert _get(host, "/healthz")[1]["index"]["replica"]["local"] == 1

            killed = _follower_pid(host)
            os.kill(killed, signal.SIGKILL)  # the host's follower dies mid-copy
            _until(
                lambda: f"Index follower (pid {killed}) exited" in host.log_tail(50_000),
                30,
                "the supervisor did not see the follower die",
                host,
                0.1,
            )
            os.close(fd)
            fd = None
            assert partial.is_dir() and (index_dir / "CURRENT").read_text() == live
            assert _titles(host, "太极拳") == before and _titles(host, "葫芦丝") == []

            # The supervisor restarts the follower: it discards the partial copy and starts
            # publication 2 again; this time the file comes whole.
            _until(lambda: _follower_pid(host) != killed, 30, "no follower restarted", host, 0.1)
            fd = _open_for_writing(fifo)
            assert not partial.exists(), "the restarted follower kept the partial copy"
            assert (index_dir / "CURRENT").read_text() == live
            os.write(fd, content)
            os.close(fd)
            fd = None
            _until(
                lambda: _titles(host, "葫芦丝") == ["葫芦丝零基础速成班"],
                30,
                "the restarted follower did not install publication 2",
                host,
            )
            assert _titles(host, "太极拳") == before
            replica = _get(host, "/healthz")[1]["index"]["replica"]
            assert replica["local"] == replica["published"] == 2
            assert not list(index_dir.glob("incoming-*"))
            assert "restarting it in" in host.log_tail(50_000)
    finally:
        if fd is not None:
            os.close(fd)
        writer.close()
        engine.dispose()

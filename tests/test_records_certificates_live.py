"""Certificates on the real server (`lifelong start`: several processes, SQLite and PostgreSQL):
learners finish a course's last lesson from two devices at the same moment. Nothing answers
5xx, each learner gets exactly one certificate, all signed with the instance's one key, and
every certificate verifies on its public page."""

from __future__ import annotations

import re
import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.live_site import LiveSite, create_user, lifelong_batch, site_env
from bench.live_site import live_site as running_site
from catalogue.db import make_engine
from tests.test_concurrency import Browser

pytestmark = pytest.mark.slow

LEARNERS = 6


@pytest.fixture
def site(fresh_database_url: str, tmp_path: Path) -> Iterator[LiveSite]:
    env = site_env(tmp_path / "instance", fresh_database_url, DEMO_COURSES="60", DEMO_LEARNERS="5")
    learners = [(f"cert{n}@example.cn", secrets.token_urlsafe(12)) for n in range(LEARNERS)]
    lifelong_batch(
        env,
        ["init-db"],
        *(create_user(email, f"学员{n}", password) for n, (email, password) in enumerate(learners)),
    )
    with running_site(env, tmp_path / "server.log") as live:
        live.learners = learners
        yield live


def _course(site: LiveSite) -> tuple[int, list[int]]:
    """A published course of 2–5 lessons completed by finishing every lesson."""
    engine = make_engine(site.database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT c.id FROM courses c WHERE c.status = 'published'"
                    " AND (SELECT count(*) FROM lessons l WHERE l.course_id = c.id) BETWEEN 2 AND 5"
                    " AND NOT EXISTS (SELECT 1 FROM course_awards a WHERE a.course_id = c.id"
                    " AND a.completion <> 'all_lessons') ORDER BY c.id LIMIT 1"
                )
            ).first()
            assert row, "no short course in the demo catalogue"
            lessons = conn.execute(
                sa.text("SELECT id FROM lessons WHERE course_id = :c ORDER BY position"),
                {"c": row[0]},
            ).scalars()
            return row[0], list(lessons)
    finally:
        engine.dispose()


def _log_in(browser: Browser, email: str, password: str) -> None:
    browser.request("GET", "/login")
    browser.post("/login", {"email": email, "password": password})


def test_the_last_lesson_finished_twice_at_once_makes_one_certificate(site: LiveSite):
    course_id, lessons = _course(site)
    outcomes, failures = Counter(), []
    devices = []
    for email, password in site.learners:
        pair = (Browser(site.base, outcomes, failures), Browser(site.base, outcomes, failures))
        for device in pair:
            _log_in(device, email, password)
        for lesson_id in lessons[:-1]:
            pair[0].post(f"/courses/{course_id}/lessons/{lesson_id}/done", {})
        devices.extend(pair)
    start = threading.Barrier(len(devices))

    def finish(device: Browser) -> None:
        device.request("GET", f"/courses/{course_id}")  # a fresh CSRF token
        start.wait()
        device.post(f"/courses/{course_id}/lessons/{lessons[-1]}/done", {})

    threads = [threading.Thread(target=finish, args=(device,)) for device in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, f"{failures[:5]}\n{site.log_tail()}"
    assert outcomes[5] == 0

    engine = make_engine(site.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT u.email, c.code, c.key_id FROM certificates c"
                    " JOIN users u ON u.id = c.user_id WHERE c.course_id = :c"
                ),
                {"c": course_id},
            ).all()
    finally:
        engine.dispose()
    # The demo's own learner may hold a certificate of the same course (records/demo.py).
    ours = {email for email, _ in site.learners}
    rows = [row for row in rows if row[0] in ours]
    per_learner = Counter(email for email, _code, _key in rows)
    assert per_learner == Counter({email: 1 for email, _ in site.learners})
    keys_dir = Path(site.env["INSTANCE_PATH"]) / "certificate-keys"
    private = list(keys_dir.glob("*.key"))
    assert len(private) == 1, private
    assert {key for _e, _c, key in rows} == {private[0].name.removesuffix(".key")}
    visitor = Browser(site.base, outcomes, failures)
    for _email, code, _key in rows:
        page = visitor.request("GET", f"/verify/{code}")
        assert "verdict-valid" in page, page[:500]
        mine = re.search(r"学员\d", page)
        assert mine

"""A partner reworks a course's lessons while learners are in them, on the real server.

`lifelong start` on SQLite and PostgreSQL; two partner threads save the same course over and
over through the course editor (reversing, dropping and adding lessons), while learner threads
open the course, save positions in its lessons and mark them done, and an editor watches the
review queue. Nothing may answer 5xx; the course ends with its lessons numbered 1..n, and every
learner's saved position points at a lesson of the course.
"""

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

PARTNER_THREADS, LEARNER_THREADS, ROUNDS = 2, 8, 10


@pytest.fixture
def site(fresh_database_url: str, tmp_path: Path) -> Iterator[LiveSite]:
    """The site with the demo catalogue, a partner of one course's provider, learners, an editor."""
    env = site_env(
        tmp_path / "instance", fresh_database_url, DEMO_COURSES="400", DEMO_LEARNERS="50"
    )
    with running_site(env, tmp_path / "server.log") as live:
        engine = make_engine(fresh_database_url)
        try:
            with engine.connect() as conn:
                course_id, provider = conn.execute(
                    sa.text(
                        "SELECT c.id, p.name FROM courses c "
                        "JOIN providers p ON p.id = c.provider_id WHERE c.status = 'published' "
                        "AND c.lesson_count >= 4 ORDER BY c.id LIMIT 1"
                    )
                ).one()
        finally:
            engine.dispose()
        people = {"partner": ("partner@live.cn", secrets.token_urlsafe(12))}
        people["editor"] = ("editor@live.cn", secrets.token_urlsafe(12))
        learners = [
            (f"live{n}@example.cn", secrets.token_urlsafe(12)) for n in range(LEARNER_THREADS)
        ]
        lifelong_batch(
            env,
            *(
                create_user(email, role, password, "--role", role, *extra)
                for role, (email, password), extra in [
                    ("partner", people["partner"], ["--provider", provider]),
                    ("editor", people["editor"], []),
                ]
            ),
            *(create_user(email, f"学员{n}", pw) for n, (email, pw) in enumerate(learners)),
        )  # fmt: skip
        live.course_id = course_id
        live.people = people
        live.learners = learners
        yield live


def _log_in(me: Browser, email: str, password: str) -> None:
    me.request("GET", "/login")
    me.post("/login", {"email": email, "password": password, "next": "/"})


def _lesson_rows(page: str) -> list[tuple[str, str]]:
    """(lesson id, title) of each lesson row of the editor's form."""
    ids = {
        int(i): value
        for i, value in re.findall(r'name="lessons-(\d+)-lesson_id"[^>]*value="(\d*)"', page)
    }
    titles = {
        int(i): value
        for i, value in re.findall(r'name="lessons-(\d+)-title"[^>]*value="([^"]*)"', page)
    }
    return [(ids.get(i, ""), titles.get(i, "")) for i in sorted(ids)]


def _partner(site: LiveSite, outcomes: Counter, failures: list[str], seed: int) -> None:
    me = Browser(site.base, outcomes, failures)
    _log_in(me, *site.people["partner"])
    path = f"/partner/courses/{site.course_id}"
    for n in range(ROUNDS):
        page = me.request("GET", path)
        rows = _lesson_rows(page)
        if not rows:
            continue
        rows = list(reversed(rows))
        if n % 3 == 0 and len(rows) > 2:
            rows = rows[:-1]  # drop one
        if n % 3 == 1:
            rows.append(("", f"加课 {seed}-{n}"))
        form = {
            "title": f"并发编辑 {seed}-{n}",
            "area": "elderly",
            "format": "video",
            "level": "all",
            "language": "zh",
            "is_free": "y",
            "status": "published",
            "save": "1",
        }
        for i, (lesson_id, title) in enumerate(rows):
            form[f"lessons-{i}-lesson_id"] = lesson_id
            form[f"lessons-{i}-title"] = title or f"课时 {i}"
            form[f"lessons-{i}-media_type"] = "video"
            form[f"lessons-{i}-duration"] = "3:00"
        me.post(path, form)


def _learner(site: LiveSite, email: str, password: str, outcomes, failures) -> None:
    me = Browser(site.base, outcomes, failures)
    _log_in(me, email, password)
    for n in range(ROUNDS * 2):
        page = me.request("GET", f"/courses/{site.course_id}")
        lessons = re.findall(rf"/courses/{site.course_id}/lessons/(\d+)", page)
        if not lessons:
            continue
        lesson = lessons[n % len(lessons)]
        if n % 2:
            me.post(
                f"/courses/{site.course_id}/lessons/{lesson}/position", {"position": f"0:{n + 10}"}
            )
        else:
            me.post(f"/courses/{site.course_id}/lessons/{lesson}/done", {})
        me.request("GET", f"/courses/{site.course_id}/lessons/{lesson}")


def _editor(site: LiveSite, outcomes, failures) -> None:
    me = Browser(site.base, outcomes, failures)
    _log_in(me, *site.people["editor"])
    for _ in range(ROUNDS):
        me.request("GET", "/editor/reviews/")


def test_a_partner_edits_lessons_learners_are_in(site: LiveSite) -> None:
    outcomes: Counter = Counter()
    failures: list[str] = []
    threads = [
        threading.Thread(target=_partner, args=(site, outcomes, failures, n))
        for n in range(PARTNER_THREADS)
    ]
    threads += [
        threading.Thread(target=_learner, args=(site, email, password, outcomes, failures))
        for email, password in site.learners
    ]
    threads.append(threading.Thread(target=_editor, args=(site, outcomes, failures)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    log = site.log.read_text()
    assert site.process.poll() is None, f"the server died:\n{log[-6000:]}"
    assert not failures, f"{len(failures)} failed requests, e.g. {failures[:10]}\n{log[-4000:]}"
    assert outcomes[5] == 0 and outcomes["error"] == 0, outcomes
    assert outcomes[2] + outcomes[3] > len(threads) * ROUNDS

    engine = make_engine(site.database_url)
    try:
        with engine.connect() as conn:
            title, count = conn.execute(
                sa.text("SELECT title, lesson_count FROM courses WHERE id = :c"),
                {"c": site.course_id},
            ).one()
            positions = (
                conn.execute(
                    sa.text("SELECT position FROM lessons WHERE course_id = :c ORDER BY position"),
                    {"c": site.course_id},
                )
                .scalars()
                .all()
            )
            strays = conn.execute(
                sa.text(
                    "SELECT count(*) FROM lesson_positions lp LEFT JOIN lessons l "
                    "ON l.id = lp.lesson_id WHERE lp.course_id = :c "
                    "AND (l.id IS NULL OR l.course_id != :c)"
                ),
                {"c": site.course_id},
            ).scalar_one()
    finally:
        engine.dispose()
    assert title.startswith("并发编辑"), "the partner's saves went through"
    assert positions == list(range(1, len(positions) + 1)) and count == len(positions)
    assert strays == 0

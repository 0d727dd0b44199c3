"""The site as the README starts it, under many simultaneous requests of every kind.

`lifelong start` runs in its own process (demo catalogue, index, worker, threaded server) on
SQLite and on PostgreSQL; dozens of threads then browse, search, ask for feeds and write (log
in, like, note, comment, lesson positions) at once. Nothing may crash, answer 5xx or lose a
write. This is the test that two visitors at once crashed the site (issue 11, finding 0).
"""

from __future__ import annotations

import http.cookiejar
import random
import re
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.live_site import LiveSite, create_user, lifelong_batch, site_env
from bench.live_site import live_site as running_site
from catalogue.db import make_engine

pytestmark = pytest.mark.slow

LEARNERS = 6
THREADS_PER_LEARNER = 2
VISITOR_THREADS = 24
ROUNDS = 12  # request rounds per thread
RUSH_THREADS, HOME_RUSH = 16, 25  # first, visitors asking for the home page in a loop (two
# such visitors crashed the site within a few dozen requests, issue 11)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def live_site(fresh_database_url: str, tmp_path: Path) -> Iterator[LiveSite]:
    """`lifelong start` on a fresh database of the backend under test, with learners."""
    env = site_env(
        tmp_path / "instance", fresh_database_url, DEMO_COURSES="5000", DEMO_LEARNERS="300"
    )
    learners = [(f"load{n}@example.cn", secrets.token_urlsafe(12)) for n in range(LEARNERS)]
    lifelong_batch(
        env,
        ["init-db"],
        *(create_user(email, f"学员{n}", password) for n, (email, password) in enumerate(learners)),
    )
    with running_site(env, tmp_path / "server.log") as site:
        site.learners = learners
        yield site


class Browser:
    """One person's cookies and the answers they got."""

    def __init__(self, base: str, outcomes: Counter, failures: list[str]) -> None:
        self.base = base
        self.outcomes = outcomes
        self.failures = failures
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.csrf = ""

    def request(self, method: str, path: str, data: dict | None = None) -> str:
        """The answer's text ('' on failure, which is recorded)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        try:
            with self.opener.open(req, timeout=60) as answer:
                text = answer.read().decode("utf-8", "replace")
                self.outcomes[answer.status // 100] += 1
        except urllib.error.HTTPError as exc:
            self.outcomes[exc.code // 100] += 1
            if exc.code >= 500:
                self.failures.append(f"{method} {path}: {exc.code}")
            return ""
        except (urllib.error.URLError, OSError) as exc:
            self.outcomes["error"] += 1
            self.failures.append(f"{method} {path}: {exc!r}")
            return ""
        found = CSRF.search(text)
        if found:
            self.csrf = found.group(1)
        return text

    def post(self, path: str, data: dict) -> str:
        """A form POST with this session's CSRF token."""
        if not self.csrf:
            self.request("GET", "/")
        return self.request("POST", path, {**data, "csrf_token": self.csrf})


def _course_ids(site: LiveSite) -> list[int]:
    with urllib.request.urlopen(site.base + "/api/v1/search?q=&per_page=50", timeout=30) as a:
        text = a.read().decode()
    ids = [int(i) for i in re.findall(r'"id":\s*(\d+)', text)]
    assert ids, text[:500]
    return ids


def _lesson_links(site: LiveSite, course_ids: list[int]) -> list[tuple[int, int]]:
    links = []
    for course_id in course_ids[:15]:
        with urllib.request.urlopen(f"{site.base}/courses/{course_id}", timeout=30) as answer:
            page = answer.read().decode()
        found = re.search(rf"/courses/{course_id}/lessons/(\d+)", page)
        if found:
            links.append((course_id, int(found.group(1))))
    assert links, "no course with lessons in the demo catalogue"
    return links


def _visitor(site: LiveSite, courses, outcomes, failures, seed: int) -> None:
    rng = random.Random(seed)
    me = Browser(site.base, outcomes, failures)
    words = ["太极", "taiji", "手机", "Excel", "摄影", "健康", "python", "zhongyi", "书法", "英语"]
    for _ in range(ROUNDS):
        course = rng.choice(courses)
        word = urllib.parse.quote(rng.choice(words))
        path = rng.choice(
            [
                "/",
                f"/courses/{course}",
                f"/search?q={word}",
                f"/search?q={word}&sort=popular&page=2",
                f"/api/v1/search?q={word}",
                f"/api/v1/suggest?q={word}",
                "/api/v1/feed",
                f"/api/v1/courses/{course}/similar",
                "/areas/elderly",
                "/areas/workplace?sort=popular",
                "/micro",
                "/reading",
                "/smart-living",
            ]
        )
        me.request("GET", path)


@dataclass
class Written:
    """Writes a learner's thread saw succeed."""

    notes: int = 0
    comments: int = 0


def _learner(site, email, password, courses, lessons, outcomes, failures, written, seed):
    rng = random.Random(seed)
    me = Browser(site.base, outcomes, failures)
    me.request("GET", "/login")
    me.post("/login", {"email": email, "password": password, "next": "/"})
    for n in range(ROUNDS):
        course = rng.choice(courses)
        course_with_lesson, lesson = rng.choice(lessons)
        kind = n % 6
        if kind == 0:
            me.request("GET", "/")
        elif kind == 1:
            me.request("GET", f"/courses/{course}")
            me.post(f"/courses/{course}/{rng.choice(['like', 'save'])}", {})
        elif kind == 2:
            text = f"笔记 {email} {n} {secrets.token_hex(4)}"
            answer = me.post(f"/courses/{course}/notes", {"body": text, "lesson_id": ""})
            if text in answer:  # back on the course page, which lists the learner's notes
                written.notes += 1
        elif kind == 3:
            text = f"评论 {email} {n} {secrets.token_hex(4)}"
            if text in me.post(f"/courses/{course}/comments", {"body": text, "parent_id": ""}):
                written.comments += 1
        elif kind == 4:
            me.post(
                f"/courses/{course_with_lesson}/lessons/{lesson}/position",
                {"position": f"{rng.randint(0, 9)}:{rng.randint(10, 59)}"},
            )
        else:
            me.request("GET", rng.choice(["/me/learning", "/me/notes", "/api/v1/feed"]))


def _home_rush(site: LiveSite, outcomes: Counter, failures: list[str]) -> None:
    """What crashed the site: several visitors asking for the home page in a loop."""
    for _ in range(HOME_RUSH):
        try:
            with urllib.request.urlopen(site.base + "/", timeout=60) as answer:
                answer.read()
                outcomes[answer.status // 100] += 1
        except urllib.error.HTTPError as exc:
            outcomes[exc.code // 100] += 1
            failures.append(f"GET /: {exc.code}")
        except (urllib.error.URLError, OSError) as exc:
            outcomes["error"] += 1
            failures.append(f"GET /: {exc!r}")


def test_many_people_at_once_nothing_crashes_errs_or_is_lost(live_site: LiveSite) -> None:
    """Visitors and learners at once: the server lives, no 5xx, every write stored."""
    outcomes: Counter = Counter()
    failures: list[str] = []
    rush = [
        threading.Thread(target=_home_rush, args=(live_site, outcomes, failures))
        for _ in range(RUSH_THREADS)
    ]
    for thread in rush:
        thread.start()
    for thread in rush:
        thread.join(600)
    assert live_site.process.poll() is None, (
        f"the server died:\n{live_site.log.read_text()[-6000:]}"
    )
    assert not failures, f"{len(failures)} failed requests, e.g. {failures[:10]}"

    courses = _course_ids(live_site)
    lessons = _lesson_links(live_site, courses)
    threads = []
    written: dict[str, Written] = {}
    for n in range(VISITOR_THREADS):
        threads.append(
            threading.Thread(target=_visitor, args=(live_site, courses, outcomes, failures, n))
        )
    for n, (email, password) in enumerate(live_site.learners):
        for k in range(THREADS_PER_LEARNER):
            mine = written.setdefault(f"{email}/{k}", Written())
            threads.append(
                threading.Thread(
                    target=_learner,
                    args=(live_site, email, password, courses, lessons, outcomes, failures,
                          mine, 100 + n * 10 + k),
                )
            )  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)

    server_log = live_site.log.read_text()
    assert live_site.process.poll() is None, f"the server died:\n{server_log[-6000:]}"
    assert "Fatal Python error" not in server_log, server_log[-6000:]
    assert not failures, f"{len(failures)} failed requests, e.g. {failures[:10]}"
    assert outcomes["error"] == 0 and outcomes[5] == 0, outcomes
    assert sum(outcomes[k] for k in (2, 3)) >= len(threads) * ROUNDS + RUSH_THREADS * HOME_RUSH

    # Every note and comment a learner was told was saved is in the database.
    engine = make_engine(live_site.database_url)
    try:
        with engine.connect() as conn:
            notes = conn.execute(
                sa.text(
                    "SELECT count(*) FROM notes JOIN users ON users.id = notes.user_id "
                    "WHERE users.email LIKE 'load%@example.cn' AND notes.body LIKE '笔记 %'"
                )
            ).scalar_one()
            comments = conn.execute(
                sa.text(
                    "SELECT count(*) FROM comments JOIN users ON users.id = comments.user_id "
                    "WHERE users.email LIKE 'load%@example.cn' AND comments.body LIKE '评论 %'"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    assert notes == sum(w.notes for w in written.values()) > 0
    assert comments == sum(w.comments for w in written.values()) > 0

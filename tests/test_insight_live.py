"""Issue 17's insight pages and APIs on the real server (`lifelong start`: gunicorn processes ×
threads and the jobs worker; SQLite and PostgreSQL), many users at once.

While learners make events (course page views through the site, likes and lessons finished
through the app API), two partners load their own analytics pages and CSV exports, two
administrators load the cockpit and ask the data, an institution's open data client calls past
its quota and the cockpit's rollup job runs. Then: no answer was a server error; every event a
learner made is stored once; after the worker's course-analytics run each partner's figures
equal the counts made; a partner never sees the other's courses (404 and nothing of theirs on
its pages); the ask answers equal the cockpit's figures; the quota held exactly."""

from __future__ import annotations

import base64
import csv
import http.cookiejar
import io
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from bench.live_site import LiveSite, lifelong, site_env
from bench.live_site import live_site as running_site
from bench.upload_contention import APP_LIMITS
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Event, EventKind, Lesson, Role
from catalogue.services.users import register_user
from tests.helpers import make_course, make_provider

pytestmark = pytest.mark.slow

LEARNERS = 12
PASSWORD = "insight-live-2026"
QUOTA = 12  # the open data client's calls a day (its token call is one of them)
OPEN_THREADS, OPEN_CALLS = 4, 8  # 32 calls after the token: QUOTA - 1 answered
PARTNERS = {"a": "甲城开放大学", "b": "乙州职业学院"}
ASK = (
    ("最近7天完成课程多少", "completions", "Courses completed"),
    ("最近7天开始学习多少", "completions", "Courses started"),
)
BUSY_RETRIES = 3  # a 503 BUSY (SQLite's write lock waited for past its timeout) is retried
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class World:
    """What the fixture made: the partners' courses (id, title, [lesson ids]), the client."""

    site: LiveSite
    courses: dict[str, list[tuple[int, str, list[int]]]]
    client_id: str = ""
    secret: str = ""
    problems: list = field(default_factory=list)
    busy: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, what: str, status: int, detail: object = "") -> None:
        """Count an answer; keep it as a problem when it is a server error."""
        with self.lock:
            self.statuses[(what, status)] += 1
            if status >= 500 or status == 0:
                self.problems.append((what, status, str(detail)[:300]))

    def fail(self, *problem) -> None:
        """Keep a wrong answer (a leak, a wrong status) to report at the end."""
        with self.lock:
            self.problems.append(problem)


@pytest.fixture
def world(fresh_database_url: str, tmp_path: Path) -> Iterator[World]:
    """The small demo site with two partners (three courses each, unique titles), their partner
    accounts, two admins, the learners and an open data client with a small daily quota."""
    env = site_env(
        tmp_path / "instance",
        fresh_database_url,
        DEMO_COURSES="200",
        DEMO_LEARNERS="20",
        OPEN_DATA_K="2",
        **APP_LIMITS,
    )
    from insight.open_data.clients import ClientData, register_client

    engine = make_engine(fresh_database_url)
    upgrade_database(engine)
    courses: dict[str, list] = {}
    try:
        with make_session_factory(engine).begin() as session:
            for key, name in PARTNERS.items():
                provider = make_provider(session, name)
                made = [
                    make_course(session, provider.id, title=f"{name}专属课程{i}", lessons=2)
                    for i in range(3)
                ]
                register_user(
                    session,
                    f"partner-{key}@live.cn",
                    PASSWORD,
                    f"伙伴{key}",
                    role=Role.PARTNER,
                    provider_id=provider.id,
                )
                session.flush()
                courses[key] = [
                    (
                        c.id,
                        c.title,
                        list(
                            session.scalars(
                                sa.select(Lesson.id)
                                .where(Lesson.course_id == c.id)
                                .order_by(Lesson.position)
                            )
                        ),
                    )
                    for c in made
                ]
            for n in range(2):
                register_user(session, f"admin{n}@live.cn", PASSWORD, "管理员", role=Role.ADMIN)
            for n in range(LEARNERS):
                register_user(session, f"learner{n}@live.cn", PASSWORD, f"学员{n}")
            issued = register_client(
                session,
                ClientData("丙省学分银行", ["catalogue:read", "statistics:read"], 10_000, QUOTA),
                None,
            )
            client_id, secret = issued.client.client_id, issued.secret
    finally:
        engine.dispose()
    with running_site(env, tmp_path / "server.log") as live:
        yield World(live, courses, client_id, secret)


# ---------------------------------------------------------------- HTTP


class Browser:
    """A client with its own cookies (a signed-in person on the site)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def call(self, method, path, *, what=None, data=None, json_body=None, headers=None):
        """(status, body text); a connection failure is status 0. Every answer is counted."""
        headers = dict(headers or {})
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for _attempt in range(BUSY_RETRIES + 1):
            request = urllib.request.Request(
                self.world.site.base + path, data=body, method=method, headers=headers
            )
            retry_after = None
            try:
                with self.opener.open(request, timeout=120) as answer:
                    status, text = answer.status, answer.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as refused:
                status, text = refused.code, refused.read().decode("utf-8", "replace")
                retry_after = refused.headers.get("Retry-After")
            except OSError as exc:
                status, text = 0, repr(exc)
            busy = status == 503 and '"BUSY"' in text and retry_after is not None
            if not busy:
                break
            # The API's contract (docs/app-api.md): 503 BUSY, nothing written, retry after
            # Retry-After. Counted (and printed), not a failure; what the app does.
            with self.world.lock:
                self.world.busy[what or path] += 1
            time.sleep(min(float(retry_after), 2.0))
        self.world.note(what or path, status, text)
        return status, text

    def log_in(self, email: str) -> None:
        """Sign in through the real form."""
        _status, page = self.call("GET", "/login", what="/login")
        token = CSRF.search(page).group(1)
        status, _text = self.call(
            "POST", "/login", what="/login POST",
            data={"email": email, "password": PASSWORD, "csrf_token": token},
        )  # fmt: skip
        assert status == 200, status  # the redirect to the home page, followed


def _json(text: str) -> dict:
    try:
        return json.loads(text)
    except ValueError:
        return {}


# ---------------------------------------------------------------- the people


def learner(world: World, n: int, made: dict, barrier: threading.Barrier) -> None:
    """Views (site), likes and lessons finished (app API) on courses of both partners."""
    web = Browser(world)
    web.log_in(f"learner{n}@live.cn")
    status, text = web.call(
        "POST", "/api/v1/auth/token", what="/api/v1/auth/token",
        json_body={"email": f"learner{n}@live.cn", "password": PASSWORD, "device_name": "手机"},
    )  # fmt: skip
    assert status == 201, text
    app = {"Authorization": f"Bearer {_json(text)['access_token']}"}
    mine = Counter()
    barrier.wait()
    picks = [world.courses["a"][n % 3], world.courses["b"][(n + 1) % 3]]
    if n % 2:
        picks.append(world.courses["a"][(n + 1) % 3])
    for course_id, _title, lessons in picks:
        if web.call("GET", f"/courses/{course_id}", what="/courses/[id]")[0] == 200:
            mine[(course_id, "views")] += 1
        status, text = web.call(
            "PUT", f"/api/v1/courses/{course_id}/like", what="like", headers=app
        )
        if status == 200 and _json(text).get("liked"):
            mine[(course_id, "likes")] += 1
        web.call("GET", "/api/v1/feed", what="/api/v1/feed", headers=app)
        for lesson_id in lessons:
            status, text = web.call(
                "POST", f"/api/v1/lessons/{lesson_id}/complete", what="complete", headers=app
            )
            if status != 200:
                world.fail("complete", course_id, lesson_id, status, text[:200])
        if status == 200 and _json(text).get("course_completed"):
            mine[(course_id, "starts")] += 1
            mine[(course_id, "completions")] += 1
        web.call("GET", "/api/v1/me/learning", what="/api/v1/me/learning", headers=app)
        web.call("GET", "/api/v1/me/notifications", what="notifications", headers=app)
        web.call("GET", "/api/v1/search?q=%E5%A4%AA%E6%9E%81", what="/api/v1/search", headers=app)
    with world.lock:
        made.update({k: made.get(k, 0) + v for k, v in mine.items()})


def partner(world: World, key: str, stop: threading.Event, barrier: threading.Barrier) -> None:
    """A partner loading its own analytics, and trying the other partner's course."""
    other = "b" if key == "a" else "a"
    web = Browser(world)
    web.log_in(f"partner-{key}@live.cn")
    others = world.courses[other]
    other_ids = {c[0] for c in others}
    barrier.wait()
    rounds = 0
    while not stop.is_set() or rounds < 2:
        rounds += 1
        own = world.courses[key][rounds % 3]
        for path in (
            "/partner/analytics/?days=7",
            f"/partner/analytics/courses/{own[0]}?days=7",
            "/partner/analytics/courses.csv?days=7",
            "/partner/analytics/days.csv?days=7",
            f"/partner/analytics/days.csv?days=7&course={own[0]}",
        ):
            status, text = web.call(
                "GET", path, what=path.split("?")[0].replace(str(own[0]), "[id]")
            )
            if status != 200:
                world.fail("partner page", key, path, status)
            for _other_id, other_title, _lessons in others:
                if other_title in text or PARTNERS[other] in text:
                    world.fail("leak", key, path, other_title)
            if path.startswith("/partner/analytics/courses.csv"):
                rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
                if {int(r["course_id"]) for r in rows} & other_ids:
                    world.fail("csv leak", key, path)
        victim = others[rounds % 3][0]
        for path in (
            f"/partner/analytics/courses/{victim}",
            f"/partner/analytics/days.csv?course={victim}",
        ):
            status, text = web.call("GET", path, what="other partner's course")
            if status != 404:
                world.fail("not 404", key, path, status)


def admin(world: World, n: int, stop: threading.Event, barrier: threading.Barrier) -> None:
    """An administrator loading the cockpit and asking questions."""
    web = Browser(world)
    web.log_in(f"admin{n}@live.cn")
    barrier.wait()
    rounds = 0
    while not stop.is_set() or rounds < 2:
        rounds += 1
        status, _ = web.call(
            "GET", f"/admin/cockpit/?days={(7, 30, 90)[rounds % 3]}", what="/admin/cockpit/"
        )
        if status != 200:
            world.fail("cockpit", status)
        question = ASK[rounds % len(ASK)][0]
        status, text = web.call(
            "GET", "/admin/cockpit/ask/answer.json?q=" + urllib.parse.quote(question),
            what="/admin/cockpit/ask/answer.json",
        )  # fmt: skip
        if status != 200 or "answered" not in _json(text):
            world.fail("ask", status, text[:200])
        status, _ = web.call(
            "GET",
            "/admin/cockpit/ask/?q=" + urllib.parse.quote(question),
            what="/admin/cockpit/ask/",
        )


def open_data(world: World, token: str, offset: int, barrier, outcome: Counter) -> None:
    """The institution's client calling the change feed and the statistics past its quota."""
    client = Browser(world)
    headers = {"Authorization": f"Bearer {token}"}
    paths = ("/api/v1/open/catalogue/changes?limit=20", "/api/v1/open/statistics",
             "/api/v1/open/statistics/completions")  # fmt: skip
    barrier.wait()
    for i in range(OPEN_CALLS):
        status, text = client.call(
            "GET", paths[(offset + i) % 3], what="open data", headers=headers
        )
        code = _json(text).get("error", {}).get("code") if status >= 400 else None
        with world.lock:
            outcome[(status, code)] += 1


def run_rollups_job(world: World, stop: threading.Event, barrier) -> None:
    """The cockpit's rollup job run by hand while the site is busy, as docs/insight.md says."""
    barrier.wait()
    while not stop.is_set():
        done = subprocess.run(
            [sys.executable, "-m", "webapp", "jobs", "run", "insight-rollups"],
            env=world.site.env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if done.returncode != 0:
            world.fail("insight-rollups", done.stdout[-500:], done.stderr[-1500:])
        stop.wait(2)


# ---------------------------------------------------------------- checks


def _open_token(world: World) -> str:
    raw = base64.b64encode(f"{world.client_id}:{world.secret}".encode()).decode()
    status, text = Browser(world).call(
        "POST", "/api/v1/open/oauth/token", what="open data token",
        data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {raw}"},
    )  # fmt: skip
    assert status == 200, text
    return _json(text)["access_token"]


def _stored(database_url: str, course_ids: list[int]) -> Counter:
    """What the events table holds per (course, figure)."""
    engine = make_engine(database_url)
    columns = {EventKind.VIEW: "views", EventKind.LIKE: "likes", EventKind.START: "starts",
               EventKind.COMPLETE: "completions"}  # fmt: skip
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(Event.course_id, Event.kind, sa.func.count())
                .where(Event.course_id.in_(course_ids), Event.kind.in_(list(columns)))
                .group_by(Event.course_id, Event.kind)
            ).all()
    finally:
        engine.dispose()
    return Counter({(course, columns[EventKind(kind)]): n for course, kind, n in rows})


def _wait_for_course_analytics(database_url: str, timeout: float = 100) -> None:
    """Until the worker's course-analytics job has counted every event there is."""
    engine = make_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                last = conn.scalar(sa.select(sa.func.max(Event.id))) or 0
                mark = conn.scalar(
                    sa.text("SELECT value FROM analytics_marks WHERE name = 'events'")
                )
            if mark is not None and mark >= last:
                return
            time.sleep(2)
    finally:
        engine.dispose()
    raise AssertionError(f"course-analytics did not count the events in {timeout} s")


def _days_csv(web: Browser, path: str) -> Counter:
    status, text = web.call("GET", path)
    assert status == 200, text[:300]
    total = Counter()
    for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        for column in ("views", "learners_started", "completions", "likes"):
            total[column] += int(row[column] or 0)
    return total


def _cockpit_series(web: Browser, chart: str) -> list[list]:
    """The values of each series of one of the cockpit's charts (its JSON block) for 7 days."""
    status, page = web.call("GET", "/admin/cockpit/?days=7")
    assert status == 200
    found = re.search(rf'id="{chart}-data"[^>]*>(.*?)</script>', page, re.S)
    assert found, chart
    return [s["values"] for s in json.loads(found.group(1))["series"]]


def _week_counts(database_url: str) -> Counter:
    """Start and complete events of the last 7 local days (today included), from the log."""
    zone = ZoneInfo("Asia/Shanghai")
    first = datetime.now(zone).date() - timedelta(days=6)
    since = datetime.combine(first, datetime.min.time(), zone).astimezone(UTC)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(Event.kind, sa.func.count())
                .where(
                    Event.kind.in_([EventKind.START, EventKind.COMPLETE]),
                    Event.created_at >= since,
                )
                .group_by(Event.kind)
            ).all()
    finally:
        engine.dispose()
    return Counter({EventKind(kind): n for kind, n in rows})


def test_insight_pages_with_many_users_at_once(world: World):
    site = world.site
    token = _open_token(world)
    made: dict = {}
    outcome: Counter = Counter()
    stop = threading.Event()
    people = LEARNERS + 2 + 2 + OPEN_THREADS + 1
    barrier = threading.Barrier(people)
    learners = [
        threading.Thread(target=learner, args=(world, n, made, barrier)) for n in range(LEARNERS)
    ]
    others = [
        *(threading.Thread(target=partner, args=(world, k, stop, barrier)) for k in PARTNERS),
        *(threading.Thread(target=admin, args=(world, n, stop, barrier)) for n in range(2)),
        *(threading.Thread(target=open_data, args=(world, token, n, barrier, outcome))
          for n in range(OPEN_THREADS)),
        threading.Thread(target=run_rollups_job, args=(world, stop, barrier)),
    ]  # fmt: skip
    started = time.monotonic()
    for thread in learners + others:
        thread.start()
    for thread in learners:
        thread.join(300)
    stop.set()
    for thread in others:
        thread.join(300)
    load_seconds = time.monotonic() - started
    assert not any(t.is_alive() for t in learners + others)
    assert world.problems == [], f"{world.problems[:8]}\n{site.log_tail()}"
    assert sum(world.statuses.values()) > 300, world.statuses

    # The open data client's quota held exactly, under 4 threads at once.
    assert outcome[(200, None)] == QUOTA - 1, outcome
    assert outcome[(429, "QUOTA_EXCEEDED")] == OPEN_THREADS * OPEN_CALLS - (QUOTA - 1), outcome

    # No lost write: the events table holds every event the answers reported.
    course_ids = [c[0] for key in PARTNERS for c in world.courses[key]]
    stored = _stored(site.database_url, course_ids)
    assert stored == Counter(made), (stored, made)

    # After the worker's course-analytics run, each partner's figures are the counts made.
    _wait_for_course_analytics(site.database_url)
    waited = time.monotonic() - started - load_seconds
    for key in PARTNERS:
        web = Browser(world)
        web.log_in(f"partner-{key}@live.cn")
        own = [c[0] for c in world.courses[key]]
        expected = {
            "views": sum(made.get((c, "views"), 0) for c in own),
            "learners_started": sum(made.get((c, "starts"), 0) for c in own),
            "completions": sum(made.get((c, "completions"), 0) for c in own),
            "likes": sum(made.get((c, "likes"), 0) for c in own),
        }
        assert _days_csv(web, "/partner/analytics/days.csv?days=7") == Counter(expected), key
        for course_id in own:
            figures = _days_csv(web, f"/partner/analytics/days.csv?days=7&course={course_id}")
            assert figures["views"] == made.get((course_id, "views"), 0)
            assert figures["completions"] == made.get((course_id, "completions"), 0)

    # The cockpit's rollups, run once more now that the writes are over (6 s: the job's lag),
    # hold every event of the last 7 days, and an admin's ask answers equal the cockpit's.
    time.sleep(6)
    lifelong(site.env, "jobs", "run", "insight-rollups")
    web = Browser(world)
    web.log_in("admin0@live.cn")
    started, completed = _cockpit_series(web, "completions")  # the chart's two series
    week = _week_counts(site.database_url)
    assert sum(v or 0 for v in started) == week[EventKind.START], (started, week)
    assert sum(v or 0 for v in completed) == week[EventKind.COMPLETE], (completed, week)
    for (question, _chart, _name), values in zip(ASK, (completed, started), strict=True):
        status, text = web.call(
            "GET", "/admin/cockpit/ask/answer.json?q=" + urllib.parse.quote(question)
        )
        answer = _json(text)
        assert status == 200 and answer["answered"], text
        assert answer["value"] == sum(v or 0 for v in values), (question, answer, values)
    assert "Traceback" not in site.log_tail(500_000), site.log_tail()
    print(
        f"\nload {load_seconds:.1f} s, {sum(world.statuses.values())} answers; "
        f"course-analytics caught up {waited:.1f} s later; {dict(outcome)}; "
        f"503 BUSY answers retried: {dict(world.busy) or 'none'}"
    )

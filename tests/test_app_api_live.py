"""The app API on the real server (`lifelong start`): several app clients at once like, save,
save positions and write notes, two of them the same learner's two devices on one lesson. No
answer is a server error and no write is lost: the database ends as the last answers said."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.live_site import LiveSite, site_env
from bench.live_site import live_site as running_site
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Course, CourseStatus, Lesson, LessonPosition, Note
from catalogue.services.engagement import standing
from catalogue.services.users import register_user

pytestmark = pytest.mark.slow

CLIENTS, ROUNDS = 8, 6
PASSWORD = "app-live-2026"


@pytest.fixture
def site(fresh_database_url: str, tmp_path: Path) -> Iterator[LiveSite]:
    """The demo site with CLIENTS learners of our own."""
    env = site_env(
        tmp_path / "instance", fresh_database_url, DEMO_COURSES="200", DEMO_LEARNERS="20"
    )
    engine = make_engine(fresh_database_url)
    upgrade_database(engine)
    with make_session_factory(engine).begin() as session:
        for n in range(CLIENTS):
            register_user(session, f"app{n}@live.cn", PASSWORD, f"学员{n}")
    engine.dispose()
    with running_site(env, tmp_path / "server.log") as live:
        live.learners = [(f"app{n}@live.cn", PASSWORD) for n in range(CLIENTS)]
        yield live


def _call(site: LiveSite, method: str, path: str, token: str | None = None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(site.base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as refused:
        raw = refused.read()
        try:
            return refused.code, json.loads(raw) if raw else None
        except ValueError:
            return refused.code, {"not_json": raw[:200].decode(errors="replace")}


def _courses(database_url: str, count: int) -> list[tuple[int, list[tuple[int, int]]]]:
    """`count` published courses with at least two lessons: (id, [(lesson id, seconds)])."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            ids = conn.scalars(
                sa.select(Course.id)
                .where(Course.status == CourseStatus.PUBLISHED, Course.lesson_count >= 2)
                .order_by(Course.id)
                .limit(count)
            ).all()
            lessons = conn.execute(
                sa.select(Lesson.course_id, Lesson.id, Lesson.duration_seconds)
                .where(Lesson.course_id.in_(ids))
                .order_by(Lesson.course_id, Lesson.position)
            ).all()
    finally:
        engine.dispose()
    return [(cid, [(lid, secs) for c, lid, secs in lessons if c == cid]) for cid in ids]


def _client(site, n, token, courses, expected, failures, lock, barrier) -> None:
    """One app: ROUNDS rounds of likes, saves, positions and notes on its own courses and a
    course every client shares; `expected` records what the last answers said."""
    own, shared = courses[n], courses[-1]
    mine: dict = {"notes": 0, "positions": {}, "marks": {}}
    barrier.wait()
    for r in range(ROUNDS):
        wanted_like = r % 2 == 0
        steps = [
            ("PUT" if wanted_like else "DELETE", f"/api/v1/courses/{shared[0]}/like", None),
            ("PUT" if r % 3 != 2 else "DELETE", f"/api/v1/courses/{own[0]}/save", None),
            ("PUT", f"/api/v1/lessons/{own[1][0][0]}/position", {"position_seconds": 10 + r * 7}),
            ("PUT", f"/api/v1/lessons/{shared[1][0][0]}/position", {"position_seconds": 5 + r}),
            ("POST", f"/api/v1/courses/{shared[0]}/notes", {"body": f"学员{n} 第{r}条笔记"}),
            ("GET", "/api/v1/me/learning", None),
        ]
        for method, path, body in steps:
            status, answer = _call(site, method, path, token, body)
            if status >= 500 or status not in (200, 201):
                with lock:
                    failures.append((n, method, path, status, answer))
                continue
            if path.endswith("/like"):
                mine["marks"][(shared[0], "like")] = answer["liked"]
            elif path.endswith("/save"):
                mine["marks"][(own[0], "save")] = answer["saved"]
            elif path.endswith("/position"):
                mine["positions"][int(path.split("/")[4])] = answer["position_seconds"]
            elif path.endswith("/notes"):
                mine["notes"] += 1
    with lock:
        expected[n] = mine


def _second_device(site, token, lesson_id, failures, lock, barrier) -> None:
    """Learner 0's tablet saving the same lesson as learner 0's phone, same values."""
    barrier.wait()
    for r in range(ROUNDS):
        body = {"position_seconds": 10 + r * 7}
        status, answer = _call(site, "PUT", f"/api/v1/lessons/{lesson_id}/position", token, body)
        if status != 200:
            with lock:
                failures.append(("tablet", "PUT", lesson_id, status, answer))


def test_many_app_clients_at_once_lose_no_write(site):
    tokens = []
    for email, password in site.learners:
        status, answer = _call(
            site,
            "POST",
            "/api/v1/auth/token",
            body={"email": email, "password": password, "device_name": "phone"},
        )
        assert status == 201, answer
        tokens.append(answer["access_token"])
    status, tablet = _call(
        site,
        "POST",
        "/api/v1/auth/token",
        body={"email": site.learners[0][0], "password": PASSWORD, "device_name": "tablet"},
    )
    assert status == 201
    courses = _courses(site.database_url, CLIENTS + 1)
    assert len(courses) == CLIENTS + 1
    expected: dict = {}
    failures: list = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS + 1)
    threads = [
        threading.Thread(
            target=_client, args=(site, n, tokens[n], courses, expected, failures, lock, barrier)
        )
        for n in range(CLIENTS)
    ]
    threads.append(
        threading.Thread(
            target=_second_device,
            args=(site, tablet["access_token"], courses[0][1][0][0], failures, lock, barrier),
        )
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    assert not any(t.is_alive() for t in threads)
    assert failures == [], f"{failures[:5]}\n{site.log_tail()}"
    assert len(expected) == CLIENTS
    # What the answers said is what the database holds.
    engine = make_engine(site.database_url)
    try:
        with make_session_factory(engine)() as session:
            users = dict(
                session.execute(
                    sa.text("SELECT email, id FROM users WHERE email LIKE 'app%@live.cn'")
                ).all()
            )
            for n, mine in expected.items():
                uid = users[f"app{n}@live.cn"]
                notes = session.scalar(
                    sa.select(sa.func.count()).select_from(Note).where(Note.user_id == uid)
                )
                assert notes == ROUNDS == mine["notes"], n
                for lesson_id, seconds in mine["positions"].items():
                    row = session.get(LessonPosition, (uid, lesson_id))
                    assert row is not None and row.position_seconds == seconds, (n, lesson_id)
                for (course_id, action), on in mine["marks"].items():
                    now = standing(session, uid, course_id)
                    assert (now.liked if action == "like" else now.saved) is on, (n, action)
    finally:
        engine.dispose()
    # Nothing went wrong on the server's side either.
    assert "Traceback" not in site.log_tail(200_000)

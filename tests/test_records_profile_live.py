"""Learning time on the real server (`lifelong start`, SQLite and PostgreSQL) under concurrent
saves: several learners save positions in many lessons at once from many threads, lessons of one
course landing on the same learning_days row. No answer is a 5xx and no second is lost: the
stored total is exactly what the crediting rule gives for the positions the server answered."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.live_site import LiveSite, create_user, lifelong_batch, site_env
from bench.live_site import live_site as running_site
from catalogue.db import make_engine
from catalogue.models import LessonPosition
from records.learning_time import MAX_CREDIT_PER_SAVE
from tests.test_concurrency import Browser

pytestmark = pytest.mark.slow

LEARNERS, THREADS_PER_LEARNER, ROUNDS, STEP = 4, 4, 3, 100
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture
def site(fresh_database_url: str, tmp_path: Path) -> Iterator[LiveSite]:
    """The demo site with a few learners of our own."""
    env = site_env(tmp_path / "instance", fresh_database_url, DEMO_COURSES="40", DEMO_LEARNERS="5")
    lifelong_batch(
        env,
        ["init-db"],
        *(
            create_user(f"time{n}@live.cn", f"学员{n}", f"time-live-{n}-2026")
            for n in range(LEARNERS)
        ),
    )
    with running_site(env, tmp_path / "server.log") as live:
        yield live


def _lessons(site: LiveSite) -> list[tuple[int, int]]:
    with urllib.request.urlopen(site.base + "/api/v1/search?q=&per_page=50", timeout=30) as a:
        course_ids = [int(i) for i in re.findall(r'"id":\s*(\d+)', a.read().decode())]
    found: list[tuple[int, int]] = []
    for course_id in course_ids[:6]:
        with urllib.request.urlopen(f"{site.base}/courses/{course_id}", timeout=30) as answer:
            page = answer.read().decode()
        ids = sorted({int(i) for i in re.findall(rf"/courses/{course_id}/lessons/(\d+)", page)})
        found += [(course_id, lesson_id) for lesson_id in ids[:4]]
    assert len(found) >= 8, found
    return found


def _save(me: Browser, course_id: int, lesson_id: int, seconds: int) -> int | None:
    """Save a position as the player does (JSON); the position the server kept."""
    body = f"csrf_token={me.csrf}&position={seconds}".encode()
    request = urllib.request.Request(
        f"{me.base}/courses/{course_id}/lessons/{lesson_id}/position",
        data=body,
        method="POST",
        headers={
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with me.opener.open(request, timeout=60) as answer:
            me.outcomes[answer.status // 100] += 1
            return int(json.loads(answer.read())["position"])
    except urllib.error.HTTPError as refused:
        me.outcomes[refused.code // 100] += 1
        me.failures.append(f"save {lesson_id}: {refused.code}")
    except (urllib.error.URLError, OSError) as exc:
        me.outcomes["error"] += 1
        me.failures.append(f"save {lesson_id}: {exc!r}")
    return None


def _run_threads(targets) -> None:
    threads = [threading.Thread(target=t) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)


def test_concurrent_saves_lose_no_learning_time(site):
    outcomes: Counter = Counter()
    failures: list[str] = []
    lessons = _lessons(site)
    learners = []
    for n in range(LEARNERS):
        me = Browser(site.base, outcomes, failures)
        me.request("GET", "/login")
        me.post("/login", {"email": f"time{n}@live.cn", "password": f"time-live-{n}-2026"})
        me.request("GET", f"/courses/{lessons[0][0]}/lessons/{lessons[0][1]}")  # a CSRF token
        assert me.csrf, "no CSRF token after logging in"
        learners.append(me)
    # Where each learner's each lesson stands, as the server answered.
    kept: dict[tuple[int, int], int] = {}
    expected: Counter = Counter()
    lock = threading.Lock()

    def work(n: int, part: int, target: int):
        me = learners[n]
        for course_id, lesson_id in lessons[part::THREADS_PER_LEARNER]:
            position = _save(me, course_id, lesson_id, target)
            if position is None:
                continue
            with lock:
                before = kept.get((n, lesson_id))
                gained = min(position - before, MAX_CREDIT_PER_SAVE) if before is not None else 0
                expected[n] += max(0, gained)
                kept[(n, lesson_id)] = position

    engine = make_engine(site.database_url)
    try:
        for round_ in range(ROUNDS + 1):  # round 0 places everyone at 0 (credits nothing)
            if round_:
                # Time passes between rounds: each save then credits its whole move (≤ cap).
                with engine.begin() as conn:
                    conn.execute(LessonPosition.__table__.update().values(updated_at=LONG_AGO))
            _run_threads(
                lambda n=n, part=part, target=round_ * STEP: work(n, part, target)
                for n in range(LEARNERS)
                for part in range(THREADS_PER_LEARNER)
            )
        assert not failures, f"{failures[:10]}\n{site.log_tail()}"
        assert outcomes[5] == 0 and outcomes["error"] == 0
        assert outcomes[2] >= LEARNERS * len(lessons) * (ROUNDS + 1)
        with engine.connect() as conn:
            stored = dict(
                conn.execute(
                    sa.text(
                        "SELECT u.email, SUM(d.seconds) FROM learning_days d "
                        "JOIN users u ON u.id = d.user_id GROUP BY u.email"
                    )
                ).all()
            )
        for n in range(LEARNERS):
            assert expected[n] > 0
            assert int(stored.get(f"time{n}@live.cn", 0)) == expected[n], (n, stored, expected)
    finally:
        engine.dispose()

"""Study groups on the real server (`lifelong start`, SQLite and PostgreSQL) with many learners
joining one group at once, each also sending the join form twice, some leaving and joining
again, and then saving lesson positions in the group's assigned courses, several lessons of one
course at once, while the organiser keeps reloading the member table and its CSV: nothing
answers 5xx, no member is lost or doubled, those who left and came back are members again, and
the members' standing the page reads (`course_progress`, kept by the trigger on `events`) is
what their progress and completion events say."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.live_site import LiveSite, site_env
from bench.live_site import live_site as running_site
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Course, CourseStatus, Lesson, Role, User
from catalogue.services.users import register_user
from records import groups as group_service
from tests.test_concurrency import Browser
from tests.test_records_course_progress import _from_events, _standing

pytestmark = pytest.mark.slow

LEARNERS, PASSWORD = 24, "joining-2026-live"
ORGANISER = "organiser@live.cn"


Lessons = dict[int, list[tuple[int, int]]]  # course id -> [(lesson id, seconds)] in order


def _assign_courses(database_url: str, group_id: int) -> Lessons:
    """Assign the group two published demo courses of two to four lessons (known lengths)."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            rows = session.execute(
                sa.select(Lesson.course_id, Lesson.id, Lesson.duration_seconds)
                .join(Course, Course.id == Lesson.course_id)
                .where(Course.status == CourseStatus.PUBLISHED)
                .order_by(Lesson.course_id, Lesson.position)
            ).all()
            lessons: Lessons = {}
            for course_id, lesson_id, seconds in rows:
                lessons.setdefault(course_id, []).append((lesson_id, seconds))
            chosen = {
                c: timed
                for c, timed in lessons.items()
                if 2 <= len(timed) <= 4 and all(s > 0 for _l, s in timed)
            }
            chosen = dict(list(chosen.items())[:2])
            assert len(chosen) == 2, "no short demo courses to assign"
            organiser = session.scalar(sa.select(User.id).where(User.email == ORGANISER))
            actor = group_service.Organiser(organiser, Role.ORGANISER)
            for course_id in chosen:
                group_service.assign_course(session, actor, group_id, course_id, None)
            session.commit()
    finally:
        engine.dispose()
    return chosen


@pytest.fixture
def site(fresh_database_url: str, tmp_path: Path) -> Iterator[tuple[LiveSite, int, str, Lessons]]:
    """The site with an organiser's group assigning two courses and LEARNERS accounts;
    (site, group id, code, the assigned courses' lessons)."""
    env = site_env(
        tmp_path / "instance",
        fresh_database_url,
        DEMO_COURSES="200",
        DEMO_LEARNERS="20",
        LOGIN_LIMIT_PER_IP="10000 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="1000 per minute",
    )
    engine = make_engine(fresh_database_url)
    upgrade_database(engine)
    with make_session_factory(engine)() as session:
        organiser = register_user(session, ORGANISER, PASSWORD, "王老师", role=Role.ORGANISER)
        for n in range(LEARNERS):
            register_user(session, f"join{n}@live.cn", PASSWORD, f"学员{n:02d}")
        session.commit()
        group = group_service.create_group(
            session, group_service.Organiser(organiser.id, Role.ORGANISER), "并发小组"
        )
        session.commit()
        group_id, code = group.id, group.invite_code
    engine.dispose()
    with running_site(env, tmp_path / "server.log") as live:
        # The demo catalogue is made when the site starts.
        yield live, group_id, code, _assign_courses(fresh_database_url, group_id)


def _save_position(me: Browser, course_id: int, lesson_id: int, seconds: int) -> None:
    """What the player's script sends (JSON answer, no flash message in the session)."""
    body = urllib.parse.urlencode({"position": str(seconds), "csrf_token": me.csrf}).encode()
    path = f"/courses/{course_id}/lessons/{lesson_id}/position"
    req = urllib.request.Request(
        me.base + path, data=body, method="POST", headers={"Accept": "application/json"}
    )
    try:
        with me.opener.open(req, timeout=60) as answer:
            me.outcomes[answer.status // 100] += 1
            if not json.loads(answer.read())["ok"]:
                me.failures.append(f"POST {path}: not saved")
    except urllib.error.HTTPError as exc:
        me.outcomes[exc.code // 100] += 1
        me.failures.append(f"POST {path}: {exc.code}")
    except (urllib.error.URLError, OSError) as exc:
        me.outcomes["error"] += 1
        me.failures.append(f"POST {path}: {exc!r}")


def _study(me: Browser, n: int, lessons: Lessons) -> None:
    """Learner n's saves: the first course's lessons at once, each finished (every third
    learner, who so completes it, its last lessons at the same moment) or one finished and
    the others part-way; meanwhile the second course's first lesson half-way, then finished
    (odd n)."""
    (first, first_lessons), (second, second_lessons) = lessons.items()
    if not me.csrf:
        me.request("GET", "/")
    finish = n % 3 == 0
    saves = [
        threading.Thread(
            target=_save_position,
            args=(me, first, lesson_id, seconds if finish or i == n % 2 else seconds // 3),
        )
        for i, (lesson_id, seconds) in enumerate(first_lessons)
    ]
    for save in saves:
        save.start()
    lesson_id, seconds = second_lessons[0]
    _save_position(me, second, lesson_id, seconds // 2)
    if n % 2:
        _save_position(me, second, lesson_id, seconds)
    for save in saves:
        save.join(timeout=300)


def _learner(site, n, code, group_id, lessons, outcomes, failures) -> None:
    me = Browser(site.base, outcomes, failures)
    me.request("GET", "/login")
    me.post("/login", {"email": f"join{n}@live.cn", "password": PASSWORD, "next": "/"})
    page = me.request("GET", f"/groups/join?code={code}")
    if "并发小组" not in page:
        failures.append(f"learner {n}: the consent page did not show the group")
        return
    for _ in range(2):  # a double click: the second changes nothing
        me.post("/groups/join", {"code": code, "consent": "y"})
    if n % 4 == 0:  # leave, then come back
        me.post(f"/me/groups/{group_id}/leave", {})
        me.post("/groups/join", {"code": code, "consent": "y"})
    if "并发小组" not in me.request("GET", "/me/groups"):
        failures.append(f"learner {n}: not in the group on their own page")
    _study(me, n, lessons)


def _organiser(site, group_id, outcomes, failures, stop) -> None:
    me = Browser(site.base, outcomes, failures)
    me.request("GET", "/login")
    me.post("/login", {"email": ORGANISER, "password": PASSWORD, "next": "/"})
    while True:
        last = stop.is_set()
        page = me.request("GET", f"/organiser/groups/{group_id}?sort=progress&dir=desc")
        if not re.search(r"<table class=\"data members\"", page):
            failures.append("the organiser's page did not show the member table")
        me.request("GET", f"/organiser/groups/{group_id}/members.csv")
        if last:
            return


def test_many_learners_join_one_group_at_once(site):
    live, group_id, code, lessons = site
    outcomes: Counter = Counter()
    failures: list[str] = []
    stop = threading.Event()
    organiser = threading.Thread(target=_organiser, args=(live, group_id, outcomes, failures, stop))
    learners = [
        threading.Thread(
            target=_learner,
            args=(live, n, code, group_id, lessons, outcomes, failures),
        )
        for n in range(LEARNERS)
    ]
    organiser.start()
    for thread in learners:
        thread.start()
    for thread in learners:
        thread.join(timeout=600)
    stop.set()
    organiser.join(timeout=120)

    assert not failures, f"{failures[:10]}\n{live.log_tail()}"
    assert outcomes[5] == 0 and outcomes["error"] == 0, outcomes
    engine = make_engine(live.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT u.email, m.left_at FROM group_members m JOIN users u "
                    "ON u.id = m.user_id WHERE m.group_id = :g"
                ),
                {"g": group_id},
            ).all()
            standing = _standing(conn)
            expected = _from_events(conn)
        with make_session_factory(engine)() as session:
            organiser = session.scalar(sa.select(User.id).where(User.email == ORGANISER))
            actor = group_service.Organiser(organiser, Role.ORGANISER)
            table = group_service.member_table(session, actor, group_id, date.today())
            shown = {row.user_id: (row.name, row.courses) for row in table.rows}
    finally:
        engine.dispose()
    assert sorted(email for email, _left in rows) == sorted(
        f"join{n}@live.cn" for n in range(LEARNERS)
    )
    assert all(left is None for _email, left in rows)
    # Everyone's standing, kept by the trigger as the saves went in, is what the events say.
    assert standing == expected
    # And the organiser's table shows it: every third learner completed the first course.
    (first, _lessons), (second, _) = lessons.items()
    assert len(shown) == LEARNERS
    for user_id, (name, cells) in shown.items():
        n = int(name.removeprefix("学员"))
        assert (cells[first].progress == 1.0) == (n % 3 == 0), (n, cells)
        assert (cells[second].progress > 0) == (n % 2 == 1), (n, cells)
        for course_id, cell in cells.items():
            best, done = expected.get((user_id, course_id), (0.0, False))
            assert (round(cell.progress, 6), cell.completed) == (1.0 if done else best, done)

"""Study groups on the real server (`lifelong start`, SQLite and PostgreSQL) with many learners
joining one group at once, each also sending the join form twice, some leaving and joining
again, while the organiser keeps reloading the member table and its CSV: nothing answers 5xx,
no member is lost or doubled, and those who left and came back are members again."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.live_site import LiveSite, lifelong, site_env
from bench.live_site import live_site as running_site
from catalogue.db import make_engine, make_session_factory
from catalogue.models import Role
from catalogue.services.users import register_user
from records import groups as group_service
from tests.test_concurrency import Browser

pytestmark = pytest.mark.slow

LEARNERS, PASSWORD = 24, "joining-2026-live"
ORGANISER = "organiser@live.cn"


@pytest.fixture
def site(fresh_database_url: str, tmp_path: Path) -> Iterator[tuple[LiveSite, int, str]]:
    """The site with an organiser's group and LEARNERS accounts; (site, group id, code)."""
    env = site_env(
        tmp_path / "instance",
        fresh_database_url,
        DEMO_COURSES="200",
        DEMO_LEARNERS="20",
        LOGIN_LIMIT_PER_IP="10000 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="1000 per minute",
    )
    lifelong(env, "init-db")
    engine = make_engine(fresh_database_url)
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
        yield live, group_id, code


def _learner(site, n, code, group_id, outcomes, failures) -> None:
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
    live, group_id, code = site
    outcomes: Counter = Counter()
    failures: list[str] = []
    stop = threading.Event()
    organiser = threading.Thread(target=_organiser, args=(live, group_id, outcomes, failures, stop))
    learners = [
        threading.Thread(target=_learner, args=(live, n, code, group_id, outcomes, failures))
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
    finally:
        engine.dispose()
    assert sorted(email for email, _left in rows) == sorted(
        f"join{n}@live.cn" for n in range(LEARNERS)
    )
    assert all(left is None for _email, left in rows)

"""Special events on the real server (`lifelong start`, SQLite and PostgreSQL): many learners
sign up for the demo event at once, each with a double click (two requests at the same
moment) and a second tab. Nothing answers 5xx, every learner is signed up exactly once, and
each sees their progress on the column page afterwards."""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.live_site import LiveSite, site_env
from bench.live_site import live_site as running_site
from catalogue.db import make_engine, make_session_factory
from catalogue.models import ThematicColumn
from catalogue.services.users import register_user
from records import special_events as events
from records.models.events import EventSignup, SpecialEvent
from tests.test_concurrency import Browser

pytestmark = pytest.mark.slow

LEARNERS, CLICKS = 16, 3


@pytest.fixture
def site(fresh_database_url: str, tmp_path: Path) -> Iterator[LiveSite]:
    """The demo site, with learners and the demo event on its first column."""
    env = site_env(
        tmp_path / "instance", fresh_database_url, DEMO_COURSES="300", DEMO_LEARNERS="30"
    )
    with running_site(env, tmp_path / "server.log") as live:
        yield live


def test_many_learners_sign_up_at_once_each_once(site: LiveSite) -> None:
    engine = make_engine(site.database_url)
    sessions = make_session_factory(engine)
    learners = []
    with sessions() as session:
        # `lifelong start` ran the demo event already (records/demo.py); else run it now.
        event = (
            events.seed_demo(session)
            or session.scalars(select(SpecialEvent).order_by(SpecialEvent.id)).first()
        )
        assert event is not None
        for n in range(LEARNERS):
            password = secrets.token_urlsafe(12)
            register_user(session, f"rush{n}@example.cn", password, f"学员{n}")
            learners.append((f"rush{n}@example.cn", password))
        slug = session.scalar(
            select(ThematicColumn.slug).where(ThematicColumn.id == event.column_id)
        )
        before = events.counts(session, [event.id])[event.id].signed_up
        session.commit()
    outcomes: Counter = Counter()
    failures: list[str] = []
    browsers = []
    for email, password in learners:
        me = Browser(site.base, outcomes, failures)
        me.request("GET", "/login")
        me.post("/login", {"email": email, "password": password, "next": "/"})
        me.request("GET", f"/columns/{slug}")  # the page's CSRF token
        browsers.append(me)
    start = threading.Barrier(LEARNERS * CLICKS)

    def click(me: Browser) -> None:
        start.wait()
        me.post(f"/events/{event.id}/signup", {})

    threads = [threading.Thread(target=click, args=(me,)) for me in browsers for _ in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == [], site.log_tail()
    assert outcomes.get(5, 0) == 0 and outcomes.get("error", 0) == 0
    with sessions() as session:
        rows = session.scalar(
            select(func.count()).select_from(EventSignup).where(EventSignup.event_id == event.id)
        )
        assert rows == before + LEARNERS
        assert events.counts(session, [event.id])[event.id].signed_up == before + LEARNERS
    for me in browsers:
        page = me.request("GET", f"/columns/{slug}")
        assert 'id="special-event"' in page and "<progress" in page
    engine.dispose()

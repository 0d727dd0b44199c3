"""The data cockpit's page (/admin/cockpit): admins and editors only, figures from the rollups,
every chart with its table, search texts escaped, both languages; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from catalogue.models import Event, EventKind, Provider, Role, SearchQuery
from catalogue.services.users import register_user
from insight.rollups import run_rollups
from tests.helpers import login, make_course
from webapp.db import get_database

ZONE = ZoneInfo("Asia/Shanghai")
PASSWORD = "cockpit-password-1"


@pytest.fixture
def counted(app, session):
    """Some activity and searches (one query an attempt at markup), counted into the rollups."""
    course = make_course(session, title="太极拳入门")
    learner = register_user(session, "learner@example.cn", PASSWORD, "学员")
    now = datetime.now(UTC)
    for i, kind in enumerate([EventKind.VIEW, EventKind.START, EventKind.COMPLETE]):
        session.add(
            Event(
                user_id=learner.id,
                course_id=course.id,
                kind=kind,
                created_at=now - timedelta(hours=i),
            )
        )
    for text, results in [("<script>alert('x')</script>", 0), ("太极拳", 9), ("太极拳", 7)]:
        session.add(SearchQuery(text=text, results=results, created_at=now))
    session.commit()
    run_rollups(get_database(app).sessions, ZONE)
    return course


def _user(session, role: Role) -> str:
    email = f"{role.value}@cockpit.example.cn"
    provider_id = None
    if role == Role.PARTNER:
        provider_id = session.scalar(select(Provider.id).limit(1))
    register_user(session, email, PASSWORD, role.value, role=role, provider_id=provider_id)
    session.commit()
    return email


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR])
def test_admins_and_editors_see_the_cockpit(client, session, counted, role):
    login(client, _user(session, role), PASSWORD)
    response = client.get("/admin/cockpit/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "数据驾驶舱" in html or "Data cockpit" in html
    for chart in ("active", "new-learners", "searches", "learning-time", "desk", "uploads"):
        assert f'id="{chart}-data"' in html, chart  # the chart's figures
        assert f'id="{chart}-table"' in html, chart  # and its table
    assert "vendor/echarts.min.js" in html
    # The activity shows: one learner active today; the markup typed in a search is text.
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html
    # period selector: a bad period falls back to 30 days, never an error
    for days in ("7", "90", "abc", "-1", "100000"):
        assert client.get(f"/admin/cockpit/?days={days}").status_code == 200


@pytest.mark.parametrize("role", [Role.LEARNER, Role.PARTNER, Role.SUPPORT])
def test_others_are_refused(client, session, counted, role):
    login(client, _user(session, role), PASSWORD)
    assert client.get("/admin/cockpit/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, counted):
    response = client.get("/admin/cockpit/")
    assert response.status_code in (302, 401)


def test_the_figures_are_the_rollups(client, session, counted):
    login(client, _user(session, Role.ADMIN), PASSWORD)
    html = client.get("/admin/cockpit/?days=7").get_data(as_text=True)
    from insight import cockpit

    today = datetime.now(ZONE).date()
    data = cockpit.overview(session, today, 7)
    assert data.series["active.day"][-1] == 1
    assert data.totals["search.all"] == 3 and data.totals["search.zero"] == 1
    assert data.totals["events.complete"] == 1
    assert [q.text for q in data.top] == ["太极拳", "<script>alert('x')</script>"]
    assert 'id="top-queries"' in html


def test_an_empty_site_says_nothing_was_counted(client, session):
    login(client, _user(session, Role.ADMIN), PASSWORD)
    response = client.get("/admin/cockpit/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "insight-rollups" in html


def test_model_versions_show_their_metrics(app, client, session, counted):
    from recommender.artefacts import META
    from webapp.recommendations import get_models

    folder = get_models(app).root / "v-1764633600000000000"
    folder.mkdir(parents=True)
    (folder / META).write_text(
        '{"metrics": {"ndcg": 0.1234, "precision": 0.05, "recall": 0.2, "hit_rate": 0.31,'
        ' "coverage": 0.4, "learners": 1500}}',
        encoding="utf-8",
    )
    login(client, _user(session, Role.EDITOR), PASSWORD)
    html = client.get("/admin/cockpit/").get_data(as_text=True)
    assert 'id="model-versions"' in html and "v-1764633600000000000" in html
    assert "0.1234" in html and "0.3100" in html and "1,500" in html
    assert 'id="models-data"' in html  # the quality chart over versions

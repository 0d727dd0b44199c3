"""Partners' course analytics pages on the real app and both databases: a partner sees only its
own provider's courses, figures and exports; search visits are recorded from result links."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from catalogue.models import EventKind, Lesson, Role
from catalogue.services.activity import record_event
from catalogue.services.engagement import finish_lesson
from catalogue.services.users import register_user
from insight import course_stats
from insight.models.course_stats import SearchVisit
from search.indexer import rebuild
from tests.helpers import csrf_token, login, make_course, make_provider
from webapp.db import get_database

PASSWORD = "password-123"
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(app, session):
    """Two providers with a partner each, courses (one with a hostile title), activity counted
    by the job."""
    ours = make_provider(session, "北京开放大学")
    theirs = make_provider(session, "上海老年大学")
    for email, provider in (("p1@example.org", ours), ("p2@example.org", theirs)):
        register_user(session, email, PASSWORD, "伙伴", role=Role.PARTNER, provider_id=provider.id)
    register_user(session, "admin@example.org", PASSWORD, "管理员", role=Role.ADMIN)
    learner = register_user(session, "learner@example.org", PASSWORD, "学员")
    taiji = make_course(session, ours.id, title="太极拳入门", subjects=["太极拳"], lessons=3)
    hostile = make_course(session, ours.id, title='=1+2 <script>alert("x")</script>', lessons=1)
    other = make_course(session, theirs.id, title="他人的课程", lessons=1)
    session.commit()
    yesterday = datetime.now(UTC) - timedelta(days=1)
    for kind in (EventKind.VIEW, EventKind.LIKE, EventKind.SAVE):
        record_event(session, learner.id, taiji.id, kind, at=yesterday)
    record_event(session, learner.id, hostile.id, EventKind.VIEW, at=yesterday)
    record_event(session, learner.id, other.id, EventKind.VIEW, at=yesterday)
    first = session.scalars(
        select(Lesson.id).where(Lesson.course_id == taiji.id).order_by(Lesson.position)
    ).first()
    finish_lesson(session, learner.id, taiji.id, first)
    session.commit()
    course_stats.run(session, zone=ZONE, lag=timedelta(0), force=True)
    return {"ours": ours, "theirs": theirs, "taiji": taiji, "hostile": hostile, "other": other}


def test_partner_sees_its_overview_with_charts_and_tables(client, world):
    login(client, "p1@example.org", PASSWORD)
    response = client.get("/partner/analytics/?days=7")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "北京开放大学" in html
    for chart in ("chart-views", "chart-learners", "chart-time", "chart-reactions"):
        assert f'id="{chart}"' in html and f'id="{chart}-table"' in html
    assert "太极拳入门" in html and "他人的课程" not in html
    # A hostile title is escaped, never markup.
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "vendor/echarts.min.js" in html


def test_a_partner_never_sees_another_providers_course(client, world):
    login(client, "p1@example.org", PASSWORD)
    other = world["other"].id
    assert client.get(f"/partner/analytics/courses/{other}").status_code == 404
    assert client.get(f"/partner/analytics/days.csv?course={other}").status_code == 404
    # A partner always acts for its own provider: naming another one is refused outright, on
    # every page and export; naming its own is fine.
    theirs = world["theirs"].id
    for path in (
        f"/partner/analytics/?provider={theirs}",
        f"/partner/analytics/?provider_id={theirs}",
        "/partner/analytics/?provider=abc",
        f"/partner/analytics/courses/{world['taiji'].id}?provider={theirs}",
        f"/partner/analytics/courses/{other}?provider={theirs}",
        f"/partner/analytics/courses.csv?provider={theirs}",
        f"/partner/analytics/days.csv?provider={theirs}",
    ):
        assert client.get(path).status_code == 403, path
    html = client.get(f"/partner/analytics/?provider={world['ours'].id}").get_data(as_text=True)
    assert "北京开放大学" in html and "他人的课程" not in html
    # No provider picker for a partner, and no link to one.
    html = client.get("/partner/analytics/").get_data(as_text=True)
    assert 'id="provider-choice"' not in html and "上海老年大学" not in html
    assert client.get("/partner/analytics/courses/999999999999").status_code == 404
    assert client.get("/partner/analytics/days.csv?course=abc").status_code == 404


def test_course_page_shows_the_funnel_and_area_comparison(client, world):
    login(client, "p1@example.org", PASSWORD)
    html = client.get(f"/partner/analytics/courses/{world['taiji'].id}?days=7").get_data(
        as_text=True
    )
    assert 'id="chart-funnel"' in html and 'id="area-comparison"' in html
    table = html.split('id="chart-funnel-table"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"1\. 第1讲</th><td>1</td><td>1</td>", table)


def test_others_and_bad_input_are_refused(client, world):
    assert client.get("/partner/analytics/").status_code in (302, 401)
    login(client, "learner@example.org", PASSWORD)
    assert client.get("/partner/analytics/").status_code == 403
    client.post("/logout")
    login(client, "p1@example.org", PASSWORD)
    assert client.get("/partner/analytics/?days=8").status_code == 400
    assert client.get("/partner/analytics/?days=x").status_code == 400


def test_admin_chooses_the_provider(client, world):
    login(client, "admin@example.org", PASSWORD)
    html = client.get(f"/partner/analytics/?provider={world['theirs'].id}").get_data(as_text=True)
    assert "他人的课程" in html
    assert 'href="/partner/analytics/?days=30"' in html  # back to the picker
    assert client.get("/partner/analytics/?provider=987654").status_code == 404


def _picked(html: str) -> list[str]:
    """The provider names the picker lists, in order."""
    table = html.split('id="provider-choice"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/partner/analytics/\?[^"]*provider=\d+[^"]*">([^<]+)</a>', table)


def test_admin_without_a_provider_gets_a_paged_picker(client, session, world):
    # Thousands of providers in production: 60 more here make two pages of 50.
    for i in range(60):
        make_provider(session, f"测试学院 {i:02d}")
    session.commit()
    login(client, "admin@example.org", PASSWORD)
    response = client.get("/partner/analytics/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    first = _picked(html)
    assert len(first) == 50 and first == sorted(first)
    assert 'rel="next"' in html
    second = _picked(client.get("/partner/analytics/?page=2").get_data(as_text=True))
    assert len(second) == 12 and not set(first) & set(second)
    assert {"北京开放大学", "上海老年大学"} <= set(first + second)
    # Search by a part of the name, or by the number; the period is kept on the links.
    found = client.get("/partner/analytics/?q=老年&days=7").get_data(as_text=True)
    assert _picked(found) == ["上海老年大学"]
    assert f'href="/partner/analytics/?provider={world["theirs"].id}&amp;days=7"' in found
    by_number = client.get(f"/partner/analytics/?q={world['ours'].id}").get_data(as_text=True)
    assert "北京开放大学" in _picked(by_number)
    assert _picked(client.get("/partner/analytics/?q=没有这家").get_data(as_text=True)) == []
    assert client.get("/partner/analytics/?days=8").status_code == 400
    # A course page without a provider goes to the course's own; exports go to the picker.
    taiji = world["taiji"].id
    moved = client.get(f"/partner/analytics/courses/{taiji}?days=7")
    assert moved.status_code == 302
    assert moved.headers["Location"].endswith(
        f"/partner/analytics/courses/{taiji}?provider={world['ours'].id}&days=7"
    )
    assert client.get("/partner/analytics/courses/999999999").status_code == 404
    assert (
        client.get("/partner/analytics/courses.csv")
        .headers["Location"]
        .endswith("/partner/analytics/")
    )


def test_exports_are_excel_safe_in_english_too(client, world):
    login(client, "p1@example.org", PASSWORD)
    response = client.get("/partner/analytics/courses.csv?days=7")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    titles = {row[1] for row in rows[1:]}
    assert "'" + world["hostile"].title in titles and "太极拳入门" in titles
    assert "他人的课程" not in titles
    days = client.get(f"/partner/analytics/days.csv?course={world['taiji'].id}&days=7")
    assert days.status_code == 200 and len(days.get_data(as_text=True).splitlines()) == 8
    chinese = client.get("/partner/analytics/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese
    token = csrf_token(chinese)
    client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    english = client.get("/partner/analytics/").get_data(as_text=True)
    assert '<html lang="en">' in english and "Course analytics" in english
    assert "Views per day" in english and "Elderly learning" in english


def test_search_result_links_lead_to_a_counted_visit(app, client, session, world):
    rebuild(get_database(app).sessions, app.extensions["lifelong.search"].store)
    html = client.get("/search?q=太极拳").get_data(as_text=True)
    match = re.search(rf'href="(/courses/{world["taiji"].id}\?sq=(\d+))"', html)
    assert match, "the result link carries the search's id"
    assert client.get(match.group(1)).status_code == 200
    assert client.get(match.group(1)).status_code == 200  # a reload counts nothing more
    # A made-up id is ignored, and the page still works.
    assert client.get(f"/courses/{world['taiji'].id}?sq=99999999").status_code == 200
    assert client.get(f"/courses/{world['taiji'].id}?sq=-1").status_code == 200
    session.expire_all()
    visit = session.scalars(select(SearchVisit)).one()
    assert (visit.search_query_id, visit.course_id, visit.visits) == (
        int(match.group(2)),
        world["taiji"].id,
        1,
    )

"""Partners' course analytics in a real browser: the charts drawn by the vendored ECharts under
the site's Content-Security-Policy from the same figures as their tables; in Chinese on a
desktop, in English in caring mode on a phone, and without JavaScript (the tables show);
axe-core finds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from catalogue.models import EventKind, Lesson, Role
from catalogue.services.activity import record_event
from catalogue.services.engagement import finish_lesson
from catalogue.services.users import register_user
from insight import course_stats
from tests.browser_support import (
    DESKTOP,
    PHONE,
    WCAG_AA,
    axe_violations,
    log_in,
    screenshot,
    serving,
)
from tests.helpers import make_course, make_provider

EMAIL, PASSWORD = "analytics@example.cn", "analytics-browser-2026"


@pytest.fixture
def analytics_site(app, session):
    """A partner whose two courses have a week of activity, counted by the job; served."""
    provider = make_provider(session, "北京开放大学")
    register_user(session, EMAIL, PASSWORD, "伙伴", role=Role.PARTNER, provider_id=provider.id)
    learners = [
        register_user(session, f"a{i}@example.cn", PASSWORD, f"学员{i}").id for i in range(4)
    ]
    courses = [
        make_course(session, provider.id, title="太极拳入门", subjects=["太极拳"], lessons=3),
        make_course(session, provider.id, title="<b>书法</b> 入门", lessons=2),
    ]
    session.commit()
    now = datetime.now(UTC)
    for d in range(1, 7):
        for i, learner in enumerate(learners[: 1 + d % 4]):
            record_event(
                session, learner, courses[i % 2].id, EventKind.VIEW, at=now - timedelta(days=d)
            )
    record_event(session, learners[0], courses[0].id, EventKind.LIKE, at=now - timedelta(days=2))
    lessons = session.scalars(
        select(Lesson.id).where(Lesson.course_id == courses[0].id).order_by(Lesson.position)
    ).all()
    for n, learner in enumerate(learners[:3]):
        for lesson in lessons[: n + 1]:
            finish_lesson(session, learner, courses[0].id, lesson)
    session.commit()
    course_stats.run(session, zone=ZoneInfo("Asia/Shanghai"), lag=timedelta(0), force=True)
    with serving(app) as base:
        yield base, courses[0].id


def _drawn(page, count: int) -> None:
    page.wait_for_function(
        f"() => document.querySelectorAll('.insight-chart-box[data-drawn]').length === {count}"
    )


def _chart_equals_table(page, chart_id: str) -> None:
    chart = page.evaluate(
        f"echarts.getInstanceByDom(document.getElementById('{chart_id}-chart'))"
        ".getOption().series[0].data"
    )
    table = page.eval_on_selector_all(
        f"#{chart_id}-table tbody tr", "rows => rows.map(r => Number(r.cells[1].textContent))"
    )
    assert [float(v) for v in chart] == [float(v) for v in table] and sum(table) > 0


def test_in_chinese_charts_and_tables(browser, analytics_site):
    base, course_id = analytics_site
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/partner/analytics/?days=7")
    _drawn(page, 4)
    assert not errors, errors
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "北京开放大学" in page.locator("h1").inner_text()
    _chart_equals_table(page, "chart-views")
    # The table is one click away; a hostile title is text.
    page.locator("#chart-views-table summary").click()
    assert page.locator("#chart-views-table table").is_visible()
    assert "<b>书法</b> 入门" in page.locator("#course-table").inner_text()
    page.goto(f"{base}/partner/analytics/courses/{course_id}?days=7")
    _drawn(page, 5)
    _chart_equals_table(page, "chart-funnel")
    assert not errors, errors
    context.close()
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/partner/analytics/?days=7")
    _drawn(page, 4)
    assert not axe_violations(page, WCAG_AA), "partner analytics, Chinese"
    screenshot(page, "partner-analytics-desktop-zh")
    context.close()


def test_in_english_caring_mode_on_a_phone(browser, analytics_site):
    base, course_id = analytics_site
    context = browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, EMAIL, PASSWORD)
    page.locator("footer form[action='/language'] button").click()
    page.locator("form[action='/caring'] button").first.click()
    page.goto(f"{base}/partner/analytics/courses/{course_id}?days=7")
    assert "caring" in (page.locator("html").get_attribute("class") or "")
    assert page.locator("h1").inner_text() == "太极拳入门"
    assert "Where learners stop" in page.locator("main").inner_text()
    _drawn(page, 5)
    _chart_equals_table(page, "chart-views")
    assert not axe_violations(page, WCAG_AA), "partner analytics, English, caring mode"
    screenshot(page, "partner-analytics-phone-caring-en")
    context.close()


def test_without_javascript_the_tables_show(browser, analytics_site):
    base, _course_id = analytics_site
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/partner/analytics/?days=7")
    assert page.locator("#chart-views-table table").is_visible()
    assert not page.locator("#chart-views-chart").is_visible()
    context.close()

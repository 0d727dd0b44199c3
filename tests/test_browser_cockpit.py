"""The data cockpit in a real browser: ECharts draws every chart under the site's own
Content-Security-Policy from the same figures as its table; in Chinese on a desktop, in English
in caring mode on a phone (larger chart text), without JavaScript (the tables show); axe-core
finds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, gettext

from catalogue.models import Event, EventKind, Role, SearchQuery
from catalogue.services.users import register_user
from insight.rollups import run_rollups
from tests.browser_support import (
    DESKTOP,
    PHONE,
    WCAG_AA,
    axe_violations,
    log_in,
    screenshot,
    serving,
)
from tests.helpers import make_course
from webapp.db import get_database

EMAIL, PASSWORD = "cockpit-admin@example.cn", "cockpit-browser-2026"


@pytest.fixture
def cockpit_site(app, session):
    """Two weeks of activity and searches, counted into the rollups, served on a loopback port."""
    admin = register_user(session, EMAIL, PASSWORD, "管理员", role=Role.ADMIN)
    learners = [
        register_user(session, f"l{i}@example.cn", PASSWORD, f"学员{i}").id for i in range(4)
    ]
    courses = [make_course(session, title="太极拳入门").id, make_course(session, title="摄影").id]
    now = datetime.now(UTC)
    for i in range(60):
        session.add(
            Event(
                user_id=learners[i % 4],
                course_id=courses[i % 2],
                kind=[EventKind.VIEW, EventKind.START, EventKind.COMPLETE][i % 3],
                created_at=now - timedelta(hours=5 * i),
            )
        )
    for text, results in [("<b>太极</b>", 0), ("太极拳", 8), ("书法", 0)]:
        session.add(SearchQuery(text=text, results=results, created_at=now))
    session.commit()
    run_rollups(get_database(app).sessions, ZoneInfo("Asia/Shanghai"))
    assert admin.id
    with serving(app) as base:
        yield base


def _drawn(page) -> int:
    page.wait_for_function(
        "() => document.querySelectorAll('.insight-chart-box[data-drawn] canvas').length >= 10"
    )
    return page.locator(".insight-chart-box[data-drawn]").count()


def test_in_chinese_the_charts_draw_from_their_tables(browser, cockpit_site, app):
    base = cockpit_site
    with app.test_request_context(), force_locale("zh"):
        zh_title = gettext("Data cockpit")  # 数据驾驶舱 once the catalogue is compiled
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")  # the site's own CSP
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/admin/cockpit/?days=30")
    assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
    assert page.locator("h1").inner_text() == zh_title
    boxes = _drawn(page)
    assert boxes == page.locator("script.insight-chart-data").count()
    assert not errors, errors
    # The active-learners chart holds the table's numbers, series by series.
    table = page.eval_on_selector_all(
        "#active-table tbody tr",
        "rows => rows.map(r => Array.from(r.cells).slice(1)"
        ".map(c => Number(c.textContent.replace(/,/g, ''))))",
    )
    chart = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('active-chart')).getOption()"
        ".series.map(s => s.data)"
    )
    assert [list(col) for col in zip(*table, strict=True)] == chart
    assert len(table) == 30 and sum(chart[0]) > 0
    # The table is one click away once the chart is drawn.
    assert page.locator("#active-table").get_attribute("open") is None
    page.locator("#active-table summary").click()
    assert page.locator("#active-table table").is_visible()
    # The markup typed in a search is shown as text.
    assert page.locator("#top-zero-queries").inner_text().count("<b>太极</b>") == 1
    screenshot(page, "cockpit-desktop-zh")
    context.close()

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/admin/cockpit/")
    _drawn(page)
    assert not axe_violations(page, WCAG_AA), "cockpit, Chinese"
    context.close()


def test_in_english_caring_mode_on_a_phone(browser, cockpit_site):
    base = cockpit_site
    context = browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, EMAIL, PASSWORD)
    page.locator("footer form[action='/language'] button").click()
    page.locator("form[action='/caring'] button").first.click()
    page.goto(f"{base}/admin/cockpit/?days=7")
    assert "caring" in (page.locator("html").get_attribute("class") or "")
    assert page.locator("h1").inner_text() == "Data cockpit"
    _drawn(page)
    size = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('active-chart')).getOption()"
        ".xAxis[0].axisLabel.fontSize"
    )
    assert size >= 18
    assert page.locator("#active-table tbody tr").count() == 7
    assert "Show as table" in page.locator("#active-table summary").inner_text()
    wide = page.evaluate(
        """() => Array.from(document.querySelectorAll('main *'))
        .filter(e => !e.closest('.insight-table-scroll'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)"""
    )
    assert not wide, wide
    assert not axe_violations(page, WCAG_AA), "cockpit, English, caring mode"
    screenshot(page, "cockpit-phone-caring-en")
    context.close()


def test_without_javascript_the_tables_show(browser, cockpit_site):
    base = cockpit_site
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/admin/cockpit/")
    assert page.locator("#active-table table").is_visible()
    assert page.locator("#searches-table table").is_visible()
    assert not page.locator("#active-chart").is_visible()
    context.close()

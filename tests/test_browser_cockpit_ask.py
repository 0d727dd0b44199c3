""" "Ask the data" in a real browser: an administrator types a question, the answer's chart is
drawn by ECharts under the site's Content-Security-Policy from the same figures as its table,
a question that cannot be answered says why, the typed markup stays text; axe-core finds
nothing; the same in English caring mode on a phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from catalogue.models import Event, EventKind, Role
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

EMAIL, PASSWORD = "ask-admin@example.cn", "ask-browser-2026"


@pytest.fixture
def ask_site(app, session):
    """A week of completions, counted into the rollups, served on a loopback port."""
    register_user(session, EMAIL, PASSWORD, "管理员", role=Role.ADMIN)
    learners = [
        register_user(session, f"a{i}@example.cn", PASSWORD, f"学员{i}").id for i in range(3)
    ]
    course = make_course(session, title="太极拳入门").id
    now = datetime.now(UTC)
    for i in range(30):
        session.add(
            Event(
                user_id=learners[i % 3],
                course_id=course,
                kind=EventKind.COMPLETE,
                created_at=now - timedelta(hours=5 * i),
            )
        )
    session.commit()
    run_rollups(get_database(app).sessions, ZoneInfo("Asia/Shanghai"))
    with serving(app) as base:
        yield base


def test_an_admin_asks_and_sees_the_figure_and_its_chart(browser, ask_site):
    base = ask_site
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")  # the site's own CSP
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/admin/cockpit/ask/")
    page.fill("#ask-q", "最近7天每天完成课程多少次")
    page.locator(".ask-form button[type=submit]").click()
    page.wait_for_selector("#ask-figure")
    assert page.locator("#ask-understood").inner_text().count("完成课程") == 1
    page.wait_for_function(
        "() => document.querySelectorAll('#ask-chart .insight-chart-box[data-drawn] canvas')"
        ".length >= 1"
    )
    table = page.eval_on_selector_all(
        "#ask-chart-table tbody tr", "rows => rows.map(r => Number(r.cells[1].textContent))"
    )
    chart = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('ask-chart-chart')).getOption()"
        ".series[0].data"
    )
    assert table == chart and len(table) == 7
    figure = page.locator("#ask-figure").inner_text()
    assert figure.replace(",", "").split()[0] == str(sum(table))
    assert not errors, errors
    screenshot(page, "cockpit-ask-desktop-zh")

    page.fill("#ask-q", "<img src=x onerror=alert(1)>按年龄统计学员")
    page.locator(".ask-form button[type=submit]").click()
    page.wait_for_selector("#ask-refusal")
    assert "年龄" in page.locator("#ask-refusal").inner_text()
    assert page.locator(".ask-question q").inner_text().startswith("<img src=x")
    assert page.locator(".ask-result img").count() == 0
    assert page.locator(".ask-examples a[href*='?q=']").count() >= 3
    context.close()

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/admin/cockpit/ask/?q=最近7天每天完成课程")
    page.wait_for_selector("#ask-chart .insight-chart-box[data-drawn]")
    assert not axe_violations(page, WCAG_AA), "ask the data, Chinese"
    context.close()


def test_in_english_caring_mode_on_a_phone(browser, ask_site):
    base = ask_site
    context = browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, EMAIL, PASSWORD)
    page.locator("footer form[action='/language'] button").click()
    page.locator("form[action='/caring'] button").first.click()
    page.goto(f"{base}/admin/cockpit/ask/")
    assert page.locator("h1").inner_text() == "Ask the data"
    page.fill("#ask-q", "completions per day in the last 7 days")
    page.locator(".ask-form button[type=submit]").click()
    page.wait_for_selector("#ask-chart .insight-chart-box[data-drawn]")
    assert ": course completions, " in page.locator("#ask-sentence").inner_text()
    assert "Understood as:" in page.locator("#ask-understood").inner_text()
    wide = page.evaluate(
        """() => Array.from(document.querySelectorAll('main *'))
        .filter(e => !e.closest('.insight-table-scroll'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.tagName + '.' + e.className).slice(0, 8)"""
    )
    assert not wide, wide
    assert not axe_violations(page, WCAG_AA), "ask the data, English, caring mode"
    screenshot(page, "cockpit-ask-phone-caring-en")
    context.close()

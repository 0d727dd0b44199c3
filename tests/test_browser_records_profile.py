"""The profile page in a real browser: charts drawn by the vendored Chart.js under the site's
Content-Security-Policy from the same figures as the tables, a goal set through the form and its
reminders turned off; in Chinese on a desktop, in English in caring mode on a phone (the charts'
text grows), and without JavaScript (the tables show); axe-core finds nothing."""

from __future__ import annotations

import pytest

from catalogue.services.users import register_user
from records import profile
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

EMAIL, PASSWORD = "profile@example.cn", "profile-browser-2026"


@pytest.fixture
def profile_site(app, session):
    """A learner with 45 days of learning in two courses, served on a loopback port."""
    user = register_user(session, EMAIL, PASSWORD, "王阿姨")
    courses = [
        make_course(session, title="太极拳入门", subjects=["太极拳"]).id,
        make_course(session, title="智能手机入门", subjects=["手机"]).id,
    ]
    profile.seed_learning(session, [user.id], courses)
    session.commit()
    with serving(app) as base:
        yield base


def _drawn(page) -> None:
    page.wait_for_function("() => document.querySelectorAll('canvas[data-drawn]').length === 2")


def test_in_chinese_charts_tables_and_the_goal(browser, profile_site):
    base = profile_site
    # No bypass_csp here: the charts must draw under the site's own policy.
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/me/profile")
    assert page.locator("h1").inner_text() == "我的学习档案" or "profile" in page.url
    _drawn(page)
    assert not errors, errors
    days = page.locator("table[data-chart=days] tbody tr")
    assert days.count() == 30
    assert page.locator("table[data-chart=weeks] tbody tr").count() == 12
    # The chart holds the table's numbers.
    table_values = page.eval_on_selector_all(
        "table[data-chart=days] td", "cells => cells.map(c => Number(c.dataset.value))"
    )
    chart_values = page.evaluate(
        "Chart.getChart(document.getElementById('days-chart')).data.datasets[0].data"
    )
    assert chart_values == table_values and sum(table_values) > 0
    # The table is one click away.
    assert page.locator("#days-table").get_attribute("open") is None
    page.locator("#days-table summary").click()
    assert page.locator("table[data-chart=days]").is_visible()
    # The demo's goal: 3 hours; change it to 1.5 and turn reminders off.
    goal = page.locator("#goal")
    assert "3" in goal.locator("input[name=hours]").input_value()
    goal.locator("input[name=hours]").fill("1.5")
    goal.locator("form.goal-form button[type=submit]").click()
    page.wait_for_url("**/me/profile#goal")
    assert "每周目标已保存" in page.locator("main").inner_text() or page.locator(".flash").count()
    page.locator("#goal form[action$='/reminders'] button").click()
    page.wait_for_url("**/me/profile#goal")
    assert page.locator("#goal form[action$='/reminders'] button[value='1']").count() == 1
    context.close()

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/me/profile")
    _drawn(page)
    assert not axe_violations(page, WCAG_AA), "profile, Chinese"
    screenshot(page, "profile-desktop-zh")
    context.close()


def test_in_english_caring_mode_on_a_phone(browser, profile_site):
    base = profile_site
    context = browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, EMAIL, PASSWORD)
    page.locator("footer form[action='/language'] button").click()
    page.locator("form[action='/caring'] button").first.click()
    page.goto(f"{base}/me/profile")
    assert "caring" in (page.locator("html").get_attribute("class") or "")
    assert page.locator("h1").inner_text() == "My learning profile"
    _drawn(page)
    assert page.evaluate("Chart.defaults.font.size") >= 18
    wide = page.evaluate(
        """() => Array.from(document.querySelectorAll('main *'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)"""
    )
    assert not wide, wide
    assert page.evaluate("Chart.defaults.color") == "#000000"
    assert "Show the figures as a table" in page.locator("#days-table summary").inner_text()
    assert not axe_violations(page, WCAG_AA), "profile, English, caring mode"
    screenshot(page, "profile-phone-caring-en")
    context.close()


def test_without_javascript_the_tables_show(browser, profile_site):
    base = profile_site
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/me/profile")
    assert page.locator("table[data-chart=days]").is_visible()
    assert page.locator("table[data-chart=weeks]").is_visible()
    assert not page.locator("#days-chart").is_visible()
    context.close()

"""Phones in a real browser: a one-line header, a bottom navigation bar with the main places,
caring mode's bars within a quarter of the first screen, nothing wider than the screen; and
screenshots of the main pages on a phone and a desktop, normal and caring."""

from __future__ import annotations

import pytest

from catalogue.services.users import register_user
from tests.browser_support import (
    DESKTOP,
    PHONE,
    WCAG_AA,
    axe_violations,
    log_in,
    new_page,
    screenshot,
)

EMAIL, PASSWORD = "phone@example.cn", "phone-learner-2026"
TOP_BARS = """() => { const h = document.querySelector('.site-header').getBoundingClientRect();
  const c = document.querySelector('.caring-bar');
  return (c ? c.getBoundingClientRect().height : 0) + h.height; }"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def learner(session):
    register_user(session, EMAIL, PASSWORD, "手机学员")
    session.commit()


@pytest.mark.parametrize("caring", ["", "large", "larger"], ids=["normal", "caring", "larger"])
def test_on_a_phone_the_top_bars_are_small_and_the_bottom_bar_leads_everywhere(
    browser, site, learner, caring
):
    base, courses = site
    context, page = new_page(browser, PHONE)
    log_in(page, base, EMAIL, PASSWORD)
    if caring:
        page.goto(base + "/")
        with page.expect_navigation():
            page.get_by_role("button", name="长辈模式").click()
    if caring == "larger":
        with page.expect_navigation():
            page.get_by_role("button", name="特大字").click()
    pages = {
        "home": "/",
        "course": f"/courses/{courses['taiji']}",
        "search": "/search?q=太极",
        "account": "/me/account",
    }
    for name, path in pages.items():
        page.goto(base + path)
        assert page.evaluate(TOP_BARS) <= 0.25 * PHONE["height"], (name, caring)
        assert page.evaluate(OVERFLOW) <= 0, (name, caring)
        screenshot(page, f"phone-{name}-{caring or 'normal'}")
    bottom = page.get_by_role("navigation", name="快捷导航")
    assert bottom.is_visible()
    assert bottom.bounding_box()["y"] + bottom.bounding_box()["height"] <= PHONE["height"] + 1
    with page.expect_navigation():
        bottom.get_by_role("link", name="我的学习").click()
    assert page.url.endswith("/me/learning")
    assert bottom.get_by_role("link", name="我的学习").get_attribute("aria-current") == "page"
    with page.expect_navigation():
        bottom.get_by_role("link", name="我的", exact=True).click()
    assert "退出登录" in page.locator("main").inner_text()  # the account's links are here
    context.close()


def test_a_visitor_on_a_phone_switches_language_from_the_footer(browser, site):
    base, _courses = site
    context, page = new_page(browser, PHONE)
    page.goto(base + "/")
    with page.expect_navigation():
        page.locator(".site-footer").get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert (
        page.get_by_role("navigation", name="Quick navigation")
        .get_by_role("link", name="Log in")
        .is_visible()
    )
    assert axe_violations(page, WCAG_AA) == []
    context.close()


def test_on_a_desktop_the_bottom_bar_is_not_shown(browser, site):
    base, courses = site
    context, page = new_page(browser, DESKTOP)
    page.goto(f"{base}/courses/{courses['taiji']}")
    assert page.locator(".bottom-nav").is_hidden()
    assert page.locator(".site-header nav").first.is_visible()
    screenshot(page, "desktop-course-normal")
    context.close()

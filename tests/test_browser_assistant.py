"""The service desk in a real browser, the whole path: a visitor opens the assistant from the
help button, gets an answer with its source, asks for a person; support staff claim the
conversation in the console and reply; the reply reaches the visitor's dialog; after the
conversation is resolved the visitor rates it. In Chinese on a desktop, in English in caring mode
on a phone (answers read aloud), and without JavaScript; axe-core finds nothing on the dialog,
the assistant's page or the console."""

from __future__ import annotations

import re

import pytest

from catalogue.models import Role
from catalogue.services.users import register_user
from tests.browser_support import (
    DESKTOP,
    PHONE,
    WCAG_AA,
    axe_violations,
    log_in,
    screenshot,
    serving,
)

STAFF_EMAIL, PASSWORD = "desk@example.cn", "desk-staff-2026"


@pytest.fixture
def desk_site(desk_app, session):
    """The app with a trained matcher, a support account, replies polled every second."""
    desk_app.config["DESK_POLL_SECONDS"] = 1
    register_user(session, STAFF_EMAIL, PASSWORD, "客服小林", role=Role.SUPPORT)
    session.commit()
    with serving(desk_app) as base:
        yield base


# Speech synthesis is recorded, not played: the test reads what would have been said.
SPEECH_SPY = """
window.__spoken = [];
if ("speechSynthesis" in window) {
  window.speechSynthesis.speak = (u) => window.__spoken.push(u.text);
}
"""


def _staff_replies(browser, base: str, text: str, resolve: bool = True) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, STAFF_EMAIL, PASSWORD)
    page.goto(f"{base}/support/")
    assert not axe_violations(page, WCAG_AA), "support queue"
    page.locator("main a[href^='/support/conversations/']").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="接手这个对话").click()
    page.locator("#reply-text").fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="发送回复").click()
    assert text in page.locator("main").inner_text()
    assert not axe_violations(page, WCAG_AA), "support conversation"
    screenshot(page, "support-conversation-desktop")
    if resolve:
        with page.expect_navigation():
            page.get_by_role("button", name="标记为已解决").click()
    context.close()


def test_a_visitor_reaches_a_person_and_rates_the_help(browser, desk_site):
    base = desk_site
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    failures = []  # script errors and refused requests: none on the whole path
    page.on("pageerror", lambda error: failures.append(str(error)))
    page.on(
        "response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.goto(base + "/")
    page.locator("a.help-button").click()
    dialog = page.locator("#desk-dialog")
    assert dialog.is_visible()
    assert page.evaluate("document.activeElement.id") == "desk-dialog-question"
    dialog.get_by_role("button", name="字太小怎么办").click()
    answer = dialog.locator(".desk-assistant").first
    answer.wait_for()
    source = answer.locator(".desk-sources a").first
    assert re.fullmatch(r"/help/articles/[a-z0-9-]+", source.get_attribute("href"))
    assert not axe_violations(page, WCAG_AA), "assistant dialog"
    screenshot(page, "assistant-dialog-desktop")
    dialog.get_by_label("您的问题").fill("转人工")
    dialog.get_by_role("button", name="提问", exact=True).click()
    waiting = dialog.locator(".desk-system").last
    waiting.wait_for()
    # Why, then when: the reason the learner gave, the office hours.
    assert "您要求人工服务" in waiting.inner_text() and "服务时间" in waiting.inner_text()

    _staff_replies(browser, base, "您好，我是客服小林：点页面顶部的“长辈模式”，字就会变大。")

    reply = dialog.locator(".desk-staff")
    reply.wait_for(timeout=15000)
    assert "客服小林" in reply.inner_text()
    rating = dialog.locator("form.desk-rating")
    rating.wait_for(state="visible", timeout=15000)
    rating.locator("input[value='5']").check()
    rating.get_by_role("button").click()
    dialog.get_by_text("感谢您的评价").wait_for()
    # Closing returns the focus to the help button.
    dialog.get_by_role("button", name="关闭").click()
    assert page.evaluate("document.activeElement.classList.contains('help-button')")
    assert not failures, failures
    context.close()


def test_in_english_caring_mode_on_a_phone_answers_are_read_aloud(browser, desk_site):
    base = desk_site
    context = browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    context.add_init_script(SPEECH_SPY)
    page = context.new_page()
    page.goto(base + "/")
    with page.expect_navigation():
        page.locator("footer form[action='/language'] button").click()
    with page.expect_navigation():
        page.locator("form[action='/caring'] button").first.click()
    assert "caring" in (page.locator("html").get_attribute("class") or "")
    page.locator("a.help-button").click()
    dialog = page.locator("#desk-dialog")
    assert float(dialog.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20
    dialog.get_by_label("Your question").fill("I forgot my password, what now?")
    dialog.get_by_role("button", name="Ask", exact=True).click()
    answer = dialog.locator(".desk-assistant").first
    answer.wait_for()
    assert "password" in answer.inner_text().lower()
    spoken = page.evaluate("window.__spoken")
    assert spoken and "password" in spoken[-1].lower()
    assert not axe_violations(page, WCAG_AA), "assistant dialog, caring mode, English"
    screenshot(page, "assistant-dialog-phone-caring-en")
    dialog.get_by_role("button", name="This did not help: ask a person").click()
    dialog.locator(".desk-system").last.wait_for()
    said = dialog.locator(".desk-system").last.inner_text()
    assert "Sorry the answer did not help" in said and "Office hours" in said

    _staff_replies(browser, base, "Hello, a new password link is on its way.", resolve=False)

    dialog.locator(".desk-staff").wait_for(timeout=15000)
    assert "new password link" in dialog.locator(".desk-staff").inner_text()
    assert any("new password link" in text for text in page.evaluate("window.__spoken"))
    context.close()


def test_without_javascript_the_help_button_leads_to_a_working_page(browser, desk_site):
    base = desk_site
    context = browser.new_context(
        viewport=DESKTOP, locale="zh-CN", java_script_enabled=False, bypass_csp=True
    )
    page = context.new_page()
    page.goto(base + "/")
    page.locator("a.help-button").click()
    assert page.url == f"{base}/assistant"
    page.get_by_label("您的问题").fill("我忘记密码了怎么办")
    with page.expect_navigation():
        page.get_by_role("button", name="提问", exact=True).click()
    assert page.locator(".desk-assistant").count() == 1
    assert page.locator(".desk-assistant .desk-sources a").count() >= 1
    context.close()
    # axe needs scripts: the same page checked in a scripted context.
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/assistant")
    assert not axe_violations(page, WCAG_AA), "assistant page"
    context.close()

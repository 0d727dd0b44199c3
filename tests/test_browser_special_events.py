"""Special events in a real browser: an editor (Chinese, desktop) turns a column into an event
from the column's editor page; a learner in Chinese and a learner in English with caring mode
on a phone sign up on the column page and see their progress; the editor's list shows the
counts. axe-core finds nothing on the event's form, the list, or the caring-mode column page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from catalogue.models import Role
from catalogue.services import columns as column_service
from catalogue.services.users import register_user
from tests.browser_support import DESKTOP, PHONE, WCAG_AA, axe_violations, log_in, screenshot

PASSWORD = "events-2026-winter"
EDITOR, MEI, JOHN = "ed@example.cn", "mei@example.cn", "john@example.cn"


def _watch(page, failures: list[str]) -> None:
    page.on("pageerror", lambda error: failures.append(str(error)))
    page.on(
        "response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 500 else None
    )


def test_an_editor_runs_a_column_as_an_event_and_learners_sign_up(browser, site, session):
    base, courses = site
    register_user(session, EDITOR, PASSWORD, "编辑", role=Role.EDITOR)
    register_user(session, MEI, PASSWORD, "梅阿姨")
    register_user(session, JOHN, PASSWORD, "John")
    column = column_service.create_column(session, "winter-health", "冬季养生 <专题>")
    column_service.set_column_courses(session, column.id, [courses["taiji"], courses["phone"]])
    column_service.publish_column(session, column.id)
    session.commit()
    failures: list[str] = []

    # The editor, in Chinese on a desktop: from the column's page to the event's form.
    editor = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
    page = editor.new_page()
    _watch(page, failures)
    log_in(page, base, EDITOR, PASSWORD)
    page.goto(f"{base}/editor/columns/{column.id}")
    with page.expect_navigation():
        page.locator(f"a[href='/editor/events/column/{column.id}']").click()
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    page.locator("#starts_at").fill((local - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#ends_at").fill((local + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#threshold").fill("2")
    assert "冬季养生 <专题>" in page.locator("#certificate_title_zh").input_value()
    assert not axe_violations(page, WCAG_AA), "the event's form"
    with page.expect_navigation():
        page.locator("main form.stacked button[type=submit]").click()
    assert page.locator(".event-counts").count() == 1
    screenshot(page, "special-event-editor-desktop")

    # A learner in Chinese signs up.
    chinese = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
    mei = chinese.new_page()
    _watch(mei, failures)
    log_in(mei, base, MEI, PASSWORD)
    mei.goto(f"{base}/columns/winter-health")
    with mei.expect_navigation():
        mei.locator("#special-event form button[type=submit]").click()
    assert mei.locator("#special-event progress").count() == 1
    assert mei.locator("#special-event form").count() == 0  # signed up: no button
    assert mei.locator("html").get_attribute("lang") == "zh-CN"

    # A learner in English, caring mode, on a phone.
    english = browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    john = english.new_page()
    _watch(john, failures)
    log_in(john, base, JOHN, PASSWORD)
    with john.expect_navigation():
        john.locator("footer form[action='/language'] button").click()
    with john.expect_navigation():
        john.locator("form[action='/caring'] button").first.click()
    assert "caring" in (john.locator("html").get_attribute("class") or "")
    john.goto(f"{base}/columns/winter-health")
    panel = john.locator("#special-event")
    assert "finish 2 lessons" in panel.inner_text()
    with john.expect_navigation():
        john.get_by_role("button", name="Sign up for this event").click()
    text = john.locator("#special-event").inner_text()
    assert "Your progress: 0 of 2 lessons" in text and "Signed up: 2" in text
    size = john.locator("#special-event button, #special-event p").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert float(size) >= 20
    assert not axe_violations(john, WCAG_AA), "column page with the event, caring, English"
    screenshot(john, "special-event-column-phone-caring-en")

    # The editor's list of events with the counts; the column's title is text, not markup.
    page.goto(f"{base}/editor/events/")
    row = page.locator("table.data tbody tr", has_text="冬季养生 <专题>")
    assert row.count() == 1
    assert [c.strip() for c in row.locator("td").all_inner_texts()[3:]] == ["2", "0", "0"]
    assert not axe_violations(page, WCAG_AA), "the list of events"
    assert not failures, failures
    for context in (editor, chinese, english):
        context.close()

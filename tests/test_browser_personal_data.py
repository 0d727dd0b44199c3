"""Personal data in a real browser: a learner finds "My personal data" from the account page,
downloads the archive after entering the password (Chinese, desktop), and another deletes her
account in English in caring mode on a phone; accessibility checked by axe-core."""

from __future__ import annotations

import io
import json
import zipfile

from catalogue.services import engagement, social
from catalogue.services.users import register_user
from tests.browser_support import (
    PHONE,
    WCAG_AA,
    axe_violations,
    log_in,
    new_page,
    screenshot,
)

PASSWORD = "personal-data-2026"


def _learners(session, course_id: int) -> None:
    for email, name in (("mei@example.cn", "梅阿姨"), ("li@example.cn", "李叔叔")):
        user = register_user(session, email, PASSWORD, name)
        session.flush()
        engagement.record_view(session, user.id, course_id)
        social.add_note(session, user.id, course_id, f"{name}的笔记")
        social.add_comment(session, user.id, course_id, f"{name}的评论")
    session.commit()


def test_a_learner_downloads_her_data_in_chinese(browser, site, session):
    base, courses = site
    _learners(session, courses["taiji"])
    context, page = new_page(browser)
    try:
        log_in(page, base, "mei@example.cn", PASSWORD)
        page.goto(f"{base}/me/account")
        with page.expect_navigation():
            page.locator("main a[href='/me/personal-data']").click()
        assert page.evaluate("() => document.documentElement.lang").startswith("zh")
        assert not axe_violations(page, WCAG_AA), "personal data page"
        # A wrong password is refused with a message by the field.
        page.locator("#download-password").fill("not-my-password")
        with page.expect_navigation():
            page.locator("form[action='/me/personal-data/download'] button").click()
        assert "当前密码不正确" in page.locator("#download-password-error").inner_text()
        page.locator("#download-password").fill(PASSWORD)
        with page.expect_download() as waiting:
            page.locator("form[action='/me/personal-data/download'] button").click()
        download = waiting.value
        assert download.suggested_filename.endswith(".zip")
        data = open(download.path(), "rb").read()  # noqa: SIM115
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            payload = json.loads(archive.read("data.json"))
            names = archive.namelist()
        assert "README.txt" in names and "csv/notes.csv" in names
        assert [r["body"] for r in payload["tables"]["notes"]["rows"]] == ["梅阿姨的笔记"]
        assert "李叔叔" not in json.dumps(payload, ensure_ascii=False)
        screenshot(page, "personal-data-desktop-zh")
    finally:
        context.close()


def test_a_learner_deletes_her_account_in_english_caring_mode(browser, site, session):
    base, courses = site
    _learners(session, courses["taiji"])
    context, page = new_page(browser, viewport=PHONE)
    try:
        log_in(page, base, "li@example.cn", PASSWORD)
        page.goto(f"{base}/me/personal-data")
        page.locator("footer form[action='/language'] button").click()
        page.wait_for_load_state()
        page.locator("form[action='/caring'] button").first.click()
        page.wait_for_load_state()
        page.goto(f"{base}/me/personal-data")
        assert page.evaluate("() => document.documentElement.lang").startswith("en")
        assert "caring" in (page.locator("html").get_attribute("class") or "")
        size = page.locator("#delete-password").evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert size >= 20
        assert not axe_violations(page, WCAG_AA), "personal data page, caring, English"
        screenshot(page, "personal-data-phone-caring-en")
        delete_form = page.locator("form[action='/me/personal-data/delete']")
        # Without the tick nothing happens but a message.
        page.locator("#delete-password").fill(PASSWORD)
        with page.expect_navigation():
            delete_form.get_by_role("button").click()
        assert page.get_by_text("Tick the box to confirm.").is_visible()
        page.locator("#delete-password").fill(PASSWORD)
        page.get_by_label("I understand", exact=False).check()
        with page.expect_navigation():
            delete_form.get_by_role("button").click()
        assert page.url.endswith("/account-deleted")
        assert page.get_by_role("heading", level=1).inner_text() == "Account deleted"
        assert not axe_violations(page, WCAG_AA), "account deleted page"
        # Signed out; the address and password no longer open an account.
        page.goto(f"{base}/me/account")
        assert "/login" in page.url
        page.locator("#email").fill("li@example.cn")
        page.locator("#password").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert "/login" in page.url
        # Her comment is gone from the course page; the other learner's stays.
        page.goto(f"{base}/courses/{courses['taiji']}")
        text = page.locator("main").inner_text()
        assert "李叔叔的评论" not in text and "梅阿姨的评论" in text
    finally:
        context.close()

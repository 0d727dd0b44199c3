"""Study groups in a real browser, the whole path: an organiser (Chinese, desktop) creates a
group and assigns a course already due; a learner (English, caring mode, phone) types the
code, reads what will be shared, is refused without ticking consent, then joins; the organiser
sees the new member with the overdue warning. axe-core finds nothing on the organiser's page,
the consent page or the learner's groups page."""

from __future__ import annotations

from datetime import date, timedelta

from catalogue.models import Role
from catalogue.services.users import register_user
from tests.browser_support import (
    DESKTOP,
    PHONE,
    WCAG_AA,
    axe_violations,
    log_in,
    screenshot,
)

ORGANISER, LEARNER, PASSWORD = "olga@example.cn", "mei@example.cn", "groups-2026-autumn"


def test_an_organiser_creates_a_group_a_learner_joins_and_shows_with_a_warning(
    browser, site, session
):
    base, courses = site
    register_user(session, ORGANISER, PASSWORD, "王老师", role=Role.ORGANISER)
    register_user(session, LEARNER, PASSWORD, "梅阿姨 <b>")
    session.commit()

    # The organiser, in Chinese on a desktop.
    organiser = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
    page = organiser.new_page()
    failures: list[str] = []
    page.on("pageerror", lambda error: failures.append(str(error)))
    page.on(
        "response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 500 else None
    )
    log_in(page, base, ORGANISER, PASSWORD)
    page.goto(f"{base}/organiser/groups")
    page.locator("#name").fill("社区学院 秋季班")
    page.locator("#inactive_days").fill("7")
    with page.expect_navigation():
        page.locator("form[action='/organiser/groups'] button[type=submit]").click()
    group_url = page.url.split("#")[0]
    code = page.locator(".group-code").inner_text().strip()
    assert len(code) == 8
    page.locator("#course").fill(str(courses["taiji"]))
    page.locator("#due_on").fill((date.today() - timedelta(days=2)).isoformat())
    with page.expect_navigation():
        page.locator("#assignments form.stacked button[type=submit]").click()
    assert "太极拳入门" in page.locator("#assignments").inner_text()
    assert not axe_violations(page, WCAG_AA), "organiser's group page"

    # The learner, in English, caring mode, on a phone.
    learner = browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    mine = learner.new_page()
    mine.on("pageerror", lambda error: failures.append(str(error)))
    log_in(mine, base, LEARNER, PASSWORD)
    with mine.expect_navigation():
        mine.locator("footer form[action='/language'] button").click()
    with mine.expect_navigation():
        mine.locator("form[action='/caring'] button").first.click()
    assert "caring" in (mine.locator("html").get_attribute("class") or "")
    mine.goto(f"{base}/groups/join")
    mine.get_by_label("Group code").fill(code.lower())
    with mine.expect_navigation():
        mine.get_by_role("button", name="Find the group").click()
    consent = mine.locator("main").inner_text()
    assert "社区学院 秋季班" in consent and "What the organiser will see" in consent
    assert "太极拳入门" in consent and "王老师" in consent
    assert not axe_violations(mine, WCAG_AA), "consent page, caring mode, English"
    screenshot(mine, "group-consent-phone-caring-en")
    with mine.expect_navigation():
        mine.get_by_role("button", name="Join the group").click()
    assert "You have not joined" in mine.locator("main").inner_text()
    mine.get_by_label("I agree to share").check()
    with mine.expect_navigation():
        mine.get_by_role("button", name="Join the group").click()
    mine_text = mine.locator("main").inner_text()
    assert "社区学院 秋季班" in mine_text and "Overdue" in mine_text
    assert (
        float(mine.locator("main").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20
    )
    assert not axe_violations(mine, WCAG_AA), "my groups, caring mode, English"
    mine.goto(base + "/")
    assert "Assigned by my groups" in mine.locator("main").inner_text()

    # The organiser sees her, with the warning; the name is text, not markup.
    page.goto(group_url)
    row = page.locator("table.members tbody tr", has_text="梅阿姨 <b>")
    assert row.count() == 1
    assert row.locator(".badge.warning-overdue").count() == 1
    page.locator("#warning-filter").select_option("overdue")
    with page.expect_navigation():
        page.locator("#members form button[type=submit]").click()
    assert page.locator("table.members tbody tr", has_text="梅阿姨").count() == 1
    screenshot(page, "group-organiser-desktop")
    assert not failures, failures
    organiser.close()
    learner.close()

"""Notifications in a real browser: a reply to a learner's comment and a provider's answer to
her feedback show as a count in the header; the list names them (escaped); opening one leads
to the comment or the answer and the count goes down; the page passes axe-core, in Chinese and
in English, on a phone and on a desktop."""

from __future__ import annotations

from catalogue.models import Role
from catalogue.services import provider_feedback, social
from catalogue.services.users import register_user
from tests.browser_support import (
    DESKTOP,
    PHONE,
    WCAG_AA,
    axe_violations,
    log_in,
    new_page,
    screenshot,
    serving,
)
from tests.helpers import make_course, make_provider

EMAIL, PASSWORD = "mei@example.cn", "notifications-2026"


def test_a_learner_sees_opens_and_clears_her_notifications(browser, app, session):
    provider = make_provider(session, "书法学院")
    course = make_course(session, provider.id, title="书法入门")
    mei = register_user(session, EMAIL, PASSWORD, "梅")
    wang = register_user(session, "wang@example.cn", PASSWORD, "<b>王</b>伯伯")
    register_user(
        session, "p@shufa.cn", PASSWORD, "学院", role=Role.PARTNER, provider_id=provider.id
    )
    top = social.add_comment(session, mei.id, course.id, "第三讲的笔法很清楚")
    reply = social.add_comment(session, wang.id, course.id, "同意！", parent_id=top.id)
    given = social.give_feedback(session, mei.id, course.id, 5, "希望多讲楷书")
    provider_feedback.answer(session, provider.id, given.id, "下个月就有楷书课")
    session.commit()
    with serving(app) as base:
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        log_in(page, base, EMAIL, PASSWORD)
        # On a phone the count rides on the bottom bar's "我的"; the account page leads on.
        badge = page.locator(".bottom-nav .count-badge")
        assert badge.inner_text().startswith("2")
        page.locator(".bottom-nav a[href='/me/account']").click()
        page.locator("main a[href='/me/notifications']").click()
        items = page.locator(".notification-list li")
        assert items.count() == 2
        texts = " ".join(items.all_inner_texts())
        assert "<b>王</b>伯伯 回复了您在" in texts and "书法学院 回复了您对" in texts
        screenshot(page, "notifications-phone")
        page.get_by_role("link", name="书法学院 回复了您对", exact=False).click()
        assert page.url.endswith(f"/courses/{course.id}#feedback")
        assert "下个月就有楷书课" in page.locator("#feedback").inner_text()
        assert badge.inner_text().startswith("1")
        page.goto(f"{base}/me/notifications")
        page.get_by_role("link", name="伯伯 回复了您在", exact=False).click()
        assert page.url.endswith(f"/courses/{course.id}#comment-{reply.id}")
        assert badge.count() == 0
        context.close()

        # The list in English, on a desktop, as axe-core sees it.
        context, page = new_page(browser, DESKTOP)
        log_in(page, base, EMAIL, PASSWORD)
        page.get_by_role("button", name="English").first.click()
        page.goto(f"{base}/me/notifications")
        texts = " ".join(page.locator(".notification-list li").all_inner_texts())
        assert "replied to your comment on" in texts and "answered your feedback on" in texts
        assert axe_violations(page, WCAG_AA) == []
        screenshot(page, "notifications-desktop-en")
        context.close()

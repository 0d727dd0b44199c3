"""A learner completes a course in a real browser, opens the certificate from "my learning",
downloads the PDF and follows the verification link; a visitor checks the public page in
English and in caring mode."""

from __future__ import annotations

from catalogue.services.users import register_user
from tests.browser_support import DESKTOP, log_in, screenshot

EMAIL, PASSWORD = "cert-learner@example.cn", "certificate-2026"


def test_complete_a_course_then_certificate_then_verify(browser, site, session):
    base, courses = site
    register_user(session, EMAIL, PASSWORD, "陈阿姨")
    session.commit()
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        log_in(page, base, EMAIL, PASSWORD)
        page.goto(f"{base}/courses/{courses['phone']}")
        buttons = page.locator('form[data-enhance="lesson"] button')
        total = buttons.count()
        assert total == 2
        for left in range(total - 1, -1, -1):
            buttons.first.click()
            page.wait_for_function(
                "(n) => document.querySelectorAll('form[data-enhance=\"lesson\"]').length === n",
                arg=left,
                timeout=15_000,
            )
        page.goto(f"{base}/me/learning")
        panel = page.locator('section[aria-labelledby="certificates-heading"]')
        link = panel.get_by_role("link", name="老年人智能手机入门")
        with page.expect_navigation():
            link.click()
        assert "/me/certificates/" in page.url
        facts = page.locator(".certificate-facts")
        assert "陈阿姨" in facts.inner_text() and "上海老年大学" in facts.inner_text()
        code = page.locator(".certificate-code").inner_text()
        assert len(code) == 19
        with page.expect_download() as download:
            page.locator('a[href$="certificate.pdf"]').click()
        assert download.value.path().read_bytes()[:5] == b"%PDF-"
        screenshot(page, "certificate-holder-page")
        verify_link = page.locator('main a[href*="/verify/"]').first
        with page.expect_navigation():
            verify_link.click()
        assert page.locator(".verdict-valid").is_visible()
        assert code in page.locator(".certificate-facts").inner_text()
        screenshot(page, "certificate-verify-page")
        verify_url = page.url
    finally:
        context.close()

    # A visitor (no account): the public page in English, then in caring mode.
    visitor = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = visitor.new_page()
    try:
        page.goto(verify_url)
        with page.expect_navigation():
            page.locator('button[name="lang"][value="en"]').first.click()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", name="Verify a certificate").is_visible()
        assert "Valid." in page.locator(".verdict").inner_text()
        with page.expect_navigation():
            page.get_by_role("button", name="Caring mode").click()
        assert page.evaluate("() => document.documentElement.classList.contains('caring')")
        assert page.url == verify_url
        size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 20
        assert page.locator(".verdict-valid").is_visible()
        screenshot(page, "certificate-verify-caring-en")
        page.goto(f"{base}/verify/AAAA-BBBB-CCCC-DDDD")
        assert page.get_by_role("heading", name="Certificate not found").is_visible()
    finally:
        visitor.close()


def test_certificate_pages_have_no_wcag_aa_violations(browser, site, session, app):
    """The holder's pages, the verification page (valid, revoked, unknown), the code form and
    the registrar's page, normal and in caring mode."""
    from catalogue.models import Role
    from catalogue.services.audit import Operator
    from records import certificates as certs
    from records.signing import load_signer
    from tests.browser_support import WCAG_AA, axe_violations, new_page
    from tests.test_browser_pages import DUPLICATE_IDS
    from webapp.credentials import get_credentials

    base, _courses = site
    learner = register_user(session, EMAIL, PASSWORD, "陈阿姨")
    register_user(session, "reg@example.cn", "registrar-2026", "教务", role=Role.REGISTRAR)
    session.commit()
    signer = load_signer(get_credentials(app).key_dir)
    held = certs.issue_event_certificate(
        session, learner.id, 1, "全民阅读周", "Reading week", signer, base
    )
    revoked = certs.issue_event_certificate(session, learner.id, 2, "科普月", "", signer, base)
    certs.revoke(session, revoked.code, "重复颁发", Operator.command_line("tester"))
    session.commit()
    found = {}
    for email, password, paths in [
        (
            EMAIL,
            PASSWORD,
            [
                "/me/learning",
                "/me/certificates",
                f"/me/certificates/{held.code}",
                f"/me/certificates/{revoked.code}",
                f"/verify/{held.code}",
                f"/verify/{revoked.code}",
                "/verify/AAAA-BBBB-CCCC-DDDD",
                "/verify?code=nonsense",
            ],
        ),
        ("reg@example.cn", "registrar-2026", [f"/staff/certificates?code={held.code}"]),
    ]:
        context, page = new_page(browser)
        try:
            log_in(page, base, email, password)
            for caring in (False, True):
                if caring:
                    page.goto(base + "/")
                    with page.expect_navigation():
                        page.get_by_role("button", name="长辈模式").click()
                for path in paths:
                    page.goto(base + path)
                    assert page.evaluate(DUPLICATE_IDS) == [], path
                    violations = axe_violations(page, WCAG_AA)
                    if violations:
                        found[(path, caring)] = violations
        finally:
            context.close()
    assert found == {}

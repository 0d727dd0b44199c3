"""The credit bank in a real browser: a registrar (English interface) opens the queue, reads a
learner's recognition request and accepts it with a fixed conversion; the learner (Chinese
interface, caring mode) sees the credits and the entry's provenance on their account page and
downloads the transcript. axe-core finds nothing on the pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from catalogue.models import Role
from catalogue.models.awards import OutcomeType
from catalogue.services.users import register_user
from records import recognition
from tests.browser_support import DESKTOP, WCAG_AA, axe_violations, screenshot, serving

PASSWORD = "credit-bank-2026"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_registrar_accepts_and_the_learner_sees_it_on_the_account_and_transcript(
    browser, app, session
):
    learner = register_user(session, "mei@example.cn", PASSWORD, "梅阿姨")
    learner.caring_mode = True
    register_user(
        session, "reg@example.cn", PASSWORD, "Registrar Li", role=Role.REGISTRAR,
        preferred_language="en",
    )  # fmt: skip
    recognition.submit(
        session,
        learner.id,
        recognition.Claim("上海开放大学", "计算机应用基础", date(2025, 6, 30), Decimal("4"),
                          OutcomeType.ACADEMIC),
        recognition.Document("证书.pdf", PDF),
        recognition.DocumentStore(Path(app.instance_path) / "credit-documents"),
    )  # fmt: skip
    session.commit()
    with serving(app) as base:
        context = browser.new_context(viewport=DESKTOP, locale="en-US", bypass_csp=True)
        page = context.new_page()
        _log_in(page, base, "reg@example.cn")
        page.goto(f"{base}/registrar/recognition")
        assert "Recognition requests" in page.locator("h1").inner_text()
        assert not axe_violations(page, WCAG_AA), "registrar queue"
        with page.expect_navigation():
            page.get_by_role("link", name="计算机应用基础").click()
        assert "上海开放大学" in page.locator("main").inner_text()
        assert not axe_violations(page, WCAG_AA), "registrar review"
        page.get_by_label("A fixed number of credits").check()
        page.get_by_label("Ratio (0–1) or credits").fill("3")
        page.get_by_label("Note for the record (optional)").fill("Checked with the university.")
        with page.expect_navigation():
            page.get_by_role("button", name="Accept and add to the ledger").click()
        row = page.locator("tr[data-status=accepted]")
        assert "计算机应用基础" in row.inner_text() and "Recognised" in row.inner_text()
        screenshot(page, "credits-registrar-queue")
        context.close()

        context = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
        page = context.new_page()
        _log_in(page, base, "mei@example.cn")
        page.goto(f"{base}/me/credits")
        assert page.evaluate("document.documentElement.classList.contains('caring')")
        assert page.locator(".credit-total").inner_text() == "3.00"
        entry = page.locator("table.credit-entries tbody tr").first.inner_text()
        assert "计算机应用基础" in entry and "上海开放大学" in entry and "fixed 3.00" in entry
        assert page.locator("#request-1[data-status=accepted]").count() == 1
        assert not axe_violations(page, WCAG_AA), "learner's credit account in caring mode"
        screenshot(page, "credits-account-caring")
        with page.expect_download() as download:
            page.locator("a[href$='transcript.pdf']").click()
        path = download.value.path()
        assert Path(path).read_bytes().startswith(b"%PDF")
        signed = page.request.get(f"{base}/me/credits/transcript.json").json()
        (entry,) = signed["credentialSubject"]["entries"]
        assert entry["title"] == "计算机应用基础" and entry["credits"] == "3.00"
        assert entry["kind"] == "recognition" and signed["proof"]["proofValue"]
        page.goto(f"{base}/me/learning")
        assert "3.00" in page.locator(".credit-summary").inner_text()
        context.close()

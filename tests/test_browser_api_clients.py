"""The open data API's admin pages and the learners' consent page in a real browser.

An administrator, in Chinese, registers an institution's client, sees its secret once (and it
works), changes its scopes, makes a new secret, finds the client's calls in the API call log and
its changes in the admin audit log; under the site's own Content-Security-Policy nothing is
refused, and axe-core finds nothing at WCAG AA. A learner lets an institution read their records
and withdraws it (the institution's API answers follow), in caring mode on a phone without
sideways scrolling; another learner sees none of the first one's choices."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa

from catalogue.models import Role
from catalogue.services.users import register_user
from insight.models.open_data import OpenDataConsent
from insight.open_data import clients
from tests.browser_support import (
    DESKTOP,
    PHONE,
    WCAG_AA,
    axe_violations,
    log_in,
    screenshot,
    serving,
)
from webapp.db import get_database

ADMIN, PASSWORD = "api-admin@example.cn", "api-clients-browser-2026"
LEARNERS = ("mei@example.cn", "lan@example.cn")
# Layout checks: elements that stick out of the window (tables scroll inside their region).
WIDE = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => !e.closest('.table-scroll'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
  .slice(0, 8)"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
TARGETS = "main button, main select, main input:not([type=hidden]):not([type=checkbox]), main nav a"
SMALL_TARGETS = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter(e => e.offsetParent !== null)
  .map(e => ({what: e.outerHTML.slice(0, 80), r: e.getBoundingClientRect()}))
  .filter(t => t.r.width < 48 || t.r.height < 48)
  .map(t => t.what)"""


@pytest.fixture
def api_site(app, session):
    """An admin, two learners and a record-reading institution, served on a loopback port."""
    register_user(session, ADMIN, PASSWORD, "管理员", role=Role.ADMIN)
    for email in LEARNERS:
        register_user(session, email, PASSWORD, email.split("@")[0])
    reader = clients.register_client(
        session, clients.ClientData("市社区大学", ["records:read"], 100, 10_000), None
    )
    session.commit()
    with serving(app) as base:
        yield base, reader.client.client_id, reader.secret


def _watch(page) -> list[str]:
    """Script errors, refusals by the Content-Security-Policy and server errors, as they happen
    (a form sent back with its errors answers 400: that is no problem)."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 500 else None,
    )
    return problems


def _token(page, base: str, client_id: str, secret: str) -> tuple[int, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    answer = page.request.post(
        f"{base}/api/v1/open/oauth/token",
        form={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {raw}"},
    )
    return answer.status, (answer.json().get("access_token", "") if answer.ok else "")


def _axe(page, what: str) -> None:
    found = axe_violations(page, WCAG_AA)
    assert not found, (
        what + "\n" + "\n".join(f"{v['id']} {v['targets']} {v['summary']}" for v in found)
    )


def test_an_admin_registers_a_client_sees_its_secret_once_and_finds_its_trail(browser, api_site):
    base, _reader, _secret = api_site
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")  # the site's own CSP
    page = context.new_page()
    problems = _watch(page)
    log_in(page, base, ADMIN, PASSWORD)
    response = page.goto(f"{base}/admin/api-clients/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
    assert page.locator("h1").inner_text() == "接口客户端"
    # The admin console's links, this section current.
    console = page.locator("nav.subnav").first
    assert console.locator("[aria-current=page]").inner_text() == "接口客户端"
    assert console.locator("a[href='/admin/cockpit/']").count() == 1

    # A mistake first: no name and an absurd limit, each said under its field.
    page.locator("#name").fill("   ")
    page.locator("#rate_per_minute").fill("999999999")
    with page.expect_navigation():
        page.locator("form[action='/admin/api-clients/'] button[type=submit]").click()
    assert page.locator("#name").get_attribute("aria-invalid") == "true"
    assert page.locator("#name-error").is_visible()
    assert page.locator("#rate_per_minute-error").is_visible()
    assert page.locator("#daily_quota-error").count() == 0

    page.locator("#name").fill("省学分银行")
    page.locator("#contact_email").fill("data@example.cn")
    page.locator("#rate_per_minute").fill("30")
    page.locator("#daily_quota").fill("5000")
    page.locator("input[name=scopes][value='statistics:read']").uncheck()
    with page.expect_navigation():
        page.locator("form[action='/admin/api-clients/'] button[type=submit]").click()
    client_id = page.locator("#client-id").inner_text()
    secret = page.locator("#client-secret").inner_text()
    assert client_id.startswith("odc_") and len(secret) >= 40
    screenshot(page, "api-client-secret-desktop-zh")
    assert _token(page, base, client_id, secret)[0] == 200

    # Never again: not in the list, nor on the client's page, nor in any log.
    page.goto(f"{base}/admin/api-clients/")
    row = page.locator("table.data tbody tr", has_text="省学分银行")
    assert row.locator("code").first.inner_text() == client_id
    assert "catalogue:read" in row.inner_text() and "statistics:read" not in row.inner_text()
    assert secret not in page.content()
    with page.expect_navigation():
        row.get_by_role("link", name="省学分银行").click()
    client_page = page.url
    assert secret not in page.content()

    # Change the scopes and the limit.
    page.locator("input[name=scopes][value='records:read']").check()
    page.locator("input[name=scopes][value='catalogue:read']").uncheck()
    page.locator("#rate_per_minute").fill("12")
    with page.expect_navigation():
        page.locator(f"form[action='{client_page.removeprefix(base)}'] button").click()
    assert page.url == client_page
    assert page.locator("input[name=scopes][value='records:read']").is_checked()
    assert not page.locator("input[name=scopes][value='catalogue:read']").is_checked()
    assert page.locator("#rate_per_minute").input_value() == "12"
    screenshot(page, "api-client-page-desktop-zh")

    # A new secret: shown once, the old one stops working.
    with page.expect_navigation():
        page.locator("form[action$='/rotate'] button").click()
    new_secret = page.locator("#client-secret").inner_text()
    assert new_secret != secret
    assert _token(page, base, client_id, secret)[0] == 401
    assert _token(page, base, client_id, new_secret)[0] == 200

    # The API call log, searched for this client's calls.
    page.goto(f"{base}/admin/api-clients/audit")
    assert "400" in page.locator("main").inner_text()  # the retention is stated
    page.locator("#audit-client").select_option(label=f"省学分银行 ({client_id})")
    page.locator("#audit-status").select_option("4xx")
    with page.expect_navigation():
        page.locator("form[role=search] button").click()
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1 and "oauth/token" in rows.first.inner_text()
    assert "401" in rows.first.inner_text()
    screenshot(page, "api-call-log-desktop-zh")

    # The admin audit log: the client's registration, change and new secret, found by name.
    page.goto(f"{base}/admin/audit")
    page.locator("#audit-q").fill("学分银行")
    with page.expect_navigation():
        page.locator("form[role=search] button").click()
    entries = page.locator("table.audit tbody tr")
    assert entries.count() == 3
    text = page.locator("table.audit").inner_text()
    assert text.count(client_id) == 3 and ADMIN in text
    # No empty account and provider columns for entries that name neither.
    assert page.locator("table.audit thead th").count() == 6
    assert secret not in page.content() and new_secret not in page.content()
    screenshot(page, "admin-audit-api-clients-desktop-zh")
    assert problems == [], problems
    context.close()


def test_the_admin_pages_pass_axe_with_and_without_errors(browser, api_site):
    base, _reader, _secret = api_site
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, ADMIN, PASSWORD)
    page.goto(f"{base}/admin/api-clients/")
    _axe(page, "API clients")
    page.locator("#name").fill("")
    page.locator("input[name=scopes]").evaluate_all(
        "(boxes) => boxes.forEach(b => b.checked = false)"
    )
    with page.expect_navigation():
        page.locator("form[action='/admin/api-clients/'] button[type=submit]").click()
    assert page.locator(".field-error").count() == 2
    _axe(page, "API clients, form errors")
    page.locator("#name").fill("国家开放大学数据中心")
    page.locator("input[name=scopes][value='catalogue:read']").check()
    with page.expect_navigation():
        page.locator("form[action='/admin/api-clients/'] button[type=submit]").click()
    _axe(page, "the secret")
    page.goto(f"{base}/admin/api-clients/")
    with page.expect_navigation():
        page.get_by_role("link", name="市社区大学").click()
    _axe(page, "a client")
    page.goto(f"{base}/admin/api-clients/audit")
    _axe(page, "API call log")
    page.goto(f"{base}/admin/audit?what=api_clients")
    _axe(page, "admin audit log")
    # On a phone the pages fit the screen (tables scroll inside their own region).
    page.set_viewport_size(PHONE)
    for path in ("/admin/api-clients/", "/admin/api-clients/audit", "/admin/audit"):
        page.goto(base + path)
        assert page.evaluate(OVERFLOW) <= 0, path
        assert not page.evaluate(WIDE), (path, page.evaluate(WIDE))
    screenshot(page, "api-clients-phone-zh")
    context.close()


def _learners_page(browser, base: str, email: str, viewport=PHONE):
    context = browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, email, PASSWORD)
    return context, page


def test_a_learner_allows_and_withdraws_in_caring_mode_on_a_phone(browser, api_site, app):
    base, reader_id, reader_secret = api_site
    context, page = _learners_page(browser, base, LEARNERS[0])
    problems = _watch(page)
    page.goto(f"{base}/me/data-sharing/")
    with page.expect_navigation():
        page.get_by_role("button", name="长辈模式").click()
    assert page.evaluate("() => document.documentElement.classList.contains('caring')")
    body = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert body >= 20

    row = page.locator("ul.consent-list li", has_text="市社区大学")
    assert row.get_by_role("button", name="允许").count() == 1
    # Each button says which institution it is about (several say "allow").
    described = row.get_by_role("button").get_attribute("aria-describedby").split()
    assert page.locator(f"#{described[0]}").inner_text() == "市社区大学"
    with page.expect_navigation():
        row.get_by_role("button", name="允许").click()
    row = page.locator("ul.consent-list li", has_text="市社区大学")
    assert row.get_by_role("button", name="撤回").count() == 1
    assert "市社区大学" in page.locator("p.flash").inner_text()
    # The institution now finds the learner.
    _status, token = _token(page, base, reader_id, reader_secret)
    listed = page.request.get(
        f"{base}/api/v1/open/learners", headers={"Authorization": f"Bearer {token}"}
    )
    assert [i["display_name"] for i in listed.json()["items"]] == ["mei"]
    # Readable in caring mode on a phone: AA, big targets, no sideways scrolling.
    assert page.evaluate(OVERFLOW) <= 0
    assert not page.evaluate(WIDE), page.evaluate(WIDE)
    assert page.evaluate(SMALL_TARGETS, TARGETS) == []
    _axe(page, "data sharing, caring mode, phone")
    screenshot(page, "data-sharing-phone-caring-zh")

    with page.expect_navigation():
        row.get_by_role("button", name="撤回").click()
    row = page.locator("ul.consent-list li", has_text="市社区大学")
    assert row.get_by_role("button", name="允许").count() == 1
    listed = page.request.get(
        f"{base}/api/v1/open/learners", headers={"Authorization": f"Bearer {token}"}
    )
    assert listed.json()["items"] == []
    _axe(page, "data sharing after withdrawing")
    assert problems == [], problems
    context.close()


def test_another_learner_sees_none_of_the_first_ones_choices(browser, api_site, app):
    base, _reader_id, _reader_secret = api_site
    first, page = _learners_page(browser, base, LEARNERS[0], DESKTOP)
    page.goto(f"{base}/me/data-sharing/")
    with page.expect_navigation():
        page.get_by_role("button", name="允许").click()
    assert page.get_by_role("button", name="撤回").count() == 1
    first.close()
    second, page = _learners_page(browser, base, LEARNERS[1], DESKTOP)
    page.goto(f"{base}/me/data-sharing/")
    row = page.locator("ul.consent-list li", has_text="市社区大学")
    assert row.get_by_role("button", name="允许").count() == 1
    assert page.get_by_role("button", name="撤回").count() == 0
    _axe(page, "data sharing, desktop")
    screenshot(page, "data-sharing-desktop-zh")
    second.close()
    with get_database(app).sessions() as s:
        rows = s.execute(sa.select(OpenDataConsent.user_id, OpenDataConsent.withdrawn_at)).all()
    assert len(rows) == 1 and rows[0].withdrawn_at is None

"""The API reference page in a real browser: Swagger UI (vendored) renders the description
under the site's Content-Security-Policy without a violation or an outside request; without
JavaScript the page still lists every endpoint; axe-core finds nothing wrong in the list."""

from __future__ import annotations

from tests.browser_support import WCAG_AA, axe_violations, new_page
from webapp.openapi import load_spec


def _operations() -> int:
    return sum(
        1
        for item in load_spec()["paths"].values()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def test_swagger_ui_renders_the_description_under_the_sites_csp(browser, site):
    base, _courses = site
    context, page = new_page(browser)
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None,
    )
    response = page.goto(base + "/developers/api")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI has loaded the description and drawn one block per operation.
    page.wait_for_selector("#swagger-ui .opblock", timeout=30_000)
    assert page.locator("#swagger-ui .opblock").count() == _operations()
    assert "/api/v1/search" in page.locator("#swagger-ui").inner_text()
    # An operation opens with its parameters and responses.
    page.locator("#swagger-ui .opblock-summary-path", has_text="/api/v1/suggest").first.click()
    page.wait_for_selector("#swagger-ui .opblock.is-open .responses-wrapper", timeout=10_000)
    assert problems == [], problems  # a CSP violation is reported as a console error
    assert outside == [], outside
    found = axe_violations(page, WCAG_AA)
    assert found == [], "\n".join(f"{v['id']} {v['targets']} {v['summary']}" for v in found)
    context.close()


def test_without_javascript_the_page_lists_every_endpoint(browser, site):
    base, _courses = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/developers/api")
    rows = page.locator("table.api-endpoints tbody tr")
    assert rows.count() == _operations()
    text = page.locator("table.api-endpoints").all_inner_texts()
    assert any("/api/v1/assistant/ask" in t for t in text)
    assert page.locator("a[href='/api/v1/openapi.json']").count() == 1
    context.close()

"""Real-browser page tests: Debian's Chromium driven by Playwright, pages served by the app on a
loopback port, axe-core (npm, tests/browser/node_modules) injected for accessibility checks.

Without Chromium, Playwright or axe-core the browser tests skip with the reason; under CI
(CI=true, as `.ci/run` sets, after installing all three) they fail instead.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("LIFELONG_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must run the browser tests: .ci/run installs it)")
    pytest.skip(reason)


def launch_browser():
    """(playwright, browser): headless Debian Chromium, or a skip naming what is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    return playwright, browser


def axe_source() -> str:
    """The axe-core script, or a skip when `npm install` has not been run in tests/browser."""
    if not AXE.exists():
        _unavailable(f"axe-core is not installed at {AXE} (npm install --prefix tests/browser)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, tags: list[str], rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page for the given rule tags (or only the given rules)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    options = {"runOnly": {"type": "rule", "values": rules}} if rules else {"runOnly": tags}
    result = page.evaluate("async (options) => await axe.run(document, options)", options)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
            "summary": [n.get("failureSummary", "") for n in v["nodes"]][:2],
        }
        for v in result["violations"]
    ]


_SERVED: dict = {}


def confirmation_path(base: str, email: str) -> str:
    """The path of the newest sign-up confirmation link mailed to an address (the outbox)."""
    from sqlalchemy import select

    from catalogue.models import OutgoingMail
    from webapp.db import get_database

    with get_database(_SERVED[base]).sessions() as session:
        body = session.scalars(
            select(OutgoingMail.body)
            .where(OutgoingMail.to_address == email, OutgoingMail.kind == "verify")
            .order_by(OutgoingMail.id.desc())
        ).first()
    assert body, f"no confirmation mail to {email}"
    match = re.search(r"https?://[^/\s]+(/verify/\S+)", body)
    assert match, body
    return match.group(1)


@contextmanager
def serving(app) -> Iterator[str]:
    """The app served by a real HTTP server on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    _SERVED[base] = app
    try:
        yield base
    finally:
        _SERVED.pop(base, None)
        server.shutdown()
        thread.join(timeout=10)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# -- steps shared by the browser test modules (fixtures `browser`, `site`: conftest.py) --


def new_page(browser, viewport=DESKTOP):
    # bypass_csp: the site's Content-Security-Policy (rightly) refuses the injected axe script.
    context = browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
    return context, context.new_page()


def log_in(page, base: str, email: str, password: str) -> None:
    """Log in through the site's form."""
    page.goto(f"{base}/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def sign_up(page, base: str, email: str = "mei@example.cn") -> None:
    page.goto(f"{base}/signup")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("昵称").fill("梅阿姨")
    page.get_by_label("密码", exact=True).fill("taiji-2026-spring")
    page.get_by_label("再次输入密码").fill("taiji-2026-spring")
    page.get_by_label("老年教育").check()
    with page.expect_navigation():
        page.get_by_role("button", name="注册").click()
    # A new account logs in by the link mailed to it (read here from the outbox).
    page.goto(base + confirmation_path(base, email))

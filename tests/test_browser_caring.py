"""Caring mode (长辈模式) in a real browser: what the switch changes, measured on the rendered
page (computed text size, line spacing, target sizes, focus outline, contrast by axe-core's
AAA rule), read-aloud, keyboard use; screenshots of the main pages (home, search, course, a
streamed and a reading lesson, my learning, notes, smart living) on a phone and a desktop, in
normal and caring mode, under test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from catalogue.demo import media
from catalogue.models import BodyFormat, MediaType, Role
from catalogue.services import account_admin, playback
from catalogue.services import providers as provider_service
from catalogue.services.audit import Operator
from catalogue.services.courses import CourseData, LessonData, create_course
from catalogue.services.social import add_note
from catalogue.services.users import register_user
from tests.browser_support import (
    DESKTOP,
    PHONE,
    WCAG_AA,
    axe_violations,
    log_in,
    new_page,
    screenshot,
    sign_up,
)
from tests.helpers import make_provider

# Interactive elements that must be at least 48 × 48 px in caring mode (links inside running
# text are exempt, as in WCAG 2.5.5).
TARGETS = (
    "button:not([hidden]), input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    "select, textarea, nav a, .card-title a, .quick-link, .pagination a, .column-list a, "
    ".facets a, .breadcrumb a, details summary"
)
# A checkbox or radio button is operated through its label too: the label must be 48 px high.
MEASURE_CHOICES = """() => Array.from(document.querySelectorAll(
    'input[type=checkbox], input[type=radio]'))
  .filter((e) => e.offsetParent !== null)
  .map((e) => { const label = document.querySelector(`label[for="${e.id}"]`);
                const r = (label || e).getBoundingClientRect();
                return {what: e.outerHTML.slice(0, 80), width: r.width, height: r.height}; })"""
MEASURE_TARGETS = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter((e) => e.offsetParent !== null)
  .map((e) => { const r = e.getBoundingClientRect();
                return {what: e.outerHTML.slice(0, 80), width: r.width, height: r.height}; })"""
PASSWORD = "screenshots-2026-dec"
BODY_TEXT = """() => { const s = getComputedStyle(document.body);
  return {size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight)}; }"""


def switch_on(page, base: str, path: str = "/") -> None:
    page.goto(base + path)
    with page.expect_navigation():
        page.get_by_role("button", name="长辈模式").click()


def caring_paths(courses) -> list[str]:
    return ["/", f"/courses/{courses['taiji']}", "/search?q=太极", "/smart-living"]


TARGET_PATHS = ("/signup", "/micro", "/areas/elderly")


def test_the_switch_makes_text_larger_and_spacing_wider_on_every_page(browser, site):
    base, courses = site
    context, page = new_page(browser)
    try:
        page.goto(base + "/")
        normal = page.evaluate(BODY_TEXT)
        assert normal["size"] == 16
        switch_on(page, base)
        assert page.get_by_text("长辈模式已开启").is_visible()
        for path in caring_paths(courses):
            page.goto(base + path)
            text = page.evaluate(BODY_TEXT)
            assert text["size"] == 20, path
            assert text["line"] >= 1.5 * text["size"], path
        with page.expect_navigation():
            page.get_by_role("button", name="特大字").click()
        larger = page.evaluate(BODY_TEXT)
        assert larger["size"] == 24 and larger["line"] >= 1.5 * 24
        assert page.get_by_role("button", name="特大字").get_attribute("aria-pressed") == "true"
        with page.expect_navigation():
            page.get_by_role("button", name="退出长辈模式").click()
        assert page.evaluate(BODY_TEXT)["size"] == 16
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_target_is_at_least_48_px_and_the_layout_is_one_column(browser, site, viewport):
    base, courses = site
    context, page = new_page(browser, viewport)
    try:
        page.goto(base + "/")
        normal = page.evaluate(MEASURE_TARGETS, TARGETS)
        assert any(t["height"] < 48 for t in normal), "the check must see small targets"
        switch_on(page, base)
        small = {}
        for path in [*caring_paths(courses), *TARGET_PATHS]:
            page.goto(base + path)
            found = [
                t
                for t in page.evaluate(MEASURE_TARGETS, TARGETS)
                if t["width"] < 48 or t["height"] < 48
            ]
            found += [t for t in page.evaluate(MEASURE_CHOICES) if t["height"] < 48]
            if found:
                small[path] = found
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
            columns = page.evaluate(
                """() => Array.from(document.querySelectorAll('.card-grid'))
                   .map((g) => getComputedStyle(g).gridTemplateColumns.split(' ').length)"""
            )
            assert all(n == 1 for n in columns), f"{path} lays cards out in {columns} columns"
        assert small == {}
    finally:
        context.close()


def test_pages_meet_aaa_contrast_and_aa_in_caring_mode(browser, site):
    base, courses = site
    context, page = new_page(browser)
    try:
        page.goto(base + "/")
        normal = axe_violations(page, ["wcag2aaa"], rules=["color-contrast-enhanced"])
        assert normal, "normal mode's link blue is below 7:1: the AAA rule must notice"
        switch_on(page, base)
        found = {}
        for size in ("大字", "特大字"):
            with page.expect_navigation():
                page.get_by_role("button", name=size, exact=True).click()
            for path in [*caring_paths(courses), "/areas/elderly", "/signup"]:
                page.goto(base + path)
                violations = axe_violations(page, [*WCAG_AA, "wcag2aaa", "wcag22aa"])
                if violations:
                    found[f"{size} {path}"] = violations
        assert found == {}
    finally:
        context.close()


def test_the_focus_outline_is_clearly_visible(browser, site):
    base, _courses = site
    context, page = new_page(browser)
    try:
        switch_on(page, base)
        page.keyboard.press("Tab")  # the skip link
        page.keyboard.press("Tab")
        outline = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""
        )
        assert outline["style"] != "none" and outline["width"] >= 3
    finally:
        context.close()


def test_caring_mode_can_be_switched_with_the_keyboard_alone(browser, site):
    base, _courses = site
    context, page = new_page(browser)
    try:
        page.goto(base + "/")
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.textContent.trim()") == "长辈模式":
                break
        else:
            pytest.fail("the caring-mode switch cannot be reached with Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.evaluate("() => document.documentElement.classList.contains('caring')")
    finally:
        context.close()


def test_read_aloud_speaks_the_title_and_description_and_stops(browser, site):
    base, courses = site
    context, page = new_page(browser)
    # Record what would be spoken: headless Chromium has speech synthesis but no audio device.
    context.add_init_script(
        """window.__spoken = []; window.__cancelled = 0;
           window.speechSynthesis.speak = (u) => window.__spoken.push({text: u.text, lang: u.lang});
           window.speechSynthesis.cancel = () => { window.__cancelled += 1; };"""
    )
    try:
        switch_on(page, base, f"/courses/{courses['taiji']}")
        button = page.get_by_role("button", name="朗读")
        button.click()
        spoken = page.evaluate("() => window.__spoken")
        assert len(spoken) == 1 and spoken[0]["lang"] == "zh-CN"
        for part in ("太极拳入门", "跟着老师一招一式学太极", "从站桩开始，循序渐进。"):
            assert part in spoken[0]["text"]
        stop = page.get_by_role("button", name="停止朗读")
        assert stop.get_attribute("aria-pressed") == "true"
        cancelled = page.evaluate("() => window.__cancelled")
        stop.click()
        assert page.evaluate("() => window.__cancelled") == cancelled + 1
        assert page.get_by_role("button", name="朗读").get_attribute("aria-pressed") == "false"
    finally:
        context.close()


def test_home_gives_one_tap_to_elderly_learning_and_smart_living(browser, site):
    base, _courses = site
    context, page = new_page(browser, PHONE)
    try:
        switch_on(page, base)
        page.locator(".quick-link.smart-living").click()
        page.wait_for_url(f"{base}/smart-living")
        assert page.get_by_role("heading", level=1).inner_text() == "智能生活"
        assert page.get_by_role("link", name="老年人智能手机入门").is_visible()
        page.goto(base + "/")
        page.locator(".quick-link.area-elderly").click()
        page.wait_for_url(f"{base}/areas/elderly")
    finally:
        context.close()


def test_a_learner_who_signs_up_in_caring_mode_keeps_it_in_another_browser(browser, site):
    base, _courses = site
    first, page = new_page(browser)
    try:
        switch_on(page, base)
        sign_up(page, base, "zhang@example.cn")
        assert page.evaluate("() => document.documentElement.classList.contains('caring')")
    finally:
        first.close()
    second, page = new_page(browser)
    try:
        page.goto(base + "/login")
        assert not page.evaluate("() => document.documentElement.classList.contains('caring')")
        page.get_by_label("邮箱").fill("zhang@example.cn")
        page.get_by_label("密码").fill("taiji-2026-spring")
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        assert page.evaluate(BODY_TEXT)["size"] == 20
    finally:
        second.close()


def _lessons_to_show(session) -> tuple[int, int, int]:
    """(course, streamed lesson with subtitles, reading lesson): the two kinds of lesson page."""
    clip = media.clips()["taiji-zh"]
    stream, captions = media.lesson_urls(clip, 120)
    reading = "# 站桩要领\n\n" + "\n\n".join(
        f"第{n}段：两脚分开与肩同宽，膝盖微屈，双手抱球，呼吸自然。" * 3 for n in range(1, 9)
    )
    course = create_course(
        session,
        make_provider(session, "北京老年开放大学").id,
        CourseData(
            external_id="screenshots-1",
            title="太极站桩十讲",
            area="elderly",
            lessons=[
                LessonData(title="站桩", duration_seconds=120, url=stream, captions_url=captions),
                LessonData(
                    title="读一读：站桩要领",
                    media_type=MediaType.TEXT,
                    body=reading,
                    body_format=BodyFormat.MARKDOWN,
                ),
            ],
        ),
        publish=True,
    )
    stream_id, reading_id = (lesson.id for lesson in course.lessons)
    return course.id, stream_id, reading_id


def _png_size(path) -> tuple[int, int]:
    """(width, height) of a PNG file, read from its header (which must be a PNG's)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def test_screenshots_of_the_main_pages_in_both_modes(browser, site, session):
    """Phone and desktop, normal and caring mode: every main page fits the screen's width and
    its full-page screenshot lands in test-artifacts/screenshots/ (NAME-DEVICE-MODE.png)."""
    base, courses = site
    course, stream, reading = _lessons_to_show(session)
    for device in ("desktop", "phone"):
        learner = register_user(session, f"shots-{device}@example.cn", PASSWORD, "截图学员").id
        playback.save_position(session, learner, course, stream, 40)
        add_note(session, learner, course, "站桩时膝盖不要超过脚尖", lesson_id=stream)
    session.commit()
    pages = {
        "home": "/",
        "search": "/search?q=太极",
        "course": f"/courses/{courses['taiji']}",
        "lesson": f"/courses/{course}/lessons/{stream}",
        "reading": f"/courses/{course}/lessons/{reading}",
        "my-learning": "/me/learning",
        "notes": "/me/notes",
        "smart-living": "/smart-living",
    }
    problems = {}
    for viewport, device in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context, page = new_page(browser, viewport)
        try:
            log_in(page, base, f"shots-{device}@example.cn", PASSWORD)
            for mode in ("normal", "caring"):
                if mode == "caring":
                    switch_on(page, base)
                for name, path in pages.items():
                    page.goto(base + path)
                    if name == "lesson":  # the player's controls and the transcript's lines
                        page.wait_for_function(
                            "() => customElements.get('media-controller')"
                            " && document.querySelectorAll('.transcript-lines li').length > 3"
                        )
                    overflow = page.evaluate(
                        "() => document.documentElement.scrollWidth"
                        " - document.documentElement.clientWidth"
                    )
                    shot = screenshot(page, f"{name}-{device}-{mode}")
                    width, height = _png_size(shot)
                    if (
                        overflow > 0
                        or width != viewport["width"]
                        or height < viewport["height"]
                        or shot.stat().st_size < 10_000
                    ):
                        problems[f"{name}-{device}-{mode}"] = {
                            "overflow": overflow,
                            "png": (width, height, shot.stat().st_size),
                        }
        finally:
            context.close()
    assert problems == {}


def test_a_learners_pages_in_caring_mode_keep_large_targets_and_aaa_contrast(browser, site):
    base, courses = site
    context, page = new_page(browser, PHONE)
    try:
        switch_on(page, base)
        sign_up(page, base, "gu@example.cn")
        page.goto(f"{base}/courses/{courses['taiji']}")
        lesson = page.locator("#lessons a").first.get_attribute("href")
        problems = {}
        for path in [f"/courses/{courses['taiji']}", lesson, "/me/learning", "/me/notes"]:
            page.goto(base + path)
            small = [
                t
                for t in page.evaluate(MEASURE_TARGETS, TARGETS)
                if t["width"] < 48 or t["height"] < 48
            ]
            small += [t for t in page.evaluate(MEASURE_CHOICES) if t["height"] < 48]
            violations = axe_violations(page, [*WCAG_AA, "wcag2aaa"])
            if small or violations:
                problems[path] = {"small": small, "axe": violations}
            slug = "-".join(part for part in path.split("/") if part)
            screenshot(page, f"learner-{slug}-phone-caring")
        assert problems == {}
    finally:
        context.close()


def test_the_operators_console_in_caring_mode_on_a_phone(browser, site, session):
    """An older administrator's console: large targets, AAA contrast, nothing scrolls sideways."""
    base, _courses = site
    register_user(session, "boss@example.cn", "admin-password-1", "管理员", role=Role.ADMIN)
    cli = Operator.command_line("tester")
    stopped = provider_service.add_provider(session, cli, "停用的机构", "training")
    provider_service.suspend_provider(session, cli, stopped.id)
    learner = register_user(session, "old@example.cn", "learner-password-1", "老学员")
    account_admin.attach_to_provider(session, cli, learner.id, stopped.id)
    account_admin.suspend_account(session, cli, learner.id)
    session.commit()
    context, page = new_page(browser, PHONE)
    try:
        switch_on(page, base, "/login")
        page.get_by_label("邮箱").fill("boss@example.cn")
        page.get_by_label("密码").fill("admin-password-1")
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        problems = {}
        for path in [
            "/admin/providers",
            f"/admin/providers/{stopped.id}",
            "/admin/accounts?q=example",
            f"/admin/accounts/{learner.id}",
            "/admin/audit",
        ]:
            page.goto(base + path)
            assert page.get_by_text("长辈模式已开启").is_visible(), path
            small = [
                t
                for t in page.evaluate(MEASURE_TARGETS, TARGETS)
                if t["width"] < 48 or t["height"] < 48
            ]
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            violations = axe_violations(page, [*WCAG_AA, "wcag2aaa"])
            if small or violations or overflow > 0:
                problems[path] = {"small": small, "axe": violations, "overflow": overflow}
            slug = "-".join(part for part in path.split("?")[0].split("/") if part)
            screenshot(page, f"{slug}-phone-caring")
        assert problems == {}
    finally:
        context.close()

"""The learner's pages in a real browser (headless Chromium): a learner signs up, searches,
likes, saves and takes a note; pages pass axe-core's WCAG 2.1 AA rules; screenshots of the
main pages are saved under test-artifacts/screenshots/."""

from __future__ import annotations

import io
import re
import wave

import pytest
from sqlalchemy import select

from catalogue.models import Event, MediaType, Note, Provider, Role, User
from catalogue.services import account_admin
from catalogue.services import providers as provider_service
from catalogue.services.audit import Operator
from catalogue.services.columns import create_column
from catalogue.services.courses import CourseData, LessonData, create_course
from catalogue.services.users import register_user
from tests.browser_support import (
    DESKTOP,
    PHONE,
    WCAG_AA,
    axe_violations,
    new_page,
    screenshot,
    sign_up,
)
from tests.helpers import make_provider


def test_a_learner_signs_up_searches_likes_saves_and_takes_a_note(browser, site, session):
    base, courses = site
    context, page = new_page(browser)
    try:
        sign_up(page, base)
        assert page.locator(".user-name").inner_text() == "梅阿姨"

        # The header's search box is a combobox (it suggests titles as you type).
        page.get_by_role("combobox", name="搜索课程").fill("太极")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/search\?q="))
        results = page.locator(".hit")
        assert results.count() == 1
        assert results.first.locator("mark").first.inner_text() in ("太极", "太极拳")
        screenshot(page, "search-normal")

        results.first.get_by_role("link").first.click()
        # A search result's link says which search led to it (partners' analytics).
        page.wait_for_url(re.compile(rf"{re.escape(base)}/courses/{courses['taiji']}\?sq=\d+$"))
        assert page.get_by_role("heading", level=1).inner_text() == "太极拳入门"

        page.get_by_role("button", name="点赞").click()
        page.get_by_role("button", name="已点赞").wait_for()
        assert page.get_by_role("button", name="已点赞").get_attribute("aria-pressed") == "true"
        page.get_by_role("button", name="收藏").click()
        page.get_by_role("button", name="已收藏").wait_for()
        assert page.get_by_role("button", name="已收藏").get_attribute("aria-pressed") == "true"

        page.get_by_role("textbox", name="笔记").fill("站桩时膝盖不要超过脚尖")
        with page.expect_navigation():
            page.get_by_role("button", name="保存笔记").click()
        assert page.locator(".note-body").inner_text() == "站桩时膝盖不要超过脚尖"
        screenshot(page, "course-normal")

        page.goto(f"{base}/me/learning")
        assert page.get_by_role("link", name="太极拳入门").first.is_visible()
    finally:
        context.close()

    session.expire_all()
    user = session.scalars(select(User).where(User.email == "mei@example.cn")).one()
    kinds = [str(k) for k in session.scalars(select(Event.kind).where(Event.user_id == user.id))]
    assert {"view", "like", "save"} <= set(kinds)
    note = session.scalars(select(Note).where(Note.user_id == user.id)).one()
    assert note.course_id == courses["taiji"] and note.body == "站桩时膝盖不要超过脚尖"


def test_the_accessibility_check_finds_what_it_should(browser):
    context, page = new_page(browser)
    try:
        page.set_content('<html lang="en"><body><img src="x.png"><p style="color:#bbb">faint</p>')
        found = {v["id"] for v in axe_violations(page, WCAG_AA)}
        assert {"image-alt", "color-contrast"} <= found
    finally:
        context.close()


PAGES = [
    "/",
    "/search?q=太极",
    "/search?q=nothing-matches-this",
    "/areas/elderly",
    "/signup",
    "/login",
    "/micro",
    "/reading",
    "/smart-living",
]

DUPLICATE_IDS = """() => { const seen = new Set(), twice = [];
   for (const e of document.querySelectorAll('[id]')) {
     if (seen.has(e.id)) twice.push(e.id); seen.add(e.id); }
   return twice; }"""


def first_lesson(page, base: str, course_id: int) -> str:
    page.goto(f"{base}/courses/{course_id}")
    return page.locator("#lessons a").first.get_attribute("href")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_public_pages_have_no_wcag_aa_violations(browser, site, viewport):
    base, courses = site
    context, page = new_page(browser, viewport)
    try:
        found = {}
        lesson = first_lesson(page, base, courses["taiji"])
        for path in [*PAGES, f"/courses/{courses['taiji']}", lesson]:
            page.goto(base + path)
            assert page.evaluate(DUPLICATE_IDS) == [], path
            violations = axe_violations(page, WCAG_AA)
            if violations:
                found[path] = violations
        assert found == {}
    finally:
        context.close()


def test_learner_pages_have_no_wcag_aa_violations(browser, site):
    base, courses = site
    context, page = new_page(browser)
    try:
        sign_up(page, base, "lin@example.cn")
        found = {}
        lesson = first_lesson(page, base, courses["taiji"])
        record = ["/me/profile", "/me/certificates", "/me/credits", "/me/credits/recognition"]
        record += ["/me/groups", "/groups/join", "/me/personal-data"]
        for path in [
            f"/courses/{courses['taiji']}",
            lesson,
            "/me/learning",
            "/me/notes",
            "/",
            *record,
        ]:
            page.goto(base + path)
            duplicates = page.evaluate(DUPLICATE_IDS)
            assert duplicates == [], f"{path} repeats the ids {duplicates}"
            violations = axe_violations(page, WCAG_AA)
            if violations:
                found[path] = violations
            name = path.strip("/").replace("/", "-") or "home"
            screenshot(page, f"{re.sub(r'[^a-z0-9-]', '', name)}-learner-normal")
        assert found == {}
    finally:
        context.close()


def test_staff_pages_have_no_wcag_aa_violations(browser, site, session):
    base, _courses = site
    provider = session.scalars(select(Provider)).first()
    register_user(session, "editor@example.cn", "editor-password-1", "编辑", role=Role.EDITOR)
    register_user(
        session,
        "partner@example.cn",
        "partner-password-1",
        "教务",
        role=Role.PARTNER,
        provider_id=provider.id,
    )
    column = create_column(session, "spring", "春季专题", description="春天学什么")
    register_user(session, "admin@example.cn", "admin-password-1", "管理员", role=Role.ADMIN)
    register_user(session, "reg@example.cn", "registrar-password-1", "学分", role=Role.REGISTRAR)
    register_user(session, "org@example.cn", "organiser-password-1", "班主任", role=Role.ORGANISER)
    # The operators' console with something in every state: a suspended provider, a
    # suspended account, audit entries with before and after.
    cli = Operator.command_line("tester")
    stopped = provider_service.add_provider(session, cli, "停用的机构", "training")
    provider_service.suspend_provider(session, cli, stopped.id)
    learner = register_user(session, "old@example.cn", "learner-password-1", "老学员")
    account_admin.suspend_account(session, cli, learner.id)
    partner = session.scalar(select(User.id).where(User.email == "partner@example.cn"))
    session.commit()
    found = {}
    for email, password, paths in [
        (
            "editor@example.cn",
            "editor-password-1",
            [
                "/editor/search",
                "/editor/columns/",
                f"/editor/columns/{column.id}?q=太极",
                "/editor/comments",
                "/editor/comments?view=recent",
                "/editor/reviews/",
                "/editor/events/",
                f"/editor/events/column/{column.id}",
            ],
        ),
        (
            "reg@example.cn",
            "registrar-password-1",
            ["/registrar/recognition", "/registrar/ledger", "/staff/certificates"],
        ),
        ("org@example.cn", "organiser-password-1", ["/organiser/groups"]),
        (
            "partner@example.cn",
            "partner-password-1",
            ["/partner/", "/partner/courses", "/partner/feedback", "/partner/courses/new"],
        ),
        (
            "admin@example.cn",
            "admin-password-1",
            [
                "/admin/providers",
                f"/admin/providers/{provider.id}",
                f"/admin/providers/{stopped.id}",
                "/admin/accounts?q=example",
                f"/admin/accounts/{partner}",
                f"/admin/accounts/{learner.id}",
                "/admin/audit",
                "/admin/jobs",
            ],
        ),
    ]:
        context, page = new_page(browser)
        try:
            page.goto(f"{base}/login")
            page.get_by_label("邮箱").fill(email)
            page.get_by_label("密码").fill(password)
            with page.expect_navigation():
                page.get_by_role("button", name="登录").click()
            for path in paths:
                page.goto(base + path)
                assert page.evaluate(DUPLICATE_IDS) == [], path
                violations = axe_violations(page, WCAG_AA)
                if violations:
                    found[path] = violations
        finally:
            context.close()
    assert found == {}


def test_the_interface_switches_to_english(browser, site):
    base, courses = site
    context, page = new_page(browser)
    try:
        page.goto(f"{base}/courses/{courses['taiji']}")
        with page.expect_navigation():
            page.get_by_role("banner").get_by_role("button", name="English").click()
        assert page.evaluate("() => document.documentElement.lang") == "en"
        assert page.get_by_role("button", name="Caring mode").is_visible()
        assert page.get_by_role("heading", name="Lessons").is_visible()
        assert page.get_by_role("heading", level=1).inner_text() == "太极拳入门"  # content stays
        screenshot(page, "course-desktop-english")
    finally:
        context.close()


def test_pages_fit_a_phone_screen_without_sideways_scrolling(browser, site):
    base, courses = site
    context, page = new_page(browser, PHONE)
    try:
        for path in [*PAGES, f"/courses/{courses['taiji']}"]:
            page.goto(base + path)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        screenshot(page, "course-phone-normal")
    finally:
        context.close()


def test_like_bookmark_and_lesson_done_work_without_reloading_the_page(browser, site, session):
    base, courses = site
    context, page = new_page(browser)
    try:
        sign_up(page, base, "zhou@example.cn")
        page.goto(f"{base}/courses/{courses['taiji']}")
        # A mark on the window survives only while the page is not reloaded.
        page.evaluate("() => { window.__samePage = true; }")
        page.get_by_role("button", name="点赞").click()
        liked = page.get_by_role("button", name="已点赞")
        liked.wait_for()
        assert liked.get_attribute("aria-pressed") == "true"
        page.get_by_role("button", name="收藏").click()
        page.get_by_role("button", name="已收藏").wait_for()
        page.locator("#lessons form button").first.click()
        page.locator("#lessons .badge").first.wait_for()
        page.wait_for_function(
            "() => document.getElementById('action-status').textContent === '这一讲学完了。'"
        )
        assert page.evaluate("() => window.__samePage === true")
    finally:
        context.close()
    session.expire_all()
    user = session.scalars(select(User).where(User.email == "zhou@example.cn")).one()
    kinds = [str(k) for k in session.scalars(select(Event.kind).where(Event.user_id == user.id))]
    assert {"like", "save", "start", "progress"} <= set(kinds)


def test_every_action_works_with_javascript_off(browser, site, session):
    base, courses = site
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_up(page, base, "wu@example.cn")
        page.goto(f"{base}/courses/{courses['taiji']}")
        with page.expect_navigation():
            page.get_by_role("button", name="点赞").click()
        assert page.get_by_role("button", name="已点赞").get_attribute("aria-pressed") == "true"
        with page.expect_navigation():
            page.get_by_role("button", name="分享").click()
        assert f"/courses/{courses['taiji']}" in page.locator(".flash").inner_text()
        page.get_by_role("textbox", name="我的评论").fill("第一次跟着练，感觉很好")
        with page.expect_navigation():
            page.get_by_role("button", name="发表评论").click()
        assert "第一次跟着练，感觉很好" in page.locator(".comments").inner_text()
        page.locator("details.reply summary").first.click()
        page.get_by_role("textbox", name="我的回复").fill("坚持就有进步")
        with page.expect_navigation():
            page.get_by_role("button", name="发表回复").click()
        assert "坚持就有进步" in page.locator(".replies").inner_text()
        page.get_by_label("4 星").check()
        with page.expect_navigation():
            page.get_by_role("button", name="提交意见").click()
        assert "谢谢，你的意见已发给开课机构。" in page.locator(".flash").inner_text()
    finally:
        context.close()


def tone(seconds: int, rate: int = 8000) -> bytes:
    """A silent WAV file of the given length (8 kHz, 8-bit mono)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * rate * seconds)
    return buffer.getvalue()


def media_server(body: bytes, content_type: str):
    """A Playwright route handler serving a media file with byte ranges, as media hosts do
    (without them the browser cannot seek)."""

    def handle(route) -> None:
        wanted = route.request.headers.get("range", "")
        match = re.match(r"bytes=(\d+)-(\d*)", wanted)
        if not match:
            route.fulfill(status=200, body=body, content_type=content_type)
            return
        start = int(match.group(1))
        end = int(match.group(2)) if match.group(2) else len(body) - 1
        route.fulfill(
            status=206,
            body=body[start : end + 1],
            headers={
                "Content-Type": content_type,
                "Accept-Ranges": "bytes",
                "Content-Range": f"bytes {start}-{end}/{len(body)}",
            },
        )

    return handle


def test_the_player_resumes_where_the_learner_stopped(browser, site, session):
    base, _courses = site
    provider = make_provider(session, "广播大学").id
    data = CourseData(
        external_id="radio-1",
        title="养生广播讲座",
        area="elderly",
        lessons=[
            LessonData(
                title="春季养生",
                duration_seconds=130,
                media_type=MediaType.AUDIO,
                url="https://media.example.org/talks/spring.wav",
            )
        ],
    )
    course = create_course(session, provider, data, publish=True)
    session.commit()
    lesson = course.lessons[0].id
    context, page = new_page(browser)
    page.route("https://media.example.org/**", media_server(tone(130), "audio/wav"))
    try:
        sign_up(page, base, "qian@example.cn")
        page.goto(f"{base}/courses/{course.id}/lessons/{lesson}")
        page.wait_for_function(
            "() => document.querySelector('audio.media').readyState >= 1", polling=100
        )
        with page.expect_response(lambda r: r.url.endswith("/position")):
            page.evaluate(
                """() => { const a = document.querySelector('audio.media');
                           a.currentTime = 75; a.dispatchEvent(new Event('pause')); }"""
            )
        page.reload()
        page.wait_for_function(
            "() => Math.round(document.querySelector('audio.media').currentTime) === 75",
            polling=100,
        )
        assert "上次学到 1:15。" in page.locator(".resume-at").inner_text()
        # Playing to the end finishes the lesson (and so the one-lesson course). Wait for the
        # save of 2:09 itself: the reload's seek to 1:15 sends a save of its own, which may
        # answer late, and leaving the page before the last save answers cancels it.
        with page.expect_response(
            lambda r: (
                r.url.endswith("/position")
                and 'name="position"\r\n\r\n129\r\n' in (r.request.post_data or "")
            )
        ):
            page.evaluate(
                """() => { const a = document.querySelector('audio.media');
                           a.currentTime = 129; a.dispatchEvent(new Event('ended')); }"""
            )
        page.goto(f"{base}/courses/{course.id}")
        assert page.locator("#lessons .badge").first.inner_text() == "已学完"
    finally:
        context.close()
    session.expire_all()
    user = session.scalars(select(User).where(User.email == "qian@example.cn")).one()
    kinds = [str(k) for k in session.scalars(select(Event.kind).where(Event.user_id == user.id))]
    assert kinds.count("start") == 1 and "complete" in kinds

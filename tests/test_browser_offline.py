"""The installable web app: a manifest with real icons, a service worker at the site's root,
and, offline, the learner's saved courses, notes and started reading lessons still open while
other pages show the offline page; logging out empties what was kept."""

from __future__ import annotations

import struct

from sqlalchemy import select

from catalogue.models import EventKind, Lesson, MediaType
from catalogue.services.activity import record_event
from catalogue.services.courses import CourseData, LessonData, create_course
from catalogue.services.playback import save_position
from catalogue.services.users import register_user
from tests.browser_support import PHONE, log_in, new_page, screenshot
from tests.helpers import make_provider

EMAIL, PASSWORD = "offline@example.cn", "offline-learner-2026"
KEPT = """async () => { const out = [];
  for (const name of await caches.keys()) { if (!name.startsWith('pages-')) continue;
    const cache = await caches.open(name);
    for (const r of await cache.keys()) out.push(new URL(r.url).pathname); }
  return out; }"""


def _wait_until(condition, page, seconds: float = 15) -> None:
    for _ in range(int(seconds * 5)):
        if condition():
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"not kept in time: {page.evaluate(KEPT)}")


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_names_the_app_and_its_icons_exist(client):
    answer = client.get("/manifest.webmanifest")
    assert answer.mimetype == "application/manifest+json"
    manifest = answer.get_json()
    assert manifest["name"] == "终身学习平台" and manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/") and manifest["scope"] == "/"
    sizes = set()
    for icon in manifest["icons"]:
        width, height = _png_size(client.get(icon["src"]).data)
        assert f"{width}x{height}" == icon["sizes"]
        sizes.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    worker = client.get("/sw.js")
    assert worker.mimetype == "text/javascript" and worker.headers["Cache-Control"] == "no-cache"
    assert 'rel="manifest"' in client.get("/").get_data(as_text=True)
    assert client.get("/offline").status_code == 200


def test_offline_the_learners_own_pages_open_and_the_rest_say_so(browser, site, session):
    base, courses = site
    user = register_user(session, EMAIL, PASSWORD, "离线学员").id
    provider = make_provider(session, "阅读出版社").id
    book = create_course(
        session,
        provider,
        CourseData(
            external_id="book-1",
            title="养生读本",
            area="elderly",
            lessons=[
                LessonData(
                    title="第一章 早睡早起",
                    media_type=MediaType.TEXT,
                    body="# 早睡早起\\n\\n每天同一时间睡觉，同一时间起床。" * 3,
                )
            ],
        ),
        publish=True,
    ).id
    chapter = session.scalar(select(Lesson.id).where(Lesson.course_id == book))
    record_event(session, user, courses["taiji"], EventKind.SAVE)
    save_position(session, user, book, chapter, 10)
    session.commit()

    context, page = new_page(browser, PHONE)
    log_in(page, base, EMAIL, PASSWORD)
    page.goto(f"{base}/me/notes")
    page.goto(f"{base}/me/learning")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)
    page.reload()  # now under the worker, which keeps the marked pages
    wanted = {f"/courses/{courses['taiji']}", f"/courses/{book}/lessons/{chapter}"}
    _wait_until(lambda: wanted <= set(page.evaluate(KEPT)), page)
    context.set_offline(True)
    page.goto(f"{base}/courses/{courses['taiji']}")
    assert page.locator("h1").inner_text() == "太极拳入门"
    page.goto(f"{base}/courses/{book}/lessons/{chapter}")
    assert "每天同一时间睡觉" in page.locator("#reading-body").inner_text()
    page.goto(f"{base}/me/notes")
    assert page.locator("h1").inner_text() == "我的笔记"
    page.goto(f"{base}/areas/hobbies")
    assert page.locator("h1").inner_text() == "您已离线"
    page.wait_for_selector(".offline-pages li a")
    listed = page.locator(".offline-pages li a").all_inner_texts()
    assert any("太极拳入门" in title for title in listed)
    screenshot(page, "phone-offline")
    # Back online, logging out forgets the kept pages: they were this learner's.
    context.set_offline(False)
    page.goto(f"{base}/me/account")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="退出登录", exact=True).click()
    # (the home page the log-out lands on is kept again: as a visitor sees it)
    _wait_until(lambda: set(page.evaluate(KEPT)) <= {"/"}, page)
    home = page.evaluate(
        "async () => { const r = await caches.match('/', {ignoreVary: true});"
        " return r ? r.text() : ''; }"
    )
    assert "离线学员" not in home
    context.close()

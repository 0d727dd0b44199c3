"""The lesson player and reading lessons in a real browser (Chromium), with the site's
Content-Security-Policy in force: an HLS lesson plays through hls.js with media-chrome's
controls, seeks, changes speed, shows and searches its transcript, saves the position and
resumes there; a lesson played to its end counts as done; a reading lesson saves the reading
position by scrolling, keeps the learner's text size, and is done at the end."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalogue.demo import media
from catalogue.models import BodyFormat, Event, Lesson, LessonPosition, MediaType
from catalogue.services.courses import CourseData, LessonData, create_course
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
from tests.helpers import make_provider

EMAIL, PASSWORD = "player@example.cn", "lesson-player-2026"
RESOURCES = "() => performance.getEntriesByType('resource').map((e) => e.name)"
VIOLATIONS = """window.__csp = []; document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


@pytest.fixture
def lessons(app, session):
    """(base URL, course id, {name: lesson id}, user id) served on a loopback port."""
    taiji = media.clips()["taiji-zh"]
    webm = media.clips()[media.WEBM_CLIP]
    stream, captions = media.lesson_urls(taiji, 120)
    reading_text = "# 站桩要领\n\n" + "\n\n".join(
        f"第{n}段：两脚分开与肩同宽，膝盖微屈，双手抱球，呼吸自然。" * 4 for n in range(1, 31)
    )
    provider = make_provider(session).id
    course = create_course(
        session,
        provider,
        CourseData(
            external_id="player-1",
            title="太极站桩",
            area="elderly",
            lessons=[
                LessonData(title="站桩", duration_seconds=120, url=stream, captions_url=captions),
                LessonData(
                    title="欢迎",
                    duration_seconds=int(webm.duration),
                    url=f"{media.URL_PREFIX}/{webm.webm}",
                    captions_url=f"{media.URL_PREFIX}/{webm.slug}.vtt",
                ),
                LessonData(
                    title="读一读",
                    media_type=MediaType.TEXT,
                    body=reading_text,
                    body_format=BodyFormat.MARKDOWN,
                ),
            ],
        ),
        publish=True,
    ).id
    user = register_user(session, EMAIL, PASSWORD, "学员").id
    session.commit()
    ids = session.scalars(
        select(Lesson.id).where(Lesson.course_id == course).order_by(Lesson.position)
    ).all()
    with serving(app) as base:
        yield base, course, dict(zip(("stream", "file", "reading"), ids, strict=True)), user


def _page(browser, base: str, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.add_init_script(VIOLATIONS)
    log_in(page, base, EMAIL, PASSWORD)
    return context, page


def _position(session, user: int, lesson: int) -> int | None:
    session.expire_all()
    row = session.get(LessonPosition, (user, lesson))
    return row.position_seconds if row else None


def _wait_for(page, condition: str, timeout: float = 20_000) -> None:
    page.wait_for_function(condition, timeout=timeout)


def test_a_stream_plays_seeks_changes_speed_and_resumes_where_the_learner_stopped(
    browser, lessons, session
):
    base, course, ids, user = lessons
    context, page = _page(browser, base)
    page.goto(f"{base}/courses/{course}/lessons/{ids['stream']}")
    video = page.locator(".player video")
    # media-chrome took over from the browser's own controls; hls.js is not fetched before the
    # learner reaches for the player, and the time display shows the lesson's length meanwhile.
    _wait_for(
        page,
        "() => customElements.get('media-controller')"
        " && !document.querySelector('.player video').controls",
    )
    assert page.evaluate("() => !document.querySelector('.player video').hls")
    assert not [name for name in page.evaluate(RESOURCES) if name.endswith("hls.light.min.js")], (
        "hls.js was fetched before the video was wanted"
    )
    shown = "() => document.querySelector('media-time-display').shadowRoot.textContent"
    assert "2:00" in page.evaluate(shown)
    page.get_by_role("button", name="播放", exact=True).click()
    _wait_for(page, "() => document.querySelector('.player video').currentTime > 1")
    assert page.evaluate("() => !!document.querySelector('.player video').hls")
    # Speed: the rate button goes 1 → 1.25 (and says so), and the choice is kept.
    page.locator("media-playback-rate-button").click()
    assert video.evaluate("v => v.playbackRate") == 1.25
    # Seek forward 10 s with the control.
    before = video.evaluate("v => v.currentTime")
    page.locator("media-seek-forward-button").click()
    assert video.evaluate("v => v.currentTime") >= before + 9
    # The transcript: lines from the subtitles, searchable, and a line plays from its time.
    transcript = page.locator(".transcript-lines li")
    _wait_for(page, "() => document.querySelectorAll('.transcript-lines li').length > 5")
    page.get_by_label("搜索文字稿").fill("呼气")
    visible = page.locator(".transcript-lines li:not([hidden])")
    assert visible.count() >= 1 and all("呼气" in t for t in visible.all_inner_texts())
    assert "行" in page.locator(".transcript-count").inner_text()
    target = media.clips()["taiji-zh"].cues[3]
    visible.first.locator("button").click()
    _wait_for(
        page,
        f"() => Math.abs(document.querySelector('.player video').currentTime - {target.start}) < 2",
    )
    page.get_by_label("搜索文字稿").fill("")
    assert transcript.count() > 5 and page.locator(".transcript-lines li[hidden]").count() == 0
    # Pause: the position reaches the server.
    video.evaluate("v => { v.currentTime = 47; v.pause(); }")
    _wait_for(page, "() => document.querySelector('.player video').paused")
    page.wait_for_timeout(800)
    assert _position(session, user, ids["stream"]) in range(45, 50)
    # A note begun now is about this moment: its time fills itself in.
    page.locator("#lesson-note-heading ~ form textarea").focus()
    note_time = page.locator('#lesson-note-heading ~ form input[name="position"]')
    assert note_time.input_value() == "0:47"
    screenshot(page, "lesson-player-stream-desktop")
    assert page.evaluate("() => window.__csp") == []
    # Back later: the player starts where the learner stopped, at the learner's speed.
    page.reload()
    _wait_for(page, "() => document.querySelector('.player video').currentTime > 44")
    assert video.evaluate("v => v.playbackRate") == 1.25
    assert "上次学到" in page.locator(".resume-at").inner_text()
    context.close()
    # The player's controls, as axe-core sees them (on a page that lets it be injected).
    context, page = new_page(browser)
    page.goto(f"{base}/courses/{course}/lessons/{ids['stream']}")
    _wait_for(page, "() => document.querySelectorAll('.transcript-lines li').length > 5")
    assert axe_violations(page, WCAG_AA) == []
    context.close()


def test_playing_a_lesson_to_its_end_marks_it_done(browser, lessons, session):
    base, course, ids, user = lessons
    context, page = _page(browser, base)
    page.goto(f"{base}/courses/{course}/lessons/{ids['file']}")
    video = page.locator(".player video")
    _wait_for(page, "() => document.querySelector('.player video').readyState >= 1")
    video.evaluate("v => { v.currentTime = v.duration - 1.5; }")
    page.get_by_role("button", name="播放", exact=True).click()
    _wait_for(page, "() => document.querySelector('.player video').ended")
    _wait_for(page, "() => !document.querySelector('form[data-enhance=\"lesson\"]')")
    assert page.locator(".lesson-actions .badge").inner_text() == "已学完"
    session.expire_all()
    kinds = session.scalars(
        select(Event.kind).where(Event.user_id == user, Event.lesson_id == ids["file"])
    ).all()
    assert "progress" in [str(k) for k in kinds]
    assert page.evaluate("() => window.__csp") == []
    context.close()


def test_a_reading_lesson_keeps_the_place_the_text_size_and_is_done_at_the_end(
    browser, lessons, session
):
    base, course, ids, user = lessons
    context, page = _page(browser, base, PHONE)
    url = f"{base}/courses/{course}/lessons/{ids['reading']}"
    page.goto(url)
    body = page.locator("#reading-body")
    size = body.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    page.get_by_role("button", name="放大文字").click()
    page.get_by_role("button", name="放大文字").click()
    assert body.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") > size * 1.25
    page.get_by_role("button", name="加大行距").click()
    assert page.get_by_role("button", name="加大行距").get_attribute("aria-pressed") == "true"
    # Scroll half-way: the place is saved as a share of the lesson's reading time.
    page.evaluate(
        "() => { const b = document.getElementById('reading-body');"
        " window.scrollTo(0, b.offsetTop + b.offsetHeight / 2 - innerHeight); }"
    )
    page.wait_for_timeout(2500)
    duration = session.get(Lesson, ids["reading"]).duration_seconds
    saved = _position(session, user, ids["reading"])
    assert saved is not None and 0.35 * duration < saved < 0.65 * duration
    # Back later: the page opens at that place, with the same text size and spacing.
    page.goto(f"{base}/")
    page.goto(url)
    page.wait_for_timeout(300)
    middle = page.evaluate(
        "() => { const b = document.getElementById('reading-body');"
        " return (scrollY + innerHeight - b.offsetTop) / b.offsetHeight; }"
    )
    assert 0.35 < middle < 0.65
    assert body.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") > size * 1.25
    assert body.evaluate("e => e.classList.contains('wide-spacing')")
    screenshot(page, "lesson-reading-phone")
    # Reading to the end finishes the lesson.
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    _wait_for(page, "() => !document.querySelector('form[data-enhance=\"lesson\"]')", 10_000)
    assert _position(session, user, ids["reading"]) == duration
    assert page.evaluate("() => window.__csp") == []
    context.close()
    # axe-core is injected, which the site's policy refuses: a second page without it.
    context, page = new_page(browser, PHONE)
    page.goto(url)
    assert axe_violations(page, WCAG_AA) == []
    context.close()

"""A demo course studied end to end in a real browser, as a new user who ran the README's first
command would: the demo catalogue the project generates, its narrated clips and reading texts;
from the course page's "开始学习" through every lesson (played to its end, or read to its end)
by the "next lesson" links, until the course counts as completed."""

from __future__ import annotations

from sqlalchemy import func, select

from catalogue.demo.generator import generate_demo
from catalogue.models import Course, CourseStatus, Lesson, MediaType
from catalogue.services.users import register_user
from tests.browser_support import DESKTOP, log_in, screenshot, serving

EMAIL, PASSWORD = "demo-learner@example.cn", "demo-course-2026"
PLAYABLE = (MediaType.VIDEO, MediaType.AUDIO, MediaType.TEXT)


def _short_demo_course(session) -> int:
    """A published demo course of two to four lessons, each one that plays or reads here."""
    unplayable = (
        select(Lesson.id)
        .where(Lesson.course_id == Course.id, Lesson.media_type.not_in(PLAYABLE))
        .exists()
    )
    course_id = session.scalar(
        select(Course.id)
        .where(
            Course.status == CourseStatus.PUBLISHED,
            Course.lesson_count.between(2, 4),
            ~unplayable,
        )
        .order_by(Course.id)
        .limit(1)
    )
    assert course_id is not None, "the demo catalogue has no short course to study"
    return course_id


def _finish(page) -> None:
    """Finish the lesson on screen: play the media to its end, or read the text to its end."""
    if page.locator("#reading-body").count():
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    else:
        # The media is fetched only once the learner asks for it.
        page.get_by_role("button", name="播放", exact=True).click()
        page.wait_for_function(
            "() => { const m = document.querySelector('.player video, .player audio');"
            " return m && m.readyState >= 1 && isFinite(m.duration); }",
            timeout=30_000,
        )
        page.evaluate(
            "() => { const m = document.querySelector('.player video, .player audio');"
            " m.muted = true; m.currentTime = Math.max(0, m.duration - 1.5); return m.play(); }"
        )
        page.wait_for_function(
            "() => document.querySelector('.player video, .player audio').ended",
            timeout=30_000,
        )
    # The page says the lesson is done once the server has it.
    page.wait_for_function(
        "() => !document.querySelector('form[data-enhance=\"lesson\"]')", timeout=15_000
    )


def test_a_demo_course_is_studied_from_its_first_lesson_to_its_last(browser, app, engine, session):
    generate_demo(engine, courses=60, learners=10, seed=7)
    course_id = _short_demo_course(session)
    lessons = session.scalar(select(func.count()).where(Lesson.course_id == course_id))
    register_user(session, EMAIL, PASSWORD, "新学员")
    session.commit()
    with serving(app) as base:
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        page = context.new_page()
        log_in(page, base, EMAIL, PASSWORD)
        page.goto(f"{base}/courses/{course_id}")
        page.get_by_role("link", name="开始学习").click()
        for number in range(1, lessons + 1):
            page.wait_for_load_state()
            assert f"/courses/{course_id}/lessons/" in page.url
            _finish(page)
            if number < lessons:
                page.locator('a[rel="next"]').click()
        assert page.locator('a[rel="next"]').count() == 0, "the last lesson has no next one"
        page.goto(f"{base}/courses/{course_id}")
        # "Completed" (已学完), not a share such as "67% done".
        assert page.locator(".course-actions .badge").inner_text() == "已学完"
        screenshot(page, "demo-course-completed-desktop")
        context.close()

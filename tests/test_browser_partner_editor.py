"""The course editor and the review queue in a real browser: a partner of a provider under
review writes a course with a reading lesson, previews it, saves it; an editor approves it from
the queue; learners then see it. Both pages pass axe-core."""

from __future__ import annotations

from sqlalchemy import select

from catalogue.models import Course, CourseStatus, Role
from catalogue.services import reviews
from catalogue.services.audit import Operator
from catalogue.services.users import register_user
from tests.browser_support import (
    DESKTOP,
    WCAG_AA,
    axe_violations,
    log_in,
    new_page,
    screenshot,
    serving,
)
from tests.helpers import make_provider

PASSWORD = "partner-editor-2026"


def test_a_course_is_written_previewed_reviewed_and_published(browser, app, session):
    provider = make_provider(session, "社区学院")
    admin = Operator(user_id=None, role=Role.ADMIN, channel="cli", os_user="test")
    reviews.set_review_required(session, admin, provider.id, True)
    register_user(session, "p@sq.cn", PASSWORD, "社区", role=Role.PARTNER, provider_id=provider.id)
    register_user(session, "e@ouchn.cn", PASSWORD, "编辑", role=Role.EDITOR)
    session.commit()
    with serving(app) as base:
        context, page = new_page(browser, DESKTOP)  # lets axe-core be injected
        log_in(page, base, "p@sq.cn", PASSWORD)
        page.goto(f"{base}/partner/courses")
        page.get_by_role("link", name="添加课程").click()
        page.get_by_label("课程编号").fill("SQ-1")
        page.get_by_label("课程名称", exact=True).fill("社区花艺")
        page.get_by_label("学习领域").select_option("hobbies")
        page.get_by_label("课时标题").fill("认识花材")
        page.get_by_label("类型").select_option("text")
        page.get_by_label("图文课时的正文").fill(
            "# 花材\n\n**玫瑰**与百合<script>alert(1)</script>"
        )
        page.get_by_role("button", name="预览").click()
        preview = page.locator(".course-preview")
        assert "社区花艺" in preview.inner_text()
        assert not preview.locator(".reading-body strong").is_visible()  # folded until opened
        preview.locator("summary").click()
        assert preview.locator(".reading-body strong").inner_text() == "玫瑰"
        assert preview.locator("script").count() == 0
        assert axe_violations(page, WCAG_AA) == []
        screenshot(page, "partner-course-editor-preview")
        page.get_by_label("状态").select_option("published")
        with page.expect_navigation():
            page.get_by_role("button", name="保存").click()
        assert "已保存。编辑审核后学员才能看到" in page.locator("body").inner_text()
        assert "等待审核" in page.locator(".review-state").inner_text()
        context.close()

        context, page = new_page(browser, DESKTOP)
        log_in(page, base, "e@ouchn.cn", PASSWORD)
        page.goto(f"{base}/editor/reviews/")
        page.get_by_role("link", name="社区花艺").click()
        assert axe_violations(page, WCAG_AA) == []
        screenshot(page, "editor-review")
        with page.expect_navigation():
            page.get_by_role("button", name="通过并上线").click()
        assert "已通过" in page.locator("body").inner_text()
        context.close()
    session.expire_all()
    course = session.scalar(select(Course).where(Course.external_id == "SQ-1"))
    assert course.status == CourseStatus.PUBLISHED

"""A thematic column whose picture does not load shows no broken image: it is hidden."""

from __future__ import annotations

from catalogue.services.columns import create_column, publish_column, set_column_courses
from tests.browser_support import DESKTOP, serving
from tests.helpers import make_course


def test_a_column_picture_that_fails_to_load_is_hidden(browser, app, session):
    course = make_course(session, title="春季养生")
    column = create_column(session, "spring", "春季专题", cover_url="/static/no-such-picture.png")
    set_column_courses(session, column.id, [course.id])
    publish_column(session, column.id)
    session.commit()
    with serving(app) as base:
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{base}/columns/spring")
        page.wait_for_load_state("load")
        picture = page.locator("img.column-cover")
        assert picture.count() == 1
        page.wait_for_function("() => document.querySelector('img.column-cover').hidden")
        assert "春季养生" in page.locator("main").inner_text()
        context.close()

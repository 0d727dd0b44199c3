"""Course covers: the partner's image where there is one, otherwise an SVG the site draws from
the course's area, format and title; safe whatever the title holds, cached under an address
that changes with it, and shown on every card and course page."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from catalogue.models import Course, CourseFormat
from tests.browser_support import new_page, screenshot
from tests.helpers import make_course, make_provider
from webapp.covers import wrap_title

SVG = "{http://www.w3.org/2000/svg}"
COVER = re.compile(r'<img class="cover" src="([^"]+)"([^>]*)>')


def _texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_titles_wrap_by_width_and_long_ones_end_with_an_ellipsis():
    assert wrap_title("太极拳入门") == ["太极拳入门"]
    assert wrap_title("老年人智能手机入门：微信、支付与防诈骗一次学会", columns=16) == [
        "老年人智能手机入",
        "门：微信、支付与",
        "防诈骗一次学会",
    ]
    assert wrap_title("Excel for the office: pivot tables", columns=16) == [
        "Excel for the",
        "office: pivot",
        "tables",
    ]
    long = wrap_title("长" * 200, columns=10)
    assert len(long) == 3 and long[-1].endswith("…")


def test_a_published_course_has_a_generated_cover_with_its_title_escaped(client, session):
    title = '<script>alert("x")</script>&书法'
    course = make_course(session, title=title, format=CourseFormat.READING).id
    draft = make_course(session, title="草稿", publish=False).id
    session.commit()
    answer = client.get(f"/covers/{course}.svg")
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    svg = answer.get_data(as_text=True)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    texts = _texts(svg)  # well-formed XML whatever the title holds
    assert texts[0] == "老年教育"
    assert "".join(texts[1:]) == title
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    english = _texts(client.get(f"/covers/{course}.svg?l=en").get_data(as_text=True))
    assert english[0] == "Elderly learning"
    assert client.get(f"/covers/{draft}.svg").status_code == 404
    assert client.get("/covers/999999.svg").status_code == 404


def test_cards_and_the_course_page_show_covers_with_long_lived_addresses(client, session):
    provider = make_provider(session).id
    drawn = make_course(session, provider, title="书法入门").id
    pictured = make_course(
        session, provider, title="摄影入门", cover_url="https://img.example.org/photo.jpg"
    ).id
    session.commit()
    page = client.get("/areas/elderly").get_data(as_text=True)
    covers = dict(COVER.findall(page))
    generated = next(src for src in covers if src.startswith(f"/covers/{drawn}.svg?"))
    assert "https://img.example.org/photo.jpg" in covers
    fallback = covers["https://img.example.org/photo.jpg"]
    assert f'data-fallback="/covers/{pictured}.svg?' in fallback.replace("&amp;", "&")
    cached = client.get(generated.replace("&amp;", "&"))
    assert cached.cache_control.max_age == 24 * 3600
    assert client.get(f"/covers/{drawn}.svg?v=stale").cache_control.max_age == 300
    course_page = client.get(f"/courses/{drawn}").get_data(as_text=True)
    assert f'src="/covers/{drawn}.svg?' in course_page
    # The address changes with the title, so a renamed course is not shown with its old cover.
    session.scalar(select(Course).where(Course.id == drawn)).title = "书法进阶"
    session.commit()
    renamed = client.get("/areas/elderly").get_data(as_text=True)
    assert generated not in renamed and f"/covers/{drawn}.svg?" in renamed


def test_covers_load_in_a_browser_and_a_broken_partner_image_gives_way(browser, site, session):
    base, _courses = site
    provider = make_provider(session, "另一所大学").id
    make_course(session, provider, title="坏图片", cover_url="https://127.0.0.1:9/broken.jpg")
    session.commit()
    context, page = new_page(browser)
    page.goto(f"{base}/areas/elderly")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('img.cover'))"
        ".every((i) => i.complete && i.naturalWidth > 0)",
        timeout=15_000,
    )
    sources = page.eval_on_selector_all("img.cover", "(all) => all.map((i) => i.currentSrc)")
    assert len(sources) >= 3 and all("/covers/" in s for s in sources)
    screenshot(page, "area-with-covers-desktop")
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_course_page_keeps_title_and_start_button_on_the_first_screen(browser, site, width):
    base, courses = site
    context, page = new_page(browser, {"width": width, "height": 800})
    page.goto(f"{base}/courses/{courses['taiji']}")
    start = page.get_by_role("link", name="开始学习")
    box = start.bounding_box()
    assert box and box["y"] + box["height"] < 800
    assert page.locator("h1").bounding_box()["y"] < 400
    context.close()

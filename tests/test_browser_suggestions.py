"""Search suggestions in a real browser: the header's search box is an ARIA combobox whose
list offers course titles for characters, pinyin and initials; arrow keys, Enter and Escape
work, a screen reader hears how many there are, and axe-core finds nothing wrong."""

from __future__ import annotations

from tests.browser_support import PHONE, WCAG_AA, axe_violations, new_page

OPTIONS = "#header-q-suggestions [role=option]"


def _type(page, words: str) -> None:
    box = page.locator("#header-q")
    box.fill("")
    box.press_sequentially(words, delay=30)
    page.wait_for_selector(OPTIONS, timeout=10_000)


def test_the_header_search_suggests_courses_by_characters_pinyin_and_initials(browser, site):
    base, courses = site
    context, page = new_page(browser)
    page.goto(base + "/")
    box = page.locator("#header-q")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    for words in ("太极", "taiji", "tjq"):
        _type(page, words)
        assert "太极拳入门" in page.locator(OPTIONS).all_inner_texts(), words
    assert box.get_attribute("aria-expanded") == "true"
    assert "建议" in page.locator("form.header-search [role=status]").inner_text()
    assert axe_violations(page, WCAG_AA) == []
    # Down selects the first suggestion, Up goes back to the text box, Escape closes.
    box.press("ArrowDown")
    first = page.locator(OPTIONS).first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    box.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") is None
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator("#header-q-suggestions").is_hidden()
    # Enter on a chosen suggestion opens its course; Enter without one searches.
    _type(page, "tjq")
    box.press("ArrowDown")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url == f"{base}/courses/{courses['taiji']}"
    page.goto(base + "/")
    _type(page, "taiji")
    with page.expect_navigation():
        page.locator("#header-q").press("Enter")
    assert "/search?q=taiji" in page.url
    context.close()


def test_suggestions_are_tapped_on_a_phone(browser, site):
    base, courses = site
    context, page = new_page(browser, PHONE)
    page.goto(base + "/search?q=")
    box = page.locator("#q")
    box.press_sequentially("laonianren", delay=30)
    option = page.locator("#q-suggestions [role=option]", has_text="智能手机")
    option.wait_for(timeout=10_000)
    with page.expect_navigation():
        option.click()
    assert page.url == f"{base}/courses/{courses['phone']}"
    context.close()

"""Reading lessons: the partner's Markdown or HTML turned into HTML that is safe to show.

Whatever the partner sent goes through nh3 (the ammonia sanitiser): only text-formatting
elements survive, links get `rel="noopener noreferrer nofollow"`, and only http(s) and mailto
addresses are kept. Markdown is rendered first (markdown-it, CommonMark), raw HTML in it
included, and the result is cleaned like any HTML.
"""

from __future__ import annotations

import math
import re

import nh3
from markdown_it import MarkdownIt

from catalogue.models import BodyFormat

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "mark", "ol",
    "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_BODY_CHARS = 200_000
# Reading speeds for the lesson's length when the partner gives none.
CHARS_PER_MINUTE_ZH = 300
WORDS_PER_MINUTE_EN = 200

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
_HEADING = re.compile(r"<(/?)h1\b", re.IGNORECASE)


def render(body: str, body_format: BodyFormat | str) -> str:
    """Safe HTML for a reading lesson's text (the page's own h1 is the lesson title, so the
    text's top-level headings become h2)."""
    source = body[:MAX_BODY_CHARS]
    html = _markdown.render(source) if BodyFormat(body_format) == BodyFormat.MARKDOWN else source
    html = _HEADING.sub(r"<\1h2", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def reading_seconds(body: str, body_format: BodyFormat | str = BodyFormat.MARKDOWN) -> int:
    """About how long the text takes to read: Chinese by characters, other text by words."""
    text = nh3.clean(render(body, body_format), tags=set())
    han = len(re.findall(r"[\u3400-\u9fff]", text))
    words = len(re.findall(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*", text))
    minutes = han / CHARS_PER_MINUTE_ZH + words / WORDS_PER_MINUTE_EN
    return max(30, math.ceil(minutes * 60))

"""Generated course covers: an SVG per course from its area, format and title.

Shown wherever a course has no cover of its own (or its partner's image fails to load). The
picture depends only on what it shows, so it is cached for a long time under an address that
changes with the course (`?v=`, a hash of the same facts).
"""

from __future__ import annotations

import hashlib
import unicodedata
from xml.sax.saxutils import escape

from flask import Flask, url_for
from flask_babel import get_locale

from catalogue.models import Area, CourseFormat

WIDTH, HEIGHT = 480, 270
# (top colour, bottom colour) per area: distinct, and white text on them is at least 4.5:1.
AREA_COLOURS: dict[str, tuple[str, str]] = {
    Area.LIFE_SKILLS.value: ("#1b6e53", "#0f4a37"),
    Area.HOBBIES.value: ("#9a3c12", "#6e2a0c"),
    Area.WORKPLACE.value: ("#1d4f91", "#12355f"),
    Area.PROFESSIONAL.value: ("#4b3a8f", "#30255e"),
    Area.ELDERLY.value: ("#a3322d", "#73201c"),
    Area.CONTINUING.value: ("#245b6e", "#163b48"),
}
DEFAULT_COLOURS = ("#33475b", "#1f2d3a")
# A simple pictogram per format, drawn in a 64 × 64 box.
ICONS: dict[str, str] = {
    CourseFormat.VIDEO.value: '<rect x="4" y="12" width="56" height="40" rx="8"/>'
    '<path d="M27 23 L42 32 L27 41 Z" fill="{bg}"/>',
    CourseFormat.AUDIO.value: '<path d="M12 38 v-6 a20 20 0 0 1 40 0 v6" fill="none" '
    'stroke="#fff" stroke-width="6"/><rect x="8" y="36" width="12" height="18" rx="4"/>'
    '<rect x="44" y="36" width="12" height="18" rx="4"/>',
    CourseFormat.READING.value: '<path d="M6 14 q13 -6 26 2 v36 q-13 -8 -26 -2 Z"/>'
    '<path d="M58 14 q-13 -6 -26 2 v36 q13 -8 26 -2 Z" opacity=".8"/>',
    CourseFormat.LIVE.value: '<circle cx="32" cy="32" r="9"/><path d="M16 16 a22 22 0 0 0 0 32 '
    'M48 16 a22 22 0 0 1 0 32" fill="none" stroke="#fff" stroke-width="5"/>',
    CourseFormat.MIXED.value: '<rect x="6" y="6" width="24" height="24" rx="5"/>'
    '<rect x="34" y="6" width="24" height="24" rx="5" opacity=".8"/>'
    '<rect x="6" y="34" width="24" height="24" rx="5" opacity=".8"/>'
    '<rect x="34" y="34" width="24" height="24" rx="5"/>',
}
MAX_LINES = 3


def _width(char: str) -> int:
    """Display width in half-width units: 2 for CJK and other wide characters."""
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def wrap_title(title: str, columns: int = 22, lines: int = MAX_LINES) -> list[str]:
    """The title in at most `lines` lines of `columns` half-width units, broken between words
    where there are spaces and anywhere in CJK text; an ellipsis when it does not fit."""
    out: list[str] = []
    line, used = "", 0
    for word in title.replace("\n", " ").split(" "):
        pieces = [word] if sum(map(_width, word)) <= columns else list(word)
        for piece in pieces:
            size = sum(map(_width, piece)) + (1 if line and word == piece else 0)
            if used + size > columns and line:
                out.append(line)
                line, used = "", 0
                size = sum(map(_width, piece))
            line += (" " if line and word == piece else "") + piece
            used += size
        if len(out) > lines:
            break
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: max(1, len(out[-1]) - 1)] + "…"
    return out


def cover_version(title: str, area: str, language: str) -> str:
    """A short hash of what the cover shows, for its cache-busting address."""
    return hashlib.sha1(f"{title}\0{area}\0{language}".encode()).hexdigest()[:10]


def cover_src(course_id: int, title: str, area: object, cover_url: str | None = None) -> str:
    """The address of a course's cover: the partner's image (https) where there is one, else
    the generated one in the page's language."""
    if cover_url and cover_url.startswith("https://"):
        return cover_url
    return generated_cover_src(course_id, title, area)


def generated_cover_src(course_id: int, title: str, area: object) -> str:
    """The address of a course's generated cover in the page's language."""
    language = str(get_locale())
    area_code = getattr(area, "value", area)
    version = cover_version(title, str(area_code), language)
    return url_for("covers.cover", course_id=course_id, v=version, l=language)


def init_app(app: Flask) -> None:
    """Serve generated covers and give templates `cover_src` / `generated_cover_src`."""
    from webapp.views import covers

    app.register_blueprint(covers.bp)
    app.add_template_global(cover_src, "cover_src")
    app.add_template_global(generated_cover_src, "generated_cover_src")


def cover_svg(title: str, area: str, course_format: str, area_label: str) -> str:
    """The SVG of a course's cover (every text escaped)."""
    top, bottom = AREA_COLOURS.get(area, DEFAULT_COLOURS)
    icon = ICONS.get(course_format, ICONS[CourseFormat.VIDEO.value]).replace("{bg}", bottom)
    lines = wrap_title(title)
    size = 34 if len(lines) <= 2 else 30
    start = 150 - (len(lines) - 1) * size * 0.6
    label = escape(title, {'"': "&quot;"})
    text = "".join(
        f'<text x="32" y="{start + n * size * 1.25:.0f}" font-size="{size}" '
        f'font-weight="700">{escape(line)}</text>'
        for n, line in enumerate(lines)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{label}">'
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="0.4" y2="1">'
        f'<stop offset="0" stop-color="{top}"/><stop offset="1" stop-color="{bottom}"/>'
        f"</linearGradient></defs>"
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#g)"/>'
        f'<circle cx="{WIDTH - 40}" cy="30" r="120" fill="#fff" opacity=".07"/>'
        f'<g fill="#fff" transform="translate({WIDTH - 96} 24) scale(.9)">{icon}</g>'
        f"<g fill=\"#fff\" font-family=\"'PingFang SC','Noto Sans CJK SC','WenQuanYi Micro Hei',"
        f"'Microsoft YaHei',sans-serif\">"
        f'<text x="32" y="52" font-size="20" opacity=".9">{escape(area_label)}</text>{text}</g>'
        f"</svg>"
    )

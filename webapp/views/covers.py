"""Generated course covers (webapp/covers.py) at /covers/<id>.svg."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask_babel import force_locale, get_locale

from catalogue.services import courses as course_service
from webapp.covers import cover_svg, cover_version
from webapp.db import get_session
from webapp.i18n import AREA_LABELS, LANGUAGES

bp = Blueprint("covers", __name__)

CACHE_SECONDS = 24 * 3600
# The SVG is shown as an image; opened on its own, it may still not run or load anything.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"


@bp.route("/covers/<int:course_id>.svg")
def cover(course_id: int):
    """A published course's generated cover, labelled in the language the address names."""
    facts = course_service.cover_facts(get_session(), course_id)
    if facts is None:
        abort(404)
    language = request.args.get("l")
    if language not in LANGUAGES:
        language = str(get_locale())
    with force_locale(language):
        label = str(AREA_LABELS[facts.area])
    body = cover_svg(facts.title, facts.area.value, facts.format.value, label)
    response = Response(body, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_POLICY
    response.cache_control.public = True
    fresh = request.args.get("v") == cover_version(facts.title, facts.area.value, language)
    response.cache_control.max_age = CACHE_SECONDS if fresh else 300
    return response

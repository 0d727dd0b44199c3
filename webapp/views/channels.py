"""Channels: "5-minute" micro-courses and the reading channel, each a fixed view of the search
index (filters, area tabs with counts, sorts, pages) so they stay fast at any catalogue size."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from catalogue.models import Area
from catalogue.services import courses as course_service
from search.service import QueryRejected, SearchRequest, search
from search.store import IndexMissing
from webapp import messages
from webapp.caring import caring_on
from webapp.db import get_session
from webapp.search_index import get_search
from webapp.urls import page_arg

bp = Blueprint("channels", __name__)

SORTS = ("popular", "newest", "shortest")
PER_PAGE = 24
CARING_PER_PAGE = 10
SHORT_LESSONS = 8


@dataclass(frozen=True)
class Channel:
    """A channel: its endpoint, heading, introduction and the search filters that define it."""

    endpoint: str
    title: object
    intro: object
    filters: dict[str, str]


MICRO = Channel(
    "channels.micro",
    _l("5-minute courses"),
    _l("Whole courses of five minutes or less, for learning in a spare moment."),
    {"duration_band": "micro"},
)
READING = Channel(
    "channels.reading",
    _l("Reading"),
    _l("E-books, articles and other reading, at your own pace."),
    {"format": "reading"},
)


def _show(channel: Channel, extra: dict | None = None):
    area = request.args.get("area") or None
    if area is not None and area not in {a.value for a in Area}:
        abort(404)
    sort = request.args.get("sort", "popular")
    if sort not in SORTS:
        sort = "popular"
    per_page = CARING_PER_PAGE if caring_on() else PER_PAGE
    filters = dict(channel.filters, **({"area": area} if area else {}))
    subsystem = get_search()
    try:
        results = search(
            subsystem.store,
            SearchRequest("", filters, sort, page_arg(), per_page),
        )
    except IndexMissing:
        return render_template("channel.html", channel=channel, results=None, **(extra or {})), 503
    except QueryRejected:
        abort(404)  # a page beyond the browsable window

    def page_url(**changes) -> str:
        args = {"area": area, "sort": sort if sort != "popular" else None}
        args.update(changes)
        return url_for(channel.endpoint, **{k: v for k, v in args.items() if v})

    return render_template(
        "channel.html",
        channel=channel,
        results=results,
        area=area,
        sort=sort,
        sorts=SORTS,
        page_url=page_url,
        area_counts=dict(results.facets.get("area", [])),
        SORT_LABELS=messages.SORT_LABELS,
        **(extra or {}),
    )


@bp.route("/micro")
def micro():
    """Micro-courses, and short lessons of longer courses."""
    area = request.args.get("area")
    lessons = course_service.short_lessons(
        get_session(),
        limit=SHORT_LESSONS,
        area=Area(area) if area in {a.value for a in Area} else None,
    )
    return _show(MICRO, {"short_lessons": lessons})


@bp.route("/reading")
def reading():
    """The reading channel: reading resources only."""
    return _show(READING)

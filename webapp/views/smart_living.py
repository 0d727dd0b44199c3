"""Smart living (智能生活): help with the everyday digital skills older learners ask for most,
one tap from the home page in caring mode."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from search.service import SearchRequest, search
from search.store import IndexMissing
from webapp.search_index import get_search

log = logging.getLogger(__name__)
bp = Blueprint("smart_living", __name__)

# (heading, what is searched): the topics of the digital-inclusion programmes for older people.
TOPICS = (
    (_l("Using a smartphone"), "智能手机"),
    (_l("Paying with your phone"), "支付"),
    (_l("Getting around: taxis and travel apps"), "打车"),
    (_l("Seeing a doctor online"), "就医"),
    (_l("Staying safe from fraud"), "防诈骗"),
)
PER_TOPIC = 4


@bp.route("/smart-living")
def page():
    """A few courses for each everyday digital skill, found by the course search."""
    subsystem = get_search()
    sections = []
    for heading, words in TOPICS:
        try:
            results = search(
                subsystem.store,
                SearchRequest(words, per_page=PER_TOPIC),
                synonyms=subsystem.synonyms(),
            )
        except IndexMissing:
            return render_template("smart_living.html", sections=None), 503
        # Popular courses stand in for a search that found nothing: not what this topic needs.
        hits = [] if results.relaxed == "popular" else results.hits
        sections.append((heading, words, hits, results.total))
    return render_template("smart_living.html", sections=sections)

"""The search page and the search API for the mobile app."""

from __future__ import annotations

import logging

from flask import Blueprint, g, jsonify, render_template, request, url_for
from flask_login import current_user

from catalogue.services.providers import provider_names
from catalogue.services.search_admin import record_query
from search.schema import FACETS
from search.service import (
    MAX_QUERY_TERMS,
    SORTS,
    QueryRejected,
    SearchRequest,
    search,
    suggest,
)
from search.store import IndexMissing
from webapp import messages
from webapp.caring import caring_on
from webapp.db import get_session
from webapp.errors import api_error
from webapp.search_index import get_search
from webapp.urls import parse_int

log = logging.getLogger(__name__)
bp = Blueprint("search", __name__)


@bp.context_processor
def _helpers() -> dict:
    def search_url(**changes) -> str:
        args = {k: v for k, v in request.args.items() if k in ARGS}
        for key, value in changes.items():
            if value is None:
                args.pop(key, None)
            else:
                args[key] = value
        return url_for("search.page", **args)

    return {
        "search_url": search_url,
        "FACET_LABELS": messages.FACET_LABELS,
        "DURATION_BANDS": messages.DURATION_BANDS,
        "LANGUAGE_NAMES": messages.LANGUAGE_NAMES,
        "SORT_LABELS": messages.SORT_LABELS,
    }


api = Blueprint("search_api", __name__, url_prefix="/api/v1")

PER_PAGE = 20
CARING_PER_PAGE = 10  # caring mode: fewer results a page
ARGS = ("q", "sort", "page", *FACETS)


def _request_from_args(default_per_page: int = PER_PAGE) -> SearchRequest:
    page = parse_int(request.args.get("page", "1"))
    per_page = parse_int(request.args.get("per_page", str(default_per_page)))
    if page is None or per_page is None:
        raise QueryRejected("BAD_PAGE", "page and per_page must be whole numbers")
    page, per_page = max(1, page), max(1, min(per_page, 100))
    sort = request.args.get("sort", "relevance")
    if sort not in SORTS:
        raise QueryRejected("BAD_SORT", f"sort must be one of: {', '.join(SORTS)}")
    filters = {name: request.args[name] for name in FACETS if request.args.get(name)}
    areas = current_user.interest_areas if current_user.is_authenticated else ()
    return SearchRequest(request.args.get("q", ""), filters, sort, page, per_page, areas)


def _run(search_request: SearchRequest):
    subsystem = get_search()
    results = search(subsystem.store, search_request, synonyms=subsystem.synonyms())
    if search_request.page == 1 and search_request.text.strip():
        _log(search_request, results)
    return results


def _log(search_request: SearchRequest, results) -> None:
    """Record the search; a busy database (SQLite during a long upload) skips it, never fails it."""
    # The logged search's id goes on the result links (?sq=): course analytics counts the
    # course pages opened from it (insight/search_visits.py).
    g.search_query_id = record_query(
        get_session(), search_request.text, search_request.filters, results.total, results.relaxed
    )
    if g.search_query_id is None:
        log.warning("search log skipped: the database is busy")


@bp.route("/search")
def page():
    """Search results with facets, or the empty search form."""
    error = None
    results = None
    try:
        search_request = _request_from_args(CARING_PER_PAGE if caring_on() else PER_PAGE)
        if search_request.text.strip() or search_request.filters:
            results = _run(search_request)
    except QueryRejected as exc:
        search_request, error = SearchRequest(request.args.get("q", "")[:200]), exc
    except IndexMissing:
        search_request, error = SearchRequest(), QueryRejected("INDEX_MISSING", "")
    providers = {}
    if results is not None:
        ids = [int(v) for v, _n in results.facets.get("provider_id", [])[:20]]
        providers = {str(k): v for k, v in provider_names(get_session(), ids).items()}
    status = 200
    if error is not None:
        status = 503 if error.code == "INDEX_MISSING" else 400
    return render_template(
        "search.html",
        query=search_request,
        results=results,
        error=error,
        providers=providers,
        sorts=SORTS,
        max_terms=MAX_QUERY_TERMS,
    ), status


@api.route("/search")
def api_search():
    """Search as JSON: hits with escaped highlights, total, facets, did-you-mean."""
    try:
        results = _run(_request_from_args())
    except QueryRejected as exc:
        return api_error(400, exc.code, exc.message)
    except IndexMissing:
        return api_error(503, "INDEX_MISSING", "the search index is being built; try again soon")
    return jsonify(
        total=results.total,
        page=results.page,
        per_page=results.per_page,
        pages=results.pages,
        did_you_mean=results.did_you_mean,
        relaxed=results.relaxed,
        popular_areas=list(results.popular_areas),
        area_guessed=results.area_guessed,
        partial=results.partial,
        facets={
            k: [{"value": v, "count": n} for v, n in vals] for k, vals in results.facets.items()
        },
        hits=[
            {
                "id": hit.id,
                "title": hit.fields.get("title"),
                "title_html": str(hit.title),
                "snippet_html": str(hit.snippet),
                "area": hit.fields.get("area"),
                "format": hit.fields.get("format"),
                "level": hit.fields.get("level"),
                "language": hit.fields.get("language"),
                "duration_minutes": hit.fields.get("duration"),
                "provider": hit.fields.get("provider"),
                "free": hit.fields.get("free") == "1",
            }
            for hit in results.hits
        ],
    )


@api.route("/suggest")
def api_suggest():
    """Titles completing what was typed (characters, pinyin or initials)."""
    try:
        found = suggest(get_search().store, request.args.get("q", ""))
    except QueryRejected as exc:
        return api_error(400, exc.code, exc.message)
    except IndexMissing:
        return api_error(503, "INDEX_MISSING", "the search index is being built; try again soon")
    return jsonify(suggestions=[{"id": s.id, "title": s.title} for s in found])

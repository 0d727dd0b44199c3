"""The service desk in the web app: the matcher store, the office hours, the shipped articles,
and the course finder handed to the assistant (which does not import search)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from assistant import request_errors
from assistant.artefacts import ArtefactError, MatcherStore
from assistant.articles import all_articles
from assistant.desk import Desk
from assistant.hours import OfficeHours
from assistant.knowledge import HelpArticle, load_articles
from assistant.labels import NO_MODEL, OUT_OF_SCOPE
from assistant.matcher import Match
from search.service import SearchRequest, search
from search.store import IndexMissing
from webapp.db import get_session, rollback_session
from webapp.search_index import get_search

log = logging.getLogger(__name__)

EXTENSION = "lifelong.assistant"
STORE_FOLDER = "assistant"
# One-tap questions of the dialog and the page: (Chinese, English).
COMMON_QUESTIONS = (
    ("字太小怎么办", "The text is too small"),
    ("怎么找老年课程", "How do I find courses for older learners?"),
    ("忘记密码怎么办", "I forgot my password"),
    ("转人工", "Talk to a person"),
)


class AssistantSubsystem:
    """What every request of the desk shares: read-only after start."""

    def __init__(self, store: MatcherStore, hours: OfficeHours, shipped: list[HelpArticle]):
        self.store = store
        self.hours = hours
        self.shipped = shipped


class _Unavailable:
    """Stands in for the matcher before the first one is trained: every question goes to a
    person (the jobs worker trains one on its first start)."""

    def predict(self, text: str) -> Match:
        return Match(OUT_OF_SCOPE, 0.0, (), NO_MODEL)


def init_app(app: Flask, model_dir: Path, hours: str, zone: str) -> AssistantSubsystem:
    """Open the matcher store under the model directory and read the shipped articles."""
    subsystem = AssistantSubsystem(
        MatcherStore(model_dir / STORE_FOLDER), OfficeHours.parse(hours, zone), load_articles()
    )
    app.extensions[EXTENSION] = subsystem
    app.jinja_env.globals["DESK_COMMON_QUESTIONS"] = COMMON_QUESTIONS
    app.after_request(_remember_failed_request)
    return subsystem


# Requests whose failure says nothing about the person's trouble.
_QUIET_PREFIXES = ("/static/", "/demo-media/", "/covers/", "/sw.js", "/favicon")


def _remember_failed_request(response: Response) -> Response:
    """A signed-in person's failed request is kept for support staff (the learner's context);
    keeping it never changes or fails the answer."""
    if response.status_code < 400 or request.path.startswith(_QUIET_PREFIXES):
        return response
    try:
        user_id = int(current_user.id) if current_user.is_authenticated else None
    except (AttributeError, TypeError, ValueError, SQLAlchemyError):
        return response
    if user_id is None:
        return response
    code = None
    if response.is_json:
        body = response.get_json(silent=True) or {}
        error = body.get("error") if isinstance(body, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
    try:
        rollback_session()
        request_errors.record(
            get_session(), user_id, request.method, request.path, response.status_code, code
        )
    except SQLAlchemyError:
        log.warning("a failed request of user %s was not kept: the database is busy", user_id)
        rollback_session()
    return response


def get_assistant() -> AssistantSubsystem:
    """The current app's desk subsystem."""
    return current_app.extensions[EXTENSION]


def current_matcher() -> Any:
    """The promoted matcher, or a stand-in that hands every question over."""
    try:
        matcher = get_assistant().store.current_matcher()
    except ArtefactError:
        log.exception("the current question matcher cannot be loaded; handing questions over")
        matcher = None
    return matcher if matcher is not None else _Unavailable()


def find_courses(question: str, language: str, limit: int) -> list[dict[str, Any]]:
    """Courses the project's search finds for a question (none when it only has popular
    fallbacks to offer, or while the index is being built)."""
    subsystem = get_search()
    try:
        results = search(
            subsystem.store,
            SearchRequest(question[:200], per_page=limit),
            synonyms=subsystem.synonyms(),
        )
    except IndexMissing:
        return []
    except ValueError:  # a query the search refuses (QueryRejected)
        return []
    if not results.matched:
        return []
    return [
        {
            "id": hit.id,
            "title": str(hit.fields.get("title") or ""),
            "url": url_for("pages.course", course_id=hit.id),
        }
        for hit in results.hits[:limit]
    ]


def desk() -> Desk:
    """The desk for this request: the current matcher and every article."""
    subsystem = get_assistant()
    return Desk(
        matcher=current_matcher(),
        articles=all_articles(get_session(), subsystem.shipped),
        find_courses=find_courses,
        hours=subsystem.hours,
        article_url=lambda slug: url_for("assistant.article", slug=slug),
    )

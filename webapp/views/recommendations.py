"""The feed and similar-course API for the mobile app (and, later, the home page)."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request
from flask_babel import gettext
from flask_login import current_user

from catalogue.errors import NotFound
from catalogue.services.courses import get_published_course
from recommender.artefacts import ArtefactError, Model
from recommender.serving import FeedItem, Learner, Reason, feed, similar
from webapp.db import get_session
from webapp.i18n import AREA_LABELS
from webapp.recommendations import get_models

log = logging.getLogger(__name__)
api = Blueprint("recommendations_api", __name__, url_prefix="/api/v1")
MAX_LIMIT = 50


class BadLimit(ValueError):
    """A limit that is not a whole number in range."""


def _limit(default: int) -> int:
    raw = request.args.get("limit", str(default))
    try:
        value = int(raw)
    except ValueError:
        raise BadLimit from None
    if not 1 <= value <= MAX_LIMIT:
        raise BadLimit
    return value


def _model() -> Model | None:
    """The current model, or None (with a log line) when it cannot be read."""
    try:
        return get_models().current_model()
    except ArtefactError:
        log.exception("the current model cannot be loaded; serving without it")
        return None


def reason_text(reason: Reason) -> str:
    """The reason in the learner's language."""
    area = str(AREA_LABELS.get(reason.area, reason.area or ""))
    title = reason.course_title or ""
    actions = {
        "complete": gettext("Because you completed “%(title)s”", title=title),
        "save": gettext("Because you saved “%(title)s”", title=title),
        "like": gettext("Because you liked “%(title)s”", title=title),
    }
    if reason.kind == "because" and reason.action in actions and title:
        return actions[reason.action]
    if reason.kind == "because" and title:
        return gettext("Because you looked at “%(title)s”", title=title)
    if reason.kind == "popular_in_area":
        return gettext("Popular in %(area)s", area=area)
    if reason.kind == "new_in_area":
        return gettext("New in %(area)s", area=area)
    if reason.kind == "new":
        return gettext("New on the platform")
    if reason.kind == "popular":
        return gettext("Popular with learners")
    if reason.kind == "similar_content":
        return gettext("Covers similar ground")
    return gettext("Learners with your interests liked this")


def _item(item: FeedItem) -> dict:
    reason = item.reason
    return {
        "id": item.course_id,
        "title": item.title,
        "area": item.area,
        "duration_minutes": item.duration_minutes,
        "reason": {
            "kind": reason.kind,
            "course_id": reason.course_id,
            "action": reason.action,
            "area": reason.area,
            "text": reason_text(reason),
        },
    }


def _error(status: int, code: str, message: str):
    return jsonify(error={"code": code, "message": message}), status


@api.route("/feed")
def api_feed():
    """The signed-in learner's feed (popular and new courses for visitors)."""
    try:
        limit = _limit(20)
    except BadLimit:
        return _error(400, "BAD_LIMIT", f"limit must be a whole number from 1 to {MAX_LIMIT}")
    if current_user.is_authenticated:
        learner = Learner(current_user.id, current_user.interest_areas, current_user.caring_mode)
    else:
        learner = Learner()
    result = feed(get_session(), _model(), learner, limit=limit)
    return jsonify(
        model_version=result.model_version,
        personalised=result.personalised,
        items=[_item(i) for i in result.items],
    )


@api.route("/courses/<int:course_id>/similar")
def api_similar(course_id: int):
    """ "Learners who liked this also liked" for a published course."""
    try:
        limit = _limit(10)
        get_published_course(get_session(), course_id)
    except BadLimit:
        return _error(400, "BAD_LIMIT", f"limit must be a whole number from 1 to {MAX_LIMIT}")
    except NotFound:
        return _error(404, "NOT_FOUND", f"course {course_id} is not available")
    items = similar(get_session(), _model(), course_id, limit=limit)
    return jsonify(course_id=course_id, items=[_item(i) for i in items])

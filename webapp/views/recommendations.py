"""The feed and similar-course API for the mobile app."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from catalogue.errors import NotFound
from catalogue.services.courses import get_published_course
from insight.models.feeds import FeedSurface
from recommender.serving import FeedItem, feed, similar
from webapp.db import get_session
from webapp.errors import api_error
from webapp.feed_tracking import shown
from webapp.recommendations import current_learner, current_model, reason_text
from webapp.urls import parse_int

api = Blueprint("recommendations_api", __name__, url_prefix="/api/v1")
MAX_LIMIT = 50


class BadLimit(ValueError):
    """A limit that is not a whole number in range."""


def _limit(default: int) -> int:
    raw = request.args.get("limit", str(default))
    value = parse_int(raw, 1, MAX_LIMIT)
    if value is None:
        raise BadLimit
    return value


def _item(item: FeedItem, ref: str | None = None) -> dict:
    reason = item.reason
    return {
        "id": item.course_id,
        "title": item.title,
        "area": item.area,
        "duration_minutes": item.duration_minutes,
        "language": item.language,
        "reason": {
            "kind": reason.kind,
            "course_id": reason.course_id,
            "action": reason.action,
            "area": reason.area,
            "text": reason_text(reason),
        },
        # send it back as ?rec= when the learner opens the course (the feeds' click-through)
        "rec": ref,
    }


def _items(items: list[FeedItem], surface: FeedSurface, model_version: str | None) -> list:
    refs = shown(surface, model_version, [i.course_id for i in items]) or [None] * len(items)
    return [_item(i, ref) for i, ref in zip(items, refs, strict=True)]


@api.route("/feed")
def api_feed():
    """The signed-in learner's feed (popular and new courses for visitors)."""
    try:
        limit = _limit(20)
    except BadLimit:
        return api_error(400, "BAD_LIMIT", f"limit must be a whole number from 1 to {MAX_LIMIT}")
    result = feed(get_session(), current_model(), current_learner(), limit=limit)
    return jsonify(
        model_version=result.model_version,
        personalised=result.personalised,
        items=_items(result.items, FeedSurface.API_FEED, result.model_version),
    )


@api.route("/courses/<int:course_id>/similar")
def api_similar(course_id: int):
    """ "Learners who liked this also liked" for a published course."""
    try:
        limit = _limit(10)
        get_published_course(get_session(), course_id)
    except BadLimit:
        return api_error(400, "BAD_LIMIT", f"limit must be a whole number from 1 to {MAX_LIMIT}")
    except NotFound:
        return api_error(404, "NOT_FOUND", f"course {course_id} is not available")
    model = current_model()
    items = similar(get_session(), model, course_id, limit=limit)
    version = model.version if model else None
    return jsonify(course_id=course_id, items=_items(items, FeedSurface.API_SIMILAR, version))

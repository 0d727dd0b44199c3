"""Recommendation lists shown and courses opened from them, for the views (insight/feed_clicks.py):
the signed-in learner and the site's secret key come from the request here."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app
from flask_login import current_user

from insight import feed_clicks
from insight.models.feeds import FeedSurface
from webapp.db import get_session

PARAMETER = "rec"  # the link parameter naming the list and position (?rec=…)


def _key() -> bytes:
    return feed_clicks.signing_key(str(current_app.secret_key))


def shown(
    surface: FeedSurface, model_version: str | None, course_ids: Sequence[int]
) -> list[str | None] | None:
    """Record a list shown to the signed-in learner; each course's `rec` link parameter, or
    None for visitors and when nothing was recorded."""
    if not current_user.is_authenticated or not course_ids:
        return None
    return feed_clicks.record_impression(
        get_session(), _key(), current_user.id, surface, model_version, course_ids
    )


def opened(course_id: int, ref: str | None) -> bool:
    """Count the course opened from a list when `ref` is a valid reference of the signed-in
    learner's for it; anything else is ignored."""
    if not ref:
        return False
    user_id = current_user.id if current_user.is_authenticated else None
    return feed_clicks.record_click(get_session(), _key(), ref, course_id, user_id)

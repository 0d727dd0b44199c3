"""A health check for load balancers and the quick-start script."""

from __future__ import annotations

from flask import Blueprint, jsonify

from catalogue.db import current_revision
from webapp.db import get_database

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    """Whether the database answers and is migrated."""
    try:
        revision = current_revision(get_database().engine)
    except Exception:  # any driver error means "not healthy", reported, not raised
        return jsonify(status="error", code="DATABASE_UNAVAILABLE"), 503
    if revision is None:
        return jsonify(status="error", code="DATABASE_NOT_INITIALISED"), 503
    return jsonify(status="ok", schema=revision)

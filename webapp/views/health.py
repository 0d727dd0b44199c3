"""Health checks: `/livez` for load balancers, `/healthz` for the site (worker, index, model)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from catalogue.db import current_revision
from jobs.health import site_health
from webapp.db import get_database
from webapp.recommendations import get_models
from webapp.search_index import get_search

bp = Blueprint("health", __name__)


def _schema():
    """(revision, None) when the database answers and is migrated, else (None, error answer)."""
    try:
        revision = current_revision(get_database().engine)
    except Exception:  # any driver error means "not healthy", reported, not raised
        return None, (jsonify(status="error", code="DATABASE_UNAVAILABLE"), 503)
    if revision is None:
        return None, (jsonify(status="error", code="DATABASE_NOT_INITIALISED"), 503)
    return revision, None


@bp.route("/livez")
def livez():
    """Whether this web process serves and its database answers (for a load balancer)."""
    revision, failed = _schema()
    if failed:
        return failed
    return jsonify(status="ok", schema=revision)


@bp.route("/healthz")
def healthz():
    """The site's health: database, jobs worker heartbeat, index lag, model age, last jobs."""
    revision, failed = _schema()
    if failed:
        return failed
    try:
        health = site_health(get_database().sessions, get_search().store, get_models(), revision)
    except Exception:  # a check that cannot run is a failed check, not a 500
        return jsonify(status="error", code="HEALTH_CHECK_FAILED", schema=revision), 503
    return jsonify(health.to_dict()), 200 if health.ok else 503

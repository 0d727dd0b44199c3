"""Health checks: `/livez` for load balancers, `/healthz` for the site (worker, index, model)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from catalogue.db import current_revision
from jobs.health import Health, site_health
from webapp.db import get_database
from webapp.recommendations import get_models
from webapp.search_index import get_search
from webapp.settings import get_settings

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


def current_health() -> Health:
    """This site's health now; a check that cannot run is a failed check, not an error."""
    try:
        revision = current_revision(get_database().engine)
    except Exception:
        return Health(problems=["DATABASE_UNAVAILABLE"])
    if revision is None:
        return Health(problems=["DATABASE_NOT_INITIALISED"])
    try:
        return site_health(
            get_database().sessions,
            get_search().store,
            get_models(),
            revision,
            follow=get_settings().index_follow,
        )
    except Exception:
        current_app.logger.exception("the health check failed")
        return Health(problems=["HEALTH_CHECK_FAILED"], details={"schema": revision})


@bp.route("/healthz")
def healthz():
    """The site's health: database, jobs worker heartbeat, index lag, model age, last jobs."""
    health = current_health()
    return jsonify(health.to_dict()), 200 if health.ok else 503

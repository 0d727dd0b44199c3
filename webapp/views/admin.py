"""Admin pages: the scheduled jobs and their recent runs."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from catalogue.services.job_runs import last_started, recent_runs
from jobs.registry import JOBS
from webapp.access import roles_required
from webapp.db import get_session

bp = Blueprint("admin", __name__, url_prefix="/admin")
staff_required = roles_required("admin", "support")


@bp.route("/jobs")
@staff_required
def jobs():
    """Every job with its schedule, and the latest runs (optionally of one job)."""
    job_id = request.args.get("job")
    if job_id not in {j.id for j in JOBS}:
        job_id = None
    db = get_session()
    return render_template(
        "admin/jobs.html",
        jobs=[(job, last_started(db, job.id)) for job in JOBS],
        runs=recent_runs(db, job_id, limit=100),
        selected=job_id,
    )

"""Admin pages: the scheduled jobs and their recent runs; accounts, their audit log and the
outgoing mail."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from catalogue.errors import NotFound
from catalogue.services import account_admin
from catalogue.services import mail as mail_service
from catalogue.services import users as user_service
from catalogue.services.job_runs import last_started, recent_runs
from jobs.registry import JOBS
from webapp import account_links, messages
from webapp.access import roles_required
from webapp.db import get_session
from webapp.forms import require_plain_form
from webapp.views.health import current_health

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
        health=current_health(),
        JOB_DESCRIPTIONS=messages.JOB_DESCRIPTIONS,
        HEALTH_PROBLEMS=messages.HEALTH_PROBLEMS,
        JOB_OUTCOMES=messages.JOB_OUTCOMES,
    )


# -- accounts: look-up, sign out everywhere, reset by an administrator, audit, outbox ----

admin_required = roles_required("admin")


def _client_ip() -> str:
    return request.remote_addr or "unknown"


@bp.route("/accounts")
@admin_required
def accounts():
    """Look an account up by address or name."""
    query = request.args.get("q", "")[:320]
    found = account_admin.find_accounts(get_session(), query)
    return render_template("admin/accounts.html", query=query, found=found)


@bp.route("/accounts/<int:user_id>")
@admin_required
def account(user_id: int):
    """One account, with the actions staff may take for its owner."""
    user = _user_or_404(user_id)
    return render_template("admin/account.html", user=user)


def _user_or_404(user_id: int):
    if user_id > 2**31 - 1:  # beyond any id: PostgreSQL would refuse the comparison
        abort(404)
    try:
        return user_service.get_user(get_session(), user_id)
    except NotFound:
        abort(404)


@bp.route("/accounts/<int:user_id>/sign-out", methods=["POST"])
@admin_required
def account_sign_out(user_id: int):
    """End every session of an account (audited)."""
    require_plain_form()
    _user_or_404(user_id)
    db = get_session()
    account_admin.sign_out_everywhere(db, current_user.id, user_id, _client_ip())
    db.commit()
    flash(_("The account is signed out on every device."), "success")
    return redirect(url_for("admin.account", user_id=user_id))


@bp.route("/accounts/<int:user_id>/reset-link", methods=["POST"])
@admin_required
def account_reset_link(user_id: int):
    """A one-time password-reset link to hand to the owner in person (audited)."""
    require_plain_form()
    _user_or_404(user_id)
    db = get_session()
    user = account_admin.record_reset_link(db, current_user.id, user_id, _client_ip())
    db.commit()
    link = account_links.reset_url(user)
    # No cache keeps it: webapp/caching.py marks every /admin answer no-store.
    return render_template("admin/account.html", user=user, reset_link=link)


@bp.route("/accounts/<int:user_id>/temporary-password", methods=["POST"])
@admin_required
def account_temporary_password(user_id: int):
    """Set a temporary password to hand over; the account's sessions end (audited)."""
    require_plain_form()
    _user_or_404(user_id)
    db = get_session()
    password = account_admin.temporary_password(db, current_user.id, user_id, _client_ip())
    db.commit()
    user = user_service.get_user(db, user_id)
    # No cache keeps it: webapp/caching.py marks every /admin answer no-store.
    return render_template("admin/account.html", user=user, temporary_password=password)


@bp.route("/audit")
@admin_required
def audit():
    """What staff did to accounts, newest first."""
    return render_template("admin/audit.html", entries=account_admin.recent_audit(get_session()))


@bp.route("/mail")
@admin_required
def mail():
    """The outgoing-mail outbox, newest first."""
    return render_template("admin/mail.html", mails=mail_service.recent_mail(get_session()))

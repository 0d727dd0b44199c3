"""Personal data rights: download all the site holds about you; delete your account; delete a
comment of yours. Both account actions ask for the password again (re-authentication)."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length

from catalogue.errors import NotFound, PermissionDenied
from records import personal_archives as archives
from records import personal_data as service
from webapp import limits as rate
from webapp.db import get_session
from webapp.forms import require_plain_form
from webapp.urls import safe_next

bp = Blueprint("personal_data", __name__)

MAX_PASSWORD = 200
# An archive reads every table of the account: a few per hour per account is plenty.
DOWNLOAD_PER_ACCOUNT = rate.Rule("personal-data-download", "5 per hour", rate.signed_in_account)
# Wrong passwords on the deletion form are counted like log-in attempts.
DELETE_PER_ACCOUNT = rate.Rule("personal-data-delete", "10 per hour", rate.signed_in_account)


class DownloadForm(FlaskForm):
    """Confirm the password to download the archive."""

    password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD)]
    )


class DeleteForm(FlaskForm):
    """Confirm the password and say yes to delete the account."""

    password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD)]
    )
    confirm = BooleanField(
        _l("I understand: my account and personal data are deleted and cannot be restored."),
        validators=[DataRequired()],
    )


def _file_root() -> Path:
    """Where the stores of uploaded files keep them (the instance folder)."""
    return Path(current_app.instance_path)


def _page(download: DownloadForm | None = None, delete: DeleteForm | None = None, status=200):
    return (
        render_template(
            "records/personal_data/page.html",
            download=download or DownloadForm(prefix="download"),
            delete=delete or DeleteForm(prefix="delete"),
            may_delete=service.can_delete_self(current_user.role),
            archive=archives.current(get_session(), current_user.id),
            archive_days=archives.ARCHIVE_DAYS,
        ),
        status,
    )


@bp.route("/me/personal-data")
@login_required
def overview():
    """What the site holds, the download and the account deletion."""
    return _page()


@bp.route("/me/personal-data/download", methods=["POST"])
@login_required
@rate.limited(DOWNLOAD_PER_ACCOUNT)
def download():
    """The archive (zip: JSON, CSV per table, README), after the password is confirmed."""
    form = DownloadForm(prefix="download")
    if not form.validate_on_submit():
        return _page(download=form, status=400)
    db = get_session()
    try:
        if not service.confirm_password(db, current_user.id, form.password.data):
            form.password.errors = [_("The current password is not correct.")]
            return _page(download=form, status=400)
        if not archives.is_small(db, current_user.id):
            # A large account's archive is never built in a request: the jobs worker builds it.
            requested = archives.request_archive(db, current_user.id)
            db.commit()
            if requested.replaced:
                archives.remove([archives.archive_path(_file_root(), requested.replaced)])
            flash(
                _(
                    "Your archive is being prepared. You will get a notification when it is "
                    "ready to download."
                ),
                "success",
            )
            return redirect(url_for("personal_data.overview", _anchor="download"))
        archive = service.build_archive(db, current_user.id, _file_root())
    except NotFound:  # the account was deleted meanwhile
        db.rollback()
        logout_user()
        session.clear()
        return redirect(url_for("personal_data.deleted"))
    db.rollback()  # a read only: end the transaction before the file is sent
    response = send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"personal-data-{current_user.id}.zip",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/me/personal-data/archive/<key>.zip")
@login_required
def archive_file(key: str):
    """A ready archive the jobs worker built: its owner's only (anyone else: 404)."""
    db = get_session()
    try:
        path = archives.ready_file(db, current_user.id, key, _file_root())
    except NotFound:
        abort(404)
    finally:
        db.rollback()
    response = send_file(
        path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"personal-data-{current_user.id}.zip",
        max_age=0,
        conditional=False,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/me/personal-data/delete", methods=["POST"])
@login_required
@rate.limited(DELETE_PER_ACCOUNT)
def delete_account():
    """Delete the account after the password and an explicit yes; every session ends."""
    form = DeleteForm(prefix="delete")
    if not service.can_delete_self(current_user.role):
        flash(
            _(
                "Staff and partner accounts cannot be deleted here. "
                "Please ask an administrator to close the account."
            ),
            "error",
        )
        return _page(delete=form, status=403)
    if not form.validate_on_submit():
        return _page(delete=form, status=400)
    db = get_session()
    try:
        if not service.confirm_password(db, current_user.id, form.password.data):
            form.password.errors = [_("The current password is not correct.")]
            return _page(delete=form, status=400)
        result = service.delete_account(db, current_user.id, _file_root())
        db.commit()
        service.remove_files(result.files)
    except NotFound:  # deleted meanwhile by another request of the same person
        db.rollback()
    except PermissionDenied:
        db.rollback()
        abort(403)
    language = str(get_locale())  # the goodbye page speaks the language the person used
    logout_user()
    session.clear()
    session["lang"] = language
    return redirect(url_for("personal_data.deleted"))


@bp.route("/account-deleted")
def deleted():
    """Where a deleted account lands: what happened, and what was kept (anonymised)."""
    return render_template("records/personal_data/deleted.html")


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
@login_required
def delete_comment(comment_id: int):
    """The author deletes their comment (replies by others keep their place under a marker)."""
    require_plain_form()
    db = get_session()
    try:
        service.delete_comment(db, current_user.id, comment_id)
    except NotFound:
        db.rollback()
        abort(404)
    db.commit()
    flash(_("Comment deleted."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("pages.home")))

"""The editors' moderation console: reported comments first, then the newest and the hidden
ones; hide, restore, dismiss reports, mute and unmute authors."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from catalogue.errors import NotFound, PermissionDenied
from catalogue.models import CommentStatus
from catalogue.services import moderation
from webapp.access import current_actor, roles_required
from webapp.db import get_session
from webapp.forms import REPORT_REASONS, PlainForm, require_plain_form

bp = Blueprint("moderation", __name__, url_prefix="/editor")
editor_required = roles_required("editor", "admin")
VIEWS = ("reported", "recent", "hidden")


@bp.route("/comments")
@editor_required
def comments():
    """Comments to look at: reported (default), the newest, or the hidden ones."""
    view = request.args.get("view", "reported")
    if view not in VIEWS:
        abort(404)
    db = get_session()
    if view == "reported":
        listed = moderation.reported_comments(db)
    else:
        status = CommentStatus.HIDDEN if view == "hidden" else None
        listed = moderation.recent_comments(db, status)
    return render_template(
        "editor/comments.html",
        view=view,
        comments=listed,
        muted=moderation.muted_users(db),
        reasons={choice.value: choice.label for choice in REPORT_REASONS},
        form=PlainForm(),
    )


def _back() -> str:
    view = request.form.get("view")
    return url_for("moderation.comments", view=view if view in VIEWS else None)


@bp.route("/comments/<int:comment_id>/<any(hide, restore, dismiss):action>", methods=["POST"])
@editor_required
def moderate(comment_id: int, action: str):
    """Hide or restore a comment, or dismiss its reports."""
    require_plain_form()
    db = get_session()
    try:
        moderation.moderate_comment(db, comment_id, action, role=current_actor().role.value)
    except NotFound:
        abort(404)
    db.commit()
    messages = {
        "hide": _("Comment hidden."),
        "restore": _("Comment shown again."),
        "dismiss": _("Reports dismissed; the comment stays."),
    }
    flash(messages[action], "success")
    return redirect(_back())


@bp.route("/users/<int:user_id>/<any(mute, unmute):action>", methods=["POST"])
@editor_required
def mute(user_id: int, action: str):
    """Stop a user from commenting, or let them again."""
    require_plain_form()
    db = get_session()
    try:
        user = moderation.set_muted(db, user_id, action == "mute", role=current_actor().role.value)
    except NotFound:
        abort(404)
    except PermissionDenied:
        db.rollback()
        flash(_("Editors and administrators cannot be muted."), "error")
        return redirect(_back())
    db.commit()
    if action == "mute":
        flash(_("%(name)s can no longer post comments.", name=user.display_name), "success")
    else:
        flash(_("%(name)s can post comments again.", name=user.display_name), "success")
    return redirect(_back())

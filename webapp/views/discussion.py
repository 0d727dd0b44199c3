"""The public side of a course's discussion: comments and replies, reporting a comment, and
feedback (a rating and a message) to the course's provider."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from catalogue.errors import NotFound, PermissionDenied, RateLimited, ValidationError
from catalogue.services import social
from webapp.db import get_session
from webapp.forms import CommentForm, FeedbackForm, ReportForm
from webapp.urls import parse_id

bp = Blueprint("discussion", __name__)


def _flash_form_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


@bp.route("/courses/<int:course_id>/comments", methods=["POST"])
@login_required
def comment(course_id: int):
    """Post a comment or a reply."""
    form = CommentForm()
    back = url_for("pages.course", course_id=course_id) + "#discussion"
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(back)
    parent = parse_id(form.parent_id.data)
    db = get_session()
    try:
        posted = social.add_comment(
            db, current_user.id, course_id, form.body.data, parent_id=parent
        )
    except NotFound:
        abort(404)
    except PermissionDenied:
        db.rollback()
        flash(_("Your account may not post comments at the moment."), "error")
        return redirect(back)
    except RateLimited as limited:
        db.rollback()
        minutes = max(1, -(-limited.retry_after // 60))
        flash(
            ngettext(
                "Too many comments in a short time. Please try again in %(num)d minute.",
                "Too many comments in a short time. Please try again in %(num)d minutes.",
                minutes,
            ),
            "error",
        )
        return redirect(back)
    except ValidationError:
        db.rollback()
        flash(_("The comment could not be posted. Keep it under 2,000 characters."), "error")
        return redirect(back)
    db.commit()
    flash(_("Comment posted."), "success")
    return redirect(url_for("pages.course", course_id=course_id) + f"#comment-{posted.id}")


@bp.route("/comments/<int:comment_id>/report", methods=["POST"])
@login_required
def report(comment_id: int):
    """Report a comment to the editors."""
    form = ReportForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    try:
        course_id = social.report_comment(db, current_user.id, comment_id, form.reason.data)
    except NotFound:
        abort(404)
    db.commit()
    flash(_("Thank you. The editors will look at this comment."), "success")
    return redirect(url_for("pages.course", course_id=course_id) + "#discussion")


@bp.route("/courses/<int:course_id>/feedback", methods=["POST"])
@login_required
def feedback(course_id: int):
    """Send a rating and a message to the course's provider."""
    form = FeedbackForm()
    back = url_for("pages.course", course_id=course_id) + "#feedback"
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(back)
    db = get_session()
    try:
        social.give_feedback(
            db, current_user.id, course_id, int(form.rating.data), form.message.data or None
        )
    except NotFound:
        abort(404)
    except ValidationError:
        db.rollback()
        flash(_("The feedback could not be sent. Check the rating and the message."), "error")
        return redirect(back)
    db.commit()
    flash(_("Thank you. Your feedback was sent to the provider."), "success")
    return redirect(back)

"""What a learner does with courses: like, save, dismiss from the feed, and "my learning".

Every action is a POST form with a CSRF token that works without JavaScript and writes the
activity event the recommender trains on."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from catalogue.errors import NotFound
from catalogue.models import EventKind
from catalogue.services import engagement
from catalogue.services.activity import record_event
from webapp.db import get_session
from webapp.forms import require_plain_form
from webapp.urls import safe_next

bp = Blueprint("learning", __name__)


@bp.route("/courses/<int:course_id>/<any(like, save):action>", methods=["POST"])
@login_required
def toggle(course_id: int, action: str):
    """Like or unlike, save or unsave a course."""
    require_plain_form()
    db = get_session()
    try:
        now_on = engagement.toggle(db, current_user.id, course_id, action)
    except NotFound:
        abort(404)
    db.commit()
    messages = {
        ("like", True): _("You like this course."),
        ("like", False): _("You no longer like this course."),
        ("save", True): _("Saved to my learning."),
        ("save", False): _("Removed from my learning."),
    }
    flash(messages[(action, now_on)], "success")
    default = url_for("pages.course", course_id=course_id)
    return redirect(safe_next(request.form.get("next"), default))


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>/done", methods=["POST"])
@login_required
def lesson_done(course_id: int, lesson_id: int):
    """Mark a lesson finished; the course page then offers the next one."""
    require_plain_form()
    db = get_session()
    try:
        fraction = engagement.finish_lesson(db, current_user.id, course_id, lesson_id)
    except NotFound:
        abort(404)
    db.commit()
    if fraction >= 1.0:
        flash(_("Course completed. Well done!"), "success")
    return redirect(url_for("pages.course", course_id=course_id) + "#lessons")


@bp.route("/courses/<int:course_id>/dismiss", methods=["POST"])
@login_required
def dismiss(course_id: int):
    """ "Not interested": the course leaves the learner's feed for good."""
    require_plain_form()
    db = get_session()
    try:
        record_event(db, current_user.id, course_id, EventKind.DISMISS)
    except NotFound:
        abort(404)
    db.commit()
    flash(_("We will not suggest this course again."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("pages.home")))


@bp.route("/me/learning")
@login_required
def my_learning():
    """Saved, in-progress, completed and recently viewed courses."""
    lists = engagement.my_learning(get_session(), current_user.id)
    return render_template("learning/mine.html", lists=lists)

"""What a learner does with courses: like, save, dismiss from the feed, and "my learning".

Every action is a POST form with a CSRF token that works without JavaScript and writes the
activity event the recommender trains on."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from catalogue.errors import NotFound
from catalogue.models import EventKind
from catalogue.services import columns as column_service
from catalogue.services import engagement, playback
from catalogue.services.activity import record_event
from webapp.credentials import issue_course_certificate
from webapp.db import get_session
from webapp.forms import require_plain_form
from webapp.urls import safe_next

bp = Blueprint("learning", __name__)


def wants_json() -> bool:
    """Whether the action was sent by the page's script (fetch with Accept: application/json)
    rather than by a plain form post."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _answer(message: str, back: str, **state):
    """JSON for the page's script, or the message flashed and a redirect for a plain form."""
    if wants_json():
        return jsonify(ok=True, message=message, **state)
    flash(message, "success")
    return redirect(back)


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
    labels = {
        ("like", True): _("Liked"),
        ("like", False): _("Like"),
        ("save", True): _("Saved"),
        ("save", False): _("Bookmark"),
    }
    default = url_for("pages.course", course_id=course_id)
    return _answer(
        messages[(action, now_on)],
        safe_next(request.form.get("next"), default),
        pressed=now_on,
        label=labels[(action, now_on)],
    )


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>/done", methods=["POST"])
@login_required
def lesson_done(course_id: int, lesson_id: int):
    """Mark a lesson finished; the course page then offers the next one."""
    require_plain_form()
    db = get_session()
    try:
        fraction = engagement.finish_lesson(db, current_user.id, course_id, lesson_id)
        issue_course_certificate(db, current_user.id, course_id)
    except NotFound:
        abort(404)
    db.commit()
    back = url_for("pages.course", course_id=course_id) + "#lessons"
    if wants_json():
        message = _("Course completed. Well done!") if fraction >= 1.0 else _("Lesson done.")
        return jsonify(ok=True, message=message, fraction=fraction, label=_("Done"))
    if fraction >= 1.0:
        flash(_("Course completed. Well done!"), "success")
    return redirect(back)


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
    return _answer(
        _("We will not suggest this course again."),
        safe_next(request.form.get("next"), url_for("pages.home")),
        removed=True,
    )


@bp.route("/courses/<int:course_id>/share", methods=["POST"])
@login_required
def share(course_id: int):
    """Share a course: records the share and gives the link to pass on."""
    require_plain_form()
    db = get_session()
    try:
        record_event(db, current_user.id, course_id, EventKind.SHARE)
    except NotFound:
        abort(404)
    db.commit()
    link = url_for("pages.course", course_id=course_id, _external=True)
    if wants_json():
        return jsonify(ok=True, url=link, message=_("Link copied. Paste it to share."))
    flash(_("Copy this link to share the course: %(link)s", link=link), "success")
    return redirect(url_for("pages.course", course_id=course_id))


@bp.route("/me/learning")
@login_required
def my_learning():
    """Saved, in-progress, completed and recently viewed courses; the columns I follow."""
    db = get_session()
    lists = engagement.my_learning(db, current_user.id)
    reading = playback.started_reading(db, current_user.id)
    columns = column_service.followed_columns(db, current_user.id)
    return render_template("learning/mine.html", lists=lists, reading=reading, columns=columns)


@bp.route("/columns/<slug>/<any(follow, unfollow):action>", methods=["POST"])
@login_required
def follow_column(slug: str, action: str):
    """Follow a column (hear of the courses the editors add to it), or stop following it."""
    require_plain_form()
    db = get_session()
    try:
        if action == "follow":
            column = column_service.follow_column(db, current_user.id, slug)
        else:
            column = column_service.unfollow_column(db, current_user.id, slug)
    except NotFound:
        abort(404)
    db.commit()
    message = (
        _(
            "You follow “%(title)s”. New courses in it will reach your notifications.",
            title=column.title,
        )
        if action == "follow"
        else _("You no longer follow “%(title)s”.", title=column.title)
    )
    back = url_for("pages.column", slug=column.slug)
    return _answer(message, safe_next(request.form.get("next"), back), following=action == "follow")

"""The editors' review queue: courses of providers under review, waiting to go live or for
their changes to; approve, or reject with a reason the partner sees."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from catalogue.errors import Conflict, NotFound, ValidationError
from catalogue.services import reading, reviews
from webapp import messages
from webapp.access import current_actor, roles_required
from webapp.db import get_session
from webapp.forms import ReviewDecisionForm
from webapp.urls import page_arg

bp = Blueprint("course_reviews", __name__, url_prefix="/editor/reviews")
editor_required = roles_required("editor", "admin")


@bp.route("/")
@editor_required
def queue():
    """Pending submissions, oldest first."""
    return render_template(
        "editor/reviews.html",
        page=reviews.pending_page(get_session(), page_arg(), 50),
        REVIEW_KINDS=messages.REVIEW_KINDS,
    )


def _detail_page(review_id: int, form: ReviewDecisionForm, status: int = 200):
    db = get_session()
    try:
        detail = reviews.review_detail(db, review_id)
    except NotFound:
        abort(404)
    bodies = [
        reading.render(lesson["body"], lesson["body_format"] or "markdown")
        if lesson.get("body")
        else None
        for lesson in detail.submitted_lessons
    ]
    return (
        render_template(
            "editor/review.html",
            detail=detail,
            bodies=bodies,
            form=form,
            FIELD_LABELS=messages.REVIEW_FIELDS,
            REVIEW_KINDS=messages.REVIEW_KINDS,
            REVIEW_STATUS=messages.REVIEW_STATUS,
        ),
        status,
    )


# One rule for both methods: a huge id then fails the converter on both alike (404, not 405).
@bp.route("/<int:review_id>", methods=["GET", "POST"])
@editor_required
def review(review_id: int):
    """One submission: the course as submitted beside the live one, and the decision form;
    a POST approves or rejects it."""
    if request.method == "POST":
        return _decide(review_id)
    return _detail_page(review_id, ReviewDecisionForm())


def _decide(review_id: int):
    """Approve or reject one submission."""
    form = ReviewDecisionForm()
    if not form.validate_on_submit():
        return _detail_page(review_id, form, 400)
    approve = "approve" in request.form
    db = get_session()
    try:
        reviews.decide(db, review_id, approve, form.reason.data, current_actor().user_id)
    except NotFound:
        abort(404)
    except ValidationError:
        db.rollback()
        form.reason.errors = [_("Say why the course is not approved: the partner reads it.")]
        return _detail_page(review_id, form, 400)
    except Conflict:
        db.rollback()
        flash(_("Another editor decided this submission first."), "error")
        return redirect(url_for(".queue"))
    db.commit()
    flash(_("Approved: the course is live.") if approve else _("Rejected."), "success")
    return redirect(url_for(".queue"))

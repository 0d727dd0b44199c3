"""The partner portal's course editor: one course and its lessons, a preview of the learner's
page, saving."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from catalogue.errors import Conflict, NotFound, ValidationError
from catalogue.models import Course
from catalogue.services import courses as course_service
from catalogue.services import providers as provider_service
from catalogue.services import reading, reviews
from catalogue.services.courses import CourseData
from webapp import messages
from webapp.access import current_actor, partner_required
from webapp.course_form import CourseForm, course_data, form_for, form_for_input, show_problems
from webapp.db import get_session
from webapp.views.partner import acting_provider_id, provider_locked, suspended_message

bp = Blueprint("partner_courses", __name__, url_prefix="/partner/courses")


def _own_course(provider_id: int, course_id: int) -> Course:
    try:
        return course_service.get_provider_course(get_session(), provider_id, course_id)
    except NotFound:
        abort(404)


def _page(
    provider_id: int,
    form: CourseForm,
    course: Course | None,
    preview=None,
    status=200,
    review=...,
):
    """The editor page; `review` is the course's latest review when the caller has read it."""
    if review is ...:
        review = _latest_review(course)
    return (
        render_template(
            "partner/course_edit.html",
            provider=provider_service.get_provider(get_session(), provider_id),
            form=form,
            course=course,
            preview=preview,
            COURSE_STATUS=messages.COURSE_STATUS,
            review=review,
            under_review=reviews.under_review(get_session(), provider_id),
        ),
        status,
    )


def _latest_review(course: Course | None):
    if course is None:
        return None
    return reviews.latest_reviews(get_session(), [course.id]).get(course.id)


def _checked(form: CourseForm, external_id: str | None) -> tuple[CourseData, dict] | None:
    """The form's course input and its validated values; None with every problem marked on
    the form (the form's own and the course service's at once)."""
    data, readable = course_data(form, external_id)
    try:
        values = course_service.validate_course(data)
    except ValidationError as exc:
        show_problems(form, exc)
        return None
    return (data, values) if readable else None


def _preview(form: CourseForm, external_id: str | None) -> dict | None:
    """The learner's view of the unsaved form: validated values with reading texts rendered."""
    checked = _checked(form, external_id)
    if checked is None:
        return None
    values = checked[1]
    for lesson in values["lessons"]:
        lesson["html"] = (
            reading.render(lesson["body"], lesson["body_format"]) if lesson["body"] else None
        )
    return values


def _submit(provider_id: int, course: Course | None):
    """Handle a posted course form: add a lesson row, preview, or save."""
    form = CourseForm()
    external_id = course.external_id if course is not None else None
    if "add_lesson" in request.form:
        form.lessons.append_entry()
        return _page(provider_id, form, course)
    if not form.validate_on_submit():
        return _page(provider_id, form, course, status=400)
    if provider_locked(provider_id):
        form.form_errors.append(suspended_message())
        return _page(provider_id, form, course, status=403)
    if "preview" in request.form:
        preview = _preview(form, external_id)
        return _page(provider_id, form, course, preview, 200 if preview else 400)
    checked = _checked(form, external_id)
    if checked is None:
        return _page(provider_id, form, course, status=400)
    db = get_session()
    try:
        submitted = reviews.submit_course(
            db,
            provider_id,
            course.id if course is not None else None,
            checked[0],
            form.status.data,
            submitted_by_id=current_actor().user_id,
        )
    except ValidationError as exc:
        db.rollback()
        show_problems(form, exc)
        return _page(provider_id, form, course, status=400)
    except Conflict:
        db.rollback()
        form.external_id.errors = [str(messages.ROW_PROBLEMS["DUPLICATE_EXTERNAL_ID"])]
        return _page(provider_id, form, course, status=409)
    db.commit()
    if submitted.review is not None:
        flash(
            _("Saved. An editor reviews it before learners see it; you will be told the decision."),
            "success",
        )
    else:
        flash(_("The course was saved."), "success")
    return redirect(url_for(".edit", course_id=submitted.course.id, provider=provider_id))


@bp.route("/new", methods=["GET", "POST"])
@partner_required
def new():
    """Add one course by hand."""
    provider_id = acting_provider_id()
    if request.method == "POST":
        return _submit(provider_id, None)
    return _page(provider_id, form_for(None), None)


@bp.route("/<int:course_id>", methods=["GET", "POST"])
@partner_required
def edit(course_id: int):
    """Change one of the provider's courses and its lessons."""
    provider_id = acting_provider_id()
    course = _own_course(provider_id, course_id)
    if request.method == "POST":
        return _submit(provider_id, course)
    waiting = _latest_review(course)
    proposed = (
        reviews.proposed_input(waiting) if waiting is not None and waiting.is_pending else None
    )
    form = form_for_input(proposed, "published") if proposed is not None else form_for(course)
    return _page(provider_id, form, course, review=waiting)

"""The editors' column console: create thematic columns (专题), choose and order their courses,
set their publish window, publish and unpublish them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalogue.errors import Conflict, NotFound, ValidationError
from catalogue.services import columns as column_service
from search.service import QueryRejected, SearchRequest, search
from search.store import IndexMissing
from webapp.access import current_actor, roles_required
from webapp.db import get_session
from webapp.forms import ColumnForm, PlainForm, require_plain_form
from webapp.search_index import get_search
from webapp.site_times import typed_to_utc, utc_to_typed
from webapp.urls import parse_id

bp = Blueprint("editor_columns", __name__, url_prefix="/editor/columns")
editor_required = roles_required("editor", "admin")
FIELD_MESSAGES = {
    "BAD_WINDOW": _l("The end must come after the start."),
    "DUPLICATE_SLUG": _l("Another column already uses this address."),
    "BAD_SLUG": _l("Use letters, digits and hyphens only."),
    "BAD_URL": _l("Enter a web address starting with http:// or https://."),
}


def _field_errors(form: ColumnForm, exc: ValidationError) -> None:
    for error in exc.errors:
        field = getattr(form, error.field, None) or form.title
        message = FIELD_MESSAGES.get(error.code) or _("Please check this field.")
        field.errors = [*field.errors, str(message)]


@bp.route("/", methods=["GET", "POST"])
@editor_required
def overview():
    """Every column with its state and window; a form to start a new one."""
    db = get_session()
    form = ColumnForm()
    if form.validate_on_submit():
        if not form.slug.data:
            form.slug.errors = [_("Give the column an address.")]
        else:
            try:
                column = column_service.create_column(
                    db,
                    form.slug.data,
                    form.title.data,
                    description=form.description.data,
                    cover_url=form.cover_url.data or None,
                    publish_from=typed_to_utc(form.publish_from.data),
                    publish_until=typed_to_utc(form.publish_until.data),
                    created_by_id=current_actor().user_id,
                )
            except ValidationError as exc:
                db.rollback()
                _field_errors(form, exc)
            except Conflict:
                db.rollback()
                form.slug.errors = [str(FIELD_MESSAGES["DUPLICATE_SLUG"])]
            else:
                db.commit()
                flash(_("Column created. Now add its courses."), "success")
                return redirect(url_for("editor_columns.edit", column_id=column.id))
    status = 400 if form.is_submitted() else 200
    columns = column_service.list_columns(db)
    return render_template(
        "editor/columns.html", columns=columns, form=form, to_local=utc_to_typed
    ), status


def _search_candidates(text: str) -> list:
    if not text.strip():
        return []
    subsystem = get_search()
    try:
        return search(subsystem.store, SearchRequest(text, per_page=10)).hits
    except (QueryRejected, IndexMissing):
        return []


@bp.route("/<int:column_id>", methods=["GET", "POST"])
@editor_required
def edit(column_id: int):
    """A column's details, its courses in order, and a search to add more."""
    db = get_session()
    try:
        column = column_service.get_column(db, column_id)
    except NotFound:
        abort(404)
    form = ColumnForm(obj=None if request.method == "POST" else column)
    if request.method == "GET":
        form.publish_from.data = utc_to_typed(column.publish_from)
        form.publish_until.data = utc_to_typed(column.publish_until)
    if form.validate_on_submit():
        try:
            column_service.update_column(
                db,
                column_id,
                title=form.title.data,
                description=form.description.data,
                cover_url=form.cover_url.data or None,
                publish_from=typed_to_utc(form.publish_from.data),
                publish_until=typed_to_utc(form.publish_until.data),
            )
        except ValidationError as exc:
            db.rollback()
            _field_errors(form, exc)
        else:
            db.commit()
            flash(_("Column saved."), "success")
            return redirect(url_for("editor_columns.edit", column_id=column_id))
    status = 400 if form.is_submitted() else 200
    query = request.args.get("q", "")
    return render_template(
        "editor/column_edit.html",
        column=column,
        form=form,
        action_form=PlainForm(),
        query=query,
        candidates=_search_candidates(query),
        in_column={e.course_id for e in column.entries},
    ), status


@bp.route("/<int:column_id>/courses", methods=["POST"])
@editor_required
def change_courses(column_id: int):
    """Add, remove or move one course of the column."""
    require_plain_form()
    db = get_session()
    action = request.form.get("action", "")
    course_id = parse_id(request.form.get("course_id"))
    if course_id is None:
        abort(400)
    try:
        if action == "add":
            column_service.add_column_course(db, column_id, course_id)
        elif action == "remove":
            column_service.remove_column_course(db, column_id, course_id)
        elif action in ("up", "down"):
            column_service.move_column_course(db, column_id, course_id, -1 if action == "up" else 1)
        else:
            abort(400)
    except NotFound:
        db.rollback()
        abort(404)
    db.commit()
    back = url_for("editor_columns.edit", column_id=column_id, q=request.form.get("q") or None)
    return redirect(f"{back}#column-courses")


@bp.route("/<int:column_id>/<any(publish, unpublish):action>", methods=["POST"])
@editor_required
def set_state(column_id: int, action: str):
    """Publish a column (learners see it while its window is open) or take it back."""
    require_plain_form()
    db = get_session()
    try:
        if action == "publish":
            column_service.publish_column(db, column_id)
        else:
            column_service.unpublish_column(db, column_id)
    except NotFound:
        abort(404)
    db.commit()
    flash(_("Column published.") if action == "publish" else _("Column taken back."), "success")
    return redirect(url_for("editor_columns.edit", column_id=column_id))

"""A learner's notes: taking them on a course page, the list across courses, search, editing,
deleting and exporting. Notes are private: another learner's note is reported as missing."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from catalogue.errors import NotFound, ValidationError
from catalogue.services import notes as note_service
from catalogue.services import social
from webapp.db import get_session
from webapp.forms import NoteEditForm, NoteForm, PlainForm, require_plain_form
from webapp.urls import parse_id, safe_next

bp = Blueprint("notes", __name__)


@bp.route("/courses/<int:course_id>/notes", methods=["POST"])
@login_required
def add(course_id: int):
    """Save a note from the course page."""
    form = NoteForm()
    back = safe_next(
        request.form.get("next"), url_for("pages.course", course_id=course_id) + "#notes"
    )
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(back)
    lesson = parse_id(form.lesson_id.data)
    db = get_session()
    try:
        social.add_note(
            db,
            current_user.id,
            course_id,
            form.body.data,
            lesson_id=lesson,
            position_seconds=form.position_seconds(),
        )
    except NotFound:
        abort(404)
    except ValidationError:
        db.rollback()
        flash(_("The note could not be saved. Check its length and time."), "error")
        return redirect(back)
    db.commit()
    flash(_("Note saved."), "success")
    return redirect(back)


@bp.route("/me/notes")
@login_required
def overview():
    """All of the learner's notes, grouped by course; `q` searches them."""
    query = request.args.get("q", "")[: note_service.MAX_QUERY]
    groups = note_service.notes_by_course(get_session(), current_user.id, query)
    return render_template("notes/list.html", groups=groups, query=query, form=PlainForm())


@bp.route("/me/notes/export.<fmt>")
@login_required
def export(fmt: str):
    """Download the notes (those matching `q`) as Markdown or CSV."""
    if fmt not in ("md", "csv"):
        abort(404)
    groups = note_service.notes_by_course(get_session(), current_user.id, request.args.get("q"))
    if fmt == "md":
        body, mime = note_service.export_markdown(groups), "text/markdown; charset=utf-8"
    else:
        body, mime = note_service.export_csv(groups), "text/csv; charset=utf-8"
    return Response(
        body,
        mimetype=mime,
        headers={"Content-Disposition": f'attachment; filename="my-notes.{fmt}"'},
    )


@bp.route("/me/notes/<int:note_id>/edit", methods=["GET", "POST"])
@login_required
def edit(note_id: int):
    """Change a note's text."""
    db = get_session()
    try:
        note = social.get_note(db, current_user.id, note_id)
    except NotFound:
        abort(404)
    form = NoteEditForm(body=note.body)
    if form.validate_on_submit():
        try:
            social.update_note(db, current_user.id, note_id, form.body.data)
        except ValidationError:
            db.rollback()
            form.body.errors.append(_("The note is too long."))
        else:
            db.commit()
            flash(_("Note saved."), "success")
            return redirect(url_for("notes.overview"))
    return render_template("notes/edit.html", form=form, note=note)


@bp.route("/me/notes/<int:note_id>/delete", methods=["POST"])
@login_required
def delete(note_id: int):
    """Delete a note."""
    require_plain_form()
    db = get_session()
    try:
        social.delete_note(db, current_user.id, note_id)
    except NotFound:
        abort(404)
    db.commit()
    flash(_("Note deleted."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("notes.overview")))

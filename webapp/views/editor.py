"""The editors' console: what learners search for, and the synonym list search uses."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalogue.errors import NotFound, ValidationError
from catalogue.services import search_admin
from webapp.access import current_actor, roles_required
from webapp.db import get_session
from webapp.forms import PlainForm, require_plain_form
from webapp.search_index import get_search
from webapp.urls import int_arg

bp = Blueprint("editor", __name__, url_prefix="/editor")
editor_required = roles_required("editor", "admin")

# What the search did with a poor query (catalogue.services.search_admin.PoorQuery.outcome).
POOR_OUTCOMES = {
    "few": _l("Found few courses"),
    "corrected": _l("Corrected a typo"),
    "any_term": _l("Matched only some words"),
    "popular": _l("Nothing matched: showed popular courses"),
}


@bp.route("/search")
@editor_required
def search_overview():
    """Top queries, zero-result and poor queries of the last days, and the synonyms."""
    days = min(int_arg("days", 7, 1), 365)
    db = get_session()
    return render_template(
        "editor/search.html",
        days=days,
        top=search_admin.top_queries(db, days=days),
        zero=search_admin.top_queries(db, days=days, zero_results=True),
        poor=search_admin.poor_queries(db, days=days),
        POOR_OUTCOMES=POOR_OUTCOMES,
        FEW_RESULTS=search_admin.FEW_RESULTS,
        synonyms=search_admin.list_synonyms(db),
        form=PlainForm(),
    )


@bp.route("/synonyms", methods=["POST"])
@editor_required
def add_synonyms():
    """Add a synonym group from a comma-separated list."""
    require_plain_form()
    terms = [t for t in re.split(r"[,，、;；\n]+", request.form.get("terms", "")) if t.strip()]
    db = get_session()
    try:
        search_admin.add_synonyms(db, terms, created_by_id=current_actor().user_id)
    except ValidationError:
        db.rollback()
        flash(_("Give at least two different terms, each at most 50 characters."), "error")
    else:
        db.commit()
        get_search().forget_synonyms()
        flash(_("Synonyms saved. Search uses them within a minute."), "success")
    return redirect(url_for("editor.search_overview"))


@bp.route("/synonyms/<int:group_id>/delete", methods=["POST"])
@editor_required
def delete_synonyms(group_id: int):
    """Remove a synonym group."""
    require_plain_form()
    db = get_session()
    try:
        search_admin.delete_synonyms(db, group_id)
    except NotFound:
        abort(404)
    db.commit()
    get_search().forget_synonyms()
    return redirect(url_for("editor.search_overview"))

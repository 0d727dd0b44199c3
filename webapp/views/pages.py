"""Public pages: home, area listings and course pages."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from catalogue.errors import NotFound
from catalogue.models import Area
from catalogue.services import columns as column_service
from catalogue.services import courses as course_service
from catalogue.services import engagement, social
from recommender.serving import feed, similar
from webapp.db import get_session
from webapp.forms import NoteForm, PlainForm
from webapp.recommendations import current_learner, current_model
from webapp.urls import int_arg

bp = Blueprint("pages", __name__)
log = logging.getLogger(__name__)

PER_PAGE = 24
FEED_ITEMS = 8
SIMILAR_ITEMS = 6
SORTS = ("newest", "popular")


@bp.route("/")
def home():
    """A signed-in learner's feed, areas, thematic columns, newest and most popular courses."""
    db = get_session()
    for_you = None
    if current_user.is_authenticated:
        for_you = feed(db, current_model(), current_learner(), limit=FEED_ITEMS).items
    return render_template(
        "home.html",
        for_you=for_you,
        area_counts=course_service.area_counts(db),
        columns=column_service.current_columns(db, limit=4),
        newest=course_service.newest_courses(db, limit=12),
        popular=course_service.popular_courses(db, limit=12),
    )


@bp.route("/areas/<area>")
def area(area: str):
    """One area's published courses, paginated."""
    try:
        chosen = Area(area)
    except ValueError:
        abort(404)
    sort = request.args.get("sort", "newest")
    if sort not in SORTS:
        sort = "newest"
    page = course_service.area_course_page(
        get_session(), chosen, page=int_arg("page", 1), per_page=PER_PAGE, sort=sort
    )
    if page.page > page.pages:
        abort(404)
    return render_template("area.html", area=chosen, page=page, sort=sort)


@bp.route("/courses/<int:course_id>")
def course(course_id: int):
    """A course with its lessons."""
    try:
        found = course_service.get_published_course(get_session(), course_id)
    except NotFound:
        abort(404)
    db = get_session()
    also = similar(db, current_model(), course_id, limit=SIMILAR_ITEMS)
    note_form, my_notes, mine, lessons_state = None, [], None, None
    if current_user.is_authenticated:
        lessons_state = engagement.lesson_progress(db, current_user.id, course_id)
        if not engagement.record_view(db, current_user.id, course_id):
            log.warning("course view not recorded: the database is busy")
        mine = engagement.standing(db, current_user.id, course_id)
        note_form = NoteForm()
        note_form.lesson_id.choices = [SelectChoice("", _("Whole course"))] + [
            SelectChoice(str(lesson.id), lesson.title) for lesson in found.lessons
        ]
        my_notes = social.list_notes(db, current_user.id, course_id)
    return render_template(
        "course.html",
        course=found,
        also=also,
        note_form=note_form,
        my_notes=my_notes,
        mine=mine,
        lessons_state=lessons_state,
        form=PlainForm(),
    )

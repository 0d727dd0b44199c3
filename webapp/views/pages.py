"""Public pages: home, area listings and course pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from catalogue.errors import NotFound
from catalogue.models import Area
from catalogue.services import columns as column_service
from catalogue.services import courses as course_service
from webapp.db import get_session
from webapp.urls import int_arg

bp = Blueprint("pages", __name__)

PER_PAGE = 24
SORTS = ("newest", "popular")


@bp.route("/")
def home():
    """Areas, thematic columns, newest and most popular courses."""
    db = get_session()
    return render_template(
        "home.html",
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
    return render_template("course.html", course=found)

"""Public pages: home, area listings and course pages."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from wtforms.fields.choices import SelectChoice

from catalogue.errors import NotFound
from catalogue.models import Area
from catalogue.services import columns as column_service
from catalogue.services import courses as course_service
from catalogue.services import engagement, playback, social
from insight import search_visits
from insight.models.feeds import FeedSurface
from recommender.languages import shelf
from recommender.serving import feed, similar
from search.service import SearchRequest, search
from search.store import IndexMissing
from webapp.caring import caring_on
from webapp.db import get_session
from webapp.feed_tracking import PARAMETER as FEED_PARAMETER
from webapp.feed_tracking import opened as feed_opened
from webapp.feed_tracking import shown as feed_shown
from webapp.forms import CommentForm, FeedbackForm, NoteForm, PlainForm, ReportForm
from webapp.recommendations import current_learner, current_model, visitor_languages
from webapp.search_index import get_search
from webapp.site_times import site_zone
from webapp.snapshots import area_counts as snapshot_area_counts
from webapp.urls import int_arg, page_arg, parse_id

bp = Blueprint("pages", __name__)
log = logging.getLogger(__name__)

PER_PAGE = 24
FEED_ITEMS = 8
CARING_FEED_ITEMS = 4
IN_PROGRESS_ITEMS = 4
MICRO_ITEMS = 6
SIMILAR_ITEMS = 6
COMMENT_THREADS = 50
CARING_COMMENT_THREADS = 20
SORTS = ("newest", "popular")


@bp.route("/")
def home():
    """A signed-in learner's feed, areas, thematic columns, newest and most popular courses
    (those two in the page's language and the learner's: recommender/languages.py)."""
    db = get_session()
    for_you, for_you_refs, in_progress, languages = None, None, [], visitor_languages()
    if current_user.is_authenticated:
        result = feed(db, current_model(), current_learner(), limit=FEED_ITEMS)
        for_you, languages = result.items, result.languages
        for_you = for_you[: CARING_FEED_ITEMS if caring_on() else FEED_ITEMS]
        # one row per list shown (the click-through in the cockpit): links carry ?rec=
        for_you_refs = feed_shown(
            FeedSurface.HOME, result.model_version, [i.course_id for i in for_you]
        )
        in_progress = engagement.in_progress(db, current_user.id, IN_PROGRESS_ITEMS)
    return render_template(
        "home.html",
        for_you=for_you,
        for_you_refs=for_you_refs,
        in_progress=in_progress,
        micro=_micro_courses(),
        area_counts=snapshot_area_counts(db),
        columns=column_service.current_columns(db, limit=4),
        newest=shelf(db, "newest", 12, languages),
        popular=shelf(db, "popular", 12, languages),
    )


def _micro_courses() -> list:
    """The most popular "5-minute" courses, from the search index (none while it is built)."""
    subsystem = get_search()
    try:
        return search(
            subsystem.store,
            SearchRequest("", {"duration_band": "micro"}, "popular", 1, MICRO_ITEMS),
        ).hits
    except IndexMissing:
        return []


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
    db = get_session()
    counts = snapshot_area_counts(db)
    page = course_service.area_course_page(
        db, chosen, page=page_arg(), per_page=PER_PAGE, sort=sort, total=counts[chosen]
    )
    if page.page > page.pages:
        abort(404)
    columns = column_service.area_columns(db, chosen)
    return render_template("area.html", area=chosen, page=page, sort=sort, columns=columns)


@bp.route("/columns/<slug>")
def column(slug: str):
    """A thematic column (专题): its cover, description and courses in the editors' order."""
    preview = current_user.is_authenticated and current_user.role in ("editor", "admin")
    db = get_session()
    try:
        found, courses = column_service.column_page(db, slug, preview=preview)
    except NotFound:
        abort(404)
    following = current_user.is_authenticated and column_service.is_following(
        db, current_user.id, found.id
    )
    return render_template(
        "column.html",
        column=found,
        courses=courses,
        following=following,
        followers=column_service.follower_count(db, found.id),
    )


@bp.route("/courses/<int:course_id>")
def course(course_id: int):
    """A course with its lessons."""
    try:
        found = course_service.get_published_course(get_session(), course_id)
    except NotFound:
        abort(404)
    db = get_session()
    search_query_id = parse_id(request.args.get("sq"))
    if search_query_id is not None:  # opened from a search's results: course analytics
        search_visits.record_visit(db, search_query_id, course_id, zone=site_zone())
    feed_opened(course_id, request.args.get(FEED_PARAMETER))  # from a recommendation list
    model = current_model()
    also = similar(db, model, course_id, limit=SIMILAR_ITEMS)
    also_refs = feed_shown(
        FeedSurface.COURSE, model.version if model else None, [i.course_id for i in also]
    )
    note_form, my_notes, mine, lessons_state = None, [], None, None
    feedback_form, resume, given = None, None, None
    if current_user.is_authenticated:
        resume = playback.resume_point(db, current_user.id, course_id)
        lessons_state = engagement.lesson_progress(db, current_user.id, course_id)
        try:
            if not engagement.record_view(db, current_user.id, course_id):
                log.warning("course view not recorded: the database is busy")
        except NotFound:  # the account was deleted (on another device) during this request
            db.rollback()
            logout_user()
            return redirect(url_for("pages.course", course_id=course_id))
        mine = engagement.standing(db, current_user.id, course_id)
        note_form = NoteForm()
        note_form.lesson_id.choices = [SelectChoice("", _("Whole course"))] + [
            SelectChoice(str(lesson.id), lesson.title) for lesson in found.lessons
        ]
        my_notes = social.list_notes(db, current_user.id, course_id)
        given = social.my_feedback(db, current_user.id, course_id)
        feedback_form = FeedbackForm(
            rating=str(given.rating) if given else None, message=given.message if given else None
        )
    return render_template(
        "course.html",
        course=found,
        also=also,
        also_refs=also_refs,
        note_form=note_form,
        my_notes=my_notes,
        mine=mine,
        lessons_state=lessons_state,
        resume=resume,
        form=PlainForm(),
        discussion=social.discussion(
            db,
            course_id,
            before=int_arg("comments_before", 0) or None,
            limit=CARING_COMMENT_THREADS if caring_on() else COMMENT_THREADS,
        ),
        comment_form=CommentForm() if current_user.is_authenticated else None,
        report_form=ReportForm() if current_user.is_authenticated else None,
        feedback_form=feedback_form,
        feedback_given=given,
    )

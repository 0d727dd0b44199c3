"""Partners' analytics of their own courses and providers (issue 17; docs/partner-analytics.md):
parse the provider, period and course, call insight.partner_analytics, render charts with their
tables, or an Excel-safe CSV. A partner only ever sees its own provider (naming another answers
403); an admin without `?provider=` gets a provider picker (search by name or number, paged)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from catalogue.errors import NotFound, ValidationError
from catalogue.models import Role, utcnow
from catalogue.services import providers as provider_service
from insight import partner_analytics as analytics
from insight.course_stats import PERIODS
from webapp.access import current_actor, partner_required
from webapp.db import get_session
from webapp.site_times import site_zone
from webapp.urls import page_arg, parse_id
from webapp.views.partner import acting_provider_id

bp = Blueprint("partner_analytics", __name__, url_prefix="/partner/analytics")


def _today() -> date:
    return utcnow().astimezone(site_zone()).date()


def _period() -> int:
    try:
        return analytics.parse_period(request.args.get("days"))
    except ValidationError:
        abort(400)


def _day_label(day: date) -> str:
    return day.strftime("%m-%d")


def _charts(series: analytics.Series) -> dict[str, dict]:
    """The chart specs (insight/_chart.html) of a period's figures per day."""
    labels = [_day_label(d) for d in series.days]

    def spec(kind: str, *named: tuple[str, list[int]], unit: str | None = None) -> dict:
        return {
            "kind": kind,
            "x_label": _("Day"),
            "categories": labels,
            "series": [{"name": name, "values": values} for name, values in named],
            "unit": unit,
        }

    return {
        "views": spec(
            "line", (_("Views"), series.views), (_("Visits from search"), series.search_visits)
        ),
        "learners": spec(
            "bar", (_("Learners started"), series.starts), (_("Completions"), series.completions)
        ),
        "time": spec("bar", (_("Learning time"), series.learning_minutes), unit=_("minutes")),
        "reactions": spec(
            "line",
            (_("Likes"), series.likes),
            (_("Saves"), series.saves),
            (_("Ratings"), series.ratings),
        ),
    }


PICKER_PAGE = 50


def _named_provider() -> str:
    return request.args.get("provider_id") or request.args.get("provider") or ""


def _choosing() -> bool:
    """An admin who has not named a provider yet: they choose one first."""
    return current_actor().role == Role.ADMIN and not _named_provider()


def _provider():
    """The provider the page is for: a partner's own (naming another answers 403), or the one
    an admin named (a missing one answers 404)."""
    actor = current_actor()
    named = _named_provider()
    if actor.role == Role.PARTNER and named and parse_id(named) != actor.provider_id:
        abort(403)
    provider_id = acting_provider_id()
    return provider_service.get_provider(get_session(), provider_id)


def _picker(days: int):
    """The admin's provider picker: providers whose name contains the search (or whose number
    it is), by name, a page at a time."""
    query = request.args.get("q", "")[:200]
    page = provider_service.provider_rows(get_session(), query, page_arg(), PICKER_PAGE)
    return render_template(
        "partner_analytics/choose_provider.html", query=query, page=page, days=days
    )


@bp.route("/")
@partner_required
def overview():
    """The provider's figures per day, its courses beside their areas' medians, the searches
    that led to them and the searches in its subjects that found nothing good (an admin who
    has named no provider chooses one first)."""
    if _choosing():
        return _picker(_period())
    provider = _provider()
    days, today, db = _period(), _today(), get_session()
    series = analytics.provider_series(db, provider.id, days, today)
    return render_template(
        "partner_analytics/overview.html",
        provider=provider,
        days=days,
        periods=PERIODS,
        series=series,
        charts=_charts(series),
        courses=analytics.top_courses(db, provider.id, days),
        full_days=analytics.periods_as_of(today, days),
        terms=analytics.provider_search_terms(db, provider.id, days, today),
        poor=analytics.poor_searches_in_subjects(db, provider.id, days, today),
        may_choose=current_actor().role == Role.ADMIN,
    )


@bp.route("/courses/<int:course_id>")
@partner_required
def course(course_id: int):
    """One of the provider's courses: figures per day, beside its area's median, the lesson
    funnel and the searches that led to it (an admin without a provider is sent to the
    course's own)."""
    if _choosing():
        try:
            provider_id = analytics.course_provider_id(get_session(), course_id)
        except NotFound:
            abort(404)
        days = request.args.get("days")
        return redirect(
            url_for(".course", course_id=course_id, provider=provider_id, days=days or None)
        )
    provider = _provider()
    days, today, db = _period(), _today(), get_session()
    try:
        found = analytics.own_course(db, provider.id, course_id)
        started, funnel = analytics.lesson_funnel(db, provider.id, course_id)
    except NotFound:
        abort(404)
    series = analytics.course_series(db, course_id, days, today)
    funnel_chart = {
        "kind": "bar",
        "x_label": _("Lesson"),
        "categories": [f"{s.position}. {s.title}" for s in funnel]
        if started or any(s.finished for s in funnel)
        else [],
        "series": [
            {"name": _("Learners who finished it"), "values": [s.finished for s in funnel]},
            {"name": _("Stopped after it"), "values": [s.stopped for s in funnel]},
        ],
        "empty_text": _("No learner has finished a lesson yet."),
    }
    return render_template(
        "partner_analytics/course.html",
        provider=provider,
        course=found,
        days=days,
        periods=PERIODS,
        series=series,
        charts=_charts(series),
        funnel_chart=funnel_chart,
        started=started,
        figures=analytics.course_figures(db, provider.id, course_id, days),
        full_days=analytics.periods_as_of(today, days),
        terms=analytics.course_search_terms(db, provider.id, course_id, days, today),
    )


def _csv(body: str, name: str) -> Response:
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


COURSE_HEADER = (
    "course_id",
    "title",
    "area",
    "views",
    "learners_started",
    "completions",
    "completion_rate",
    "learning_minutes",
    "likes",
    "saves",
    "ratings",
    "average_rating",
    "search_visits",
    "area_median_views",
    "area_median_completion_rate",
)
DAY_HEADER = (
    "day",
    "views",
    "learners_started",
    "completions",
    "learning_minutes",
    "likes",
    "saves",
    "ratings",
    "search_visits",
)


@bp.route("/courses.csv")
@partner_required
def export_courses():
    """The provider's courses over the period as CSV (Excel-safe)."""
    if _choosing():
        return redirect(url_for(".overview"))
    provider = _provider()
    days = _period()
    figures = analytics.top_courses(get_session(), provider.id, days, limit=None)
    body = analytics.courses_csv(figures, COURSE_HEADER)
    return _csv(body, f"provider-{provider.id}-courses-{days}d.csv")


@bp.route("/days.csv")
@partner_required
def export_days():
    """The provider's (or, with `course`, one course's) figures per day as CSV."""
    if _choosing():
        return redirect(url_for(".overview"))
    provider = _provider()
    days, today, db = _period(), _today(), get_session()
    raw = request.args.get("course")
    course_id = parse_id(raw)
    if raw and course_id is None:
        abort(404)
    if course_id is None:
        series = analytics.provider_series(db, provider.id, days, today)
        name = f"provider-{provider.id}-days-{days}d.csv"
    else:
        try:
            analytics.own_course(db, provider.id, course_id)
        except NotFound:
            abort(404)
        series = analytics.course_series(db, course_id, days, today)
        name = f"course-{course_id}-days-{days}d.csv"
    return _csv(analytics.series_csv(series, DAY_HEADER), name)

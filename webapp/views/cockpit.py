"""The data cockpit for administrators and editors (issue 17): the platform's figures over the
last 7, 30 or 90 days, read from the rollup tables (insight/cockpit.py); each chart with its
table alternative (templates/insight/_chart.html)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

from catalogue.models import Area
from insight import cockpit
from insight import response_times as times
from webapp.access import roles_required
from webapp.db import get_session
from webapp.i18n import AREA_LABELS
from webapp.recommendations import get_models
from webapp.site_times import site_zone
from webapp.views.health import current_health

bp = Blueprint("cockpit", __name__, url_prefix="/admin/cockpit")

DEFAULT_PERIOD = 30


def _period() -> int:
    days = request.args.get("days", type=int)
    return days if days in cockpit.PERIODS else DEFAULT_PERIOD


def _day(d: date) -> str:
    return d.strftime("%m-%d")


def _spec(kind: str, x_label: str, categories: list[str], series: dict[str, list], unit=None):
    return {
        "kind": kind,
        "x_label": x_label,
        "categories": categories,
        "series": [{"name": name, "values": values} for name, values in series.items()],
        "unit": unit,
    }


def _share(part: list[int], whole: list[int]) -> list[float | None]:
    return [round(100 * p / w, 1) if w else None for p, w in zip(part, whole, strict=True)]


def _area_spec(series: dict[str, dict[str, Any]], unit=None) -> dict[str, Any]:
    areas = list(Area)
    return _spec(
        "bar",
        _("Area"),
        [str(AREA_LABELS[a]) for a in areas],
        {name: [values.get(a.value, 0) for a in areas] for name, values in series.items()},
        unit,
    )


def _hours(seconds: int) -> float:
    return round(seconds / 3600, 1)


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def times_charts(data: times.TimesOverview) -> dict[str, Any]:
    """The system section's response-time chart specs (per local day of the period)."""
    days = [_day(d) for d, _t in data.days]
    per_day = [t for _d, t in data.days]
    return {
        "response-times": _spec(
            "line",
            _("Day"),
            days,
            {
                _("Median (p50)"): [_ms(t.p50) for t in per_day],
                "p95": [_ms(t.p95) for t in per_day],
                "p99": [_ms(t.p99) for t in per_day],
            },
            _("milliseconds"),
        ),
        "requests": _spec(
            "bar",
            _("Day"),
            days,
            {
                _("Requests"): [t.requests for t in per_day],
                _("Server errors (5xx)"): [t.errors for t in per_day],
            },
        ),
    }


def charts(data: cockpit.Overview, versions: list[cockpit.ModelVersion]) -> dict[str, Any]:
    """The chart specs of the page (see templates/insight/_chart.html)."""
    s = data.series
    days = [_day(d) for d in data.days]
    day = _("Day")
    ratings = [
        round(total / n, 2) if n else None
        for total, n in zip(s["desk.rating_sum"], s["desk.ratings"], strict=True)
    ]
    rated = [v for v in reversed(versions) if v.metrics]
    return {
        "active": _spec(
            "line",
            day,
            days,
            {
                _("Active that day"): s["active.day"],
                _("Active in the 7 days to it"): s["active.week"],
                _("Active in the 30 days to it"): s["active.month"],
            },
            _("learners"),
        ),
        "new-learners": _spec("bar", day, days, {_("New learners"): s["learners.new"]}),
        "learners-by-area": _area_spec(
            {
                _("New learners in the period"): data.areas["learners.new"],
                _("Active in the last 30 days"): data.areas["active.month"],
            }
        ),
        "caring": _spec(
            "line",
            day,
            days,
            {_("Learners with caring mode on"): _share(s["learners.caring"], s["learners.total"])},
            "%",
        ),
        "learning-time": _spec(
            "bar",
            day,
            days,
            {_("Learning time"): [_hours(v) for v in s["learning.seconds"]]},
            _("hours"),
        ),
        "completions": _spec(
            "line",
            day,
            days,
            {_("Courses started"): s["events.start"], _("Courses completed"): s["events.complete"]},
        ),
        "learning-by-area": _area_spec(
            {
                _("Learning time (hours)"): {
                    a: _hours(v) for a, v in data.areas["learning.seconds"].items()
                },
                _("Courses completed"): data.areas["events.complete"],
            }
        ),
        "searches": _spec(
            "line",
            day,
            days,
            {
                _("Search volume"): s["search.all"],
                _("Found nothing"): s["search.zero"],
                _("Found little"): s["search.poor"],
            },
        ),
        "models": _spec(
            "line",
            _("Model version"),
            [v.name for v in rated],
            {
                "nDCG@10": [round(v.metrics.get("ndcg", 0), 4) for v in rated],
                _("Hit rate@10"): [round(v.metrics.get("hit_rate", 0), 4) for v in rated],
            },
        ),
        "desk": _spec(
            "bar",
            day,
            days,
            {
                _("Conversations"): s["desk.conversations"],
                _("Questions"): s["desk.questions"],
                _("Handed to staff"): s["desk.handoffs"],
            },
        ),
        "desk-rating": _spec("line", day, days, {_("Average rating (1–5)"): ratings}),
        "courses-by-area": _area_spec({_("Published courses"): data.areas["courses.published"]}),
        "new-courses": _spec("bar", day, days, {_("Courses published"): s["courses.new"]}),
        "uploads": _spec(
            "bar",
            day,
            days,
            {
                _("Uploads"): s["partners.uploads"],
                _("Rejected or failed"): s["partners.upload_failed"],
                _("Rows rejected"): s["partners.rows_rejected"],
            },
        ),
        "job-runs": _spec(
            "bar",
            day,
            days,
            {_("Job runs"): s["jobs.runs"], _("Failed or timed out"): s["jobs.failed"]},
        ),
    }


def surface_labels() -> dict[str, str]:
    """The recommendation lists' surfaces (insight/models/feeds.py FeedSurface) by name."""
    return {
        "": _("All recommendation lists"),
        "home": _("Home page: for you"),
        "course": _("Course page: also liked"),
        "api_feed": _("App: feed"),
        "api_similar": _("App: similar courses"),
    }


def feed_chart(feeds: cockpit.FeedClickThrough) -> dict[str, Any]:
    """The click-through per day (percent) of all lists and of each surface that showed any."""
    labels = surface_labels()
    order = list(labels)
    series = {
        labels.get(surface, surface): [f.rate for f in figures]
        for surface, figures in sorted(
            feeds.by_day.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
        )
    }
    spec = _spec("line", _("Day"), [_day(d) for d in feeds.days], series, "%")
    spec["empty_text"] = _("No recommendation lists were shown in this period.")
    if not feeds.total.lists:
        spec["categories"] = []
    return spec


@bp.route("/")
@roles_required("admin", "editor")
def overview():
    """The cockpit: learners, learning, searches, recommendations, the desk, partners, system."""
    period = _period()
    today = datetime.now(site_zone()).date()
    data = cockpit.overview(get_session(), today, period)
    timing = times.overview(get_session(), data.start, data.end, site_zone(), datetime.now(UTC))
    versions = cockpit.model_versions(get_models())
    feeds = cockpit.feed_click_through(get_session(), data.start, data.end)
    ask_url = (
        url_for("cockpit_ask.page") if "cockpit_ask.page" in current_app.view_functions else None
    )
    return render_template(
        "cockpit/overview.html",
        data=data,
        period=period,
        periods=cockpit.PERIODS,
        charts=charts(data, versions) | times_charts(timing),
        timing=timing,
        versions=versions,
        feeds=feeds,
        feed_chart=feed_chart(feeds),
        surface_labels=surface_labels(),
        health=current_health(),
        ask_url=ask_url,
    )

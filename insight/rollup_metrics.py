"""The names of the figures in `insight_daily` (insight/models/rollups.py), what each counts and
how it combines over days: "sum" figures add up (a week is the sum of its days), "distinct" and
"snapshot" figures do not (take one day's value: the last day of a period for a snapshot)."""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.models import EventKind


@dataclass(frozen=True)
class Metric:
    """A figure of the daily rollup: its name, how it combines, whether it is kept per area."""

    name: str
    combine: str  # "sum", "distinct" or "snapshot"
    by_area: bool
    description: str


def _event_metric(kind: EventKind) -> Metric:
    return Metric(
        f"events.{kind.value}",
        "sum",
        True,
        f"'{kind.value}' events that day (area: the course's area)",
    )


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        *(_event_metric(kind) for kind in EventKind),
        Metric("ratings.sum", "sum", True, "sum of the ratings (1–5) given that day"),
        Metric("active.day", "distinct", True, "learners with any event that day"),
        Metric("active.week", "distinct", True, "learners with any event in the 7 days to it"),
        Metric("active.month", "distinct", True, "learners with any event in the 30 days to it"),
        Metric(
            "active.week_to_date",
            "distinct",
            True,
            "learners with any event from its week's Monday to it",
        ),
        Metric(
            "active.month_to_date",
            "distinct",
            True,
            "learners with any event from the 1st of its month to it",
        ),
        Metric(
            "learners.new",
            "sum",
            True,
            "learner accounts created that day (area: each of their interest areas)",
        ),
        Metric("learners.total", "snapshot", False, "learner accounts at the day's last run"),
        Metric("learners.caring", "snapshot", False, "of them with caring mode on"),
        Metric("learning.seconds", "sum", True, "seconds of learning time credited that day"),
        Metric("search.all", "sum", False, "searches typed"),
        Metric("search.zero", "sum", False, "searches that found nothing"),
        Metric("search.poor", "sum", False, "searches with 1–2 results or only after relaxing"),
        Metric("desk.conversations", "sum", False, "service-desk conversations started"),
        Metric("desk.questions", "sum", False, "questions asked of the assistant"),
        Metric("desk.handoffs", "sum", False, "conversations handed to staff"),
        Metric("desk.ratings", "sum", False, "conversations rated (by the day they started)"),
        Metric("desk.rating_sum", "sum", False, "sum of those ratings (1–5)"),
        Metric("partners.uploads", "sum", False, "partner uploads received"),
        Metric("partners.upload_failed", "sum", False, "of them rejected or failed"),
        Metric("partners.rows_rejected", "sum", False, "rows rejected in those uploads"),
        Metric("courses.published", "snapshot", True, "published courses at the day's last run"),
        Metric("courses.new", "sum", True, "courses published that day (first publication)"),
        Metric("jobs.runs", "sum", False, "recorded job runs started that day"),
        Metric("jobs.failed", "sum", False, "of them failed or timed out"),
        Metric("feeds.lists", "sum", False, "recommendation lists shown to signed-in learners"),
        Metric("feeds.items", "sum", False, "courses shown in those lists"),
        Metric(
            "feeds.clicks",
            "sum",
            False,
            "courses opened from those lists (by the day of the list, once per list and course)",
        ),
    )
}

"""Every scheduled job, declared as data in one place: id, function, trigger, timeout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jobs import insight, tasks
from jobs.context import JobContext
from jobs.course_analytics import course_analytics
from jobs.national_export import national_export
from jobs.open_data import open_data_audit_prune


@dataclass(frozen=True)
class Job:
    """A job the worker schedules (and the CLI can run now)."""

    id: str
    func: Callable[[JobContext], dict[str, Any]]
    # APScheduler trigger: {"cron": {...CronTrigger fields}} or {"interval": {"seconds": n}}.
    trigger: dict[str, dict[str, Any]]
    timeout_seconds: float
    description: str
    # Run in a child process, so the timeout can stop it; frequent light jobs run in the worker.
    isolated: bool = True
    # Record a run only when it did something or failed (frequent polling jobs).
    quiet: bool = False
    # Run once as soon as a worker starts if it never ran (a fresh install gets a model).
    first_run: bool = False


JOBS: tuple[Job, ...] = (
    Job(
        id="index-sync",
        func=tasks.index_sync,
        trigger={"interval": {"seconds": 2}},
        timeout_seconds=300,
        description="Apply catalogue changes to the search index",
        isolated=False,
        quiet=True,
    ),
    Job(
        id="uploads-apply",
        func=tasks.uploads_apply,
        trigger={"interval": {"seconds": 2}},
        timeout_seconds=3600,
        description="Apply the partner uploads queued from the portal and the API",
        # In the worker's own process, never the site's: parsing is CPU work.
        isolated=False,
        quiet=True,
    ),
    Job(
        id="personal-data-archives",
        func=tasks.personal_data_archives,
        trigger={"interval": {"seconds": 5}},
        timeout_seconds=3600,
        description="Build the personal-data archives learners asked for; remove expired ones",
        # A queue drained every few seconds, like uploads-apply: in the worker's own process.
        isolated=False,
        quiet=True,
    ),
    Job(
        id="popularity-refresh",
        func=tasks.popularity_refresh,
        trigger={"cron": {"hour": 1, "minute": 30}},
        timeout_seconds=1800,
        description="Recount course popularity; prune job runs older than 30 days",
        first_run=True,
    ),
    Job(
        id="index-rebuild",
        func=tasks.index_rebuild,
        trigger={"cron": {"hour": 2, "minute": 0}},
        timeout_seconds=3600,
        description="Rebuild the search index beside the live one",
    ),
    Job(
        id="recommender-train",
        func=tasks.recommender_train,
        trigger={"cron": {"hour": 3, "minute": 0}},
        timeout_seconds=3600,
        description="Train, evaluate and publish the recommendation model",
        first_run=True,
    ),
    Job(
        id="assistant-train",
        func=tasks.assistant_train,
        trigger={"cron": {"hour": 4, "minute": 0}},
        timeout_seconds=1800,
        description="Retrain the assistant's question matcher and promote it if it is better",
        first_run=True,
    ),
    Job(
        id="mail-send",
        func=tasks.mail_send,
        trigger={"interval": {"seconds": 15}},
        timeout_seconds=120,
        description="Send queued outgoing mail over SMTP (when MAIL_SMTP_HOST is set)",
        isolated=False,
        quiet=True,
    ),
    Job(
        id="notification-digest",
        func=tasks.notification_digest,
        trigger={"cron": {"hour": 8, "minute": 0}},
        timeout_seconds=1800,
        description="Queue the daily e-mail digest of unread notifications",
    ),
    Job(
        id="learning-reminders",
        func=tasks.learning_reminders,
        trigger={"cron": {"hour": 19, "minute": 0}},
        timeout_seconds=1800,
        description="Queue learning reminders for started courses left for a few days",
    ),
    Job(
        id="goal-reminders",
        func=tasks.goal_reminders,
        trigger={"cron": {"hour": 18, "minute": 30}},
        timeout_seconds=1800,
        description="Notify learners whose week is going behind their weekly learning goal",
    ),
    Job(
        id="special-events",
        func=tasks.special_events,
        trigger={"interval": {"minutes": 15}},
        timeout_seconds=1800,
        description="Count special events' participation, issue participation certificates, "
        "close ended events",
    ),
    Job(
        id="insight-rollups",
        func=insight.insight_rollups,
        trigger={"interval": {"minutes": 5}},
        timeout_seconds=3000,
        description=(
            "Add new events, searches, accounts and recommendation lists to the data cockpit's"
            " rollup tables"
        ),
    ),
    Job(
        id="course-analytics",
        func=course_analytics,
        trigger={"interval": {"minutes": 1}},
        timeout_seconds=1800,
        description="Count new events and searches into partners' course analytics; the "
        "period totals and area medians once a day",
        quiet=True,
    ),
    Job(
        id="national-export",
        func=national_export,
        # The 2nd of each month, after a day of rollups has closed the month before.
        trigger={"cron": {"day": 2, "hour": 5, "minute": 0}},
        timeout_seconds=1800,
        description="Write last month's k-anonymous indicators for the national platform "
        "(CSV, JSON, manifest) into NATIONAL_EXPORT_DIR",
    ),
    Job(
        id="open-data-audit-prune",
        func=open_data_audit_prune,
        # Nightly, in the quiet hour before the popularity recount.
        trigger={"cron": {"hour": 1, "minute": 10}},
        timeout_seconds=1800,
        description="Delete the open data API's call log rows older than OPEN_DATA_AUDIT_DAYS",
    ),
)


def get_job(job_id: str) -> Job:
    """The job with that id (KeyError if there is none)."""
    for job in JOBS:
        if job.id == job_id:
            return job
    raise KeyError(job_id)

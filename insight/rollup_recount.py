"""The rollups of tables whose rows change in place (learning time adds to a day's row, a
conversation is handed off or rated later, an upload finishes): their figures of the last few
days are recounted on each run, the whole history on the first; and today's snapshots
(learners, caring mode, published courses)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.models import Conversation, Question
from catalogue.models import (
    Course,
    CourseStatus,
    JobOutcome,
    JobRun,
    Role,
    Upload,
    UploadStatus,
    User,
)
from insight.rollup_store import replace_figures, set_watermark, watermark
from records.models.learning_time import LearningDay
from records.personal_data import is_person

RECOUNT_DAYS = 2  # today and the two days before it
HISTORY_START = date(2000, 1, 1)
RECOUNTED = (
    "learning.seconds",
    "desk.conversations",
    "desk.questions",
    "desk.handoffs",
    "desk.ratings",
    "desk.rating_sum",
    "partners.uploads",
    "partners.upload_failed",
    "partners.rows_rejected",
    "courses.new",
    "jobs.runs",
    "jobs.failed",
)
SNAPSHOTS = ("learners.total", "learners.caring", "courses.published")


def _learning(session: Session, first: date, values: Counter) -> None:
    rows = session.execute(
        select(LearningDay.day, Course.area, func.sum(LearningDay.seconds))
        .join(Course, Course.id == LearningDay.course_id)
        .where(LearningDay.day >= first)
        .group_by(LearningDay.day, Course.area)
    )
    for day, area, seconds in rows:
        values[("learning.seconds", str(area), day)] += int(seconds or 0)
        values[("learning.seconds", "", day)] += int(seconds or 0)


def _desk(session: Session, days, since, values: Counter) -> None:
    for created_at, rating in session.execute(
        select(Conversation.created_at, Conversation.rating).where(Conversation.created_at >= since)
    ):
        day = days(created_at)
        values[("desk.conversations", "", day)] += 1
        if rating is not None:
            values[("desk.ratings", "", day)] += 1
            values[("desk.rating_sum", "", day)] += int(rating)
    for (handed_off_at,) in session.execute(
        select(Conversation.handed_off_at).where(Conversation.handed_off_at >= since)
    ):
        values[("desk.handoffs", "", days(handed_off_at))] += 1
    for (created_at,) in session.execute(
        select(Question.created_at).where(Question.created_at >= since)
    ):
        values[("desk.questions", "", days(created_at))] += 1


def _partners(session: Session, days, since, values: Counter) -> None:
    failed = {UploadStatus.REJECTED, UploadStatus.FAILED}
    for created_at, status, rejected in session.execute(
        select(Upload.created_at, Upload.status, Upload.rejected).where(Upload.created_at >= since)
    ):
        day = days(created_at)
        values[("partners.uploads", "", day)] += 1
        values[("partners.upload_failed", "", day)] += int(status in failed)
        values[("partners.rows_rejected", "", day)] += int(rejected or 0)
    for published_at, area in session.execute(
        select(Course.published_at, Course.area).where(
            Course.status == CourseStatus.PUBLISHED, Course.published_at >= since
        )
    ):
        day = days(published_at)
        values[("courses.new", str(area), day)] += 1
        values[("courses.new", "", day)] += 1


def _jobs(session: Session, days, since, values: Counter) -> None:
    bad = {JobOutcome.FAILED, JobOutcome.TIMED_OUT}
    for started_at, outcome in session.execute(
        select(JobRun.started_at, JobRun.outcome).where(JobRun.started_at >= since)
    ):
        day = days(started_at)
        values[("jobs.runs", "", day)] += 1
        values[("jobs.failed", "", day)] += int(outcome in bad)


def snapshots(session: Session, today: date) -> dict[tuple[str, str, date], int]:
    """Today's learners, caring-mode learners and published courses per area."""
    learners = session.execute(
        select(func.count(), func.count().filter(User.caring_mode.is_(True))).where(
            User.role == Role.LEARNER, is_person()
        )
    ).one()
    values = {
        ("learners.total", "", today): int(learners[0]),
        ("learners.caring", "", today): int(learners[1]),
    }
    total = 0
    for area, courses in session.execute(
        select(Course.area, func.count())
        .where(Course.status == CourseStatus.PUBLISHED)
        .group_by(Course.area)
    ):
        values[("courses.published", str(area), today)] = int(courses)
        total += int(courses)
    values[("courses.published", "", today)] = total
    return values


def recount(session: Session, days, today: date) -> dict[str, Any]:
    """Recount the recent days of the changing tables (all days on the first run) and write
    today's snapshots (caller commits); the first day recounted."""
    first = (
        HISTORY_START
        if watermark(session, "recount") is None
        else today - timedelta(days=RECOUNT_DAYS)
    )
    since = days.start_utc(first)
    values: Counter = Counter()
    _learning(session, first, values)
    _desk(session, days, since, values)
    _partners(session, days, since, values)
    _jobs(session, days, since, values)
    last = max([today, *(d for _m, _a, d in values)])
    replace_figures(session, RECOUNTED, first, last, values)
    replace_figures(session, SNAPSHOTS, today, today, snapshots(session, today))
    set_watermark(session, "recount", today.toordinal())
    return {"recounted_from": first.isoformat()}

"""Review before publishing, per provider: what a provider under review submits waits in the
editors' queue; an editor approves it (then it goes live) or rejects it with a reason, which
the partner sees.

A new course (or a draft going live) waits as a draft. Changes to a course that is live wait in
the review's `proposed` (the course input, lessons included) while learners keep seeing the
course as it was. Taking a course down (draft, withdrawn) never waits. A newer submission for
the same course supersedes the pending one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from catalogue.errors import Conflict, FieldError, NotFound, ValidationError
from catalogue.models import (
    Course,
    CourseReview,
    CourseStatus,
    Provider,
    ReviewKind,
    ReviewStatus,
    utcnow,
)
from catalogue.services import courses as course_service
from catalogue.services import notifications
from catalogue.services.audit import Operator, record
from catalogue.services.courses import CourseData, LessonData
from catalogue.services.pagination import Page, paginate

MAX_REASON = 2000


def under_review(session: Session, provider_id: int) -> bool:
    """Whether the provider's new and changed courses wait for an editor."""
    return bool(session.scalar(select(Provider.review_required).where(Provider.id == provider_id)))


def set_review_required(session: Session, by: Operator, provider_id: int, required: bool) -> bool:
    """An administrator puts a provider under review or releases it (audited); returns whether
    anything changed. Releasing does not publish what waits: editors still decide those."""
    by.require_admin()
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise NotFound(f"provider {provider_id} does not exist")
    if provider.review_required == required:
        return False
    provider.review_required = required
    record(
        session,
        by,
        "provider_review",
        provider_id=provider_id,
        before={"review_required": not required},
        after={"review_required": required},
    )
    return True


@dataclass(frozen=True)
class Submission:
    """What saving a course did: the course as stored, and the review it waits in, if any."""

    course: Course
    review: CourseReview | None


def submit_course(
    session: Session,
    provider_id: int,
    course_id: int | None,
    data: CourseData,
    status: CourseStatus | str,
    submitted_by_id: int | None = None,
) -> Submission:
    """Save a partner's course the way the provider's review setting says.

    Not under review: saved and its status set at once. Under review: see the module's rules.
    Raises what `courses.save_provider_course` raises.
    """
    status = CourseStatus(status)
    if not under_review(session, provider_id) or status != CourseStatus.PUBLISHED:
        course = course_service.save_provider_course(session, provider_id, course_id, data, status)
        if status != CourseStatus.PUBLISHED:
            supersede(session, [course.id])
        return Submission(course, None)
    if course_id is not None:
        course = course_service.get_provider_course(session, provider_id, course_id)
        if course.status == CourseStatus.PUBLISHED:
            course_service.validate_course(data)  # refuse bad input now, not at approval
            review = _submit(
                session, course, ReviewKind.CHANGE, data.title, submitted_by_id, _stored(data)
            )
            return Submission(course, review)
    course = course_service.save_provider_course(
        session, provider_id, course_id, data, CourseStatus.DRAFT
    )
    review = _submit(session, course, ReviewKind.NEW, course.title, submitted_by_id, None)
    return Submission(course, review)


def _stored(data: CourseData) -> dict[str, Any]:
    """Course input as JSON (enum members are strings)."""
    return asdict(data)


def _input(proposed: dict[str, Any], course: Course | None = None) -> CourseData:
    """Stored course input back as the service's input; lessons None (an uploaded row that
    gave no lessons) keeps the course's own."""
    values = dict(proposed)
    values.pop("source_hash", None)  # an upload's fingerprint, set on the course at approval
    given = values.pop("lessons", None)
    if given is None:
        lessons = list(course_service.course_input(course).lessons) if course is not None else []
    else:
        lessons = [LessonData(**lesson) for lesson in given]
    return CourseData(**values, lessons=lessons)


def supersede(session: Session, course_ids: list[int], now: datetime | None = None) -> None:
    """Mark what waits for these courses superseded (a newer submission, or a take-down)."""
    session.execute(
        update(CourseReview)
        .where(CourseReview.course_id.in_(course_ids), CourseReview.status == ReviewStatus.PENDING)
        .values(status=ReviewStatus.SUPERSEDED, decided_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )


def _submit(
    session: Session,
    course: Course,
    kind: ReviewKind,
    title: str,
    submitted_by_id: int | None,
    proposed: dict[str, Any] | None,
    upload_id: int | None = None,
) -> CourseReview:
    supersede(session, [course.id])
    review = CourseReview(
        provider_id=course.provider_id,
        course_id=course.id,
        kind=kind,
        status=ReviewStatus.PENDING,
        proposed=proposed,
        title=title[:300],
        submitted_by_id=submitted_by_id,
        upload_id=upload_id,
    )
    session.add(review)
    session.flush()
    return review


def pending_page(session: Session, page: int = 1, per_page: int = 50) -> Page:
    """The editors' queue: pending reviews, oldest first."""
    stmt = (
        select(CourseReview)
        .where(CourseReview.status == ReviewStatus.PENDING)
        .order_by(CourseReview.submitted_at, CourseReview.id)
    )
    return paginate(session, stmt, page, per_page)


def pending_count(session: Session) -> int:
    """How many submissions wait for an editor."""
    return (
        session.scalar(
            select(func.count())
            .select_from(CourseReview)
            .where(CourseReview.status == ReviewStatus.PENDING)
        )
        or 0
    )


def get_review(session: Session, review_id: int) -> CourseReview:
    """One review; NotFound when there is none."""
    review = session.get(CourseReview, review_id)
    if review is None:
        raise NotFound(f"review {review_id} does not exist")
    return review


def proposed_input(review: CourseReview) -> CourseData | None:
    """The course input a change review would apply (None for a new course: it is the draft)."""
    return _input(review.proposed, review.course) if review.proposed is not None else None


def latest_reviews(session: Session, course_ids: list[int]) -> dict[int, CourseReview]:
    """Each course's newest review that is not superseded, for the partner's course list."""
    if not course_ids:
        return {}
    newest = (
        select(func.max(CourseReview.id))
        .where(
            CourseReview.course_id.in_(course_ids),
            CourseReview.status != ReviewStatus.SUPERSEDED,
        )
        .group_by(CourseReview.course_id)
    )
    reviews = session.scalars(select(CourseReview).where(CourseReview.id.in_(newest)))
    return {review.course_id: review for review in reviews}


def provider_reviews(session: Session, provider_id: int, limit: int = 100) -> list[CourseReview]:
    """The provider's recent submissions and their outcomes, newest first."""
    return list(
        session.scalars(
            select(CourseReview)
            .where(
                CourseReview.provider_id == provider_id,
                CourseReview.status != ReviewStatus.SUPERSEDED,
            )
            .order_by(CourseReview.submitted_at.desc(), CourseReview.id.desc())
            .limit(limit)
        )
    )


COMPARED = (
    "title",
    "subtitle",
    "description",
    "area",
    "format",
    "level",
    "language",
    "subjects",
    "duration_minutes",
    "cover_url",
    "source_url",
    "is_free",
    "price_cents",
)


@dataclass(frozen=True)
class FieldChange:
    """One course field as it is live and as submitted (equal when unchanged)."""

    field: str
    live: Any
    submitted: Any

    @property
    def changed(self) -> bool:
        """Whether the submission changes this field."""
        return self.live != self.submitted


@dataclass(frozen=True)
class ReviewDetail:
    """What an editor looks at: the submitted course, field by field, and its lessons."""

    review: CourseReview
    fields: list[FieldChange]
    live_lessons: list[str]
    submitted_lessons: list[dict[str, Any]]


def _plain(value: Any) -> Any:
    value = getattr(value, "value", value)
    return list(value) if isinstance(value, list | tuple) else value


def review_detail(session: Session, review_id: int) -> ReviewDetail:
    """A review with the submitted values beside the live ones (for a new course, the draft)."""
    review = get_review(session, review_id)
    course = course_service.get_provider_course(session, review.provider_id, review.course_id)
    live = {name: _plain(getattr(course, name)) for name in COMPARED}
    live_lessons = [lesson.title for lesson in course.lessons]
    if review.proposed is None:
        submitted = dict(live)
        lessons = [
            {
                "title": lesson.title,
                "media_type": lesson.media_type.value,
                "duration_seconds": lesson.duration_seconds,
                "url": lesson.url,
                "body": lesson.body,
                "body_format": _plain(lesson.body_format),
            }
            for lesson in course.lessons
        ]
        live = dict.fromkeys(COMPARED)
        live_lessons = []
    else:
        data = course_service.validate_course(_input(review.proposed, course))
        submitted = {name: _plain(data[name]) for name in COMPARED}
        lessons = [
            {
                "title": lesson["title"],
                "media_type": _plain(lesson["media_type"]),
                "duration_seconds": lesson["duration_seconds"],
                "url": lesson["url"],
                "body": lesson["body"],
                "body_format": _plain(lesson["body_format"]),
            }
            for lesson in data["lessons"]
        ]
    return ReviewDetail(
        review,
        [FieldChange(name, live[name], submitted[name]) for name in COMPARED],
        live_lessons,
        lessons,
    )


def decide(
    session: Session,
    review_id: int,
    approve: bool,
    reason: str | None,
    decided_by_id: int | None,
) -> CourseReview:
    """An editor approves (the course goes live as submitted) or rejects (a reason is required)
    a pending review. Conflict when it was decided or superseded meanwhile (two editors at
    once: the first decision stands); ValidationError for a rejection without a reason."""
    reason = (reason or "").strip() or None
    if not approve and reason is None:
        raise ValidationError([FieldError("reason", "REQUIRED", "say why it is rejected")])
    if reason is not None and len(reason) > MAX_REASON:
        raise ValidationError([FieldError("reason", "TOO_LONG", f"at most {MAX_REASON} chars")])
    review = get_review(session, review_id)
    # Claim it: only one decision can move it out of "pending".
    claimed = session.execute(
        update(CourseReview)
        .where(CourseReview.id == review_id, CourseReview.status == ReviewStatus.PENDING)
        .values(
            status=ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED,
            reason=reason,
            decided_by_id=decided_by_id,
            decided_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict(f"review {review_id} was already decided", code="ALREADY_DECIDED")
    session.refresh(review)
    if approve:
        _apply(session, review)
    if review.submitted_by_id is not None:
        notifications.notify(
            session,
            review.submitted_by_id,
            notifications.REVIEW_DECIDED,
            review_id=review.id,
            course_id=review.course_id,
            course_title=review.title,
            approved=approve,
            reason=reason,
        )
    return review


def _apply(session: Session, review: CourseReview) -> None:
    course = session.get(Course, review.course_id)
    if review.kind == ReviewKind.CHANGE and review.proposed is not None:
        proposed = dict(review.proposed)
        source_hash = proposed.pop("source_hash", None)
        course_service.update_course(session, course.id, _input(proposed, course))
        if source_hash is not None:
            course.source_hash = source_hash
    course_service.publish_course(session, course.id)

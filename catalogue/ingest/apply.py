"""Applying validated rows to a provider's catalogue: stage in short batches, then switch.

Rows are first written to `upload_staged_courses` in short transactions of `BATCH` rows,
which no reader of the catalogue looks at, so learners' writes interleave with the upload.
Then one short transaction, the switch, applies the staged rows to `courses` with a few
set-based statements (create, update, withdraw) and writes their index-outbox rows: readers
and the indexer see the whole upload or none of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Integer, and_, case, delete, exists, func, insert, literal, select, update
from sqlalchemy.orm import Session, sessionmaker

from catalogue.ingest.rows import ParsedRow
from catalogue.models import (
    Course,
    CourseAward,
    CourseReview,
    CourseStatus,
    IndexOutbox,
    Lesson,
    OutboxOp,
    Provider,
    ReviewKind,
    ReviewStatus,
    StagedCourse,
    StagedLesson,
    Upload,
    utcnow,
)
from catalogue.services import reviews

BATCH = 1000
CREATE, UPDATE = "create", "update"
# For a provider under review: created (or changed while not live) as a draft that waits for
# an editor before going live; and changes to a live course, held in a review untouched.
CREATE_HELD, UPDATE_HELD, HELD = "new_rv", "upd_rv", "review"
CREATES, UPDATES = (CREATE, CREATE_HELD), (UPDATE, UPDATE_HELD)
APPLIED = CREATES + UPDATES
# The course columns a partner file supplies, staged as they are and copied in the switch.
STAGED_FIELDS = (
    "external_id",
    "title",
    "subtitle",
    "description",
    "area",
    "subjects",
    "format",
    "level",
    "language",
    "duration_minutes",
    "lesson_count",
    "cover_url",
    "source_url",
    "is_free",
    "price_cents",
    "status",
    "source_hash",
)


# The lesson columns a partner file supplies, staged and copied like the course's.
LESSON_FIELDS = (
    "title",
    "media_type",
    "duration_seconds",
    "url",
    "captions_url",
    "body",
    "body_format",
)


@dataclass
class ApplyCounts:
    """What applying an upload did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0


def _staged_values(upload_id: int, row: ParsedRow) -> dict[str, Any]:
    values = {k: row.values.get(k) for k in STAGED_FIELDS}
    values.update(
        upload_id=upload_id,
        external_id=row.key,
        status=row.status,
        lesson_count=row.lesson_count,
        source_hash=row.fingerprint,
        subjects=row.values.get("subjects") or [],
        has_lessons=row.lessons is not None,
        has_award=row.award is not None,
    )
    if row.award is not None:
        values.update(
            award_completion=row.award.completion.value,
            award_share=row.award.share,
            award_minutes=row.award.minimum_minutes,
            award_credits=row.award.credits,
            award_outcome=row.award.outcome_type.value,
        )
    return values


def _staged_lessons(upload_id: int, row: ParsedRow) -> list[dict[str, Any]]:
    return [
        {
            "upload_id": upload_id,
            "external_id": row.key,
            "position": lesson["position"],
            "title": lesson["title"],
            "media_type": lesson["media_type"],
            "duration_seconds": lesson["duration_seconds"],
            "url": lesson["url"],
            "captions_url": lesson["captions_url"],
            "body": lesson["body"],
            "body_format": lesson["body_format"],
        }
        for lesson in row.lessons or ()
    ]


def _batches(rows: Iterable[ParsedRow]) -> Iterator[list[ParsedRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def clear_staged(sessions: sessionmaker[Session], upload_id: int) -> None:
    """Delete an upload's staged rows, a batch per short transaction."""
    for table in (StagedLesson, StagedCourse):
        while True:
            with sessions.begin() as session:
                ids = select(table.id).where(table.upload_id == upload_id)
                done = session.execute(
                    delete(table).where(table.id.in_(ids.limit(BATCH * 5)))
                ).rowcount
            if not done:
                break


def stage_rows(sessions: sessionmaker[Session], upload_id: int, rows: Iterable[ParsedRow]) -> int:
    """Write valid rows to the staging table, one short transaction per batch; returns the count."""
    staged = 0
    for batch in _batches(rows):
        values = [_staged_values(upload_id, row) for row in batch]
        lessons = [lesson for row in batch for lesson in _staged_lessons(upload_id, row)]
        with sessions.begin() as session:
            # A Core insert of the table: one multi-row statement, no ORM bookkeeping.
            session.connection().execute(insert(StagedCourse.__table__), values)
            if lessons:
                session.connection().execute(insert(StagedLesson.__table__), lessons)
        staged += len(values)
    return staged


def _lock_provider(session: Session, provider_id: int) -> None:
    """Serialise switches of one provider (a row lock; on SQLite, the database write lock)."""
    session.execute(
        update(Provider)
        .where(Provider.id == provider_id)
        .values(updated_at=Provider.updated_at)
        .execution_options(synchronize_session=False)
    )


def _same_key(provider_id: int):
    return and_(Course.provider_id == provider_id, Course.external_id == StagedCourse.external_id)


def switch(
    session: Session, upload_id: int, provider_id: int, *, full_sync: bool = False
) -> ApplyCounts:
    """Apply an upload's staged rows to the catalogue inside the caller's (short) transaction."""
    _lock_provider(session, provider_id)
    now = utcnow()
    mine = StagedCourse.upload_id == upload_id
    counts = ApplyCounts()
    # Decide each staged row against the catalogue as it is now, under the lock.
    counts.updated = session.execute(
        update(StagedCourse)
        .where(
            mine,
            exists().where(
                _same_key(provider_id),
                (Course.source_hash.is_distinct_from(StagedCourse.source_hash))
                | (Course.status != StagedCourse.status),
            ),
        )
        .values(action=UPDATE)
        .execution_options(synchronize_session=False)
    ).rowcount
    counts.created = session.execute(
        update(StagedCourse)
        .where(mine, ~exists().where(_same_key(provider_id)))
        .values(action=CREATE)
        .execution_options(synchronize_session=False)
    ).rowcount
    total = session.scalar(select(func.count()).select_from(StagedCourse).where(mine)) or 0
    counts.unchanged = total - counts.created - counts.updated
    reviewed = reviews.under_review(session, provider_id)
    if reviewed and (counts.created or counts.updated):
        _hold_for_review(session, upload_id, provider_id)
    published = StagedCourse.status == CourseStatus.PUBLISHED
    withdrawn = StagedCourse.status == CourseStatus.WITHDRAWN
    stamp = Course.__table__.c.created_at.type
    copied = [getattr(StagedCourse, f) for f in STAGED_FIELDS]
    if counts.created:
        fields = [*STAGED_FIELDS, "provider_id", "created_at", "updated_at"]
        fields += ["published_at", "withdrawn_at"]
        session.execute(
            insert(Course).from_select(
                fields,
                select(
                    *copied,
                    literal(provider_id),
                    literal(now, stamp),
                    literal(now, stamp),
                    case((published, literal(now, stamp)), else_=None),
                    case((withdrawn, literal(now, stamp)), else_=None),
                ).where(mine, StagedCourse.action.in_(CREATES)),
            )
        )
    if counts.updated:
        values: dict[str, Any] = {f: getattr(StagedCourse, f) for f in STAGED_FIELDS}
        del values["external_id"]
        values.update(
            updated_at=literal(now, stamp),
            # A course keeps its first publication date across updates.
            published_at=case(
                (published, func.coalesce(Course.published_at, literal(now, stamp))),
                else_=Course.published_at,
            ),
            withdrawn_at=case((withdrawn, literal(now, stamp)), else_=None),
        )
        session.execute(
            update(Course)
            .where(_same_key(provider_id), mine, StagedCourse.action.in_(UPDATES))
            .values(values)
            .execution_options(synchronize_session=False)
        )
    if counts.created or counts.updated:
        _apply_lessons(session, upload_id, provider_id)
        _apply_awards(session, upload_id, provider_id, now)
        op = case((published, OutboxOp.UPSERT.value), else_=OutboxOp.DELETE.value)
        session.execute(
            insert(IndexOutbox).from_select(
                ["course_id", "op", "created_at"],
                select(Course.id, op, literal(now, stamp))
                .join(StagedCourse, _same_key(provider_id))
                .where(mine, StagedCourse.action.in_(APPLIED))
                .order_by(Course.id),
            )
        )
    if reviewed:
        _submit_for_review(session, upload_id, provider_id, now)
    if full_sync:
        counts.withdrawn = _withdraw_missing(session, upload_id, provider_id, now)
    session.flush()
    return counts


def _hold_for_review(session: Session, upload_id: int, provider_id: int) -> None:
    """Mark what must wait for an editor: changes to live courses are held whole; courses that
    would go live otherwise are applied as drafts."""
    mine = StagedCourse.upload_id == upload_id
    live = exists().where(_same_key(provider_id), Course.status == CourseStatus.PUBLISHED)
    to_publish = StagedCourse.status == CourseStatus.PUBLISHED
    session.execute(
        update(StagedCourse)
        .where(mine, StagedCourse.action == UPDATE, to_publish, live)
        .values(action=HELD)
        .execution_options(synchronize_session=False)
    )
    for action, held in ((CREATE, CREATE_HELD), (UPDATE, UPDATE_HELD)):
        session.execute(
            update(StagedCourse)
            .where(mine, StagedCourse.action == action, to_publish)
            .values(action=held, status=CourseStatus.DRAFT)
            .execution_options(synchronize_session=False)
        )


def _submit_for_review(session: Session, upload_id: int, provider_id: int, now: datetime) -> None:
    """Write the upload's reviews: one per draft that waits to go live (unless one waits
    already), one per held change (superseding a pending one for the course)."""
    mine = StagedCourse.upload_id == upload_id
    uploader = session.scalar(select(Upload.uploaded_by_id).where(Upload.id == upload_id))
    stamp = CourseReview.__table__.c.submitted_at.type
    waiting = (
        select(CourseReview.id)
        .where(CourseReview.course_id == Course.id, CourseReview.status == ReviewStatus.PENDING)
        .exists()
    )
    session.execute(
        insert(CourseReview).from_select(
            [
                "provider_id",
                "course_id",
                "kind",
                "status",
                "title",
                "upload_id",
                "submitted_by_id",
                "submitted_at",
            ],
            select(
                literal(provider_id),
                Course.id,
                literal(ReviewKind.NEW.value),
                literal(ReviewStatus.PENDING.value),
                Course.title,
                literal(upload_id),
                literal(uploader, Integer()),
                literal(now, stamp),
            )
            .join(StagedCourse, _same_key(provider_id))
            .where(mine, StagedCourse.action.in_((CREATE_HELD, UPDATE_HELD)), ~waiting)
            .order_by(Course.id),
        )
    )
    last = 0
    while True:
        rows = session.execute(
            select(StagedCourse, Course.id)
            .join(Course, _same_key(provider_id))
            .where(mine, StagedCourse.action == HELD, StagedCourse.id > last)
            .order_by(StagedCourse.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1][0].id
        lessons = _held_lessons(
            session, upload_id, [r[0].external_id for r in rows if r[0].has_lessons]
        )
        course_ids = [course_id for _staged, course_id in rows]
        reviews.supersede(session, course_ids, now)
        session.execute(
            insert(CourseReview),
            [
                {
                    "provider_id": provider_id,
                    "course_id": course_id,
                    "kind": ReviewKind.CHANGE,
                    "status": ReviewStatus.PENDING,
                    "title": staged.title,
                    "upload_id": upload_id,
                    "submitted_by_id": uploader,
                    "submitted_at": now,
                    "proposed": _proposed(staged, lessons.get(staged.external_id)),
                }
                for staged, course_id in rows
            ],
        )


def _held_lessons(session: Session, upload_id: int, keys: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {key: [] for key in keys}
    if not keys:
        return found
    for lesson in session.scalars(
        select(StagedLesson)
        .where(StagedLesson.upload_id == upload_id, StagedLesson.external_id.in_(keys))
        .order_by(StagedLesson.external_id, StagedLesson.position)
    ):
        found[lesson.external_id].append(
            {**{f: getattr(lesson, f) for f in LESSON_FIELDS}, "id": None}
        )
    return found


def _proposed(staged: StagedCourse, lessons: list[dict] | None) -> dict[str, Any]:
    """A held row as the course input a review applies (`lessons` None: keep the course's)."""
    return {
        "external_id": staged.external_id,
        "title": staged.title,
        "area": staged.area.value,
        "format": staged.format.value,
        "subtitle": staged.subtitle,
        "description": staged.description,
        "subjects": list(staged.subjects or []),
        "level": staged.level.value,
        "language": staged.language,
        "duration_minutes": staged.duration_minutes,
        "cover_url": staged.cover_url,
        "source_url": staged.source_url,
        "is_free": staged.is_free,
        "price_cents": staged.price_cents,
        "lessons": lessons,
        "source_hash": staged.source_hash,
    }


def _apply_lessons(session: Session, upload_id: int, provider_id: int) -> None:
    """Make the lessons of created and changed courses whose rows gave lessons the staged ones.

    A lesson at a position that stays is updated in place (learners' progress on it is kept,
    as `courses.replace_lessons` does for a file); lessons past the new end are deleted.
    """
    changed = and_(
        StagedCourse.upload_id == upload_id,
        StagedCourse.has_lessons.is_(True),
        StagedCourse.action.in_(APPLIED),
    )
    # Not correlated: the UPDATE below names `courses` in its own FROM too.
    courses = (
        select(Course.id).join(StagedCourse, _same_key(provider_id)).where(changed).correlate(None)
    )
    same_lesson = and_(
        StagedLesson.upload_id == upload_id,
        StagedLesson.external_id == Course.external_id,
        StagedLesson.position == Lesson.position,
    )
    session.execute(
        update(Lesson)
        .where(
            Lesson.course_id == Course.id,
            Course.provider_id == provider_id,
            Course.id.in_(courses),
            same_lesson,
        )
        .values({f: getattr(StagedLesson, f) for f in LESSON_FIELDS})
        .execution_options(synchronize_session=False)
    )
    staged_here = (
        select(StagedLesson.id)
        .join(Course, Course.external_id == StagedLesson.external_id)
        .where(
            Course.id == Lesson.course_id,
            Course.provider_id == provider_id,
            StagedLesson.upload_id == upload_id,
            StagedLesson.position == Lesson.position,
        )
        .exists()
    )
    session.execute(
        delete(Lesson)
        .where(Lesson.course_id.in_(courses), ~staged_here)
        .execution_options(synchronize_session=False)
    )
    present = (
        select(Lesson.id)
        .where(Lesson.course_id == Course.id, Lesson.position == StagedLesson.position)
        .exists()
    )
    session.execute(
        insert(Lesson).from_select(
            ["course_id", "position", *LESSON_FIELDS],
            select(
                Course.id,
                StagedLesson.position,
                *(getattr(StagedLesson, f) for f in LESSON_FIELDS),
            )
            .join(StagedCourse, _same_key(provider_id))
            .join(
                StagedLesson,
                and_(
                    StagedLesson.upload_id == upload_id,
                    StagedLesson.external_id == StagedCourse.external_id,
                ),
            )
            .where(changed, ~present)
            .order_by(Course.id, StagedLesson.position),
        )
    )


AWARD_COLUMNS = (
    "course_id",
    "completion",
    "share",
    "minimum_minutes",
    "credits",
    "outcome_type",
    "updated_at",
)


def _apply_awards(session: Session, upload_id: int, provider_id: int, now: datetime) -> None:
    """Replace the completion rule and credits of the applied courses whose rows gave them."""
    given = and_(
        StagedCourse.upload_id == upload_id,
        StagedCourse.has_award.is_(True),
        StagedCourse.action.in_(APPLIED),
    )
    courses = select(Course.id).join(StagedCourse, _same_key(provider_id)).where(given)
    session.execute(
        delete(CourseAward)
        .where(CourseAward.course_id.in_(courses))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        insert(CourseAward).from_select(
            AWARD_COLUMNS,
            select(
                Course.id,
                StagedCourse.award_completion,
                StagedCourse.award_share,
                StagedCourse.award_minutes,
                StagedCourse.award_credits,
                StagedCourse.award_outcome,
                literal(now, CourseAward.__table__.c.updated_at.type),
            )
            .join(StagedCourse, _same_key(provider_id))
            .where(given),
        )
    )


def _withdraw_missing(session: Session, upload_id: int, provider_id: int, now: datetime) -> int:
    in_file = exists().where(
        StagedCourse.upload_id == upload_id, StagedCourse.external_id == Course.external_id
    )
    gone = list(
        session.scalars(
            select(Course.id).where(
                Course.provider_id == provider_id,
                Course.status != CourseStatus.WITHDRAWN,
                ~in_file,
            )
        )
    )
    for start in range(0, len(gone), BATCH):
        ids = gone[start : start + BATCH]
        session.execute(
            update(Course)
            .where(Course.id.in_(ids))
            .values(status=CourseStatus.WITHDRAWN, withdrawn_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            insert(IndexOutbox),
            [{"course_id": i, "op": OutboxOp.DELETE, "created_at": now} for i in ids],
        )
    return len(gone)

"""Where learners are inside lessons: saved positions, "resume where I left off", and lessons
finished by watching or listening to (nearly) the end."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import Collector, NotFound
from catalogue.models import (
    Course,
    CourseStatus,
    EventKind,
    Lesson,
    LessonPosition,
)
from catalogue.services.activity import record_event
from catalogue.services.engagement import (
    complete_if_all_done,
    finish_lesson,
    has_started,
    lesson_progress,
    lock_learner,
)
from catalogue.services.validation import int_field

# A lesson played to this share of its length counts as finished (credits, a closing bar).
FINISHED_SHARE = 0.95
MAX_POSITION = 24 * 3600


@dataclass(frozen=True)
class Resume:
    """The lesson a learner was last in, and where in it."""

    lesson_id: int
    lesson_title: str
    position_seconds: int


@dataclass(frozen=True)
class Saved:
    """What saving a position did."""

    position_seconds: int
    finished: bool
    course_fraction: float


def _lesson(session: Session, course_id: int, lesson_id: int) -> Lesson:
    lesson = session.get(Lesson, lesson_id)
    status = session.scalar(select(Course.status).where(Course.id == course_id))
    if lesson is None or lesson.course_id != course_id or status != CourseStatus.PUBLISHED:
        raise NotFound(f"lesson {lesson_id} is not part of published course {course_id}")
    return lesson


def save_position(
    session: Session, user_id: int, course_id: int, lesson_id: int, seconds: int
) -> Saved:
    """Remember where the learner is in a lesson (clamped to its length); the first time a
    `start` event is written, and reaching FINISHED_SHARE of a lesson of known length marks
    it finished (the events "学完这一讲" writes)."""
    errors = Collector()
    position = int_field(errors, "position_seconds", seconds, minimum=0, maximum=MAX_POSITION)
    errors.raise_if_any()
    lesson = _lesson(session, course_id, lesson_id)
    if lesson.duration_seconds > 0:
        position = min(position, lesson.duration_seconds)
    row = session.get(LessonPosition, (user_id, lesson_id))
    if row is None:
        row = LessonPosition(user_id=user_id, lesson_id=lesson_id, course_id=course_id)
        session.add(row)
    row.position_seconds = position
    session.flush()
    if not has_started(session, user_id, course_id):
        # First saves of two lessons at once (two tabs, two devices) must not both write the
        # start: read it again under the learner's lock, which the other holds until it commits.
        lock_learner(session, user_id)
        if not has_started(session, user_id, course_id):
            record_event(session, user_id, course_id, EventKind.START, lesson_id=lesson_id)
    finished = lesson.duration_seconds > 0 and position >= FINISHED_SHARE * lesson.duration_seconds
    if finished:
        fraction = finish_lesson(session, user_id, course_id, lesson_id)
    else:
        # Every lesson done but no completion (finishes that did not see each other, before
        # they were serialised): written now.
        fraction = complete_if_all_done(
            session, user_id, course_id, lesson_progress(session, user_id, course_id).fraction
        )
    return Saved(position, finished, fraction)


def position_in(session: Session, user_id: int, lesson_id: int) -> int:
    """Seconds into the lesson where the learner stopped (0 if never)."""
    row = session.get(LessonPosition, (user_id, lesson_id))
    return row.position_seconds if row else 0


def resume_point(session: Session, user_id: int, course_id: int) -> Resume | None:
    """The lesson of the course the learner was in most recently, unless they finished it
    (then the course page offers the next unfinished lesson)."""
    row = session.execute(
        select(LessonPosition, Lesson.title)
        .join(Lesson, Lesson.id == LessonPosition.lesson_id)
        .where(LessonPosition.user_id == user_id, LessonPosition.course_id == course_id)
        .order_by(LessonPosition.updated_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    position, title = row
    if position.lesson_id in lesson_progress(session, user_id, course_id).done:
        return None
    return Resume(position.lesson_id, title, position.position_seconds)


@dataclass(frozen=True)
class StartedReading:
    """A reading lesson the learner has started."""

    course_id: int
    lesson_id: int
    lesson_title: str
    course_title: str


def started_reading(session: Session, user_id: int, limit: int = 20) -> list[StartedReading]:
    """Reading lessons of published courses the learner has a place in, most recent first."""
    rows = session.execute(
        select(LessonPosition.course_id, Lesson.id, Lesson.title, Course.title)
        .join(Lesson, Lesson.id == LessonPosition.lesson_id)
        .join(Course, Course.id == LessonPosition.course_id)
        .where(
            LessonPosition.user_id == user_id,
            Lesson.body_format.is_not(None),
            Course.status == CourseStatus.PUBLISHED,
        )
        .order_by(LessonPosition.updated_at.desc())
        .limit(limit)
    )
    return [StartedReading(*row) for row in rows]

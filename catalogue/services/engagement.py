"""A learner's standing with courses, read from the append-only events: liked, saved,
started, completed, dismissed; and the "my learning" lists built from them.

Nothing here stores state of its own: liking writes a `like` event, unliking an `unlike` event,
and whether a course is liked is whichever of the two came last. The recommender trains on the
same events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from catalogue.db import commit_without_flush_wait
from catalogue.errors import NotFound
from catalogue.models import Course, CourseStatus, Event, EventKind, Lesson, User, utcnow
from catalogue.services.activity import record_event

TOGGLES = {
    "like": (EventKind.LIKE, EventKind.UNLIKE),
    "save": (EventKind.SAVE, EventKind.UNSAVE),
}


@dataclass(frozen=True)
class Standing:
    """Where a learner stands with one course."""

    liked: bool = False
    saved: bool = False
    progress: float = 0.0
    completed: bool = False


def _of_course(course_id: int):
    """The course condition of a query about one learner's events on one course.

    `+ 0` keeps the database on the learner's index: a learner has tens or hundreds of events,
    a popular course tens of thousands, and SQLite otherwise walks the course's (38 ms a query
    at 30 million events, several per course page)."""
    return Event.course_id + 0 == course_id


def _latest_kinds(session: Session, user_id: int, course_id: int | None = None) -> dict:
    """(course, kind) → time of the learner's latest event of that kind."""
    stmt = (
        select(Event.course_id, Event.kind, func.max(Event.created_at), func.max(Event.value))
        .where(Event.user_id == user_id)
        .group_by(Event.course_id, Event.kind)
    )
    if course_id is not None:
        stmt = stmt.where(_of_course(course_id))
    return {(c, str(k)): (at, value) for c, k, at, value in session.execute(stmt)}


def _on(latest: dict, course_id: int, on: EventKind, off: EventKind) -> bool:
    did = latest.get((course_id, on.value))
    undid = latest.get((course_id, off.value))
    return did is not None and (undid is None or did[0] > undid[0])


def standing(session: Session, user_id: int, course_id: int) -> Standing:
    """Whether the learner likes, saved, is part-way through or completed the course."""
    latest = _latest_kinds(session, user_id, course_id)
    progress = latest.get((course_id, EventKind.PROGRESS.value))
    return Standing(
        liked=_on(latest, course_id, EventKind.LIKE, EventKind.UNLIKE),
        saved=_on(latest, course_id, EventKind.SAVE, EventKind.UNSAVE),
        progress=float(progress[1] or 0.0) if progress else 0.0,
        completed=(course_id, EventKind.COMPLETE.value) in latest,
    )


# A learner's view of a course is not stored again within this time of the last one: reloading
# a page (or a script doing so) does not grow the log. Popularity and training count views once
# per learner, course and day whatever the log holds; this only keeps repeats out of it.
REPEAT_VIEW_WINDOW = timedelta(minutes=30)


def record_view(session: Session, user_id: int, course_id: int) -> bool:
    """Record that the learner opened the course page and commit (nothing new when they
    viewed it within REPEAT_VIEW_WINDOW); False (nothing stored) when the database is busy
    (SQLite during a long partner upload): a view is not worth an error."""
    since = utcnow() - REPEAT_VIEW_WINDOW
    try:
        recent = session.scalar(
            select(Event.id)
            .where(
                Event.user_id == user_id,
                Event.created_at >= since,
                _of_course(course_id),
                Event.kind == EventKind.VIEW,
            )
            .limit(1)
        )
        if recent is not None:
            return True
        record_event(session, user_id, course_id, EventKind.VIEW)
        commit_without_flush_wait(session)
    except OperationalError:
        session.rollback()
        return False
    return True


def toggle(session: Session, user_id: int, course_id: int, action: str) -> bool:
    """Like/unlike or save/unsave a published course; returns the new state."""
    if action not in TOGGLES:
        raise ValueError(f"unknown action {action!r}")
    on, off = TOGGLES[action]
    now_on = not _on(_latest_kinds(session, user_id, course_id), course_id, on, off)
    record_event(session, user_id, course_id, on if now_on else off)
    return now_on


@dataclass(frozen=True)
class LearningEntry:
    """A course on one of the "my learning" lists."""

    course_id: int
    title: str
    area: str
    duration_minutes: int
    at: datetime
    progress: float = 0.0


@dataclass(frozen=True)
class MyLearning:
    """Saved, in progress, completed and recently viewed courses, newest first."""

    saved: list[LearningEntry]
    in_progress: list[LearningEntry]
    completed: list[LearningEntry]
    history: list[LearningEntry]


def my_learning(session: Session, user_id: int, limit: int = 50) -> MyLearning:
    """The learner's lists, published courses only."""
    latest = _latest_kinds(session, user_id)
    courses = {c for c, _k in latest}
    info = {
        cid: (title, str(area), minutes or 0)
        for cid, title, area, minutes in session.execute(
            select(Course.id, Course.title, Course.area, Course.duration_minutes).where(
                Course.id.in_(list(courses)), Course.status == CourseStatus.PUBLISHED
            )
        )
    }

    def entry(course_id: int, kind: EventKind, progress: float = 0.0) -> LearningEntry:
        title, area, minutes = info[course_id]
        return LearningEntry(
            course_id, title, area, minutes, latest[(course_id, kind.value)][0], progress
        )

    saved, in_progress, completed, history = [], [], [], []
    for course_id in info:
        if _on(latest, course_id, EventKind.SAVE, EventKind.UNSAVE):
            saved.append(entry(course_id, EventKind.SAVE))
        if (course_id, EventKind.COMPLETE.value) in latest:
            completed.append(entry(course_id, EventKind.COMPLETE))
        elif (course_id, EventKind.PROGRESS.value) in latest:
            value = float(latest[(course_id, EventKind.PROGRESS.value)][1] or 0.0)
            in_progress.append(entry(course_id, EventKind.PROGRESS, value))
        elif (course_id, EventKind.START.value) in latest:
            in_progress.append(entry(course_id, EventKind.START))
        if (course_id, EventKind.VIEW.value) in latest:
            history.append(entry(course_id, EventKind.VIEW))

    def newest(entries: list[LearningEntry]) -> list[LearningEntry]:
        return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]

    return MyLearning(newest(saved), newest(in_progress), newest(completed), newest(history))


def in_progress(session: Session, user_id: int, limit: int = 4) -> list[LearningEntry]:
    """The learner's started but not completed published courses, most recently active
    first: the home page's "continue learning" (one grouped query, not every list)."""
    kind = Event.kind
    rows = session.execute(
        select(
            Event.course_id,
            func.max(Event.created_at),
            # Progress only grows (a lesson once done stays done): the largest is the latest.
            func.max(case((kind == EventKind.PROGRESS, Event.value))),
        )
        .where(Event.user_id == user_id, kind.in_(_JOURNEY))
        .group_by(Event.course_id)
        .having(func.sum(case((kind == EventKind.COMPLETE, 1), else_=0)) == 0)
        .order_by(func.max(Event.created_at).desc())
        .limit(limit * 3)  # room for courses withdrawn since
    ).all()
    if not rows:
        return []
    info = {
        cid: (title, str(area), minutes or 0)
        for cid, title, area, minutes in session.execute(
            select(Course.id, Course.title, Course.area, Course.duration_minutes).where(
                Course.id.in_([r[0] for r in rows]), Course.status == CourseStatus.PUBLISHED
            )
        )
    }
    entries = [
        LearningEntry(cid, *info[cid], at, float(progress or 0.0))
        for cid, at, progress in rows
        if cid in info
    ]
    return entries[:limit]


_JOURNEY = (EventKind.START, EventKind.PROGRESS, EventKind.COMPLETE)


@dataclass(frozen=True)
class LessonProgress:
    """Which lessons of a course the learner finished, and where to resume."""

    done: frozenset[int]
    resume_lesson_id: int | None
    fraction: float


def _lessons_done(session: Session, user_id: int, course_id: int) -> tuple[list[int], frozenset]:
    """The course's lessons in order, and those of them the learner finished."""
    lessons = list(
        session.scalars(
            select(Lesson.id).where(Lesson.course_id == course_id).order_by(Lesson.position)
        )
    )
    done = frozenset(
        session.scalars(
            select(Event.lesson_id).where(
                Event.user_id == user_id,
                _of_course(course_id),
                Event.kind == EventKind.PROGRESS,
                Event.lesson_id.is_not(None),
            )
        )
    ) & frozenset(lessons)
    return lessons, done


def lesson_progress(session: Session, user_id: int, course_id: int) -> LessonProgress:
    """The learner's finished lessons of a course and the first lesson not finished yet."""
    lessons, done = _lessons_done(session, user_id, course_id)
    resume = next((lesson for lesson in lessons if lesson not in done), None)
    fraction = len(done) / len(lessons) if lessons else 0.0
    return LessonProgress(done, resume, fraction)


def has_started(session: Session, user_id: int, course_id: int) -> bool:
    """Whether the learner has a start event for the course."""
    return (course_id, EventKind.START.value) in _latest_kinds(session, user_id, course_id)


# The first key of the learners' advisory locks on PostgreSQL (the second is the learner's id);
# insight's watermarks use 0x17_0001 and 0x17_0002.
LEARNER_LOCKS = 0x17_0003


def lock_learner(session: Session, user_id: int) -> None:
    """Serialise the learner's lesson finishes and first saves until the caller's transaction ends,
    so that what one reads (the lessons done, whether the course is complete or started)
    includes what another wrote. On PostgreSQL a transaction-level advisory lock on the
    learner (taken by nothing else, so it closes no cycle with the row locks of other
    writers; released at commit or rollback; at READ COMMITTED, the engines' level, each
    statement after it reads what was committed before it was granted). On SQLite the
    database's write lock, by rewriting a column of the learner's row with its own value (no
    key, so no foreign-key checks): no other writer commits until this transaction ends, and
    this transaction's reads see every write committed before (a no-op when the transaction
    wrote already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(CAST(:a AS integer), CAST(:b AS integer))"),
            {"a": LEARNER_LOCKS, "b": user_id},
        )
    else:
        session.execute(
            update(User)
            .where(User.id == user_id)
            .values(time_zone=User.time_zone)
            .execution_options(synchronize_session=False)
        )


def _completed(session: Session, user_id: int, course_id: int) -> bool:
    return (
        session.scalar(
            select(Event.id)
            .where(
                Event.user_id == user_id,
                _of_course(course_id),
                Event.kind == EventKind.COMPLETE,
            )
            .limit(1)
        )
        is not None
    )


def _finish(session: Session, user_id: int, course_id: int, lesson_id: int | None) -> float:
    """Under the learner's lock, read the lessons done as they are now; record the lesson
    (`lesson_id`, unless already done) with the new fraction, and the completion when every
    lesson is done and none was recorded. Returns the fraction."""
    lock_learner(session, user_id)
    lessons, done = _lessons_done(session, user_id, course_id)
    latest = _latest_kinds(session, user_id, course_id)
    if lesson_id is not None and lesson_id not in done:
        if (course_id, EventKind.START.value) not in latest:
            record_event(session, user_id, course_id, EventKind.START, lesson_id=lesson_id)
        done = done | {lesson_id}
        fraction = len(done) / len(lessons)
        record_event(
            session, user_id, course_id, EventKind.PROGRESS, value=fraction, lesson_id=lesson_id
        )
    else:
        fraction = len(done) / len(lessons) if lessons else 0.0
        recorded = latest.get((course_id, EventKind.PROGRESS.value))
        if fraction >= 1.0 and (recorded is None or float(recorded[1] or 0.0) < fraction):
            # A course left at a lower fraction by finishes that did not see each other: the
            # full one, without a lesson (the lesson funnel counts each lesson's once).
            record_event(session, user_id, course_id, EventKind.PROGRESS, value=fraction)
    if fraction >= 1.0 and (course_id, EventKind.COMPLETE.value) not in latest:
        record_event(session, user_id, course_id, EventKind.COMPLETE)
    return fraction


def complete_if_all_done(session: Session, user_id: int, course_id: int, fraction: float) -> float:
    """The completion of a course whose every lesson the learner finished (`fraction`, as
    read by lesson_progress, is 1.0) but which has none: written now, under the learner's lock.
    Costs one query when the course is complete, none otherwise. Returns the fraction."""
    if fraction < 1.0 or _completed(session, user_id, course_id):
        return fraction
    return _finish(session, user_id, course_id, None)


def finish_lesson(session: Session, user_id: int, course_id: int, lesson_id: int) -> float:
    """Mark a lesson finished: a start event the first time, a progress event with the
    course's new fraction, and a complete event when every lesson is done. Returns the
    fraction.

    Two lessons of the course finished at the same moment (two tabs or devices) must not
    each count the fraction without the other, or neither writes the completion: the
    lessons done are read again and written under the learner's lock (lock_learner), held
    until the caller commits. A lesson finished before takes no lock (the players call this
    with every save near a lesson's end) unless the course lacks its completion."""
    owner = session.scalar(select(Lesson.course_id).where(Lesson.id == lesson_id))
    if owner != course_id:
        raise NotFound(f"lesson {lesson_id} is not part of course {course_id}")
    before = lesson_progress(session, user_id, course_id)
    if lesson_id in before.done:
        return complete_if_all_done(session, user_id, course_id, before.fraction)
    return _finish(session, user_id, course_id, lesson_id)

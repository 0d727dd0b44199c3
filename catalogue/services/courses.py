"""Creating, publishing and withdrawing courses, and the listings learners browse.

Command functions flush but do not commit: the caller owns the transaction, so several
changes (a whole upload, say) can be applied atomically. Every change to a course also
writes an index-outbox row in that same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session, selectinload

from catalogue.errors import Collector, Conflict, NotFound
from catalogue.models import (
    Area,
    BodyFormat,
    Course,
    CourseFormat,
    CourseStatus,
    IndexOutbox,
    Lesson,
    Level,
    MediaType,
    OutboxOp,
    Provider,
    utcnow,
)
from catalogue.services import reading
from catalogue.services.pagination import Page, clamp_page, paginate
from catalogue.services.validation import (
    enum_field,
    int_field,
    language_field,
    tags_field,
    text_field,
    url_field,
)

MAX_LESSONS = 2000


@dataclass
class LessonData:
    """Input for one lesson."""

    title: str
    media_type: str | MediaType = MediaType.VIDEO
    duration_seconds: int = 0
    url: str | None = None
    captions_url: str | None = None  # WebVTT subtitles of a video or audio lesson
    body: str | None = None  # a reading lesson's text
    body_format: str | BodyFormat | None = None  # markdown (default with a body) or html
    # The lesson this input replaces (an edit form knows it); None matches by position.
    id: int | None = None


@dataclass
class CourseData:
    """Input for a course, as a partner or an editor supplies it."""

    external_id: str
    title: str
    area: str | Area
    format: str | CourseFormat = CourseFormat.VIDEO
    subtitle: str | None = None
    description: str | None = None
    subjects: Sequence[str] = ()
    level: str | Level = Level.ALL
    language: str = "zh"
    duration_minutes: int | None = None
    cover_url: str | None = None
    source_url: str | None = None
    is_free: bool = True
    price_cents: int | None = None
    lessons: Sequence[LessonData] = field(default_factory=list)


def course_input(course: Course) -> CourseData:
    """A stored course as the input that would store it again (its lessons keep their ids)."""
    return CourseData(
        external_id=course.external_id,
        title=course.title,
        area=course.area,
        format=course.format,
        subtitle=course.subtitle,
        description=course.description,
        subjects=list(course.subjects or []),
        level=course.level,
        language=course.language,
        duration_minutes=course.duration_minutes,
        cover_url=course.cover_url,
        source_url=course.source_url,
        is_free=course.is_free,
        price_cents=course.price_cents,
        lessons=[
            LessonData(
                id=lesson.id,
                title=lesson.title,
                media_type=lesson.media_type,
                duration_seconds=lesson.duration_seconds,
                url=lesson.url,
                captions_url=lesson.captions_url,
                body=lesson.body,
                body_format=lesson.body_format,
            )
            for lesson in course.lessons
        ],
    )


def validate_course(data: CourseData) -> dict[str, Any]:
    """Check course input and return clean column values; raises ValidationError."""
    errors = Collector()
    values: dict[str, Any] = {
        "external_id": text_field(
            errors, "external_id", data.external_id, max_len=200, required=True
        ),
        "title": text_field(errors, "title", data.title, max_len=300, required=True),
        "subtitle": text_field(errors, "subtitle", data.subtitle, max_len=500),
        "description": text_field(errors, "description", data.description, max_len=20000),
        "area": enum_field(errors, "area", data.area, Area),
        "format": enum_field(errors, "format", data.format, CourseFormat),
        "level": enum_field(errors, "level", data.level, Level),
        "language": language_field(errors, "language", data.language) or "zh",
        "subjects": tags_field(errors, "subjects", data.subjects),
        "cover_url": url_field(errors, "cover_url", data.cover_url),
        "source_url": url_field(errors, "source_url", data.source_url),
    }
    price = int_field(errors, "price_cents", data.price_cents, maximum=100_000_000)
    if data.is_free and price:
        errors.add("price_cents", "FREE_WITH_PRICE", "a free course cannot have a price")
    if not data.is_free and not price:
        errors.add("price_cents", "MISSING_PRICE", "a paid course needs a price above zero")
    values["is_free"] = bool(data.is_free)
    values["price_cents"] = None if data.is_free else price

    if len(data.lessons) > MAX_LESSONS:
        errors.add("lessons", "TOO_MANY", f"a course may have at most {MAX_LESSONS} lessons")
    lessons = []
    for i, lesson in enumerate(data.lessons[:MAX_LESSONS], start=1):
        prefix = f"lessons[{i}]"
        lessons.append(
            {
                "position": i,
                "title": text_field(
                    errors, f"{prefix}.title", lesson.title, max_len=300, required=True
                ),
                "media_type": enum_field(
                    errors, f"{prefix}.media_type", lesson.media_type, MediaType
                ),
                "duration_seconds": int_field(
                    errors,
                    f"{prefix}.duration_seconds",
                    lesson.duration_seconds,
                    maximum=1_000_000,
                )
                or 0,
                "url": url_field(errors, f"{prefix}.url", lesson.url),
                "captions_url": url_field(errors, f"{prefix}.captions_url", lesson.captions_url),
                **_lesson_text(errors, prefix, lesson),
                "id": lesson.id,
            }
        )
        if lessons[-1]["body"] and not lessons[-1]["duration_seconds"]:
            lessons[-1]["duration_seconds"] = reading.reading_seconds(
                lessons[-1]["body"], lessons[-1]["body_format"]
            )
    duration = int_field(errors, "duration_minutes", data.duration_minutes, maximum=100_000)
    if duration is None:
        # Without a stated duration, the lessons' total is the best estimate.
        duration = round(sum(lesson["duration_seconds"] for lesson in lessons) / 60)
    values["duration_minutes"] = duration
    errors.raise_if_any()
    values["lessons"] = lessons
    return values


def _lesson_text(errors: Collector, prefix: str, lesson: LessonData) -> dict:
    """A reading lesson's text and its format (Markdown unless the partner says HTML)."""
    body = text_field(errors, f"{prefix}.body", lesson.body, max_len=reading.MAX_BODY_CHARS)
    if not body:
        return {"body": None, "body_format": None}
    chosen = enum_field(
        errors, f"{prefix}.body_format", lesson.body_format or BodyFormat.MARKDOWN, BodyFormat
    )
    return {"body": body, "body_format": chosen}


def _enqueue(session: Session, course_id: int, op: OutboxOp) -> None:
    session.add(IndexOutbox(course_id=course_id, op=op))


def create_course(
    session: Session, provider_id: int, data: CourseData, *, publish: bool = False
) -> Course:
    """Add a course (and its lessons) for a provider; raises ValidationError or Conflict."""
    values = validate_course(data)
    if session.get(Provider, provider_id) is None:
        raise NotFound(f"provider {provider_id} does not exist")
    exists = session.scalar(
        select(Course.id).where(
            Course.provider_id == provider_id, Course.external_id == values["external_id"]
        )
    )
    if exists is not None:
        raise Conflict(
            f"provider already has a course with external id {values['external_id']!r}",
            code="DUPLICATE_EXTERNAL_ID",
        )
    lessons = [_without_id(lesson) for lesson in values.pop("lessons")]
    course = Course(provider_id=provider_id, lesson_count=len(lessons), **values)
    course.lessons = [Lesson(**lesson) for lesson in lessons]
    if publish:
        course.status = CourseStatus.PUBLISHED
        course.published_at = utcnow()
    session.add(course)
    session.flush()
    _enqueue(session, course.id, OutboxOp.UPSERT)
    return course


def update_course(session: Session, course_id: int, data: CourseData) -> Course:
    """Replace a course's editable fields and lessons with new input."""
    _lock_course(session, course_id)
    course = _get(session, course_id)
    values = validate_course(data)
    lessons = values.pop("lessons")
    values.pop("external_id")
    for key, value in values.items():
        setattr(course, key, value)
    replace_lessons(session, course, lessons)
    _enqueue(session, course.id, OutboxOp.UPSERT)
    return course


def _lock_course(session: Session, course_id: int) -> None:
    """Serialise changes to one course (its row lock; on SQLite, the database's write lock) and
    forget what this session read before, so its lessons are read as they are now: two
    partners saving the same course at once then both succeed, one after the other."""
    session.execute(
        update(Course)
        .where(Course.id == course_id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.expire_all()


def replace_lessons(session: Session, course: Course, lessons: Sequence[Mapping[str, Any]]) -> None:
    """Make a course's lessons the given ones, keeping the rows of lessons that stay.

    A lesson keeps its id (and with it learners' positions, completions and notes) when the
    input names it (an edit form), or, when no input lesson names one (a partner's file),
    when it stands at the same position. Lessons left over are deleted.
    """
    existing = {lesson.id: lesson for lesson in course.lessons}
    by_id = any(values.get("id") is not None for values in lessons)
    by_position = {} if by_id else {lesson.position: lesson for lesson in course.lessons}
    claimed: set[int] = set()
    plan: list[tuple[Lesson | None, dict[str, Any]]] = []
    for values in lessons:
        values = dict(values)
        wanted = values.pop("id", None)
        keep = existing.get(wanted) if wanted is not None else by_position.get(values["position"])
        if keep is not None and keep.id in claimed:
            keep = None
        if keep is not None:
            claimed.add(keep.id)
        plan.append((keep, values))
    for lesson in list(course.lessons):
        if lesson.id not in claimed:
            course.lessons.remove(lesson)
            session.delete(lesson)
    # Park kept lessons on free positions first: (course, position) is unique at every flush.
    for offset, lesson in enumerate(course.lessons, start=1):
        lesson.position = -offset
    session.flush()
    ordered: list[Lesson] = []
    for keep, values in plan:
        if keep is None:
            keep = Lesson(**values)
        else:
            for key, value in values.items():
                setattr(keep, key, value)
        ordered.append(keep)
    course.lessons = ordered
    course.lesson_count = len(ordered)
    session.flush()


def get_provider_course(session: Session, provider_id: int, course_id: int) -> Course:
    """One of a provider's own courses in any state, with its lessons and their texts;
    NotFound for a course of another provider (partners only ever see their own)."""
    course = session.scalar(
        select(Course)
        .where(Course.id == course_id, Course.provider_id == provider_id)
        .options(selectinload(Course.lessons).undefer(Lesson.body))
    )
    if course is None:
        raise NotFound(f"course {course_id} is not one of provider {provider_id}'s")
    return course


def save_provider_course(
    session: Session,
    provider_id: int,
    course_id: int | None,
    data: CourseData,
    status: CourseStatus | str,
) -> Course:
    """Create (course_id None) or change one of a provider's courses and set its status;
    raises ValidationError, Conflict (an id already in use) or NotFound (not the provider's)."""
    status = CourseStatus(status)
    if course_id is None:
        course = create_course(session, provider_id, data)
    else:
        get_provider_course(session, provider_id, course_id)
        course = update_course(session, course_id, data)
    return set_status(session, course.id, status)


def set_status(session: Session, course_id: int, status: CourseStatus) -> Course:
    """Publish, withdraw or return a course to draft."""
    if status == CourseStatus.PUBLISHED:
        return publish_course(session, course_id)
    if status == CourseStatus.WITHDRAWN:
        return withdraw_course(session, course_id)
    course = _get(session, course_id)
    if course.status != CourseStatus.DRAFT:
        course.status = CourseStatus.DRAFT
        session.flush()
        _enqueue(session, course.id, OutboxOp.DELETE)
    return course


def publish_course(session: Session, course_id: int) -> Course:
    """Make a course visible to learners."""
    course = _get(session, course_id)
    if course.status != CourseStatus.PUBLISHED:
        course.status = CourseStatus.PUBLISHED
        course.published_at = utcnow()
        course.withdrawn_at = None
        session.flush()
        _enqueue(session, course.id, OutboxOp.UPSERT)
    return course


def withdraw_course(session: Session, course_id: int) -> Course:
    """Hide a course from learners without deleting its history."""
    course = _get(session, course_id)
    if course.status != CourseStatus.WITHDRAWN:
        course.status = CourseStatus.WITHDRAWN
        course.withdrawn_at = utcnow()
        session.flush()
        _enqueue(session, course.id, OutboxOp.DELETE)
    return course


def _without_id(lesson: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in lesson.items() if k != "id"}


def _get(session: Session, course_id: int) -> Course:
    course = session.get(Course, course_id)
    if course is None:
        raise NotFound(f"course {course_id} does not exist")
    return course


def _published() -> Select:
    return select(Course).where(Course.status == CourseStatus.PUBLISHED)


def get_published_course(session: Session, course_id: int) -> Course:
    """A published course with its lessons; NotFound for anything else."""
    course = session.scalar(
        _published().where(Course.id == course_id).options(selectinload(Course.lessons))
    )
    if course is None:
        raise NotFound(f"course {course_id} is not available")
    return course


def lesson_body(session: Session, lesson_id: int) -> tuple[str, BodyFormat] | None:
    """A reading lesson's text and its format, read on its own (the column is deferred); None
    for a lesson without text, or one deleted since its course was read."""
    row = session.execute(
        select(Lesson.body, Lesson.body_format).where(Lesson.id == lesson_id)
    ).first()
    if row is None or not row.body or row.body_format is None:
        return None
    return row.body, row.body_format


@dataclass(frozen=True)
class CoverFacts:
    """What a generated cover shows."""

    title: str
    area: Area
    format: CourseFormat


def cover_facts(session: Session, course_id: int) -> CoverFacts | None:
    """Title, area and format of a published course (None for anything else)."""
    row = session.execute(
        select(Course.title, Course.area, Course.format).where(
            Course.id == course_id, Course.status == CourseStatus.PUBLISHED
        )
    ).first()
    return CoverFacts(*row) if row else None


def area_course_page(
    session: Session,
    area: Area,
    page: int = 1,
    per_page: int = 20,
    sort: str = "newest",
    total: int | None = None,
) -> Page[Course]:
    """Published courses of one area, newest or most popular first; `total`, when the caller
    knows the area's count (a recent snapshot of `area_counts`), saves counting it again."""
    page, per_page = clamp_page(page, per_page)
    where = (Course.status == CourseStatus.PUBLISHED, Course.area == area)
    if sort == "popular":
        order = (Course.popularity.desc(), Course.id.desc())
    else:
        order = (Course.published_at.desc(), Course.id.desc())
    if total is None:
        total = session.scalar(select(func.count()).select_from(Course).where(*where)) or 0
    # The page's ids first, from the (status, area, sort key) index alone, then only those
    # rows: skipping 100,000 rows for a deep page then costs index entries, not table rows.
    ids = list(
        session.scalars(
            select(Course.id)
            .where(*where)
            .order_by(*order)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    found = (
        {c.id: c for c in session.scalars(select(Course).where(Course.id.in_(ids)))} if ids else {}
    )
    items = [found[i] for i in ids if i in found]
    return Page(items=items, page=page, per_page=per_page, total=total)


def newest_courses(
    session: Session, limit: int = 12, area: Area | None = None, language: str | None = None
) -> list[Course]:
    """The most recently published courses (of one area, in one language, if given)."""
    stmt = _published().order_by(Course.published_at.desc(), Course.id.desc()).limit(limit)
    return list(session.scalars(_of(stmt, area, language)))


def popular_courses(
    session: Session, limit: int = 12, area: Area | None = None, language: str | None = None
) -> list[Course]:
    """The published courses with the highest popularity score (of one area, in one language,
    if given)."""
    stmt = _published().order_by(Course.popularity.desc(), Course.id.desc()).limit(limit)
    return list(session.scalars(_of(stmt, area, language)))


def _of(stmt: Select, area: Area | None, language: str | None) -> Select:
    if area is not None:
        stmt = stmt.where(Course.area == area)
    if language is not None:
        stmt = stmt.where(Course.language == language)
    return stmt


def area_counts(session: Session) -> Mapping[Area, int]:
    """Number of published courses in each area (zero for empty areas)."""
    rows = session.execute(
        select(Course.area, func.count())
        .where(Course.status == CourseStatus.PUBLISHED)
        .group_by(Course.area)
    ).all()
    counts = dict.fromkeys(Area, 0)
    counts.update({Area(area): n for area, n in rows})
    return counts


def provider_course_page(
    session: Session,
    provider_id: int,
    page: int = 1,
    per_page: int = 50,
    status: CourseStatus | None = None,
) -> Page[Course]:
    """A provider's own courses in any state, most recently changed first."""
    stmt = select(Course).where(Course.provider_id == provider_id)
    if status is not None:
        stmt = stmt.where(Course.status == status)
    stmt = stmt.order_by(Course.updated_at.desc(), Course.id.desc())
    return paginate(session, stmt, page, per_page)


def provider_status_counts(session: Session, provider_id: int) -> Mapping[CourseStatus, int]:
    """How many of a provider's courses are in each state."""
    rows = session.execute(
        select(Course.status, func.count())
        .where(Course.provider_id == provider_id)
        .group_by(Course.status)
    ).all()
    counts = dict.fromkeys(CourseStatus, 0)
    counts.update({CourseStatus(s): n for s, n in rows})
    return counts


@dataclass(frozen=True)
class ShortLesson:
    """A lesson of five minutes or less inside a longer published course."""

    course_id: int
    course_title: str
    lesson_id: int
    lesson_title: str
    duration_seconds: int
    area: Area


def short_lessons(
    session: Session, limit: int = 12, area: Area | None = None, max_seconds: int = 300
) -> list[ShortLesson]:
    """Lessons of at most `max_seconds` from published courses longer than that, newest
    courses first and one lesson per course (the first short one), for learning in a small
    window of time."""
    # Correlated per course (the lessons' (course_id, position) key answers it), so the
    # newest courses are walked until `limit` are found rather than every lesson grouped.
    first_short = (
        select(func.min(Lesson.position))
        .where(
            Lesson.course_id == Course.id,
            Lesson.duration_seconds > 0,
            Lesson.duration_seconds <= max_seconds,
        )
        .correlate(Course)
        .scalar_subquery()
    )
    stmt = (
        select(
            Course.id,
            Course.title,
            Lesson.id,
            Lesson.title,
            Lesson.duration_seconds,
            Course.area,
        )
        .join(Lesson, (Lesson.course_id == Course.id) & (Lesson.position == first_short))
        # `+ 0`: the duration index must not be used for this test, or SQLite reads every
        # course longer than five minutes, runs the subquery for each and sorts them all (2.7 s
        # at 630,000 courses) instead of walking the newest first and stopping at `limit`.
        .where(Course.status == CourseStatus.PUBLISHED, Course.duration_minutes + 0 > 5)
        .order_by(Course.published_at.desc(), Course.id.desc())
        .limit(limit)
    )
    if area is not None:
        stmt = stmt.where(Course.area == area)
    return [ShortLesson(*row) for row in session.execute(stmt)]

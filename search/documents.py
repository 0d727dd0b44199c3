"""Turning catalogue rows into index documents, read in batches straight from the database."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import jieba
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.models import Course, CourseStats, CourseStatus, Lesson, Provider
from search.analysis import ensure_jieba
from search.pinyin import full_pinyin, has_han, initials

SNIPPET_CHARS = 300
DURATION_BANDS = (("micro", 5), ("short", 30), ("medium", 120), ("long", None))
# Courses of unknown length (0 minutes) sort after every known length under "shortest".
UNKNOWN_LENGTH_SORT = 2**31 - 1


def duration_band(minutes: int) -> str:
    """≤5 min micro-courses, ≤30 min, ≤2 h, longer; "unknown" when no length is given."""
    if minutes <= 0:
        return "unknown"
    for band, limit in DURATION_BANDS:
        if limit is None or minutes <= limit:
            return band
    return "long"


def normalise_title(title: str) -> str:
    """A title as an autocomplete key: NFKC, lower case, no spaces or punctuation."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return re.sub(r"[\W_]+", "", text)


def pinyin_tokens(title: str, subjects: Sequence[str] = ()) -> list[str]:
    """Full pinyin and initials of each Chinese word of a title, and of the whole title; the
    full pinyin of each subject and of its words (瑜伽 → yujia: what a learner may type, and
    what a homophone typo of a subject is looked up by, `search.correction`)."""
    ensure_jieba()
    tokens: list[str] = []
    if has_han(title):
        for word in jieba.cut(title):
            if has_han(word):
                tokens += [full_pinyin(word), initials(word)]
        tokens += [full_pinyin(title), initials(title)]
    for subject in subjects:
        if has_han(subject):
            tokens += [full_pinyin(w) for w in jieba.cut(subject) if has_han(w)]
            tokens.append(full_pinyin(subject))
    return list(dict.fromkeys(t for t in tokens if t))


def build_document(course: dict[str, Any], lessons: Sequence[str]) -> dict[str, Any]:
    """The index document of one published course."""
    title = course["title"]
    description = course.get("description") or ""
    summary = course.get("subtitle") or ""
    published = course.get("published_at")
    return {
        "id": str(course["id"]),
        "title": title,
        "summary": summary,
        "description": description,
        "snippet": (summary + " " + description).strip()[:SNIPPET_CHARS],
        "subjects": " ".join(course.get("subjects") or []),
        "provider": course.get("provider_name") or "",
        "lessons": " ".join(lessons),
        "pinyin": " ".join(pinyin_tokens(title, course.get("subjects") or [])),
        "complete_title": normalise_title(title),
        "complete_pinyin": full_pinyin(title),
        "complete_initials": initials(title),
        "area": str(course["area"]),
        "format": str(course["format"]),
        "level": str(course["level"]),
        "language": course.get("language") or "zh",
        "provider_id": str(course["provider_id"]),
        "duration_band": duration_band(course.get("duration_minutes") or 0),
        "free": "1" if course.get("is_free") else "0",
        "duration": int(course.get("duration_minutes") or 0),
        "length_sort": int(course.get("duration_minutes") or 0) or UNKNOWN_LENGTH_SORT,
        "published": int(published.timestamp()) if published else 0,
        "popularity": round(float(course.get("popularity") or 0.0) * 100),
    }


_COLUMNS = (
    Course.id,
    Course.title,
    Course.subtitle,
    Course.description,
    Course.subjects,
    Course.area,
    Course.format,
    Course.level,
    Course.language,
    Course.provider_id,
    Course.duration_minutes,
    Course.is_free,
    Course.published_at,
    Provider.name.label("provider_name"),
    CourseStats.popularity,
)


def _rows(session: Session, where, limit: int | None = None) -> list[dict[str, Any]]:
    stmt = (
        select(*_COLUMNS)
        .join(Provider, Provider.id == Course.provider_id)
        .outerjoin(CourseStats, CourseStats.course_id == Course.id)
        .where(Course.status == CourseStatus.PUBLISHED, where)
        .order_by(Course.id)
        .limit(limit)
    )
    return [dict(row._mapping) for row in session.execute(stmt)]


def _lesson_titles(session: Session, course_ids: Iterable[int]) -> dict[int, list[str]]:
    titles: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(Lesson.course_id, Lesson.title)
        .where(Lesson.course_id.in_(list(course_ids)))
        .order_by(Lesson.course_id, Lesson.position)
    )
    for course_id, title in rows:
        titles[course_id].append(title)
    return titles


def documents_for(session: Session, course_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Documents of those courses that are published (others are absent from the result)."""
    rows = _rows(session, Course.id.in_(list(course_ids)))
    lessons = _lesson_titles(session, [r["id"] for r in rows])
    return {r["id"]: build_document(r, lessons.get(r["id"], [])) for r in rows}


def all_documents(session: Session, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Every published course's document, streamed in id order."""
    last = 0
    while rows := _rows(session, Course.id > last, batch):
        lessons = _lesson_titles(session, [r["id"] for r in rows])
        for row in rows:
            yield build_document(row, lessons.get(row["id"], []))
        last = rows[-1]["id"]

"""A learner's notes across courses: grouped, searched and exported (Markdown and CSV).

Adding, editing and deleting a note live in `catalogue.services.social`; everything here reads
only the given learner's own notes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from catalogue.ingest.service import spreadsheet_safe
from catalogue.models import Course, Lesson, Note
from catalogue.services.validation import like_pattern
from catalogue.timecodes import clock

MAX_QUERY = 200
CSV_HEADER = ["course", "lesson", "position", "note", "created_at", "updated_at"]


@dataclass(frozen=True)
class NoteView:
    """One note with what it is about."""

    id: int
    course_id: int
    course_title: str
    lesson_title: str | None
    position_seconds: int | None
    body: str
    created_at: object
    updated_at: object


@dataclass(frozen=True)
class CourseNotes:
    """A course and the learner's notes on it, oldest first."""

    course_id: int
    course_title: str
    notes: list[NoteView]


def notes_by_course(session: Session, user_id: int, query: str | None = None) -> list[CourseNotes]:
    """The learner's notes grouped by course (courses by their latest note, newest first);
    with `query`, only notes whose text or course title contains it (case-insensitive)."""
    stmt = (
        select(Note, Course.title, Lesson.title)
        .join(Course, Course.id == Note.course_id)
        .outerjoin(Lesson, Lesson.id == Note.lesson_id)
        .where(Note.user_id == user_id)
        .order_by(Note.created_at, Note.id)
    )
    text = (query or "").strip()[:MAX_QUERY]
    if text:
        pattern = like_pattern(text)
        stmt = stmt.where(
            or_(Note.body.ilike(pattern, escape="\\"), Course.title.ilike(pattern, escape="\\"))
        )
    groups: dict[int, CourseNotes] = {}
    for note, course_title, lesson_title in session.execute(stmt):
        group = groups.setdefault(note.course_id, CourseNotes(note.course_id, course_title, []))
        group.notes.append(
            NoteView(
                note.id,
                note.course_id,
                course_title,
                lesson_title,
                note.position_seconds,
                note.body,
                note.created_at,
                note.updated_at,
            )
        )
    return sorted(groups.values(), key=lambda g: g.notes[-1].created_at, reverse=True)


def _clock(seconds: int | None) -> str:
    return "" if seconds is None else clock(seconds)


def export_markdown(groups: list[CourseNotes]) -> str:
    """The notes as a Markdown document: a heading per course, a section per note."""
    lines = []
    for group in groups:
        lines += [f"## {_md_line(group.course_title)}", ""]
        for note in group.notes:
            where = " · ".join(
                filter(None, (_md_line(note.lesson_title or ""), _clock(note.position_seconds)))
            )
            stamp = note.created_at.strftime("%Y-%m-%d %H:%M")
            lines.append(f"### {stamp}" + (f" — {where}" if where else ""))
            lines += ["", note.body.strip(), ""]
    return "\n".join(lines).rstrip() + "\n" if lines else ""


def _md_line(text: str) -> str:
    """One line of heading text: no line breaks, no leading Markdown markers."""
    return " ".join(text.split()).lstrip("#>-*+ ")


def export_csv(groups: list[CourseNotes]) -> str:
    """The notes as CSV for spreadsheets (UTF-8 with BOM; no cell can run as a formula)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for group in groups:
        for note in group.notes:
            writer.writerow(
                [
                    spreadsheet_safe(group.course_title),
                    spreadsheet_safe(note.lesson_title or ""),
                    _clock(note.position_seconds),
                    spreadsheet_safe(note.body),
                    note.created_at.isoformat(),
                    note.updated_at.isoformat(),
                ]
            )
    return out.getvalue()

"""A learner's notes across courses: grouping, searching, Markdown and CSV export."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from catalogue.models import Lesson
from catalogue.services.notes import CSV_HEADER, export_csv, export_markdown, notes_by_course
from catalogue.services.social import add_note
from catalogue.services.users import register_user
from tests.helpers import make_course, make_provider


def setup(session):
    provider = make_provider(session).id
    taiji = make_course(session, provider, title="太极拳入门")
    excel = make_course(session, provider, title="Excel for the office")
    lesson = session.scalars(select(Lesson).where(Lesson.course_id == taiji.id)).first()
    ann = register_user(session, "ann@example.cn", "password-123", "Ann").id
    bob = register_user(session, "bob@example.cn", "password-123", "Bob").id
    add_note(session, ann, taiji.id, "起势要放松", lesson_id=lesson.id, position_seconds=125)
    add_note(session, ann, excel.id, '=HYPERLINK("http://x")  Pivot tables: 100% useful')
    add_note(session, ann, taiji.id, "收势\n呼吸均匀")
    add_note(session, bob, taiji.id, "bob's private note")
    session.commit()
    return ann, bob, taiji, excel, lesson


def test_notes_are_grouped_by_course_and_private(session):
    ann, bob, taiji, excel, lesson = setup(session)
    groups = notes_by_course(session, ann)
    assert [g.course_id for g in groups] == [taiji.id, excel.id]  # latest note first
    assert [n.body for n in groups[0].notes] == ["起势要放松", "收势\n呼吸均匀"]
    assert groups[0].notes[0].lesson_title == lesson.title
    assert all("bob" not in n.body for g in groups for n in g.notes)
    assert [n.body for g in notes_by_course(session, bob) for n in g.notes] == [
        "bob's private note"
    ]


def test_search_matches_note_text_or_course_title_literally(session):
    ann, _bob, taiji, excel, _lesson = setup(session)
    assert [g.course_id for g in notes_by_course(session, ann, "放松")] == [taiji.id]
    assert [g.course_id for g in notes_by_course(session, ann, "excel")] == [excel.id]
    assert [g.course_id for g in notes_by_course(session, ann, "PIVOT")] == [excel.id]
    # % and _ are letters to search for, not wildcards.
    assert [g.course_id for g in notes_by_course(session, ann, "100%")] == [excel.id]
    assert notes_by_course(session, ann, "_") == []
    assert notes_by_course(session, ann, "bob") == []


def test_markdown_export(session):
    ann, *_ = setup(session)
    text = export_markdown(notes_by_course(session, ann))
    assert text.startswith("## 太极拳入门\n")
    assert " — 第1讲 · 2:05" in text and "收势\n呼吸均匀" in text
    assert "## Excel for the office" in text
    assert export_markdown([]) == ""


def test_csv_export_opens_safely_in_a_spreadsheet(session):
    ann, *_ = setup(session)
    data = export_csv(notes_by_course(session, ann))
    assert data.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff"))))
    assert rows[0] == CSV_HEADER and len(rows) == 4
    by_body = {r[3]: r for r in rows[1:]}
    assert by_body["起势要放松"][1] == "第1讲" and by_body["起势要放松"][2] == "2:05"
    formula = next(r for r in rows[1:] if "HYPERLINK" in r[3])
    assert formula[3].startswith("'=")

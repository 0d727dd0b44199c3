"""Catalogue files may give each course's credits, outcome type and completion rule in optional
columns; bad values are per-row errors with the row and column, the valid rows apply, and a
file without those columns leaves the courses' settings as they are."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from catalogue.models import Course, CourseAward, UploadError
from catalogue.models.awards import CompletionRule, OutcomeType
from tests.helpers import make_provider
from tests.ingest_helpers import csv_bytes, run_file

HEADER = ["课程编号", "课程名称", "学习领域", "时长", "学分", "成果类型", "完成规则", "完成比例"]
HEADER += ["completion_minutes"]
GOOD = [
    ["C1", "电工基础", "职业技能", "90", "2.5", "职业技能", "share", "80%", ""],
    ["C2", "书法入门", "老年教育", "60", "1", "culture", "minutes", "", "45"],
    ["C3", "家常菜烹饪", "生活技能", "45", "", "", "", "", ""],
]
BAD = [
    ["D1", "学分有误", "生活技能", "10", "很多", "", "", "", ""],
    ["D2", "类型有误", "生活技能", "10", "1", "magic", "", "", ""],
    ["D3", "比例缺失", "生活技能", "10", "1", "", "share", "", ""],
    ["D4", "时长有误", "生活技能", "10", "1", "", "minutes", "", "1.5"],
    ["D5", "规则有误", "生活技能", "10", "-2", "", "sometimes", "", ""],
]


@pytest.fixture
def provider(session):
    p = make_provider(session, "上海开放大学")
    session.commit()
    return p


def _award(session, external_id: str) -> CourseAward | None:
    session.expire_all()
    course = session.scalar(select(Course).where(Course.external_id == external_id))
    return None if course is None else session.get(CourseAward, course.id)


def test_award_columns_apply_and_bad_values_are_row_errors(engine, session, provider, tmp_path):
    upload = run_file(engine, provider.id, csv_bytes([HEADER, *GOOD, *BAD]), tmp_path)
    assert upload.status.value == "applied"
    assert upload.summary()["created"] == 3 and upload.summary()["rejected"] == 5
    errors = session.execute(
        select(UploadError.row, UploadError.code, UploadError.column)
        .where(UploadError.upload_id == upload.id)
        .order_by(UploadError.row, UploadError.code)
    ).all()
    assert [tuple(e) for e in errors] == [
        (5, "BAD_CREDITS", "学分"),
        (6, "UNKNOWN_OUTCOME_TYPE", "成果类型"),
        (7, "BAD_COMPLETION_SHARE", "完成比例"),
        (8, "BAD_COMPLETION_MINUTES", "completion_minutes"),
        (9, "BAD_CREDITS", "学分"),
        (9, "UNKNOWN_COMPLETION", "完成规则"),
    ]
    c1, c2, c3 = _award(session, "C1"), _award(session, "C2"), _award(session, "C3")
    assert (c1.credits, c1.outcome_type, c1.completion) == (
        Decimal("2.50"),
        OutcomeType.VOCATIONAL,
        CompletionRule.SHARE,
    )
    assert c1.share == pytest.approx(0.8)
    assert (c2.completion, c2.minimum_minutes, c2.outcome_type) == (
        CompletionRule.MINUTES,
        45,
        OutcomeType.CULTURE,
    )
    assert (c3.credits, c3.completion) == (Decimal("0.00"), CompletionRule.ALL_LESSONS)
    for key in ("D1", "D2", "D3", "D4", "D5"):
        assert session.scalar(select(Course).where(Course.external_id == key)) is None


def test_changed_credits_update_and_files_without_the_columns_keep_them(
    engine, session, provider, tmp_path
):
    run_file(engine, provider.id, csv_bytes([HEADER, GOOD[0]]), tmp_path)
    changed = [*GOOD[0][:4], "4", "academic", "all_lessons", "", ""]
    again = run_file(engine, provider.id, csv_bytes([HEADER, changed]), tmp_path)
    assert again.summary()["updated"] == 1
    award = _award(session, "C1")
    assert (award.credits, award.outcome_type, award.completion, award.share) == (
        Decimal("4.00"),
        OutcomeType.ACADEMIC,
        CompletionRule.ALL_LESSONS,
        None,
    )
    plain = run_file(engine, provider.id, csv_bytes([HEADER[:4], [*GOOD[0][:3], "120"]]), tmp_path)
    assert plain.summary()["updated"] == 1
    assert _award(session, "C1").credits == Decimal("4.00")


def test_every_new_row_problem_has_words_for_the_partner(app):
    from webapp import messages

    with app.test_request_context():
        for code in ("BAD_CREDITS", "UNKNOWN_OUTCOME_TYPE", "UNKNOWN_COMPLETION"):
            assert str(messages.ROW_PROBLEMS[code])
        for code in ("BAD_COMPLETION_SHARE", "BAD_COMPLETION_MINUTES", "BAD_AWARD"):
            assert str(messages.ROW_PROBLEMS[code])
        for field in ("credits", "outcome_type", "completion", "completion_share"):
            assert str(messages.FIELD_LABELS[field])

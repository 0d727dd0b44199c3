"""Partner files that carry each course's lessons: nested in JSON, or as a JSON array in a CSV
cell; validated per lesson, applied with the course, learners' progress kept on re-upload."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from catalogue.ingest.lessons import lesson_seconds
from catalogue.models import (
    Course,
    Lesson,
    LessonPosition,
    MediaType,
    StagedLesson,
    UploadError,
)
from catalogue.services import playback
from catalogue.services.users import register_user
from tests.helpers import make_provider
from tests.ingest_helpers import csv_bytes, run_file


@pytest.fixture
def provider(session):
    p = make_provider(session, "国家开放大学")
    session.commit()
    return p


def _course(key: str, lessons: list, **fields) -> dict:
    return {"id": key, "title": f"课程{key}", "area": "生活技能", "lessons": lessons, **fields}


FIRST = [
    {
        "title": "第一讲 认识手机",
        "type": "视频",
        "duration": "12:30",
        "url": "https://v.ouchn.cn/1.m3u8",
    },
    {"标题": "第二讲 读一读", "类型": "图文", "正文": "# 标题\n\n正文**加粗**"},
    {
        "title": "第三讲 听一听",
        "type": "audio",
        "duration": 95,
        "captions": "https://v.ouchn.cn/3.vtt",
    },
]


def _lessons(session, provider_id: int, key: str) -> list[Lesson]:
    session.expire_all()
    course = session.scalar(
        select(Course).where(Course.provider_id == provider_id, Course.external_id == key)
    )
    return list(
        session.scalars(
            select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
        )
    )


def _json(courses: list[dict]) -> bytes:
    return json.dumps(courses, ensure_ascii=False).encode()


def test_nested_lessons_are_applied_with_their_course(engine, session, provider, tmp_path):
    upload = run_file(
        engine, provider.id, _json([_course("C1", FIRST)]), tmp_path, filename="courses.json"
    )
    assert (upload.created, upload.rejected) == (1, 0)
    lessons = _lessons(session, provider.id, "C1")
    assert [(x.position, x.title, x.media_type) for x in lessons] == [
        (1, "第一讲 认识手机", MediaType.VIDEO),
        (2, "第二讲 读一读", MediaType.TEXT),
        (3, "第三讲 听一听", MediaType.AUDIO),
    ]
    assert lessons[0].duration_seconds == 750 and lessons[2].duration_seconds == 95
    assert lessons[1].body.startswith("# 标题") and lessons[1].duration_seconds > 0
    assert lessons[2].captions_url == "https://v.ouchn.cn/3.vtt"
    course = session.scalar(select(Course).where(Course.external_id == "C1"))
    assert course.lesson_count == 3
    assert session.scalar(select(StagedLesson.id)) is None, "staged lessons are cleared"


def test_reupload_updates_lessons_in_place_and_keeps_progress(engine, session, provider, tmp_path):
    run_file(engine, provider.id, _json([_course("C1", FIRST)]), tmp_path, filename="a.json")
    before = _lessons(session, provider.id, "C1")
    learner = register_user(session, "l@example.com", "password-123", "学员")
    course_id = before[0].course_id
    playback.save_position(session, learner.id, course_id, before[1].id, 30)
    session.commit()
    changed = [dict(FIRST[0]), {"title": "第二讲（新）", "type": "text", "body": "新的正文"}]
    upload = run_file(
        engine, provider.id, _json([_course("C1", changed)]), tmp_path, filename="b.json"
    )
    assert (upload.updated, upload.rejected) == (1, 0)
    after = _lessons(session, provider.id, "C1")
    assert [x.title for x in after] == ["第一讲 认识手机", "第二讲（新）"]
    assert [x.id for x in after] == [before[0].id, before[1].id]
    kept = session.scalar(select(LessonPosition).where(LessonPosition.user_id == learner.id))
    assert (kept.lesson_id, kept.position_seconds) == (before[1].id, 30)
    # The same file again changes nothing; a file without lessons keeps the course's.
    again = run_file(
        engine, provider.id, _json([_course("C1", changed)]), tmp_path, filename="c.json"
    )
    assert (again.updated, again.unchanged) == (0, 1)
    plain = {k: x for k, x in _course("C1", []).items() if k != "lessons"}
    plain["title"] = "改名"
    run_file(engine, provider.id, _json([plain]), tmp_path, filename="d.json")
    assert [x.title for x in _lessons(session, provider.id, "C1")] == [
        "第一讲 认识手机",
        "第二讲（新）",
    ]


def test_bad_lessons_are_reported_per_lesson_and_the_course_is_not_applied(
    engine, session, provider, tmp_path
):
    bad = [
        {"title": "", "duration": "很久"},
        {"title": "好的", "type": "hologram", "url": "javascript:alert(1)"},
        "不是对象",
    ]
    upload = run_file(
        engine,
        provider.id,
        _json([_course("GOOD", FIRST[:1]), _course("BAD", bad)]),
        tmp_path,
        filename="mixed.json",
    )
    assert (upload.created, upload.rejected) == (1, 1)
    errors = {
        (row.column, row.code)
        for row in session.scalars(select(UploadError).where(UploadError.upload_id == upload.id))
    }
    assert errors >= {
        ("lessons[1].duration", "BAD_DURATION"),
        ("lessons[1].title", "REQUIRED"),
        ("lessons[2].media_type", "INVALID_CHOICE"),
        ("lessons[2].url", "BAD_URL"),
        ("lessons[3]", "NOT_AN_OBJECT"),
    }
    assert session.scalar(select(Course.id).where(Course.external_id == "BAD")) is None


def test_a_csv_cell_may_hold_the_lessons_as_json(engine, session, provider, tmp_path):
    rows = [
        ["课程编号", "课程名称", "学习领域", "lessons"],
        ["K1", "插花", "兴趣爱好", json.dumps(FIRST[:2], ensure_ascii=False)],
        ["K2", "茶艺", "兴趣爱好", "8"],
    ]
    upload = run_file(engine, provider.id, csv_bytes(rows), tmp_path)
    assert (upload.created, upload.rejected) == (2, 0)
    assert [x.title for x in _lessons(session, provider.id, "K1")] == [
        "第一讲 认识手机",
        "第二讲 读一读",
    ]
    k2 = session.scalar(select(Course).where(Course.external_id == "K2"))
    assert k2.lesson_count == 8 and _lessons(session, provider.id, "K2") == []


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(95, 95), ("95", 95), ("12:30", 750), ("1:02:03", 3723), ("12分钟", 720), ("1.5 hours", 5400)],
)
def test_lesson_lengths(value, seconds):
    assert lesson_seconds(value) == seconds


@pytest.mark.parametrize("value", ["很久", "-5", -1, True])
def test_unreadable_lesson_lengths(value):
    with pytest.raises(ValueError):
        lesson_seconds(value)


def test_a_spreadsheet_may_give_one_row_per_lesson(engine, session, provider, tmp_path):
    rows = [
        ["课程编号", "课程名称", "学习领域", "课时名称", "课时类型", "课时时长", "视频地址"],
        ["R1", "智能手机入门", "生活技能", "开机与解锁", "视频", "5:00", "https://v.cn/1.mp4"],
        ["R1", "", "", "微信视频通话", "视频", "8:30", "https://v.cn/2.mp4"],
        ["", "", "", "读一读：防骗", "图文", "", ""],
        ["R2", "广场舞", "兴趣爱好", "", "", "", ""],
        ["R3", "书法", "兴趣爱好", "握笔", "视频", "很久", "javascript:alert(1)"],
        ["R3", "", "", "", "hologram", "1:00", ""],
    ]
    upload = run_file(engine, provider.id, csv_bytes(rows), tmp_path, filename="rows.csv")
    assert (upload.created, upload.rejected) == (2, 1)
    r1 = _lessons(session, provider.id, "R1")
    assert [(x.title, x.media_type, x.duration_seconds) for x in r1][:2] == [
        ("开机与解锁", MediaType.VIDEO, 300),
        ("微信视频通话", MediaType.VIDEO, 510),
    ]
    assert r1[2].title == "读一读：防骗" and r1[2].media_type == MediaType.TEXT
    course = session.scalar(select(Course).where(Course.external_id == "R1"))
    assert course.lesson_count == 3 and course.duration_minutes == 14, "the lessons' total"
    assert _lessons(session, provider.id, "R2") == []
    # Each problem names the lesson's own row and the file's column.
    errors = {
        (row.row, row.column, row.code)
        for row in session.scalars(select(UploadError).where(UploadError.upload_id == upload.id))
    }
    assert errors >= {
        (6, "课时时长", "BAD_DURATION"),
        (6, "视频地址", "BAD_URL"),
        (7, "课时类型", "INVALID_CHOICE"),
        (7, "课时名称", "REQUIRED"),
    }, errors

"""Applying partner files: per-row validation, idempotence, full sync, policies, atomicity."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from catalogue.errors import NotFound, PermissionDenied
from catalogue.ingest import service as ingest
from catalogue.models import (
    Area,
    Course,
    CourseStatus,
    IndexOutbox,
    OutboxOp,
    Role,
    Upload,
    UploadError,
    UploadPolicy,
)
from tests.helpers import make_provider
from tests.ingest_helpers import csv_bytes, run_file

HEADER = ["课程编号", "课程名称", "学习领域", "时长", "难度", "标签", "价格"]
GOOD = [
    ["A1", "太极拳入门", "老年教育", "1小时30分钟", "入门", "太极, 养生", "免费"],
    [
        "A2",
        "Excel for the office",
        "Workplace competencies",
        "01:30:00",
        "beginner",
        "['Excel', 'office']",
        "¥199.00",
    ],
    ["A3", "家常菜烹饪", "生活技能", "45", "", "", ""],
]
BAD = [
    ["B1", "", "生活技能", "10", "", "", ""],
    ["B2", "时长有误", "生活技能", "很久很久", "", "", ""],
    ["B3", "领域有误", "宇宙探索", "10", "", "", ""],
    ["A1", "重复编号", "生活技能", "10", "", "", ""],
    ["B5", "长" * 301, "生活技能", "10", "", "", ""],
]


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _codes(session, upload) -> list[tuple[int, str, str | None]]:
    rows = session.execute(
        select(UploadError.row, UploadError.code, UploadError.column)
        .where(UploadError.upload_id == upload.id)
        .order_by(UploadError.row)
    )
    return [tuple(r) for r in rows]


@pytest.fixture
def provider(session):
    p = make_provider(session, "上海开放大学")
    session.commit()
    return p


def test_valid_rows_applied_invalid_reported(engine, session, provider, tmp_path):
    upload = run_file(engine, provider.id, csv_bytes([HEADER, *GOOD, *BAD]), tmp_path)
    assert upload.status.value == "applied"
    assert upload.summary() == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "rejected": 5,
    }
    assert _codes(session, upload) == [
        (5, "MISSING_TITLE", "课程名称"),
        (6, "BAD_DURATION", "时长"),
        (7, "UNKNOWN_AREA", "学习领域"),
        (8, "DUPLICATE_IN_FILE", "课程编号"),
        (9, "TOO_LONG", "课程名称"),
    ]
    taiji = session.scalar(select(Course).where(Course.external_id == "A1"))
    assert (taiji.area, taiji.duration_minutes, taiji.level.value) == (Area.ELDERLY, 90, "beginner")
    assert taiji.subjects == ["太极", "养生"] and taiji.status == CourseStatus.PUBLISHED
    excel = session.scalar(select(Course).where(Course.external_id == "A2"))
    assert (excel.is_free, excel.price_cents, excel.subjects) == (False, 19900, ["Excel", "office"])
    assert _count(session, IndexOutbox, IndexOutbox.op == OutboxOp.UPSERT) == 3


def test_reupload_is_idempotent_and_changes_are_updates(engine, session, provider, tmp_path):
    data = csv_bytes([HEADER, *GOOD])
    run_file(engine, provider.id, data, tmp_path)
    outbox_before = _count(session, IndexOutbox)
    again = run_file(engine, provider.id, data, tmp_path)
    assert again.summary() == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
        "withdrawn": 0,
        "rejected": 0,
    }
    assert _count(session, IndexOutbox) == outbox_before
    changed = [row[:] for row in GOOD]
    changed[2][3] = "50"
    third = run_file(engine, provider.id, csv_bytes([HEADER, *changed]), tmp_path)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    session.expire_all()
    assert session.scalar(select(Course.duration_minutes).where(Course.external_id == "A3")) == 50
    assert _count(session, IndexOutbox) == outbox_before + 1


def test_full_sync_withdraws_only_when_asked(engine, session, provider, tmp_path):
    run_file(engine, provider.id, csv_bytes([HEADER, *GOOD]), tmp_path)
    partial = csv_bytes([HEADER, GOOD[0]])
    plain = run_file(engine, provider.id, partial, tmp_path)
    assert plain.withdrawn == 0
    assert _count(session, Course, Course.status == CourseStatus.PUBLISHED) == 3
    synced = run_file(
        engine, provider.id, partial, tmp_path, options=ingest.UploadOptions(full_sync=True)
    )
    assert (synced.withdrawn, synced.unchanged) == (2, 1)
    session.expire_all()
    assert _count(session, Course, Course.status == CourseStatus.WITHDRAWN) == 2
    assert _count(session, IndexOutbox, IndexOutbox.op == OutboxOp.DELETE) == 2
    back = run_file(engine, provider.id, csv_bytes([HEADER, *GOOD]), tmp_path)
    assert (back.updated, back.unchanged) == (2, 1)


def test_all_or_nothing_applies_nothing_when_a_row_is_bad(engine, session, provider, tmp_path):
    options = ingest.UploadOptions(policy=UploadPolicy.ALL_OR_NOTHING)
    upload = run_file(
        engine, provider.id, csv_bytes([HEADER, *GOOD, BAD[1]]), tmp_path, options=options
    )
    assert upload.status.value == "rejected" and upload.error_code == "ROWS_REJECTED"
    assert upload.rejected == 1 and upload.created == 0
    assert _count(session, Course) == 0 and _count(session, IndexOutbox) == 0
    assert [c for _r, c, _col in _codes(session, upload)] == ["BAD_DURATION"]
    ok = run_file(engine, provider.id, csv_bytes([HEADER, *GOOD]), tmp_path, options=options)
    assert ok.status.value == "applied" and ok.created == 3


def test_file_without_id_column_keys_on_title(engine, session, provider, tmp_path):
    rows = [
        ["Course Name", "Area", "Length"],
        ["Digital photography basics", "hobbies", "2h"],
        ["智能手机使用技巧", "生活技能", "5分钟"],
    ]
    first = run_file(engine, provider.id, csv_bytes(rows), tmp_path)
    again = run_file(engine, provider.id, csv_bytes(rows), tmp_path)
    assert (first.created, again.unchanged, again.created) == (2, 2, 0)
    keys = session.scalars(select(Course.external_id)).all()
    assert all(k.startswith("title:") for k in keys) and len(set(keys)) == 2


def test_a_crash_mid_apply_leaves_the_catalogue_as_it_was(engine, session, provider, tmp_path):
    rows = [HEADER] + [[f"C{i}", f"课程 {i}", "生活技能", "10", "", "", ""] for i in range(2500)]
    calls = []

    def crash(done, total):
        calls.append(done)
        if done >= 2000:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        run_file(engine, provider.id, csv_bytes(rows), tmp_path, progress=crash)
    assert calls[0] == 1000  # the first batch was already written inside the transaction
    assert _count(session, Course) == 0 and _count(session, IndexOutbox) == 0
    failed = session.scalar(select(Upload))
    assert failed.status.value == "failed" and failed.error_code == "INTERNAL_ERROR"


def test_file_level_rejections_keep_nothing(engine, session, provider, tmp_path):
    big = run_file(
        engine,
        provider.id,
        csv_bytes([HEADER, *GOOD]),
        tmp_path,
        limits=ingest.Limits(max_bytes=100),
    )
    assert big.status.value == "rejected" and big.error_code == "FILE_TOO_LARGE"
    many = run_file(
        engine, provider.id, csv_bytes([HEADER, *GOOD]), tmp_path, limits=ingest.Limits(max_rows=2)
    )
    assert many.error_code == "TOO_MANY_ROWS"
    archive = run_file(
        engine, provider.id, b"PK\x03\x04" + b"\x00" * 40, tmp_path, filename="../../etc/passwd.zip"
    )
    assert archive.status.value == "rejected" and archive.filename == "passwd.zip"
    assert list(tmp_path.iterdir()) == []  # rejected files are not kept
    assert _count(session, Course) == 0


def test_partners_only_touch_their_own_provider(session, provider, tmp_path):
    other = make_provider(session, "别的大学")
    session.commit()
    partner = ingest.Actor(user_id=None, role=Role.PARTNER, provider_id=provider.id)
    with pytest.raises(PermissionDenied):
        ingest.receive_upload(
            session, partner, other.id, "x.csv", io.BytesIO(b"a"), tmp_path, channel="web"
        )
    theirs = ingest.receive_upload(
        session,
        ingest.Actor(None, Role.PARTNER, other.id),
        other.id,
        "x.csv",
        io.BytesIO(csv_bytes([HEADER, *GOOD])),
        tmp_path,
        channel="web",
    )
    with pytest.raises(NotFound):
        ingest.get_upload(session, partner, theirs.id)


def test_error_report_is_safe_to_open_in_excel(engine, session, provider, tmp_path):
    rows = [HEADER, ['=HYPERLINK("http://x")', "x", "月球", "10", "", "", ""]]
    upload = run_file(engine, provider.id, csv_bytes(rows), tmp_path)
    out = io.StringIO()
    assert ingest.write_error_report(session, upload, out) == 1
    report = list(csv.reader(io.StringIO(out.getvalue())))
    assert report[0] == ["row", "code", "column", "value", "message"]
    assert report[1][:4] == ["2", "UNKNOWN_AREA", "学习领域", "月球"]
    assert ingest.spreadsheet_safe("=1+2") == "'=1+2"
    assert ingest.spreadsheet_safe("-5") == "'-5" and ingest.spreadsheet_safe("太极") == "太极"

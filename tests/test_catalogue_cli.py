"""`lifelong catalogue import` prints a JSON summary and writes the error report."""

from __future__ import annotations

import csv
import json
import zipfile

from sqlalchemy import func, select

from catalogue.models import Course
from tests.helpers import make_provider
from tests.ingest_helpers import csv_bytes

ROWS = [
    ["课程编号", "课程名称", "学习领域", "时长"],
    ["K1", "八段锦", "老年教育", "20分钟"],
    ["K2", "", "老年教育", "20分钟"],
    ["K3", "茶艺入门", "兴趣爱好", "两个小时左右吧"],
]


def _json(output: str) -> dict:
    return json.loads(output[output.index("{") :])


def test_import_prints_summary_and_writes_report(runner, session, tmp_path):
    make_provider(session, "上海老年大学")
    session.commit()
    source = tmp_path / "目录.csv"
    source.write_bytes(csv_bytes(ROWS, "gb18030"))
    report = tmp_path / "errors.csv"
    result = runner.invoke(
        args=[
            "catalogue",
            "import",
            "--provider",
            "上海老年大学",
            str(source),
            "--report",
            str(report),
        ]
    )
    assert result.exit_code == 0, result.output
    summary = _json(result.stdout)
    assert summary["status"] == "applied"
    assert (summary["created"], summary["rejected"], summary["rows"]) == (1, 2, 3)
    assert summary["report"] == str(report)
    lines = list(csv.reader(report.open(encoding="utf-8-sig")))
    assert [(r[0], r[1]) for r in lines[1:]] == [("3", "MISSING_TITLE"), ("4", "BAD_DURATION")]
    assert session.scalar(select(Course.title)) == "八段锦"
    again = runner.invoke(
        args=[
            "catalogue",
            "import",
            "--provider",
            "上海老年大学",
            str(source),
            "--report",
            str(report),
        ]
    )
    assert _json(again.stdout)["unchanged"] == 1
    assert session.scalar(select(func.count()).select_from(Course)) == 1


def test_import_refuses_unknown_provider_and_bad_files(runner, session, tmp_path):
    make_provider(session, "上海老年大学")
    session.commit()
    source = tmp_path / "x.csv"
    source.write_bytes(csv_bytes(ROWS))
    unknown = runner.invoke(args=["catalogue", "import", "--provider", "无此机构", str(source)])
    assert unknown.exit_code == 2 and "无此机构" in unknown.output
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("catalogue.csv", csv_bytes(ROWS))
    refused = runner.invoke(
        args=["catalogue", "import", "--provider", "上海老年大学", str(archive)]
    )
    assert refused.exit_code == 1
    assert _json(refused.stdout)["error"]["code"] == "ARCHIVE_NOT_ALLOWED"
    strict = runner.invoke(
        args=[
            "catalogue",
            "import",
            "--provider",
            "上海老年大学",
            str(source),
            "--policy",
            "all_or_nothing",
            "--report",
            str(tmp_path / "strict.csv"),
        ]
    )
    assert strict.exit_code == 1 and _json(strict.stdout)["status"] == "rejected"
    assert session.scalar(select(func.count()).select_from(Course)) == 0

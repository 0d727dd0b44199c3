"""Partner-style catalogue files of generated courses, for ingestion tests and benchmarks.

The courses are the demo generator's (`iter_course_records`): the same seed gives the same
file. Rows are written as they are generated, so memory does not grow with the row count.
Values are written the way partners write them: Chinese (or English) labels, tags as
"a, b" (a list in JSON), durations as "1小时30分钟", prices as "免费" or "¥199.00".
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from catalogue.demo import vocabulary as vocab
from catalogue.demo.generator import iter_course_records
from catalogue.ingest.readers import FileFormat
from catalogue.models.enums import Area

# (Chinese header, English header, course field)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("课程编号", "Course Code", "external_id"),
    ("课程名称", "Title", "title"),
    ("副标题", "Subtitle", "subtitle"),
    ("课程简介", "Description", "description"),
    ("学习领域", "Area", "area"),
    ("标签", "Tags", "subjects"),
    ("形式", "Format", "format"),
    ("难度", "Level", "level"),
    ("语言", "Language", "language"),
    ("时长", "Duration", "duration"),
    ("课时数", "Lessons", "lesson_count"),
    ("价格", "Price", "price"),
    ("状态", "Status", "status"),
    ("开课机构", "Institution", "provider"),
    ("课程链接", "URL", "source_url"),
    ("封面", "Cover", "cover_url"),
)

_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "zh": {
        "format": {
            "video": "视频",
            "audio": "音频",
            "reading": "图文",
            "live": "直播",
            "mixed": "混合",
        },
        "level": {"beginner": "入门", "intermediate": "中级", "advanced": "高级", "all": "不限"},
        "language": {"zh": "中文", "en": "英语"},
        "status": {"published": "已发布", "draft": "草稿", "withdrawn": "已下架"},
    },
    "en": {
        "format": {
            "video": "Video",
            "audio": "Audio",
            "reading": "Reading",
            "live": "Live",
            "mixed": "Mixed",
        },
        "level": {
            "beginner": "Beginner",
            "intermediate": "Intermediate",
            "advanced": "Advanced",
            "all": "All levels",
        },
        "language": {"zh": "Chinese", "en": "English"},
        "status": {"published": "Published", "draft": "Draft", "withdrawn": "Withdrawn"},
    },
}


def write_catalogue_file(
    path: Path,
    rows: int,
    *,
    fmt: FileFormat = "csv",
    seed: int = 20261126,
    encoding: str = "utf-8",
    headers: Literal["en", "zh"] = "zh",
) -> int:
    """Write `rows` generated courses as a partner catalogue file; returns the rows written."""
    if rows < 0:
        raise ValueError("rows must not be negative")
    names = [zh if headers == "zh" else en for zh, en, _ in COLUMNS]
    records = (_record(course, headers, fmt) for course in iter_course_records(rows, seed=seed))
    writers = {"csv": _write_csv, "jsonl": _write_jsonl, "json": _write_json, "xlsx": _write_xlsx}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}")
    return writers[fmt](path, names, records, encoding)


def _record(course: dict[str, Any], lang: str, fmt: str) -> list[Any]:
    """One course as the cells of a row, in COLUMNS order."""
    labels = _LABELS[lang]
    area = Area(course["area"])
    values = {
        "external_id": course["external_id"],
        "title": course["title"],
        "subtitle": course["subtitle"],
        "description": course["description"],
        "area": (vocab.AREA_LABELS_ZH if lang == "zh" else vocab.AREA_LABELS_EN)[area],
        "subjects": course["subjects"]
        if fmt in ("json", "jsonl")
        else ", ".join(course["subjects"]),
        "format": labels["format"][str(course["format"])],
        "level": labels["level"][str(course["level"])],
        "language": labels["language"][course["language"]],
        "duration": duration_text(course["duration_minutes"], lang),
        "lesson_count": course["lesson_count"],
        "price": price_text(course["price_cents"], lang),
        "status": labels["status"][str(course["status"])],
        "provider": course["provider"],
        "source_url": course["source_url"],
        "cover_url": course["cover_url"],
    }
    return [values[field] for _, _, field in COLUMNS]


def duration_text(minutes: int, lang: str = "zh") -> str:
    """A duration as partners write it: "1小时30分钟", "45分钟" or "1 hour 30 minutes"."""
    hours, rest = divmod(minutes, 60)
    if lang == "zh":
        return (f"{hours}小时" if hours else "") + (f"{rest}分钟" if rest or not hours else "")
    parts = [f"{hours} hour{'s' * (hours != 1)}"] if hours else []
    if rest or not hours:
        parts.append(f"{rest} minute{'s' * (rest != 1)}")
    return " ".join(parts)


def price_text(cents: int | None, lang: str = "zh") -> str:
    """A price as partners write it: "免费"/"Free", or "¥199.00"."""
    if not cents:
        return "免费" if lang == "zh" else "Free"
    return f"¥{cents // 100}.{cents % 100:02d}"


def _write_csv(path: Path, names: list[str], records: Iterator[list[Any]], encoding: str) -> int:
    count = 0
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        for record in records:
            writer.writerow(record)
            count += 1
    return count


def _write_jsonl(path: Path, names: list[str], records: Iterator[list[Any]], encoding: str) -> int:
    count = 0
    with path.open("w", encoding=encoding, newline="\n") as fh:
        for record in records:
            fh.write(json.dumps(dict(zip(names, record, strict=True)), ensure_ascii=False) + "\n")
            count += 1
    return count


def _write_json(path: Path, names: list[str], records: Iterator[list[Any]], encoding: str) -> int:
    count = 0
    with path.open("w", encoding=encoding, newline="\n") as fh:
        fh.write("[")
        for record in records:
            fh.write(",\n " if count else "\n ")
            fh.write(json.dumps(dict(zip(names, record, strict=True)), ensure_ascii=False))
            count += 1
        fh.write("\n]\n")
    return count


def _write_xlsx(path: Path, names: list[str], records: Iterator[list[Any]], encoding: str) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("课程目录")
    sheet.append(names)
    count = 0
    for record in records:
        sheet.append(record)
        count += 1
    workbook.save(path)
    return count

"""A course's lessons as a partner file gives them, read into the course service's input: a list
of objects nested in a JSON course, a JSON array written into a CSV or spreadsheet cell, or one
row per lesson (`group_lesson_rows`: the course's fields on its first row)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from catalogue.ingest import values as v
from catalogue.ingest.mapping import LESSON_FIELDS as LESSON_COLUMNS
from catalogue.ingest.readers import RawRow
from catalogue.models import BodyFormat, MediaType
from catalogue.services.courses import LessonData
from catalogue.timecodes import parse_clock

# The names a lesson's fields go by in partners' files (compared case-insensitively).
LESSON_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "name", "lesson_title", "标题", "名称", "课时名称", "章节名称"),
    "media_type": ("media_type", "type", "kind", "format", "类型", "形式", "媒体类型"),
    "duration": (
        "duration",
        "duration_seconds",
        "length",
        "seconds",
        "时长",
        "时长秒",
    ),
    # Media APIs often give lengths in milliseconds under a name that says so.
    "duration_ms": ("duration_ms", "durationms", "length_ms", "lengthms", "时长毫秒"),
    "url": ("url", "link", "src", "media_url", "video_url", "地址", "链接", "播放地址"),
    "captions_url": ("captions_url", "captions", "subtitles", "subtitle_url", "vtt", "字幕"),
    "body": ("body", "text", "content", "markdown", "html", "正文", "内容"),
    "body_format": ("body_format", "text_format", "正文格式"),
}
_FIELD_OF = {alias.casefold(): name for name, aliases in LESSON_NAMES.items() for alias in aliases}

_MEDIA_WORDS: dict[str, MediaType] = {
    **dict.fromkeys(("video", "mp4", "webm", "hls", "视频", "录像", "微课"), MediaType.VIDEO),
    **dict.fromkeys(("audio", "mp3", "podcast", "音频", "音频课", "广播"), MediaType.AUDIO),
    **dict.fromkeys(
        ("text", "reading", "article", "document", "文本", "图文", "阅读", "文章"), MediaType.TEXT
    ),
    **dict.fromkeys(("live", "直播"), MediaType.LIVE),
    **dict.fromkeys(("quiz", "test", "exercise", "测验", "练习", "测试"), MediaType.QUIZ),
}


# Where a row grouped from lesson rows carries its lessons (a key no header can have).
GROUPED = "\x00lessons"
# A grouped lesson's own row number in the file, so its problems name that row.
ROW = "\x00row"
# The lesson field each lesson column gives, by the name read_lessons knows it by.
_FLAT = {
    "lesson_title": "title",
    "lesson_type": "type",
    "lesson_duration": "duration",
    "lesson_url": "url",
    "lesson_captions": "captions",
    "lesson_body": "body",
}


class LessonProblem(ValueError):
    """A lesson's value that cannot be read; `field` names it as the error report shows it,
    `row` is the lesson's own row when the file gives one row per lesson."""

    def __init__(
        self, field: str, code: str, value: Any, message: str, row: int | None = None
    ) -> None:
        super().__init__(message)
        self.field, self.code, self.value, self.row = field, code, value, row


# A lesson field's name (as LessonData or the course service gives it) → its lesson column.
_FLAT_NAMES = {"duration_seconds": "duration", "media_type": "type", "captions_url": "captions"}


def flat_column(field: str, flat_columns: Mapping[str, str]) -> str:
    """The file's column for a lesson field named like "lessons[2].media_type", in a file of
    one row per lesson (`flat_columns`: lesson field → header); the name itself if unmapped."""
    name = field.rsplit(".", 1)[-1]
    return flat_columns.get(f"lesson_{_FLAT_NAMES.get(name, name)}", field)


def group_lesson_rows(rows: Iterable[RawRow], mapping: Mapping[str, str]) -> Iterator[RawRow]:
    """Rows of a file with one row per lesson, as one row per course carrying its lessons under
    GROUPED; other files' rows as they are.

    A course's rows follow each other: a row belongs to the course above when its id (or,
    without an id column, its title) is the same or left blank. A course row whose lesson
    columns are all blank gives no lessons (the course keeps its own).
    """
    lesson_headers = {field: h for h, field in mapping.items() if field in LESSON_COLUMNS}
    if not lesson_headers:
        yield from rows
        return
    key_header = next((h for h, f in mapping.items() if f == "external_id"), None)
    key_header = key_header or next((h for h, f in mapping.items() if f == "title"), None)
    current: RawRow | None = None
    current_key: Any = None
    for raw in rows:
        if raw.error is not None:
            if current is not None:
                yield current
                current = None
            yield raw
            continue
        key = raw.values.get(key_header) if key_header else None
        key = None if v.is_missing(key) else str(key).strip()
        lesson = _flat_lesson(raw, lesson_headers)
        if current is not None and (key is None or key == current_key):
            if lesson is not None:
                current.values[GROUPED].append(lesson)
            continue
        if current is not None:
            yield current
        values = dict(raw.values)
        values[GROUPED] = [lesson] if lesson is not None else []
        current, current_key = RawRow(raw.number, values), key
    if current is not None:
        yield current


def _flat_lesson(raw: RawRow, headers: Mapping[str, str]) -> dict[str, Any] | None:
    lesson = {
        _FLAT[field]: raw.values.get(header)
        for field, header in headers.items()
        if not v.is_missing(raw.values.get(header))
    }
    if not lesson:
        return None
    lesson[ROW] = raw.number
    return lesson


def nested_lessons(value: Any) -> list[Any] | None:
    """The list of lessons a cell holds (a JSON list, or a JSON array written as text), or
    None when the cell holds something else (a number of lessons, say)."""
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None
        return parsed if isinstance(parsed, list) else None
    return None


def read_lessons(
    items: list[Any], column: str, flat_columns: Mapping[str, str] | None = None
) -> tuple[list[LessonData], list[LessonProblem]]:
    """Each item as the course service's lesson input, and the problems of those it can't read.

    `column` is the file's name for the list, so a problem names e.g. `lessons[2].duration`;
    for lessons grouped from rows, `flat_columns` (lesson field → the file's header) names the
    column instead, and the problem carries the lesson's row.
    """
    lessons: list[LessonData] = []
    problems: list[LessonProblem] = []
    for number, item in enumerate(items, start=1):
        where = f"{column}[{number}]"
        if not isinstance(item, Mapping):
            shown = json.dumps(item, ensure_ascii=False)[:200]
            problems.append(
                LessonProblem(where, "NOT_AN_OBJECT", shown, "a lesson must be an object")
            )
            continue
        row = item.get(ROW)
        fields = {_FIELD_OF.get(str(k).strip().casefold()): x for k, x in item.items()}
        fields.pop(None, None)
        lesson, found = _lesson(fields, where)
        for problem in found:
            if flat_columns is not None:
                problem.field = flat_column(problem.field, flat_columns)
            problem.row = row
        problems.extend(found)
        lessons.append(lesson)
    return lessons, problems


def _lesson(fields: dict[str, Any], where: str) -> tuple[LessonData, list[LessonProblem]]:
    problems: list[LessonProblem] = []
    body = _text(fields.get("body"))
    media = fields.get("media_type")
    media_type: MediaType | str = MediaType.TEXT if body else MediaType.VIDEO
    if not v.is_missing(media):
        found = _MEDIA_WORDS.get(str(media).strip().casefold())
        if found is None:
            problems.append(
                LessonProblem(f"{where}.media_type", "INVALID_CHOICE", media, "unknown kind")
            )
        else:
            media_type = found
    seconds = 0
    duration = fields.get("duration")
    scale = 1.0
    if v.is_missing(duration) and not v.is_missing(fields.get("duration_ms")):
        duration, scale = fields.get("duration_ms"), 0.001
    if not v.is_missing(duration):
        try:
            seconds = round(lesson_seconds(duration) * scale)
        except ValueError as exc:
            problems.append(LessonProblem(f"{where}.duration", "BAD_DURATION", duration, str(exc)))
    body_format = fields.get("body_format")
    return (
        LessonData(
            title=_text(fields.get("title")) or "",
            media_type=media_type,
            duration_seconds=seconds,
            url=_text(fields.get("url")),
            captions_url=_text(fields.get("captions_url")),
            body=body,
            body_format=str(body_format).strip().casefold()
            if not v.is_missing(body_format)
            else (BodyFormat.MARKDOWN if body else None),
        ),
        problems,
    )


def lesson_seconds(value: Any) -> int:
    """Seconds of a lesson's length: a bare number counts seconds (as media metadata does);
    "12:30" is minutes and seconds; "12分钟" or "1.5 hours" carry their unit."""
    if isinstance(value, bool):
        raise ValueError("not a length")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("negative length")
        return round(value)
    text = str(value).strip()
    clock = parse_clock(text)
    if clock is not None:
        return clock
    try:
        number = float(text)
    except ValueError:
        minutes = v.parse_duration_minutes(text)
        if minutes is None:
            raise ValueError("not a length") from None
        return minutes * 60
    if number < 0:
        raise ValueError("negative length")
    return round(number)


def _text(value: Any) -> str | None:
    return None if v.is_missing(value) else str(value).strip() or None

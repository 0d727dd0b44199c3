"""Which column of a partner's file holds which course field: synonyms and the column mapping.

A mapping is ``{header: field}``; headers not in it are ignored. `auto_mapping` proposes one
from the header names, `validate_mapping` checks one a partner chose or saved earlier.

Matching compares normalised names (`normalise_header`). An exact synonym beats a weaker
match, which is the header with a leading "course"/"课程" removed ("course_language" →
language, "课程难度" → level); generic synonyms ("type", "name", "id", …) only match exactly,
so edX's "course_type" ("Self-paced on your time") is not taken for the format.

Deliberately unmapped: "is_paid" (Udemy) is the inverse of is_free, and the price column
says the same thing ("0" is free), so it is left out rather than mapped with a hidden
inversion; "序号" (icourse163) is a row counter, not a course id; "subtitles" (edX) are
subtitle languages, not a subtitle.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Literal

FIELDS: tuple[str, ...] = (
    "external_id",
    "title",
    "subtitle",
    "description",
    "area",
    "subjects",
    "format",
    "level",
    "language",
    "duration",
    "effort",
    "lesson_count",
    "cover_url",
    "source_url",
    "price",
    "is_free",
    "status",
    "provider",
    "enrolments",
    "rating",
    # One row per lesson: the course's fields on its first row (repeated or left blank after).
    "lesson_title",
    "lesson_type",
    "lesson_duration",
    "lesson_url",
    "lesson_captions",
    "lesson_body",
    # What completing the course earns (course_awards, catalogue/services/awards.py).
    "credits",
    "outcome_type",
    "completion",
    "completion_share",
    "completion_minutes",
)

# Fields that make a file one row per lesson (catalogue/ingest/lessons.py groups them).
LESSON_FIELDS: tuple[str, ...] = tuple(
    f for f in FIELDS if f.startswith("lesson_") and f != "lesson_count"
)

# provider, enrolments and rating are informational: shown in the preview, not stored.
INFORMATIONAL_FIELDS: tuple[str, ...] = ("provider", "enrolments", "rating")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": (
        "external_id",
        "id",
        "course_id",
        "code",
        "course code",
        "Course Number",
        "course_no",
        "sku",
        "课程编号",
        "编号",
        "课程ID",
        "课程代码",
        "课程号",
    ),
    "title": (
        "title",
        "course_title",
        "Course Title",
        "Course Name",
        "name",
        "课程名称",
        "课程名",
        "名称",
        "标题",
        "课程标题",
    ),
    "subtitle": ("subtitle", "summary", "course_summary", "副标题", "摘要", "概要", "一句话简介"),
    "description": (
        "description",
        "course_description",
        "about",
        "overview",
        "课程简介",
        "简介",
        "课程介绍",
        "介绍",
        "描述",
        "课程描述",
    ),
    "area": ("area", "category", "领域", "类别", "分类", "学习领域", "课程分类", "课程类别"),
    "subjects": (
        "subjects",
        "subject",
        "tags",
        "skills",
        "course_skills",
        "keywords",
        "topics",
        "标签",
        "主题",
        "关键词",
        "学科",
        "课程标签",
        "discipline",
        "disciplines",
        "subject_area",
        "学科门类",
        "所属学科",
        "一级学科",
        "专业",
        "专业类别",
    ),
    "format": ("format", "type", "media", "media_type", "形式", "课程形式", "类型", "课程类型"),
    "level": ("level", "difficulty", "course_difficulty", "难度", "级别", "层次", "难度等级"),
    "language": ("language", "lang", "语言", "授课语言"),
    "duration": (
        "duration",
        "length",
        "course_length",
        "course_time",
        "content_duration",
        "duration_minutes",
        "duration_ms",
        "duration_seconds",
        "duration_hours",
        "total_duration",
        "video_duration",
        "时长",
        "课程时长",
        "学时",
        "总时长",
    ),
    "effort": ("effort", "course_effort", "hours_per_week", "每周学时", "学习投入", "每周时长"),
    "lesson_count": (
        "lessons",
        "lesson_count",
        "num_lectures",
        "lecture_count",
        "lectures",
        "课时数",
        "章节数",
        "课时",
        "节数",
        "集数",
    ),
    "cover_url": (
        "cover",
        "cover_url",
        "image",
        "image_url",
        "thumbnail",
        "thumbnail_url",
        "thumb",
        "pic",
        "pic_url",
        "picture",
        "img",
        "img_url",
        "cover_image",
        "cover_img",
        "cover_pic",
        "poster",
        "banner",
        "图片",
        "课程图片",
        "封面图片",
        "缩略图",
        "封面",
        "封面图",
        "封面URL",
    ),
    "source_url": (
        "url",
        "link",
        "course_url",
        "course_link",
        "web",
        "课程URL",
        "课程链接",
        "链接",
        "网址",
        "课程网址",
        "课程地址",
    ),
    "price": ("price", "fee", "cost", "价格", "费用", "售价", "课程价格"),
    "is_free": ("is_free", "free", "是否免费", "免费"),
    "status": ("status", "state", "状态", "课程状态", "发布状态"),
    "provider": (
        "provider",
        "institution",
        "organization",
        "organisation",
        "course_organization",
        "university",
        "school",
        "partner",
        "学校名称",
        "机构",
        "开课机构",
        "学校",
        "开课学校",
        "机构名称",
        "提供方",
    ),
    "enrolments": (
        "enrolments",
        "enrollments",
        "n_enrolled",
        "enrolled",
        "num_subscribers",
        "subscribers",
        "course_students_enrolled",
        "students",
        "学生人数",
        "报名人数",
        "学习人数",
        "参加人数",
    ),
    "rating": ("rating", "course_rating", "score", "课程评分", "评分"),
    "lesson_title": (
        "lesson_title",
        "lesson_name",
        "lecture_title",
        "课时名称",
        "课时标题",
        "章节名称",
        "小节名称",
        "讲次名称",
    ),
    "lesson_type": ("lesson_type", "lesson_kind", "课时类型", "课时形式", "章节类型"),
    "lesson_duration": (
        "lesson_duration",
        "lesson_length",
        "lecture_duration",
        "课时时长",
        "章节时长",
        "小节时长",
    ),
    "lesson_url": (
        "lesson_url",
        "lesson_link",
        "video_url",
        "media_url",
        "课时地址",
        "课时链接",
        "视频地址",
        "播放地址",
    ),
    "lesson_captions": ("lesson_captions", "captions_url", "vtt", "字幕地址", "字幕文件"),
    "lesson_body": ("lesson_body", "lesson_text", "课时正文", "正文"),
    "credits": ("credits", "credit", "学分"),
    "outcome_type": ("outcome_type", "成果类型", "学习成果类型"),
    "completion": ("completion", "completion_rule", "完成规则", "完成条件"),
    "completion_share": ("completion_share", "完成比例"),
    "completion_minutes": ("completion_minutes", "最低学习时长", "最低学习分钟"),
}

# Synonyms too generic to match once a "course" prefix was removed from a header.
_EXACT_ONLY = frozenset({"type", "name", "id", "code", "free", "web", "state"})
_PREFIXES = ("course", "课程")
_REMOVED = str.maketrans("", "", " _-.\u3000\t")


def normalise_header(name: str) -> str:
    """A header name for matching: NFKC, case-folded, without spaces, underscores, hyphens, dots."""
    return unicodedata.normalize("NFKC", str(name)).casefold().strip().translate(_REMOVED)


def _index() -> tuple[dict[str, str], dict[str, str]]:
    """Normalised synonym → field, for exact matches and for prefix-stripped matches."""
    exact: dict[str, str] = {}
    weak: dict[str, str] = {}
    for field, names in SYNONYMS.items():
        for name in (field, *names):
            key = normalise_header(name)
            exact.setdefault(key, field)
            if key not in _EXACT_ONLY:
                weak.setdefault(key, field)
    return exact, weak


_EXACT, _WEAK = _index()


_OCCURRENCE = re.compile(r"\s*\(\d+\)$")


def match_header(header: str) -> tuple[str, int] | None:
    """The field a header names and how strongly (0 exact, 1 weaker), or None.

    A repeated column's occurrence number ("Course ID (2)", see readers) is ignored, so the
    second copy names the same field as the first (and is then left out: the first wins).
    """
    key = normalise_header(_OCCURRENCE.sub("", str(header)) or str(header))
    if key in _EXACT:
        return _EXACT[key], 0
    for prefix in _PREFIXES:
        rest = key.removeprefix(prefix)
        if rest != key and rest in _WEAK:
            return _WEAK[rest], 1
    return None


def auto_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Header → field for recognised headers; each field at most once, exact matches first
    (then the leftmost column)."""
    candidates = []
    for position, header in enumerate(headers):
        found = match_header(header)
        if found is not None:
            candidates.append((found[1], position, header, found[0]))
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for _strength, _position, header, field in sorted(candidates):
        if field not in taken and header not in mapping:
            mapping[header] = field
            taken.add(field)
    return {h: mapping[h] for h in headers if h in mapping}


def validate_mapping(headers: Sequence[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """A chosen mapping restricted to existing headers and known fields; when several
    columns are mapped to one field, the leftmost wins (`clashes` names the others)."""
    present = set(headers)
    kept: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        field = mapping.get(header)
        if header in present and field and field in FIELDS and field not in taken:
            kept[header] = field
            taken.add(field)
    return kept


def clashes(headers: Sequence[str], mapping: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Columns a chosen mapping gives a field that an earlier column already has:
    header → (field, the header used for it)."""
    used: dict[str, str] = {}
    dropped: dict[str, tuple[str, str]] = {}
    for header in headers:
        field = mapping.get(header)
        if not field or field not in FIELDS:
            continue
        if field in used:
            dropped[header] = (field, used[field])
        else:
            used[field] = header
    return dropped


def ignored_columns(headers: Sequence[str], mapping: Mapping[str, str]) -> dict[str, str | None]:
    """Each column the mapping leaves out → the header that gives the field it names instead
    ("Course ID (2)" → "Course ID"), or None when its name is not a field's."""
    by_field = {field: header for header, field in mapping.items()}
    ignored: dict[str, str | None] = {}
    for header in headers:
        if header in mapping:
            continue
        found = match_header(header)
        ignored[header] = by_field.get(found[0]) if found else None
    return ignored


def apply_mapping(values: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """Field → raw value of one row under a mapping (fields without a column are absent)."""
    return {field: values.get(header) for header, field in mapping.items()}


def bare_duration_unit(
    header: str,
) -> Literal["minutes", "hours", "class_hours", "seconds", "milliseconds"]:
    """What a bare number in a duration column counts, judged by the column's name.

    Udemy's "content_duration" and names ending in hours/小时 hold hours, names ending in
    学时 hold class hours (45 minutes), in ms/毫秒 milliseconds ("durationMs"), in
    seconds/秒 seconds; anything else holds minutes.
    """
    key = normalise_header(header).translate(_PARENTHESES)
    if key.endswith(("ms", "millis", "milliseconds", "毫秒")):
        return "milliseconds"
    if key.endswith(("seconds", "secs", "sec", "秒", "秒数")):
        return "seconds"
    if key in _HOURS_HEADERS or key.endswith(("hours", "hrs", "小时", "小时数")):
        return "hours"
    if key.endswith(("学时", "学时数")):
        return "class_hours"
    return "minutes"


_HOURS_HEADERS = frozenset({"contentduration"})
_PARENTHESES = str.maketrans("", "", "()[]")

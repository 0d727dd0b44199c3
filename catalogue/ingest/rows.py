"""Turning one mapped row of a partner file into validated course data, or row errors."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from catalogue.errors import ValidationError
from catalogue.ingest import values as v
from catalogue.ingest.area_rules import THRESHOLD as AREA_THRESHOLD
from catalogue.ingest.area_rules import guess_area
from catalogue.ingest.language import detect_language
from catalogue.ingest.lessons import GROUPED, ROW, flat_column, nested_lessons, read_lessons
from catalogue.ingest.mapping import LESSON_FIELDS as LESSON_COLUMNS
from catalogue.ingest.mapping import bare_duration_unit, ignored_columns
from catalogue.ingest.problems import RowError
from catalogue.ingest.readers import RawRow
from catalogue.models import Area, CourseStatus
from catalogue.services.awards import AwardInput, parse_award
from catalogue.services.courses import CourseData, validate_course

# How a service validation code reads in a partner's error report.
_SERVICE_CODES = {
    ("title", "REQUIRED"): "MISSING_TITLE",
    ("external_id", "REQUIRED"): "MISSING_ID",
    ("price_cents", "MISSING_PRICE"): "BAD_PRICE",
    ("price_cents", "FREE_WITH_PRICE"): "BAD_PRICE",
    ("price_cents", "OUT_OF_RANGE"): "BAD_PRICE",
    ("duration_minutes", "OUT_OF_RANGE"): "BAD_DURATION",
    ("subjects", "TOO_MANY"): "TOO_MANY_TAGS",
}
# The completion rule and credits columns, and how their problems read in the report.
AWARD_FIELDS = ("credits", "outcome_type", "completion", "completion_share", "completion_minutes")
_AWARD_CODES = {
    ("credits", "NOT_A_NUMBER"): "BAD_CREDITS",
    ("credits", "OUT_OF_RANGE"): "BAD_CREDITS",
    ("outcome_type", "INVALID_CHOICE"): "UNKNOWN_OUTCOME_TYPE",
    ("completion", "INVALID_CHOICE"): "UNKNOWN_COMPLETION",
    ("completion_share", "REQUIRED"): "BAD_COMPLETION_SHARE",
    ("completion_share", "NOT_A_NUMBER"): "BAD_COMPLETION_SHARE",
    ("completion_share", "OUT_OF_RANGE"): "BAD_COMPLETION_SHARE",
    ("completion_minutes", "REQUIRED"): "BAD_COMPLETION_MINUTES",
    ("completion_minutes", "NOT_A_NUMBER"): "BAD_COMPLETION_MINUTES",
    ("completion_minutes", "OUT_OF_RANGE"): "BAD_COMPLETION_MINUTES",
}
# Course fields as validate_course names them, and the file field they come from.
_SOURCE_FIELD = {
    "price_cents": "price",
    "duration_minutes": "duration",
    "cover_url": "cover_url",
    "source_url": "source_url",
}


@dataclass(frozen=True)
class RowDefaults:
    """What an upload supplies for values its file leaves out.

    `language`: the language of every course in the file, when the partner states it (else
    a row's language column, else the language detected from its text). `area`: the area of
    rows without one; with `infer_area`, only of rows whose area cannot be inferred surely.
    """

    area: Area | None = None
    language: str | None = None
    infer_area: bool = True


@dataclass(frozen=True)
class RowReading:
    """Where a row's language and area came from, for the preview.

    Sources: "file" (the partner's choice for the file), "column", "detected"/"inferred",
    "default" (the file's default area); area_confidence is the inference's (0–1).
    """

    language: str | None = None
    language_source: str | None = None
    area: str | None = None
    area_source: str | None = None
    area_confidence: float | None = None
    area_evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedRow:
    """A valid row, ready to apply."""

    number: int
    key: str
    data: CourseData
    values: dict[str, Any]
    status: CourseStatus
    lesson_count: int
    fingerprint: str
    # The course's lessons as validated column values when the file gave them, else None
    # (the course keeps the lessons it has).
    lessons: tuple[dict[str, Any], ...] | None = None
    # The completion rule and credits when the file has any of their columns, else None (the
    # course keeps the settings it has).
    award: AwardInput | None = None


def _digest(*parts: str) -> str:
    normal = "|".join(" ".join(p.casefold().split()) for p in parts)
    return hashlib.sha1(normal.encode("utf-8")).hexdigest()[:24]


def derived_key(title: str | None, source_url: str | None, institution: str | None) -> str | None:
    """A stable key for files without an id column.

    The course's own URL identifies it best; without one, the normalised title together with
    the institution named in the row (several schools teach a course of the same name).
    """
    if source_url:
        return "url:" + _digest(source_url)
    if title:
        return "title:" + _digest(title, institution or "")
    return None


class RowParser:
    """Validates mapped rows of one file and remembers keys to catch duplicates."""

    def __init__(
        self,
        mapping: Mapping[str, str],
        defaults: RowDefaults,
        headers: Sequence[str] | None = None,
    ) -> None:
        self.column_of = {field: header for header, field in mapping.items()}
        self.mapping = dict(mapping)
        # Columns left out because an earlier one gives their field ("image" beside "cover",
        # "Course ID (2)"): they fill a row's blank value of that field, in file order.
        self.fallbacks: dict[str, list[str]] = {}
        for header, used in ignored_columns(headers or (), mapping).items():
            if used is not None:
                self.fallbacks.setdefault(mapping[used], []).append(header)
        self.defaults = defaults
        self.has_id_column = "external_id" in self.column_of
        self.seen: dict[str, int] = {}
        self.sources: dict[str, str] = dict(self.column_of)
        # How the last parsed row's language and area were decided (for the preview).
        self.last_reading = RowReading()

    def fields(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Field → raw value of a row: the mapped column's, or a fallback column's if blank.

        A duration that is a point in time (an API's "courseTime": 1598918400000, epoch
        milliseconds) is not a length: it counts as blank. `self.sources` records the
        column each value came from.
        """
        fields = {f: values.get(h) for h, f in self.mapping.items()}
        self.sources = dict(self.column_of)
        if v.epoch_time(fields.get("duration")) is not None:
            fields["duration"] = None
        for name, headers in self.fallbacks.items():
            if not v.is_missing(fields.get(name)):
                continue
            for header in headers:
                value = values.get(header)
                if v.is_missing(value) or (name == "duration" and v.epoch_time(value)):
                    continue
                fields[name], self.sources[name] = value, header
                break
        return fields

    def _language(
        self, number: int, fields: Mapping[str, Any], title: str | None, errors: list[RowError]
    ) -> tuple[str | None, str | None]:
        """The row's language and where it came from: the file's, the column's, or detected."""
        if self.defaults.language:
            return self.defaults.language, "file"
        given = fields.get("language")
        if not v.is_missing(given):
            try:
                return v.parse_language(given), "column"
            except ValueError as exc:
                errors.append(self._error(number, "BAD_LANGUAGE", "language", given, str(exc)))
                return None, "column"
        texts = (title, _optional_text(fields.get("subtitle")), _prose(fields.get("description")))
        detected = detect_language(texts)
        if detected is None and title is None:
            return None, None  # the row is rejected for its missing title already
        if detected is None:
            errors.append(
                self._error(
                    number,
                    "LANGUAGE_UNKNOWN",
                    "language",
                    None,
                    "the title and description have no letters to tell the language from; "
                    "add a language column or choose the language of every course in the file",
                )
            )
            return None, None
        return detected, "detected"

    def _area(
        self,
        number: int,
        fields: Mapping[str, Any],
        title: str | None,
        subjects: list[str],
        errors: list[RowError],
    ) -> tuple[Area | None, dict[str, Any]]:
        """The row's area and how it was decided (column, inferred, the file's default)."""
        given = fields.get("area")
        if not v.is_missing(given):
            try:
                area = v.parse_area(given)
                return area, {"area": area.value, "area_source": "column"}
            except ValueError as exc:
                errors.append(self._error(number, "UNKNOWN_AREA", "area", given, str(exc)))
                return None, {}
        default = self.defaults.area
        if not self.defaults.infer_area:
            if default is None:
                errors.append(
                    self._error(number, "MISSING_AREA", "area", None, "no area and no default")
                )
                return None, {}
            return Area(default), {"area": Area(default).value, "area_source": "default"}
        guess = guess_area(subjects, title)
        reading = {
            "area": guess.area.value if guess.area else None,
            "area_source": "inferred",
            "area_confidence": guess.confidence,
            "area_evidence": guess.evidence,
        }
        if guess.certain:
            return guess.area, reading
        if default is not None:
            return Area(default), {**reading, "area": Area(default).value, "area_source": "default"}
        if guess.area is None:
            message = (
                "no area given, and nothing in the subjects or title points to one: add an "
                "area column or choose a default area for the file"
            )
        else:
            message = (
                f"no area given; the subjects and title suggest {guess.area.value} only with "
                f"confidence {guess.confidence:.2f} (below {AREA_THRESHOLD}): add an area "
                "column or choose a default area for the file"
            )
        shown = guess.area.value if guess.area else None
        errors.append(self._error(number, "AREA_UNCERTAIN", "area", shown, message))
        return None, reading

    def parse(self, raw: RawRow) -> tuple[ParsedRow | None, list[RowError]]:
        """Validate one row; returns the parsed row, or None and the reasons."""
        self.last_reading = RowReading()
        if raw.error is not None:
            return None, [raw.error]
        fields = self.fields(raw.values)
        errors: list[RowError] = []

        def field(name: str, parser: Callable[[Any], Any], code: str, default: Any = None):
            value = fields.get(name)
            if v.is_missing(value):
                return default
            try:
                return parser(value)
            except ValueError as exc:
                errors.append(self._error(raw.number, code, name, value, str(exc)))
                return default

        title = fields.get("title")
        title = None if v.is_missing(title) else str(title).strip()
        if title is None:
            errors.append(self._error(raw.number, "MISSING_TITLE", "title", None, "no title"))
        if self.has_id_column:
            ident = fields.get("external_id")
            key = None if v.is_missing(ident) else _text(ident)
            if key is None:
                errors.append(self._error(raw.number, "MISSING_ID", "external_id", None, "no id"))
        else:
            key = derived_key(
                title,
                _optional_text(fields.get("source_url")),
                _optional_text(fields.get("provider")),
            )

        subjects = field("subjects", v.parse_list, "BAD_LIST", [])
        area, area_reading = self._area(raw.number, fields, title, subjects, errors)
        language, language_source = self._language(raw.number, fields, title, errors)
        is_free, price = field("price", v.parse_price, "BAD_PRICE", (True, None))
        if "is_free" in fields and not v.is_missing(fields.get("is_free")):
            free_flag = field("is_free", v.parse_bool, "BAD_BOOLEAN", None)
            if free_flag is True:
                is_free, price = True, None
            elif free_flag is False and price is None:
                errors.append(
                    self._error(
                        raw.number,
                        "BAD_PRICE",
                        "price",
                        fields.get("price"),
                        "a paid course needs a price",
                    )
                )
        effort = fields.get("effort")
        unit = bare_duration_unit(self.sources.get("duration", ""))
        duration = field(
            "duration",
            lambda x: v.parse_duration_minutes(x, effort, unit=unit),
            "BAD_DURATION",
            None,
        )
        grouped = raw.values.get(GROUPED)
        flat_columns = None
        if grouped is not None:  # one row per lesson: the rows of this course's lessons
            given = grouped or None
            flat_columns = {f: h for h, f in self.mapping.items() if f in LESSON_COLUMNS}
        else:
            given = nested_lessons(fields.get("lesson_count"))
        lesson_input = []
        lessons_column = self.column_of.get("lesson_count", "lessons")
        if given is not None:
            lesson_input, problems = read_lessons(given, lessons_column, flat_columns)
            for problem in problems:
                shown = None if problem.value is None else str(problem.value)
                errors.append(
                    self._error(
                        problem.row or raw.number, problem.code, problem.field, shown, str(problem)
                    )
                )
        data = CourseData(
            external_id=key or "",
            title=title or "",
            area=area or Area.CONTINUING,
            format=field("format", v.parse_format, "UNKNOWN_FORMAT", "video"),
            subtitle=_prose(fields.get("subtitle")),
            description=_prose(fields.get("description")),
            subjects=subjects,
            level=field("level", v.parse_level, "UNKNOWN_LEVEL", "all"),
            # Without a language the row is rejected already (the value only lets the rest
            # of the row be checked).
            language=language or "zh",
            # Without a stated length, a course whose lessons are given is their total.
            duration_minutes=duration if duration is not None else (None if given else 0),
            cover_url=_optional_text(fields.get("cover_url")),
            source_url=_optional_text(fields.get("source_url")),
            is_free=is_free,
            price_cents=price,
            lessons=lesson_input,
        )
        status = field("status", v.parse_status, "UNKNOWN_STATUS", "published")
        if given is not None:
            lessons = len(lesson_input)
        else:
            lessons = field("lesson_count", v.parse_int, "BAD_NUMBER", 0) or 0
        if lessons < 0:
            errors.append(self._error(raw.number, "BAD_NUMBER", "lesson_count", lessons, "< 0"))
        values: dict[str, Any] = {}
        try:
            values = validate_course(data)
        except ValidationError as exc:
            for problem in exc.errors:
                if problem.field.startswith("lessons[") and given is not None:
                    row, column = self._lesson_column(
                        raw.number, problem.field, lessons_column, given, flat_columns
                    )
                    errors.append(self._error(row, problem.code, column, None, problem.message))
                    continue
                if problem.field == "lessons":
                    errors.append(
                        self._error(raw.number, problem.code, "lesson_count", None, problem.message)
                    )
                    continue
                name = problem.field.split("[")[0]
                if name == "external_id" and not self.has_id_column:
                    continue  # a derived key: its absence is already a MISSING_TITLE
                code = _SERVICE_CODES.get((name, problem.code), problem.code)
                source = _SOURCE_FIELD.get(name, name)
                errors.append(
                    self._error(raw.number, code, source, fields.get(source), problem.message)
                )
        award = self._award(raw.number, fields, errors)
        if key is not None and not errors:
            first = self.seen.get(key)
            if first is not None:
                column = "external_id" if self.has_id_column else self._key_field(fields)
                errors.append(
                    self._error(
                        raw.number,
                        "DUPLICATE_IN_FILE",
                        column,
                        fields.get(column),
                        f"same course as row {first}",
                    )
                )
            else:
                self.seen[key] = raw.number
        self.last_reading = RowReading(
            language=language,
            language_source=language_source,
            **area_reading,
        )
        if errors:
            return None, _unique(errors)
        checked_lessons = values.pop("lessons", None)
        staged_lessons = (
            tuple({k: x for k, x in lesson.items() if k != "id"} for lesson in checked_lessons)
            if given is not None
            else None
        )
        course_status = CourseStatus(status)
        return (
            ParsedRow(
                number=raw.number,
                key=key,
                data=data,
                values=values,
                status=course_status,
                lesson_count=lessons,
                fingerprint=_fingerprint(
                    {**values, "__award": award.__dict__} if award else values,
                    course_status,
                    lessons,
                    staged_lessons,
                ),
                lessons=staged_lessons,
                award=award,
            ),
            [],
        )

    def _award(
        self, number: int, fields: Mapping[str, Any], errors: list[RowError]
    ) -> AwardInput | None:
        """The row's completion rule and credits when the file has any of their columns."""
        given = {name: fields.get(name) for name in AWARD_FIELDS if name in self.column_of}
        if not given:
            return None
        try:
            return parse_award({k: None if v.is_missing(x) else x for k, x in given.items()})
        except ValidationError as exc:
            for problem in exc.errors:
                code = _AWARD_CODES.get((problem.field, problem.code), "BAD_AWARD")
                errors.append(
                    self._error(
                        number, code, problem.field, fields.get(problem.field), problem.message
                    )
                )
            return None

    @staticmethod
    def _lesson_column(
        number: int,
        field: str,
        lessons_column: str,
        given: list[Any],
        flat_columns: Mapping[str, str] | None,
    ) -> tuple[int, str]:
        """The row and column a course-service problem of a lesson ("lessons[2].title") is in."""
        index_text, _dot, name = field[len("lessons[") :].partition("].")
        if flat_columns is None:
            return number, f"{lessons_column}[{index_text}].{name}".replace(
                ".duration_seconds", ".duration"
            )
        index = int(index_text) - 1
        item = given[index] if 0 <= index < len(given) else {}
        row = item.get(ROW, number) if isinstance(item, Mapping) else number
        return row, flat_column(field, flat_columns)

    @staticmethod
    def _key_field(fields: Mapping[str, Any]) -> str:
        return "title" if v.is_missing(fields.get("source_url")) else "source_url"

    def _error(self, row: int, code: str, field: str, value: Any, message: str) -> RowError:
        column = self.column_of.get(field, field)
        shown = None if value is None else _text(value)[:500]
        return RowError(row=row, code=code, column=column, value=shown, message=message[:500])


def _text(value: Any) -> str:
    return str(value).strip()


def _optional_text(value: Any) -> str | None:
    return None if v.is_missing(value) else _text(value)


def _prose(value: Any) -> str | None:
    """Free text; a list written as "['a', 'b']" (as some exports do) becomes lines."""
    text = _optional_text(value)
    if text and text.startswith("[") and text.endswith("]"):
        try:
            items = v.parse_list(text)
        except ValueError:
            return text
        return "\n".join(items) or None
    return text


def _unique(errors: list[RowError]) -> list[RowError]:
    """One error per code and column: the first, most specific, message wins."""
    seen: dict[tuple[str, str | None], RowError] = {}
    for error in errors:
        seen.setdefault((error.code, error.column), error)
    return list(seen.values())


def _fingerprint(
    values: Mapping[str, Any],
    status: CourseStatus,
    lessons: int,
    lesson_values: tuple[dict[str, Any], ...] | None = None,
) -> str:
    payload = {k: (x.value if hasattr(x, "value") else x) for k, x in values.items()}
    payload["__status"] = status.value
    payload["__lessons"] = lessons
    if lesson_values is not None:
        payload["__lesson_values"] = [
            {k: (x.value if hasattr(x, "value") else x) for k, x in lesson.items()}
            for lesson in lesson_values
        ]
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

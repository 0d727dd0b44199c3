"""The parsing layer over real partner-style catalogues (the shared data sets, never copied)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from catalogue.ingest import values as v
from catalogue.ingest.decoding import detect_encoding
from catalogue.ingest.mapping import apply_mapping, auto_mapping, bare_duration_unit
from catalogue.ingest.readers import RawRow, count_rows, open_table, sniff_format


@dataclass(frozen=True)
class Shared:
    """One shared catalogue file and what the data README says about it."""

    path: str
    fmt: str
    rows: int
    mapped: tuple[str, ...]


FILES = {
    "edx": Shared("catalogues/edx/edx_courses.csv", "csv", 975, ("title", "source_url")),
    "coursera": Shared(
        "catalogues/coursera/coursera_courses.csv", "csv", 1000, ("title", "source_url")
    ),
    "udemy": Shared(
        "catalogues/udemy/udemy_courses.csv", "csv", 3678, ("external_id", "title", "source_url")
    ),
    "mit": Shared(
        "catalogues/mit-ocw/mit.csv", "csv", 3264, ("external_id", "title", "source_url")
    ),
    "icourse163-xlsx": Shared(
        "catalogues/icourse163/icourse163_courserating.xlsx", "xlsx", 7250, ("title", "source_url")
    ),
    "icourse163-csv": Shared(
        "catalogues/icourse163/icourse163_courserating.csv", "csv", 7250, ("title", "source_url")
    ),
}


@dataclass(frozen=True)
class Read:
    """A shared file read once: headers, rows, mapping and the detected encoding."""

    headers: list[str]
    rows: list[RawRow]
    mapping: dict[str, str]
    encoding: str | None
    delimiter: str | None

    def column(self, field: str) -> list:
        """The raw values of one mapped field, in row order."""
        return [apply_mapping(row.values, self.mapping).get(field) for row in self.rows]


@cache
def _read(path: Path) -> Read:
    with open_table(path, sniff_format(path, path.name)) as table:
        rows = list(table.rows)
    return Read(table.headers, rows, auto_mapping(table.headers), table.encoding, table.delimiter)


def _file(shared_data: Path, name: str) -> Path:
    path = shared_data / FILES[name].path
    if not path.is_file():
        pytest.skip(f"shared data file {path} is absent")
    return path


@pytest.mark.parametrize("name", sorted(FILES))
def test_shared_file_is_sniffed_decoded_and_counted(shared_data, name):
    spec = FILES[name]
    path = _file(shared_data, name)
    assert sniff_format(path, path.name) == spec.fmt
    if spec.fmt == "csv":
        assert detect_encoding(path) == "utf-8"
    read = _read(path)
    assert len(read.rows) == spec.rows
    assert count_rows(path, spec.fmt) == spec.rows  # type: ignore[arg-type]
    assert all(row.error is None for row in read.rows)
    assert [row.number for row in read.rows] == list(range(2, spec.rows + 2))
    if spec.fmt == "csv":
        assert read.delimiter == ","


@pytest.mark.parametrize("name", sorted(FILES))
def test_shared_file_maps_its_key_columns(shared_data, name):
    read = _read(_file(shared_data, name))
    assert set(FILES[name].mapped) <= set(read.mapping.values())
    titles = read.column("title")
    assert sum(1 for t in titles if v.is_missing(t)) == (12 if name.startswith("icourse") else 0)


def test_icourse163_workbook_and_csv_hold_the_same_courses(shared_data):
    workbook = _read(_file(shared_data, "icourse163-xlsx"))
    text = _read(_file(shared_data, "icourse163-csv"))
    assert workbook.headers == text.headers
    assert workbook.headers[:4] == ["序号", "学校缩写", "学校名称", "课程名称"]
    assert "序号" not in workbook.mapping  # a row counter, not an id
    assert workbook.column("title") == text.column("title")
    assert [str(t) for t in workbook.column("source_url")] == text.column("source_url")
    assert [v.parse_int(n) for n in workbook.column("enrolments")] == [
        v.parse_int(n) for n in text.column("enrolments")
    ]
    # The CSV spells some ratings as 4.5999999999999996; as numbers they are the same.
    assert [v.parse_float(r) for r in workbook.column("rating")] == [
        v.parse_float(r) for r in text.column("rating")
    ]
    assert any(isinstance(n, int) for n in workbook.column("enrolments"))


def test_icourse163_null_titles_are_missing_in_both_files(shared_data):
    for name in ("icourse163-xlsx", "icourse163-csv"):
        titles = _read(_file(shared_data, name)).column("title")
        assert sum(1 for t in titles if t == "null") == 12
        assert sum(1 for t in titles if v.is_missing(t)) == 12


def test_coursera_multiline_fields_and_skill_lists(shared_data):
    read = _read(_file(shared_data, "coursera"))
    assert read.headers[0] == "Column 1"  # the unnamed first column
    assert "Column 1" not in read.mapping
    descriptions = read.column("description")
    assert sum(1 for d in descriptions if "\n" in d) > 900
    skills = [v.parse_list(s) for s in read.column("subjects")]
    assert all(isinstance(s, list) for s in skills)
    assert skills[0][:3] == ["Security Software", "Risk Management", "Access Control"]
    assert len(skills[0]) == len(set(skills[0]))  # duplicates in the file are dropped
    assert sum(1 for s in skills if not s) == 355  # "[]" in the file
    assert sum(1 for s in read.column("subjects") if v.is_missing(s)) == 355
    # course_summary is a list literal too (bullet points): "[]" 420 times, "['']" once
    summaries = [v.parse_list(s) for s in read.column("subtitle")]
    assert sum(1 for s in summaries if not s) == 421
    levels = {v.parse_level(x) for x in read.column("level")}
    assert levels == {"beginner", "intermediate", "advanced", "all"}
    minutes = {x: v.parse_duration_minutes(x) for x in set(read.column("duration"))}
    assert minutes["Less Than 2 Hours"] == 120
    assert minutes["1 - 4 Weeks"] < minutes["1 - 3 Months"] < minutes["3 - 6 Months"]


def test_edx_values_all_parse(shared_data):
    read = _read(_file(shared_data, "edx"))
    efforts = read.column("effort")
    minutes = [
        v.parse_duration_minutes(length, effort)
        for length, effort in zip(read.column("duration"), efforts, strict=True)
    ]
    assert all(m is not None and m > 0 for m in minutes)
    first = read.rows[0].values
    assert (first["course_length"], first["course_effort"]) == ("2 Weeks", "2–3 hours per week")
    assert minutes[0] == 2 * 2.5 * 60
    assert {v.parse_level(x) for x in read.column("level")} == {
        "beginner",
        "intermediate",
        "advanced",
    }
    languages = {v.parse_language(x) for x in read.column("language")}
    assert {"en", "es", "zh", "fr"} <= languages
    assert all(v.parse_price(p) == (True, None) for p in read.column("price"))  # free to audit
    enrolled = [v.parse_int(n) for n in read.column("enrolments")]
    assert enrolled[0] == 124980
    assert sum(1 for n in enrolled if n is None) == 120  # "NA" in the file


def test_udemy_values_all_parse(shared_data):
    read = _read(_file(shared_data, "udemy"))
    assert "is_paid" not in read.mapping  # the inverse of is_free: the price says the same
    prices = [v.parse_price(p) for p in read.column("price")]
    paid = [row.values["is_paid"] for row in read.rows]
    assert [not is_free for is_free, _ in prices] == [p == "True" for p in paid]
    assert {v.parse_level(x) for x in read.column("level")} == {
        "all",
        "beginner",
        "intermediate",
        "advanced",
    }
    header = next(h for h, f in read.mapping.items() if f == "duration")
    assert bare_duration_unit(header) == "hours"  # content_duration: "1.5" is 90 minutes
    minutes = [v.parse_duration_minutes(x, unit="hours") for x in read.column("duration")]
    assert minutes[0] == 90
    assert minutes == [v.parse_hours(x) for x in read.column("duration")]
    assert all(m is not None and m >= 0 for m in minutes)
    assert all(v.parse_int(n) is not None for n in read.column("lesson_count"))
    ids = read.column("external_id")
    assert len(set(ids)) == len(ids) - 6  # six courses are listed twice in the file

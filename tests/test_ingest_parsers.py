"""The parsing layer of partner ingestion: encodings, formats, readers, mapping and values."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from catalogue.demo.files import write_catalogue_file
from catalogue.ingest import decoding, readers
from catalogue.ingest import values as v
from catalogue.ingest.decoding import ENCODINGS, detect_encoding, normalise_encoding
from catalogue.ingest.mapping import (
    FIELDS,
    SYNONYMS,
    apply_mapping,
    auto_mapping,
    bare_duration_unit,
    clashes,
    normalise_header,
    validate_mapping,
)
from catalogue.ingest.problems import FileRejected, RowError
from catalogue.ingest.readers import (
    RawRow,
    count_rows,
    open_table,
    sniff_delimiter,
    sniff_format,
)
from catalogue.models.enums import Area, CourseFormat, CourseStatus, Level

CHINESE = (
    "课程编号,课程名称,课程简介\n"
    "KC001,Python语言程序设计,零基础入门：适合老年朋友学习智能手机使用技巧！\n"
    "KC002,中国近现代史纲要,北京理工大学“国家精品课程”——共十二讲（含测验）。\n"
)
WESTERN = (
    "title,description\n"
    "Introducción al diseño gráfico,Un curso práctico — “paso a paso”\n"
    "Café et société,Les élèves découvrent la crème brûlée à Montréal\n"
    "Größe und Übermut,Ein Kurs über Wörter\n"
)


def _write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def _code(excinfo: pytest.ExceptionInfo[FileRejected]) -> str:
    return excinfo.value.code


def _read(path: Path, fmt: readers.FileFormat | None = None, **kwargs) -> tuple[list[str], list]:
    with open_table(path, fmt or sniff_format(path), **kwargs) as table:
        return table.headers, list(table.rows)


# ---------------------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (CHINESE, "utf-8", "utf-8"),
        (CHINESE, "utf-8-sig", "utf-8-sig"),
        (CHINESE, "gb18030", "gb18030"),
        (CHINESE, "gbk", "gb18030"),
        (WESTERN, "utf-8", "utf-8"),
        (WESTERN, "utf-8-sig", "utf-8-sig"),
        (WESTERN, "cp1252", "cp1252"),
    ],
)
def test_detects_each_encoding(tmp_path, text, encoding, expected):
    path = _write(tmp_path, "f.csv", text, encoding)
    assert detect_encoding(path) == expected
    assert expected in ENCODINGS


def test_gbk_text_that_also_decodes_as_cp1252_is_read_as_chinese(tmp_path):
    data = CHINESE.encode("gbk")
    assert data.decode("cp1252")  # cp1252 decodes it too: only plausibility tells them apart
    assert detect_encoding(_write(tmp_path, "f.csv", data)) == "gb18030"


def test_cp1252_text_that_also_decodes_as_gb18030_is_read_as_western(tmp_path):
    data = "Introducción al diseño gráfico\nEspañol\n".encode("cp1252")
    assert data.decode("gb18030")  # GB18030 decodes it too, into rare characters
    assert detect_encoding(_write(tmp_path, "f.csv", data)) == "cp1252"


def test_encoding_is_judged_on_the_whole_file_not_the_start(tmp_path, monkeypatch):
    monkeypatch.setattr(decoding, "CHUNK_BYTES", 1024)
    ascii_head = ("id,title\n" + "1,plain ascii title\n" * 500).encode()
    late_gbk = _write(tmp_path, "gbk.csv", ascii_head + "2,老年大学书法课\n".encode("gbk"))
    assert detect_encoding(late_gbk) == "gb18030"
    late_bad = _write(tmp_path, "bad.csv", ascii_head + CHINESE.encode() + b"\xff\n")
    with pytest.raises(FileRejected) as excinfo:
        detect_encoding(late_bad)
    assert _code(excinfo) == "UNDECODABLE"


def test_a_character_split_across_read_chunks_is_still_utf8(tmp_path, monkeypatch):
    monkeypatch.setattr(decoding, "CHUNK_BYTES", 7)  # cuts 3-byte characters everywhere
    path = _write(tmp_path, "f.csv", CHINESE)
    assert detect_encoding(path) == "utf-8"
    assert detect_encoding(_write(tmp_path, "g.csv", CHINESE, "gb18030")) == "gb18030"


def test_undecodable_file_names_the_offset_of_the_first_bad_byte(tmp_path):
    path = _write(tmp_path, "f.csv", b"title\nab\x81\x20c\xff\n")
    with pytest.raises(FileRejected) as excinfo:
        detect_encoding(path)
    assert _code(excinfo) == "UNDECODABLE"
    assert "offset 8" in excinfo.value.message
    assert "UTF-8" in excinfo.value.message


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("big5", "課程名稱,學校名稱\n中國近現代史綱要,國立臺灣大學開放式課程\n".encode("big5")),
        ("shift_jis", "講座名,大学\n日本語のテキスト,早稲田大学の公開講座\n".encode("shift_jis")),
        ("mixed_up", b"a,b\n\xc0\xa0\xc0\xa0\n"),
    ],
)
def test_text_that_only_decodes_by_accident_is_ambiguous_not_misread(tmp_path, name, data):
    path = _write(tmp_path, f"{name}.csv", data)
    with pytest.raises(FileRejected) as excinfo:
        detect_encoding(path)
    assert _code(excinfo) == "AMBIGUOUS_ENCODING"
    assert "UTF-8" in excinfo.value.message


@pytest.mark.parametrize(
    "data",
    ["标题\n中文".encode("utf-16"), b"title\x00\x00a\x00b\n"],
)
def test_utf16_and_binary_files_are_unsupported(tmp_path, data):
    with pytest.raises(FileRejected) as excinfo:
        detect_encoding(_write(tmp_path, "f.csv", data))
    assert _code(excinfo) == "UNSUPPORTED_ENCODING"


@pytest.mark.parametrize(
    ("declared", "text", "encoding", "expected"),
    [
        ("GBK", CHINESE, "gbk", "gb18030"),
        ("gb2312", CHINESE, "gbk", "gb18030"),
        ("cp936", CHINESE, "gbk", "gb18030"),
        ("utf8", CHINESE, "utf-8", "utf-8"),
        ("UTF-8", CHINESE, "utf-8-sig", "utf-8-sig"),
        ("utf-8-sig", CHINESE, "utf-8", "utf-8"),
        ("windows-1252", WESTERN, "cp1252", "cp1252"),
        ("latin-1", WESTERN, "cp1252", "cp1252"),
    ],
)
def test_declared_encoding_is_normalised_and_checked(tmp_path, declared, text, encoding, expected):
    path = _write(tmp_path, "f.csv", text, encoding)
    assert detect_encoding(path, declared) == expected


def test_a_declared_encoding_that_does_not_fit_is_undecodable(tmp_path):
    path = _write(tmp_path, "f.csv", "id,title\n1,书法入门\n", "gbk")
    with pytest.raises(FileRejected) as excinfo:
        detect_encoding(path, "utf-8")
    assert _code(excinfo) == "UNDECODABLE"
    assert "offset 11" in excinfo.value.message


@pytest.mark.parametrize("declared", ["shift_jis", "utf-16", "no-such-codec", ""])
def test_unsupported_declared_encodings_are_refused(tmp_path, declared):
    path = _write(tmp_path, "f.csv", "a,b\n1,2\n")
    with pytest.raises(FileRejected) as excinfo:
        detect_encoding(path, declared)
    assert _code(excinfo) == "UNSUPPORTED_ENCODING"


def test_normalise_encoding_maps_aliases_onto_the_supported_codecs():
    assert normalise_encoding("GB2312") == "gb18030"
    assert normalise_encoding(" Windows-1252 ") == "cp1252"
    assert normalise_encoding("UTF8") == "utf-8"


# ---------------------------------------------------------------------------------------
# Format sniffing
# ---------------------------------------------------------------------------------------


def _xlsx(path: Path, rows: list[list], *, start_row: int = 1) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=start_row + offset, column=column, value=value)
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("title,area\nx,y\n", "csv"),
        ('"title";"area"\n', "csv"),
        ('  \n\t[{"title": "x"}]', "json"),
        ('\ufeff[{"title": "x"}]', "json"),
        ('{"title": "x"}\n{"title": "y"}\n', "jsonl"),
        ('{"title": "x"}', "jsonl"),
        ('{"courses": [{"title": "x"}]}\n', "json"),
        ('{\n  "courses": [\n    {"title": "x"}\n  ]\n}\n', "json"),
    ],
)
def test_sniff_text_formats_by_content(tmp_path, data, expected):
    assert sniff_format(_write(tmp_path, "upload.bin", data)) == expected


def test_sniff_uses_the_file_name_only_as_a_hint(tmp_path):
    pretty = _write(tmp_path, "f", '{\n  "title": "x"\n}\n')
    assert sniff_format(pretty) == "json"
    assert sniff_format(pretty, "catalogue.jsonl") == "jsonl"
    assert sniff_format(_write(tmp_path, "g", "title\nx\n"), "catalogue.json") == "csv"


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_empty_files_are_refused(tmp_path, data):
    with pytest.raises(FileRejected) as excinfo:
        sniff_format(_write(tmp_path, "f.csv", data))
    assert _code(excinfo) == "EMPTY_FILE"


def test_xlsx_is_recognised_whatever_its_name(tmp_path):
    path = _xlsx(tmp_path / "catalogue.csv", [["title"], ["x"]])
    assert sniff_format(path, "catalogue.csv") == "xlsx"


def test_a_zip_without_workbook_parts_is_an_archive(tmp_path):
    path = tmp_path / "catalogue.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("catalogue.csv", "title\nx\n")
    with pytest.raises(FileRejected) as excinfo:
        sniff_format(path, "catalogue.xlsx")
    assert _code(excinfo) == "ARCHIVE_NOT_ALLOWED"


@pytest.mark.parametrize(
    "data",
    [
        gzip.compress(b"title\nx\n"),
        bz2.compress(b"title\nx\n"),
        lzma.compress(b"title\nx\n"),
        b"7z\xbc\xaf\x27\x1c\x00\x04rest",
        b"Rar!\x1a\x07\x01\x00rest",
    ],
    ids=["gzip", "bzip2", "xz", "7z", "rar"],
)
def test_compressed_archives_are_refused(tmp_path, data):
    with pytest.raises(FileRejected) as excinfo:
        sniff_format(_write(tmp_path, "catalogue.csv", data))
    assert _code(excinfo) == "ARCHIVE_NOT_ALLOWED"


def test_legacy_xls_is_refused_with_advice(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    with pytest.raises(FileRejected) as excinfo:
        sniff_format(_write(tmp_path, "catalogue.xls", data))
    assert _code(excinfo) == "UNSUPPORTED_FORMAT"
    assert ".xlsx" in excinfo.value.message


def test_a_damaged_zip_is_refused(tmp_path):
    good = _xlsx(tmp_path / "good.xlsx", [["title"], ["x"]]).read_bytes()
    path = _write(tmp_path, "cut.xlsx", good[: len(good) // 2])
    with pytest.raises(FileRejected) as excinfo:
        sniff_format(path)
    assert _code(excinfo) == "BAD_XLSX"


# ---------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_and_multiline_fields(tmp_path, delimiter):
    others = "".join(d for d in ",;|" if d != delimiter)
    rows = [
        ["课程名称", "课程简介", "标签"],
        ["书法入门", f"第一行\n第二行 with {others}", "a, b"],
        ["太极拳", 'quoted "word"', "c"],
        ["摄影", "", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path = _write(tmp_path, "f.csv", buffer.getvalue())
    with open_table(path, "csv") as table:
        assert table.delimiter == delimiter
        assert table.encoding == "utf-8"
        assert table.format == "csv"
        read = list(table.rows)
    assert table.headers == rows[0]
    assert [r.number for r in read] == [2, 3, 4]
    assert [list(r.values.values()) for r in read] == rows[1:]


def test_sniff_delimiter_is_not_fooled_by_quotes_and_commas_in_values():
    sample = (
        "title;skills;summary\n"
        "\"Data, science\";\"['a', 'b', 'c']\";x\n"
        "Writing;\"['d', 'e']\";\"multi\nline, with, commas\"\n"
    )
    assert sniff_delimiter(sample) == ";"
    assert sniff_delimiter("title\nonly one column, really\n") == ","


def test_delimiter_sniffing_stays_fast_on_crafted_input():
    started = time.perf_counter()
    assert sniff_delimiter((',"a' * 30_000)[: readers.CSV_SNIFF_CHARS], truncated=True) == ","
    assert time.perf_counter() - started < 2  # csv.Sniffer alone takes ~10 s on this


def test_csv_row_numbers_count_records_including_blank_ones(tmp_path):
    path = _write(tmp_path, "f.csv", 'title,desc\nA,"x\ny\nz"\n\n , \nB,w\n')
    _, rows = _read(path, "csv")
    assert [(r.number, r.values["title"]) for r in rows] == [(2, "A"), (5, "B")]


def test_csv_header_after_blank_lines_keeps_spreadsheet_row_numbers(tmp_path):
    _, rows = _read(_write(tmp_path, "f.csv", "\n\ntitle\nA\n"), "csv")
    assert [r.number for r in rows] == [4]


def test_csv_short_rows_are_padded_and_long_rows_are_row_errors(tmp_path):
    path = _write(tmp_path, "f.csv", "title,area,level\nA,life\nB,x,y,extra\nC,x,y,,\nD,x,y\n")
    _, rows = _read(path, "csv")
    assert rows[0] == RawRow(2, {"title": "A", "area": "life", "level": None})
    assert rows[1].values == {}
    assert rows[1].error is not None
    assert (rows[1].error.row, rows[1].error.code, rows[1].error.value) == (
        3,
        "EXTRA_FIELDS",
        "extra",
    )
    assert rows[2] == RawRow(4, {"title": "C", "area": "x", "level": "y"})  # blank extras ignored
    assert rows[3].values["title"] == "D"


def test_csv_headers_are_stripped_and_blank_ones_named(tmp_path):
    headers, rows = _read(_write(tmp_path, "f.csv", " title ,,area,\nA,1,b,2\n"), "csv")
    assert headers == ["title", "Column 2", "area", "Column 4"]
    assert rows[0].values["Column 2"] == "1"


def test_repeated_headers_are_numbered_by_position_not_refused(tmp_path):
    headers, rows = _read(_write(tmp_path, "f.csv", "title,area,title \nA,b,c\n"), "csv")
    assert headers == ["title", "area", "title (2)"]
    assert rows[0].values == {"title": "A", "area": "b", "title (2)": "c"}


def test_numbered_names_never_collide_with_real_headers(tmp_path):
    headers, _rows = _read(_write(tmp_path, "f.csv", "id,id (2),id,,Column 4\n1,2,3,4,5\n"))
    assert headers == ["id", "id (2)", "id (3)", "Column 4", "Column 4 (2)"]


def test_header_only_file_has_no_rows_and_blank_file_no_header(tmp_path):
    headers, rows = _read(_write(tmp_path, "f.csv", "title,area\n"), "csv")
    assert headers == ["title", "area"]
    assert rows == []
    with pytest.raises(FileRejected) as excinfo:
        _read(_write(tmp_path, "g.csv", "\n,,\n"), "csv")
    assert _code(excinfo) == "EMPTY_FILE"


def test_large_csv_fields_are_read(tmp_path):
    big = "长" * 300_000  # beyond csv's default 128 KB field limit
    _, rows = _read(_write(tmp_path, "f.csv", f'title,description\nA,"{big}"\n'), "csv")
    assert rows[0].values["description"] == big


def test_csv_in_gbk_and_with_bom_reads_the_same_cells(tmp_path):
    expected = list(csv.reader(io.StringIO(CHINESE)))
    for encoding in ("gbk", "utf-8-sig"):
        headers, rows = _read(_write(tmp_path, f"{encoding}.csv", CHINESE, encoding), "csv")
        assert [headers, *[list(r.values.values()) for r in rows]] == expected


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "xlsx"])
def test_too_many_rows_is_raised_while_reading(tmp_path, fmt):
    path = tmp_path / f"f.{fmt}"
    write_catalogue_file(path, 5, fmt=fmt)
    with open_table(path, fmt, max_rows=3) as table:
        read = []
        with pytest.raises(FileRejected) as excinfo:
            read.extend(table.rows)
    assert _code(excinfo) == "TOO_MANY_ROWS"
    assert len(read) == 3
    with pytest.raises(FileRejected) as excinfo:
        count_rows(path, fmt, max_rows=4)
    assert _code(excinfo) == "TOO_MANY_ROWS"
    assert count_rows(path, fmt, max_rows=5) == 5
    assert len(_read(path, fmt, max_rows=5)[1]) == 5


def test_a_wrong_encoding_given_to_open_table_is_undecodable(tmp_path):
    path = _write(tmp_path, "f.csv", CHINESE, "gbk")
    for fmt in ("csv", "jsonl", "json"):
        with pytest.raises(FileRejected) as excinfo:
            _read(path, fmt, encoding="utf-8")
        assert _code(excinfo) == "UNDECODABLE"
        with pytest.raises(FileRejected) as excinfo:
            count_rows(path, fmt, encoding="utf-8")
        assert _code(excinfo) == "UNDECODABLE"
    late = _write(tmp_path, "late.csv", "title\n" + "x\n" * 40_000 + "书法\n", "gbk")
    with open_table(late, "csv", encoding="utf-8") as table, pytest.raises(FileRejected) as excinfo:
        list(table.rows)
    assert _code(excinfo) == "UNDECODABLE"


def test_count_rows_agrees_with_the_rows_read(tmp_path):
    files = {
        "f.csv": ("title,x\nA,1\n\n,\nB,2,3\n", 2),
        "f.jsonl": ('{"title": "A"}\n{}\n{"title": null}\n\nbad\n[1]\n', 3),
        "f.json": ('[{"title": "A"}, {}, {"title": " "}, 3, {"title": "B"}]', 3),
    }
    for name, (text, expected) in files.items():
        path = _write(tmp_path, name, text)
        fmt = sniff_format(path)
        assert count_rows(path, fmt) == len(_read(path, fmt)[1]) == expected, name


def test_the_table_is_closed_when_the_context_ends(tmp_path):
    with open_table(_write(tmp_path, "f.csv", "title\nA\nB\n"), "csv") as table:
        assert next(table.rows).values == {"title": "A"}
    with pytest.raises(ValueError):
        next(table.rows)


# ---------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------


def test_xlsx_values_headers_and_row_numbers(tmp_path):
    path = _xlsx(
        tmp_path / "f.xlsx",
        [
            ["课程名称", None, "学生人数", "评分", "开课日期", None, None],
            ["书法", "x", 12.0, 4.6, datetime(2024, 5, 1), None],
            [None, None, None, None, None, None],
            ["摄影", None, 3, 4.0, datetime(2024, 5, 1, 8, 30)],
            ["太极", None, None, None, None, None, "stray"],
        ],
        start_row=2,
    )
    headers, rows = _read(path)
    assert headers == ["课程名称", "Column 2", "学生人数", "评分", "开课日期"]
    assert [r.number for r in rows] == [3, 5, 6]
    first = rows[0].values
    assert first == {
        "课程名称": "书法",
        "Column 2": "x",
        "学生人数": 12,
        "评分": 4.6,
        "开课日期": "2024-05-01",
    }
    assert type(first["学生人数"]) is int
    assert rows[1].values["开课日期"] == "2024-05-01T08:30:00"
    assert rows[1].values["Column 2"] is None
    assert rows[1].error is None  # a value under an unnamed-but-present column is fine
    assert rows[2].error is not None
    assert rows[2].error.code == "EXTRA_FIELDS"
    assert count_rows(path, "xlsx") == 3


def _tricky_workbook(path: Path, *, write_only: bool) -> Path:
    """Blank rows, whitespace strings, formulas without values, booleans, dates, a wide row."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    rows = [
        [None, "  "],
        ["title", "n", "when"],
        ["A", 1, datetime(2024, 1, 1)],
        ["   ", None, None],
        [None, "=1+1", None],
        [None, None, None, None, None, False],
        [],
        ["B", 2.5, None, None, "beyond the header"],
        ["\t", " "],
    ]
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.mark.parametrize("write_only", [False, True], ids=["shared-strings", "inline-strings"])
def test_xlsx_count_agrees_with_the_rows_read(tmp_path, write_only):
    path = _tricky_workbook(tmp_path / "f.xlsx", write_only=write_only)
    headers, rows = _read(path, "xlsx")
    assert headers == ["title", "n", "when"]
    assert [r.number for r in rows] == [3, 6, 8]
    assert count_rows(path, "xlsx") == 3
    with pytest.raises(FileRejected) as excinfo:
        count_rows(path, "xlsx", max_rows=2)
    assert _code(excinfo) == "TOO_MANY_ROWS"


def test_openpyxl_parses_workbooks_with_defusedxml():
    import defusedxml
    import openpyxl

    assert openpyxl.DEFUSEDXML is True
    assert defusedxml.__version__ >= "0.7"


def _rewrite_zip(source: Path, target: Path, replace: dict[str, bytes], add: dict[str, bytes]):
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, replace.get(item.filename, zin.read(item.filename)))
        for name, data in add.items():
            zout.writestr(name, data)
    return target


def test_an_xlsx_with_a_highly_compressed_member_is_refused(tmp_path):
    good = _xlsx(tmp_path / "good.xlsx", [["title"], ["x"]])
    bomb = _rewrite_zip(good, tmp_path / "bomb.xlsx", {}, {"xl/media/pad.bin": b"\0" * 20_000_000})
    assert sniff_format(bomb) == "xlsx"
    with pytest.raises(FileRejected) as excinfo:
        _read(bomb, "xlsx")
    assert _code(excinfo) == "ARCHIVE_TOO_LARGE"


def test_an_xlsx_unpacking_beyond_the_total_limit_is_refused(tmp_path, monkeypatch):
    path = _xlsx(tmp_path / "f.xlsx", [["title"], ["x"]])
    assert _read(path)[0] == ["title"]
    monkeypatch.setattr(readers, "XLSX_MAX_UNCOMPRESSED", 1000)
    with pytest.raises(FileRejected) as excinfo:
        _read(path)
    assert _code(excinfo) == "ARCHIVE_TOO_LARGE"


def test_an_xlsx_with_xml_entities_is_refused(tmp_path):
    good = _xlsx(tmp_path / "good.xlsx", [["title"], ["x"]])
    with zipfile.ZipFile(good) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
    entities = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    assert not workbook.startswith("<?xml")
    evil = (entities + workbook).encode()
    path = _rewrite_zip(good, tmp_path / "evil.xlsx", {"xl/workbook.xml": evil}, {})
    with pytest.raises(FileRejected) as excinfo:
        _read(path, "xlsx")
    assert _code(excinfo) == "BAD_XLSX"
    assert "EntitiesForbidden" in excinfo.value.message
    assert str(tmp_path) not in excinfo.value.message


def test_an_empty_workbook_has_no_header(tmp_path):
    with pytest.raises(FileRejected) as excinfo:
        _read(_xlsx(tmp_path / "f.xlsx", []), "xlsx")
    assert _code(excinfo) == "EMPTY_FILE"


# ---------------------------------------------------------------------------------------
# JSON and JSON Lines
# ---------------------------------------------------------------------------------------


def test_json_array_rows_headers_and_errors(tmp_path):
    data = [
        {"title": "书法", "tags": ["a", "b"], "price": 0},
        "not an object",
        {},
        {"title": None, "level": ""},
        {"level": "入门", "title": "摄影", "lessons": 12},
    ]
    headers, rows = _read(_write(tmp_path, "f.json", json.dumps(data, ensure_ascii=False)))
    assert headers == ["title", "tags", "price", "level", "lessons"]
    assert [r.number for r in rows] == [1, 2, 5]
    assert rows[0].values == {
        "title": "书法",
        "tags": ["a", "b"],
        "price": 0,
        "level": None,
        "lessons": None,
    }
    assert rows[1].values == {}
    assert rows[1].error is not None
    assert (rows[1].error.code, rows[1].error.row) == ("NOT_AN_OBJECT", 2)
    assert rows[2].values["lessons"] == 12


def test_json_envelope_object_is_read(tmp_path):
    data = {"meta": {"items": 1, "list": [1, 2]}, "Courses": [{"title": "A"}, {"title": "B"}]}
    path = _write(tmp_path, "f.json", json.dumps(data, indent=2))
    assert sniff_format(path) == "json"
    headers, rows = _read(path, "json")
    assert headers == ["title"]
    assert [r.values["title"] for r in rows] == ["A", "B"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ('[{"title": "A"},\n {"title": "B",}]', "BAD_JSON"),
        ('[{"title": "A"}] trailing', "BAD_JSON"),
        ('[{"title": "A"}', "BAD_JSON"),
        ('"just a string"', "BAD_JSON"),
        ('{\n "title": "one course"\n}', "NOT_AN_ARRAY"),
    ],
)
def test_malformed_json_is_refused_when_opened(tmp_path, data, code):
    with pytest.raises(FileRejected) as excinfo:
        _read(_write(tmp_path, "f.json", data), "json")
    assert _code(excinfo) == code


def test_deeply_nested_json_is_bad_json_not_a_crash(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(FileRejected) as excinfo:
        _read(_write(tmp_path, "f.json", f'[{{"title": {deep}}}]'), "json")
    assert _code(excinfo) == "BAD_JSON"
    _, rows = _read(_write(tmp_path, "f.jsonl", f'{{"title": {deep}}}\n{{"title": "A"}}\n'))
    assert rows[0].error is not None
    assert rows[0].error.code == "BAD_JSON"
    assert rows[1].values == {"title": "A"}


def test_json_errors_name_the_line(tmp_path):
    with pytest.raises(FileRejected) as excinfo:
        _read(_write(tmp_path, "f.json", '[\n{"a": 1},\n{"a": 2},\n{"a" 3}\n]'), "json")
    assert "line 4" in excinfo.value.message


def test_json_is_streamed_in_small_pieces_correctly(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_READ_CHARS", 5)  # refills inside strings and numbers
    data = [{"id": 123456789, "title": "老年大学" * 20, "rating": 4.75, "ok": True}] * 30
    path = _write(tmp_path, "f.json", json.dumps(data, ensure_ascii=False, indent=1))
    assert [r.values for r in _read(path, "json")[1]] == data
    assert count_rows(path, "json") == 30


def test_json_values_too_large_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "JSON_MAX_VALUE_CHARS", 100)
    monkeypatch.setattr(readers, "_READ_CHARS", 10)
    path = _write(tmp_path, "f.json", json.dumps([{"title": "x" * 1000}]))
    with pytest.raises(FileRejected) as excinfo:
        _read(path, "json")
    assert _code(excinfo) == "BAD_JSON"


def test_jsonl_bad_lines_are_row_errors_and_other_rows_are_read(tmp_path):
    text = '{"title": "A"}\n\n{"title": "B", oops}\n["x"]\n{"title": "C", "extra": 1}\n'
    headers, rows = _read(_write(tmp_path, "f.jsonl", text))
    assert headers == ["title", "extra"]
    assert [r.number for r in rows] == [1, 3, 4, 5]
    assert rows[0].values == {"title": "A", "extra": None}
    assert rows[1].error is not None
    assert (rows[1].error.code, rows[1].error.row, rows[1].values) == ("BAD_JSON", 3, {})
    assert rows[2].error is not None
    assert rows[2].error.code == "NOT_AN_OBJECT"
    assert rows[3].values == {"title": "C", "extra": 1}
    assert count_rows(_write(tmp_path, "g.jsonl", text), "jsonl") == 4


def test_jsonl_headers_come_from_the_first_objects(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "JSONL_HEADER_ROWS", 2)
    text = '{"a": 1}\n{"b": 2}\n{"c": 3, "a": 4}\n'
    headers, rows = _read(_write(tmp_path, "f.jsonl", text), "jsonl")
    assert headers == ["a", "b"]
    assert rows[2].values == {"a": 4, "b": None, "c": 3}


def test_jsonl_in_gb18030_is_decoded(tmp_path):
    text = '{"课程名称": "书法入门", "难度": "入门"}\n'
    path = _write(tmp_path, "f.jsonl", text * 3, "gb18030")
    with open_table(path, sniff_format(path)) as table:
        assert table.encoding == "gb18030"
        assert [r.values["课程名称"] for r in table.rows] == ["书法入门"] * 3


def test_rows_carry_row_errors_of_the_shared_type(tmp_path):
    _, rows = _read(_write(tmp_path, "f.jsonl", "{bad\n"), "jsonl")
    assert isinstance(rows[0].error, RowError)


# ---------------------------------------------------------------------------------------
# Demo catalogue files
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "xlsx"])
@pytest.mark.parametrize("headers", ["zh", "en"])
def test_demo_files_are_read_back_and_fully_mapped(tmp_path, fmt, headers):
    path = tmp_path / f"demo.{fmt}"
    assert write_catalogue_file(path, 40, fmt=fmt, headers=headers) == 40
    assert sniff_format(path) == fmt
    names, rows = _read(path)
    mapping = auto_mapping(names)
    assert len(mapping) == len(names) == 16
    assert len(rows) == count_rows(path, fmt) == 40
    for row in rows:
        assert row.error is None
        fields = apply_mapping(row.values, mapping)
        assert v.parse_area(fields["area"]) in Area
        assert v.parse_level(fields["level"]) in Level
        assert v.parse_format(fields["format"]) in CourseFormat
        assert v.parse_status(fields["status"]) in CourseStatus
        assert v.parse_language(fields["language"]) in ("zh", "en")
        assert 1 <= v.parse_duration_minutes(fields["duration"]) <= 3600
        assert v.parse_list(fields["subjects"])
        is_free, cents = v.parse_price(fields["price"])
        assert is_free == (cents is None)


def test_demo_files_are_deterministic_and_match_the_generator(tmp_path):
    from catalogue.demo.generator import iter_course_records

    first, second, other = (tmp_path / n for n in ("a.csv", "b.csv", "c.csv"))
    write_catalogue_file(first, 30)
    write_catalogue_file(second, 30)
    write_catalogue_file(other, 30, seed=1)
    assert first.read_bytes() == second.read_bytes() != other.read_bytes()
    courses = list(iter_course_records(30))
    _, rows = _read(first, "csv")
    assert [r.values["课程名称"] for r in rows] == [c["title"] for c in courses]
    minutes = [v.parse_duration_minutes(r.values["时长"]) for r in rows]
    assert minutes == [c["duration_minutes"] for c in courses]
    prices = [v.parse_price(r.values["价格"]) for r in rows]
    assert prices == [(c["is_free"], c["price_cents"]) for c in courses]


def test_demo_files_in_gb18030_are_detected(tmp_path):
    path = tmp_path / "gb.csv"
    write_catalogue_file(path, 50, encoding="gb18030")
    assert detect_encoding(path) == "gb18030"


# ---------------------------------------------------------------------------------------
# Mapping
# ---------------------------------------------------------------------------------------

SHARED_HEADERS = {
    "edx": [
        "title",
        "summary",
        "n_enrolled",
        "course_type",
        "institution",
        "instructors",
        "Level",
        "subject",
        "language",
        "subtitles",
        "course_effort",
        "course_length",
        "price",
        "course_description",
        "course_syllabus",
        "course_url",
    ],
    "coursera": [
        "Column 1",
        "course_title",
        "course_organization",
        "course_certificate_type",
        "course_time",
        "course_rating",
        "course_reviews_num",
        "course_difficulty",
        "course_url",
        "course_students_enrolled",
        "course_skills",
        "course_summary",
        "course_description",
    ],
    "udemy": [
        "course_id",
        "course_title",
        "url",
        "is_paid",
        "price",
        "num_subscribers",
        "num_reviews",
        "num_lectures",
        "level",
        "content_duration",
        "published_timestamp",
        "subject",
    ],
    "mit": ["Course Number", "Course Title", "URL"],
    "icourse163": [
        "序号",
        "学校缩写",
        "学校名称",
        "课程名称",
        "学生人数",
        "评分人数",
        "课程评分",
        "课程URL",
    ],
}
EXPECTED_MAPPINGS = {
    "edx": {
        "title": "title",
        "summary": "subtitle",
        "n_enrolled": "enrolments",
        "institution": "provider",
        "Level": "level",
        "subject": "subjects",
        "language": "language",
        "course_effort": "effort",
        "course_length": "duration",
        "price": "price",
        "course_description": "description",
        "course_url": "source_url",
    },
    "coursera": {
        "course_title": "title",
        "course_organization": "provider",
        "course_time": "duration",
        "course_rating": "rating",
        "course_difficulty": "level",
        "course_url": "source_url",
        "course_students_enrolled": "enrolments",
        "course_skills": "subjects",
        "course_summary": "subtitle",
        "course_description": "description",
    },
    "udemy": {
        "course_id": "external_id",
        "course_title": "title",
        "url": "source_url",
        "price": "price",
        "num_subscribers": "enrolments",
        "num_lectures": "lesson_count",
        "level": "level",
        "content_duration": "duration",
        "subject": "subjects",
    },
    "mit": {"Course Number": "external_id", "Course Title": "title", "URL": "source_url"},
    "icourse163": {
        "学校名称": "provider",
        "课程名称": "title",
        "学生人数": "enrolments",
        "课程评分": "rating",
        "课程URL": "source_url",
    },
}


@pytest.mark.parametrize("name", sorted(SHARED_HEADERS))
def test_auto_mapping_of_the_shared_files_headers(name):
    assert auto_mapping(SHARED_HEADERS[name]) == EXPECTED_MAPPINGS[name]


def test_fields_and_synonyms_are_consistent():
    assert set(SYNONYMS) == set(FIELDS)
    owners: dict[str, str] = {}
    for field, names in SYNONYMS.items():
        for name in (field, *names):
            assert owners.setdefault(normalise_header(name), field) == field, name


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (" Course_Title ", "coursetitle"),
        ("ＴＩＴＬＥ", "title"),
        ("course-url.", "courseurl"),
        ("课程 名称", "课程名称"),
    ],
)
def test_normalise_header(raw, normal):
    assert normalise_header(raw) == normal


def test_auto_mapping_prefers_exact_matches_then_the_first_column():
    assert auto_mapping(["course_language", "Language"]) == {"Language": "language"}
    assert auto_mapping(["course_language", "title"]) == {
        "course_language": "language",
        "title": "title",
    }
    assert auto_mapping(["title", "name", "课程名称"]) == {"title": "title"}
    assert auto_mapping(["课程难度", "课程价格", "Course Format"]) == {
        "课程难度": "level",
        "课程价格": "price",
        "Course Format": "format",
    }
    assert auto_mapping(["course_type", "序号", "is_paid", "subtitles", "notes"]) == {}


def test_validate_mapping_keeps_known_headers_and_fields():
    headers = ["名称", "简介", "备注"]
    chosen = {"简介": "description", "名称": "title", "备注": "", "gone": "area", "x": "nope"}
    assert validate_mapping(headers, chosen) == {
        "名称": "title",
        "简介": "description",
    }
    assert validate_mapping(headers, {"备注": "no_such_field"}) == {}


def test_validate_mapping_keeps_the_first_of_two_columns_for_one_field():
    headers = ["名称", "标题", "简介"]
    chosen = {"标题": "title", "名称": "title", "简介": "description"}
    assert validate_mapping(headers, chosen) == {"名称": "title", "简介": "description"}
    assert clashes(headers, chosen) == {"标题": ("title", "名称")}


def test_apply_mapping():
    values = {"名称": "书法", "简介": None, "备注": "x"}
    assert apply_mapping(values, {"名称": "title", "简介": "description"}) == {
        "title": "书法",
        "description": None,
    }
    assert apply_mapping({}, {"名称": "title"}) == {"title": None}


# ---------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "null",
        "NULL",
        "None",
        "N/A",
        "n/a",
        "NaN",
        "-",
        "无",
        "暂无",
        "NA",
        [],
        "[]",
        float("nan"),
    ],
)
def test_missing_values(value):
    assert v.is_missing(value)


@pytest.mark.parametrize("value", ["0", 0, "x", "无锡", "Nanjing", ["a"], False])
def test_present_values(value):
    assert not v.is_missing(value)


@pytest.mark.parametrize(
    ("length", "effort", "minutes"),
    [
        ("90", None, 90),
        (90, None, 90),
        ("1.5 hours", None, 90),
        ("1.5 hrs", None, 90),
        ("2h", None, 120),
        ("45 min", None, 45),
        ("45分钟", None, 45),
        ("2小时", None, 120),
        ("1小时30分钟", None, 90),
        ("1.5小时", None, 90),
        ("一个半小时", None, 90),
        ("半小时", None, 30),
        ("01:30:00", None, 90),
        ("1:30", None, 90),
        ("1h30m", None, 90),
        ("1 hour 30 minutes", None, 90),
        ("2 to 3 hours", None, 150),
        ("约2小时", None, 120),
        ("Less Than 2 Hours", None, 120),
        ("12 Weeks", None, 12 * 3 * 60),
        ("12周", None, 12 * 3 * 60),
        ("12 Weeks", "4–6 hours per week", 12 * 5 * 60),
        ("2 Weeks", "2-3 hours/week", 300),
        ("12周", "每周3小时", 2160),
        ("6周", "3小时/周", 1080),
        ("4 weeks", "1 hour per day", 4 * 7 * 60),
        ("4周", "一周两小时", 480),
        ("10 weeks", 4, 2400),
        ("1 - 3 Months", None, round(2 * 4.345 * 3 * 60)),
        ("3-6 months", "2 hours per week", round(4.5 * 4.345 * 2 * 60)),
        ("1个月", None, round(4.345 * 3 * 60)),
        ("1 - 4 Weeks", None, 450),
        ("２小时", None, 120),
        ("2学时", None, 90),
    ],
)
def test_parse_duration_minutes(length, effort, minutes):
    assert v.parse_duration_minutes(length, effort) == minutes


def test_duration_defaults_and_missing():
    assert v.DEFAULT_HOURS_PER_WEEK == 3
    assert v.parse_duration_minutes(None) is None
    assert v.parse_duration_minutes("暂无", "3 hours per week") is None
    assert v.parse_duration_minutes("10 weeks", "") == 10 * 3 * 60


@pytest.mark.parametrize(
    ("length", "effort"),
    [
        ("-5", None),
        (-5, None),
        ("abc", None),
        ("999999", None),
        ("5 days", None),
        ("12 weeks", "lots"),
        ("8 weeks", "0 hours"),
        (True, None),
    ],
)
def test_bad_durations(length, effort):
    with pytest.raises(ValueError):
        v.parse_duration_minutes(length, effort)


def test_bare_numbers_count_in_the_unit_the_column_names():
    assert bare_duration_unit("content_duration") == "hours"
    assert bare_duration_unit("时长（小时）") == "hours"
    assert bare_duration_unit("Duration (hours)") == "hours"
    assert bare_duration_unit("学时") == "class_hours"
    assert bare_duration_unit("course_length") == "minutes"
    assert bare_duration_unit("时长") == "minutes"
    assert v.parse_duration_minutes("1.5", unit="hours") == 90
    assert v.parse_duration_minutes(2, unit="hours") == 120
    assert v.parse_duration_minutes("32", unit="class_hours") == 32 * 45
    assert v.parse_duration_minutes("45 min", unit="hours") == 45  # a stated unit wins


def test_parse_hours():
    assert v.parse_hours("1.5") == 90
    assert v.parse_hours("0.6166666666666667") == 37
    assert v.parse_hours(39.0) == 2340
    assert v.parse_hours("2 hours") == 120
    assert v.parse_hours("") is None
    with pytest.raises(ValueError):
        v.parse_hours("-1")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("life_skills", Area.LIFE_SKILLS),
        ("Life skills", Area.LIFE_SKILLS),
        ("  LIFE  SKILLS ", Area.LIFE_SKILLS),
        ("Hobbies", Area.HOBBIES),
        ("Hobbies and interests", Area.HOBBIES),
        ("Workplace competencies", Area.WORKPLACE),
        ("Professional skills", Area.PROFESSIONAL),
        ("Elderly learning", Area.ELDERLY),
        ("Continuing education", Area.CONTINUING),
        ("生活技能", Area.LIFE_SKILLS),
        ("兴趣爱好", Area.HOBBIES),
        ("职场能力", Area.WORKPLACE),
        ("职场技能", Area.WORKPLACE),
        ("专业技能", Area.PROFESSIONAL),
        ("职业技能", Area.PROFESSIONAL),
        ("老年教育", Area.ELDERLY),
        ("老年大学", Area.ELDERLY),
        ("银龄", Area.ELDERLY),
        ("学历继续教育", Area.CONTINUING),
        ("继续教育", Area.CONTINUING),
        ("学历教育", Area.CONTINUING),
    ],
)
def test_parse_area(value, expected):
    assert v.parse_area(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *(
            (x, Level.BEGINNER)
            for x in (
                "beginner",
                "Introductory",
                "basic",
                "入门",
                "初级",
                "零基础",
                "Beginner Level",
            )
        ),
        *((x, Level.INTERMEDIATE) for x in ("intermediate", "中级", "进阶", "Intermediate Level")),
        *((x, Level.ADVANCED) for x in ("advanced", "expert", "高级", "精通", "Expert Level")),
        *((x, Level.ALL) for x in ("all", "All Levels", "Mixed", "不限", "通用")),
    ],
)
def test_parse_level(value, expected):
    assert v.parse_level(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *((x, CourseFormat.VIDEO) for x in ("video", "视频", "recorded")),
        *((x, CourseFormat.AUDIO) for x in ("audio", "音频", "podcast", "广播")),
        *(
            (x, CourseFormat.READING)
            for x in ("reading", "e-book", "ebook", "article", "text", "图文", "阅读", "电子书")
        ),
        *((x, CourseFormat.LIVE) for x in ("live", "直播")),
        *((x, CourseFormat.MIXED) for x in ("mixed", "blended", "混合", "综合")),
    ],
)
def test_parse_format(value, expected):
    assert v.parse_format(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *((x, "en") for x in ("English", "英语", "en", "en-US", "EN_gb")),
        *(
            (x, "zh")
            for x in ("Chinese", "中文", "汉语", "普通话", "zh", "zh-CN", "简体中文", "zh_TW")
        ),
        *((x, "es") for x in ("Spanish", "Español", "es")),
        ("Français", "fr"),
        ("Deutsch", "de"),
        ("Italiano", "it"),
        ("Português", "pt"),
        ("日本語", "ja"),
        ("اللغة العربية", "ar"),
        ("Russian", "ru"),
        ("KO", "ko"),
        ("sw", "sw"),
    ],
)
def test_parse_language(value, expected):
    assert v.parse_language(value) == expected


@pytest.mark.parametrize(
    "parser",
    [
        v.parse_area,
        v.parse_level,
        v.parse_format,
        v.parse_language,
        v.parse_status,
        v.parse_bool,
        v.parse_price,
    ],
)
@pytest.mark.parametrize("value", ["", "null", "klingon-ish nonsense", "xx"])
def test_label_parsers_refuse_missing_and_unknown_values(parser, value):
    with pytest.raises(ValueError):
        parser(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("124,980", 124980),
        ("1 234", 1234),
        ("12.0", 12),
        ("１２３", 123),
        ("1.2万", 12000),
        ("3k", 3000),
        (12.0, 12),
        (7, 7),
        ("10万+", 100000),
        ("5000人", 5000),
        ("2,442,271", 2442271),
    ],
)
def test_parse_int(value, expected):
    assert v.parse_int(value) == expected


@pytest.mark.parametrize("value", ["12.5", "1,23", "abc", True, "1.2.3", "12 34 5"])
def test_parse_int_refuses(value):
    with pytest.raises(ValueError):
        v.parse_int(value)


def test_parse_float():
    assert v.parse_float("4.7") == 4.7
    assert v.parse_float("4.5999999999999996") == 4.6
    assert v.parse_float("1,234.5") == 1234.5
    assert v.parse_float("１２.５") == 12.5
    assert v.parse_float("NA") is None
    assert v.parse_int("-") is None
    with pytest.raises(ValueError):
        v.parse_float("four")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a, b", ["a", "b"]),
        ("a; b", ["a", "b"]),
        ("a|b", ["a", "b"]),
        ("a，b、c", ["a", "b", "c"]),
        ("['a', 'b']", ["a", "b"]),
        ('["a", "b"]', ["a", "b"]),
        (["a", " b ", "", "a"], ["a", "b"]),
        ("['Risk Management', 'Asset', 'Risk Management']", ["Risk Management", "Asset"]),
        ("['Business, Finance']", ["Business, Finance"]),
        ("[Python, Java]", ["Python", "Java"]),
        ("书法; 书法 ;;绘画", ["书法", "绘画"]),
        ("[]", []),
        (None, []),
    ],
)
def test_parse_list(value, expected):
    assert v.parse_list(value) == expected


def test_parse_list_never_evaluates_code():
    attack = "[__import__('os').system('echo pwned')]"
    assert v.parse_list(attack) == ["__import__('os').system('echo pwned')"]
    with pytest.raises(ValueError):
        v.parse_list("[" + "'a'," * 50_000 + "]")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Free", (True, None)),
        ("免费", (True, None)),
        ("0", (True, None)),
        (0, (True, None)),
        ("$0.00", (True, None)),
        ("FREE-Add a Verified Certificate for $49 USD", (True, None)),
        ("$20", (False, 2000)),
        ("20", (False, 2000)),
        (20, (False, 2000)),
        ("¥199.00", (False, 19900)),
        ("￥199", (False, 19900)),
        ("199元", (False, 19900)),
        ("19.99 USD", (False, 1999)),
        ("1,299", (False, 129900)),
    ],
)
def test_parse_price(value, expected):
    assert v.parse_price(value) == expected


@pytest.mark.parametrize("value", ["-5", "19.999", "ten dollars", "99999999", True])
def test_parse_price_refuses(value):
    with pytest.raises(ValueError):
        v.parse_price(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *((x, True) for x in ("true", "TRUE", "yes", "1", "是", "y", 1, True)),
        *((x, False) for x in ("false", "False", "no", "0", "否", "n", 0, False)),
    ],
)
def test_parse_bool(value, expected):
    assert v.parse_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *((x, "published") for x in ("published", "Active", "上线", "发布")),
        *((x, "draft") for x in ("draft", "草稿", "未发布")),
        *((x, "withdrawn") for x in ("withdrawn", "offline", "下线", "下架", "archived")),
    ],
)
def test_parse_status(value, expected):
    assert v.parse_status(value) == expected


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------

_COMMON_HANZI = "".join(
    chr(c)
    for c in range(0x4E00, 0xA000)
    if (b := chr(c).encode("gb18030")) and len(b) == 2 and b[0] >= 0xA1 and b[1] >= 0xA1
)
_CJK_PUNCTUATION = "，。、；：？！“”‘’（）《》【】—…·　"
_ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,\"'\n-"
_ALL_HANZI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


def _cells(alphabet) -> st.SearchStrategy[list[list[str]]]:
    cell = st.text(alphabet=alphabet, max_size=30)
    return st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=15)


def _headers(encoding: str) -> list[str]:
    return ["title", "description", "tags"] if encoding == "cp1252" else ["标题", "简介", "标签"]


def _write_rows(tmp_dir: Path, rows: list[list[str]], encoding: str) -> Path:
    path = tmp_dir / f"roundtrip-{encoding}.csv"
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows([_headers(encoding), *rows])
    return path


def _cells_read(path: Path, encoding: str) -> list[list]:
    with open_table(path, "csv", encoding=encoding) as table:
        assert table.headers in (_headers("utf-8"), _headers("cp1252"))
        return [list(r.values.values()) for r in table.rows]


def _non_blank(rows: list[list[str]]) -> list[list[str]]:
    return [r for r in rows if any(c.strip() for c in r)]


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_CJK_TEXT = st.one_of(
    st.sampled_from(_COMMON_HANZI), st.sampled_from(_CJK_PUNCTUATION), st.sampled_from(_ASCII)
)
_PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(rows=_cells(_CJK_TEXT), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_chinese_csv_roundtrips_through_detection(tmp_path_factory, rows, encoding):
    path = _write_rows(tmp_path_factory.getbasetemp(), rows, encoding)
    data = path.read_bytes()
    expected = encoding
    if encoding == "gb18030" and _valid_utf8(data):
        # Valid UTF-8 wins by rule: only ASCII-only text can be told (and it reads the same).
        assume(data.isascii())
        expected = "utf-8"
    assert detect_encoding(path) == expected
    assert _cells_read(path, expected) == _non_blank(rows)


@_PROPERTY
@given(
    rows=_cells(st.one_of(_ALL_HANZI, st.sampled_from(_ASCII))),
    encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
)
def test_any_cjk_text_roundtrips_in_utf8(tmp_path_factory, rows, encoding):
    path = _write_rows(tmp_path_factory.getbasetemp(), rows, encoding)
    assert detect_encoding(path) == encoding
    assert _cells_read(path, encoding) == _non_blank(rows)


@_PROPERTY
@given(rows=_cells(st.one_of(_ALL_HANZI, st.sampled_from(_ASCII))))
def test_rare_cjk_text_in_gb18030_is_read_right_or_refused(tmp_path_factory, rows):
    path = _write_rows(tmp_path_factory.getbasetemp(), rows, "gb18030")
    assume(not _valid_utf8(path.read_bytes()))
    try:
        detected = detect_encoding(path)
    except FileRejected as exc:
        assert exc.code == "AMBIGUOUS_ENCODING"  # mostly rare characters: not taken for Chinese
        return
    assert detected == "gb18030"
    assert _cells_read(path, detected) == _non_blank(rows)


_ACCENTED = "áéíóúñçàèùâêîôûëïüöäßÁÉÓÑÇ"
_WESTERN_WORD = st.builds(
    lambda head, accent, tail: head + accent + tail,
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=6),
    st.sampled_from(["", *_ACCENTED]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6),
)
_WESTERN_CELL = st.lists(_WESTERN_WORD, min_size=1, max_size=6).map(" ".join)


@_PROPERTY
@given(rows=st.lists(st.lists(_WESTERN_CELL, min_size=3, max_size=3), min_size=1, max_size=15))
def test_western_csv_roundtrips_in_cp1252(tmp_path_factory, rows):
    path = _write_rows(tmp_path_factory.getbasetemp(), rows, "cp1252")
    expected = "utf-8" if path.read_bytes().isascii() else "cp1252"
    assert detect_encoding(path) == expected
    assert _cells_read(path, expected) == rows


_TAG = (
    st.text(
        alphabet=st.sampled_from(_COMMON_HANZI[:500] + "abcdefgXYZ 0123"), min_size=1, max_size=12
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=100, deadline=None)
@given(tags=st.lists(_TAG, min_size=1, max_size=8, unique_by=str.casefold))
def test_parse_list_roundtrips(tags):
    assert v.parse_list(", ".join(tags)) == tags
    assert v.parse_list(repr(tags)) == tags
    assert v.parse_list(json.dumps(tags, ensure_ascii=False)) == tags


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=-(10**12), max_value=10**12))
def test_parse_int_roundtrips_grouped_integers(n):
    assert v.parse_int(f"{n:,}") == n
    assert v.parse_int(str(n)) == n


@settings(max_examples=100, deadline=None)
@given(h=st.integers(min_value=0, max_value=99), m=st.integers(min_value=0, max_value=59))
def test_parse_duration_of_clock_times(h, m):
    assert v.parse_duration_minutes(f"{h:02d}:{m:02d}:00") == h * 60 + m


def _blank_value(value: object) -> bool:
    return (isinstance(value, str) and not value.strip()) or value == []


_JSON_VALUES = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.text(max_size=5), max_size=3),
)


@settings(max_examples=50, deadline=None)
@given(
    data=st.lists(
        st.dictionaries(st.sampled_from(["title", "标题", "n", "tags"]), _JSON_VALUES, min_size=1),
        max_size=12,
    ),
)
def test_json_streaming_matches_json_load(tmp_path_factory, data):
    path = tmp_path_factory.getbasetemp() / "stream.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    original = readers._READ_CHARS
    readers._READ_CHARS = 3  # refill the buffer everywhere, also inside strings and numbers
    try:
        _, rows = _read(path, "json")
    finally:
        readers._READ_CHARS = original
    kept = [i for i, d in enumerate(data, start=1) if not all(map(_blank_value, d.values()))]
    assert [r.number for r in rows] == kept
    for row in rows:
        element = data[row.number - 1]
        assert {k: x for k, x in row.values.items() if k in element} == element
        assert all(x is None for k, x in row.values.items() if k not in element)

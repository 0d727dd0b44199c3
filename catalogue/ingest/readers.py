"""Reading a partner's catalogue file as a table of rows: CSV, Excel .xlsx, JSON or JSON Lines.

Pure functions over a file on disk, no database. Whole-file problems raise `FileRejected`;
a row that cannot be read is yielded with `values={}` and a `RowError`, never raised.

* Format is sniffed from the content (`sniff_format`); the file name is only a hint for
  ``{``-files that could be JSON or JSON Lines. Archives, legacy .xls and other binary files
  are refused.
* Row numbers are the numbers the partner sees. CSV: the record number, counting every
  record including blank ones and counting a quoted field with line breaks as one record, so
  it is the row Excel shows (the header is row 1 unless blank rows precede it). XLSX: the
  worksheet row. JSON array: the 1-based index of the element. JSON Lines: the line number.
* CSV is streamed record by record. JSON arrays are streamed element by element too (a
  first pass finds the arrays of objects and collects the union of their keys for the
  headers, a second yields the rows), so memory is bounded by the largest element, not the
  file. A JSON file may also be an object holding the course array at any depth, under any
  name (an API's ``{"code": 0, "result": {"list": [...]}}``): the one array of objects it
  holds, or the path the partner names (`choose_json_array`). JSON Lines is streamed line by
  line; its headers are the keys of the first `JSONL_HEADER_ROWS` objects.
* Header names are unique: a blank header cell is named by its position ("Column 7"), a
  repeated name gets its occurrence ("Course ID (2)"); the mapping then uses or ignores
  each like any other column.
* XLSX is read with openpyxl in read-only mode after the zip's declared sizes and
  compression ratios were checked (zipfile enforces the declared sizes when extracting).
  openpyxl parses the XML with defusedxml when that is installed, which refuses entity tricks.
* Cell values: CSV cells are the raw strings (a missing trailing field is None); XLSX cells
  are converted (whole floats to int, dates to ISO strings); JSON values are kept as parsed.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePath
from typing import IO, Any, Literal

from catalogue.ingest.decoding import detect_encoding, normalise_encoding
from catalogue.ingest.mapping import match_header
from catalogue.ingest.problems import FileRejected, RowError

FileFormat = Literal["csv", "xlsx", "json", "jsonl"]

XLSX_MAX_UNCOMPRESSED = 1_000_000_000
XLSX_MAX_RATIO = 100
XLSX_RATIO_MIN_BYTES = 1_000_000
CSV_FIELD_SIZE_LIMIT = 10 * 1024 * 1024
CSV_DELIMITERS = (",", ";", "\t", "|")
CSV_SNIFF_CHARS = 64 * 1024
CSV_SNIFFER_CHARS = 4 * 1024
JSONL_HEADER_ROWS = 1000
BLANK_HEADER = "Column"  # a blank header cell is named "Column <position>"
JSON_ENVELOPE_KEYS = ("courses", "items", "data", "records", "rows", "results", "catalogue")
JSON_MAX_VALUE_CHARS = 32 * 1024 * 1024
JSON_MAX_DEPTH = 20  # how deep a course array is looked for inside objects
SNIFF_LINE_BYTES = 1024 * 1024

_READ_CHARS = 256 * 1024
_WHITESPACE = b" \t\r\n\f\v"
_BOM = b"\xef\xbb\xbf"
_ARCHIVES = (
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard archive"),
)
_BINARY = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Excel .xls (or other Office 97-2003) file"),
    (b"%PDF", "a PDF document"),
)
_SAVE_AS = "Please save it as .xlsx, CSV or JSON."
_JSON_WS = re.compile(r"[ \t\r\n]*")


@dataclass(frozen=True)
class RawRow:
    """One row as read: the number the partner sees, header → raw value, or why it is unread."""

    number: int
    values: dict[str, Any]
    error: RowError | None = None


@dataclass
class Table:
    """A file opened as a table: its headers and a one-shot iterator of its rows."""

    headers: list[str]
    rows: Iterator[RawRow]
    encoding: str | None
    format: FileFormat
    delimiter: str | None
    # JSON: where the course array is ("" for a top-level array, "data.list" inside objects)
    # and every array of objects the file holds, with how many objects each has.
    json_path: str | None = None
    json_arrays: list[tuple[str, int]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Format sniffing
# ---------------------------------------------------------------------------------------


def sniff_format(path: Path, filename: str | None = None) -> FileFormat:
    """The format of a file, judged by its content; `filename` is only a tie-breaking hint."""
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"PK"):
        return _sniff_zip(path)
    for prefix, what in _ARCHIVES:
        if magic.startswith(prefix):
            raise FileRejected(
                f"The file is {what}. Upload the catalogue file itself, not an archive.",
                code="ARCHIVE_NOT_ALLOWED",
            )
    for prefix, what in _BINARY:
        if magic.startswith(prefix):
            raise FileRejected(f"The file is {what}. {_SAVE_AS}", code="UNSUPPORTED_FORMAT")
    offset, first = _first_text_byte(path)
    if first == b"[":
        return "json"
    if first == b"{":
        return _sniff_object(path, offset, filename)
    return "csv"


def _sniff_zip(path: Path) -> FileFormat:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(
            "The file looks like an Excel workbook or a zip archive but cannot be opened "
            "(damaged, or the upload was incomplete).",
            code="BAD_XLSX",
        ) from exc
    if {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise FileRejected(
            f"The file is an Excel binary workbook (.xlsb). {_SAVE_AS}", code="UNSUPPORTED_FORMAT"
        )
    if "content.xml" in names and "mimetype" in names:
        raise FileRejected(
            f"The file is an OpenDocument file (.ods). {_SAVE_AS}", code="UNSUPPORTED_FORMAT"
        )
    raise FileRejected(
        "The file is a zip archive. Upload the catalogue file itself (.xlsx, CSV or JSON).",
        code="ARCHIVE_NOT_ALLOWED",
    )


def _first_text_byte(path: Path) -> tuple[int, bytes]:
    """Offset and value of the first non-whitespace byte after an optional UTF-8 BOM."""
    offset = 0
    with path.open("rb") as fh:
        chunk = fh.read(64 * 1024)
        if chunk.startswith(_BOM):
            chunk, offset = chunk[3:], 3
        while chunk:
            stripped = chunk.lstrip(_WHITESPACE)
            if stripped:
                return offset + len(chunk) - len(stripped), stripped[:1]
            offset += len(chunk)
            chunk = fh.read(64 * 1024)
    raise FileRejected("The file is empty.", code="EMPTY_FILE")


def _sniff_object(path: Path, offset: int, filename: str | None) -> FileFormat:
    """JSON Lines when the first line is a whole object, unless it is the file's only line
    and holds the course array under an envelope key; otherwise JSON (pretty-printed)."""
    suffix = PurePath(filename).suffix.lower() if filename else ""
    with path.open("rb") as fh:
        fh.seek(offset)
        line = fh.readline(SNIFF_LINE_BYTES)
        complete = line.endswith(b"\n") or len(line) < SNIFF_LINE_BYTES
        only_line = complete and _rest_is_blank(fh)
    if not complete:
        return "jsonl" if suffix in (".jsonl", ".ndjson") else "json"
    try:
        obj = json.loads(line.decode("utf-8", errors="replace"))
    except (json.JSONDecodeError, RecursionError):
        if line.rstrip().endswith(b"}"):
            return "jsonl"
        return "jsonl" if suffix in (".jsonl", ".ndjson") else "json"
    if (
        only_line
        and isinstance(obj, dict)
        and _holds_object_array(obj)
        and not any(_names_title(k) for k, v in obj.items() if not isinstance(v, list | dict))
    ):
        return "json"
    return "jsonl"


def _rest_is_blank(fh: IO[bytes]) -> bool:
    while chunk := fh.read(64 * 1024):
        if chunk.strip(_WHITESPACE):
            return False
    return True


def _holds_object_array(value: Any, depth: int = 0) -> bool:
    """Whether a parsed JSON object holds, at some depth, an array of objects."""
    if depth > JSON_MAX_DEPTH:
        return False
    if isinstance(value, list):
        return any(isinstance(item, dict) for item in value)
    if isinstance(value, dict):
        return any(_holds_object_array(item, depth + 1) for item in value.values())
    return False


# ---------------------------------------------------------------------------------------
# Opening a table
# ---------------------------------------------------------------------------------------


def open_table(
    path: Path,
    fmt: FileFormat,
    *,
    encoding: str | None = None,
    max_rows: int | None = None,
    json_path: str | None = None,
) -> contextlib.AbstractContextManager[Table]:
    """Open a file as a Table, in a context manager that closes the file; FileRejected if bad.

    `json_path` names where a JSON file's course array is ("data.list"); without it, the
    file's one array of objects (see `choose_json_array`)."""
    return _open_table(path, fmt, encoding, max_rows, json_path)


@contextlib.contextmanager
def _open_table(
    path: Path,
    fmt: FileFormat,
    encoding: str | None,
    max_rows: int | None,
    json_path: str | None = None,
) -> Iterator[Table]:
    with contextlib.ExitStack() as stack:
        if fmt == "xlsx":
            headers, rows = _open_xlsx(path, stack)
            table = Table(headers, rows, None, fmt, None)
        elif fmt in ("csv", "json", "jsonl"):
            codec = _text_encoding(path, encoding)
            fh = stack.enter_context(path.open(encoding=codec, newline="", errors="strict"))
            try:
                table = _open_text(fh, fmt, codec, json_path)
            except UnicodeDecodeError as exc:
                raise _undecodable(exc) from exc
        else:
            raise FileRejected(f"Unknown file format {fmt!r}.", code="UNSUPPORTED_FORMAT")
        table.rows = _limited(_guarded(table.rows, fmt), max_rows)
        yield table


def count_rows(
    path: Path,
    fmt: FileFormat,
    *,
    encoding: str | None = None,
    max_rows: int | None = None,
    json_path: str | None = None,
) -> int:
    """Number of data rows (blank ones skipped); TOO_MANY_ROWS as soon as it passes max_rows."""
    if fmt == "xlsx":  # openpyxl's XML parsing dominates: counting costs about a read
        with open_table(path, fmt, max_rows=max_rows) as table:
            return sum(1 for _ in table.rows)
    codec = _text_encoding(path, encoding)
    with path.open(encoding=codec, newline="", errors="strict") as fh:
        if fmt == "json":
            try:
                chosen = choose_json_array(_json_survey(fh), json_path)
            except UnicodeDecodeError as exc:
                raise _undecodable(exc) from exc
            fh.seek(0)
            records = (e for e in _json_elements(fh, _path_keys(chosen)) if not _blank_object(e))
            return sum(1 for _ in _limited(_guarded(records, fmt), max_rows))
        return sum(1 for _ in _limited(_guarded(_text_records(fh, fmt), fmt), max_rows))


def _text_records(fh: IO[str], fmt: FileFormat) -> Iterator[Any]:
    """The data records of a text file without building rows: what count_rows counts."""
    if fmt == "csv":
        records, _, _, _ = _csv_start(fh)
        yield from (r for r in records if not _blank_record(r))
    elif fmt == "jsonl":
        yield from (item for item in _jsonl_rows(fh) if not _blank_object(item[1]))
    else:
        raise FileRejected(f"Unknown file format {fmt!r}.", code="UNSUPPORTED_FORMAT")


def _text_encoding(path: Path, encoding: str | None) -> str:
    """The codec to open a text file with: the given one (a BOM makes UTF-8 utf-8-sig)."""
    if encoding is None:
        return detect_encoding(path)
    codec = normalise_encoding(encoding)
    if codec == "utf-8":
        with path.open("rb") as fh:
            if fh.read(3) == _BOM:
                return "utf-8-sig"
    return codec


def _open_text(fh: IO[str], fmt: FileFormat, codec: str, json_path: str | None = None) -> Table:
    if fmt == "csv":
        reader, header, number, delimiter = _csv_start(fh)
        headers = _clean_headers(header)
        return Table(headers, _csv_rows(reader, headers, number), codec, fmt, delimiter)
    if fmt == "json":
        arrays = _json_survey(fh)
        chosen = choose_json_array(arrays, json_path)
        headers = list(arrays[chosen].keys)
        fh.seek(0)
        rows = _json_rows(fh, headers, _path_keys(chosen))
        counts = [(p, a.objects) for p, a in arrays.items() if p != ONE_COURSE]
        return Table(headers, rows, codec, fmt, None, chosen, counts)
    headers, rows = _jsonl_table(fh)
    return Table(headers, rows, codec, fmt, None)


def _limited(rows: Iterable[Any], max_rows: int | None) -> Iterator[Any]:
    """Pass rows through; TOO_MANY_ROWS as soon as more than max_rows were read."""
    for count, row in enumerate(rows, start=1):
        if max_rows is not None and count > max_rows:
            raise FileRejected(
                f"The file has more than {max_rows:,} rows; split it into smaller files.",
                code="TOO_MANY_ROWS",
            )
        yield row


def _guarded(rows: Iterable[Any], fmt: FileFormat) -> Iterator[Any]:
    """Turn decoding and parser failures met while streaming into FileRejected."""
    try:
        yield from rows
    except FileRejected:
        raise
    except UnicodeDecodeError as exc:
        raise _undecodable(exc) from exc
    except Exception as exc:
        if fmt != "xlsx":
            raise
        raise _xlsx_failure(exc) from exc


def _undecodable(exc: UnicodeDecodeError) -> FileRejected:
    return FileRejected(
        f"The file cannot be decoded as {exc.encoding}: {exc.reason}. "
        "Save it as UTF-8 or state its encoding.",
        code="UNDECODABLE",
    )


def _xlsx_failure(exc: BaseException) -> FileRejected:
    """Why a workbook cannot be read, without internals (paths) in the message."""
    cause: BaseException | None = exc
    while cause is not None:
        if type(cause).__module__.startswith("defusedxml"):
            return FileRejected(
                "The Excel workbook contains XML entity or DTD declarations, which are refused "
                f"for safety ({type(cause).__name__}). Save it again from Excel or upload CSV.",
                code="BAD_XLSX",
            )
        cause = cause.__cause__ or cause.__context__
    return FileRejected(
        "The Excel workbook cannot be read: it is damaged or not a real .xlsx file "
        f"({type(exc).__name__}). Save it again from Excel or upload CSV.",
        code="BAD_XLSX",
    )


def _clean_headers(raw: Iterable[Any]) -> list[str]:
    """Stripped header names, each one unique: a blank one is named by its position
    ("Column 7"), a repeated one gets its occurrence number ("Course ID (2)")."""
    names = []
    for index, name in enumerate(raw, start=1):
        text = "" if name is None else str(name).replace("\ufeff", "").strip()
        names.append(text or f"{BLANK_HEADER} {index}")
    taken = set(names)
    seen: dict[str, int] = {}
    headers = []
    for name in names:
        count = seen.get(name, 0) + 1
        seen[name] = count
        if count == 1:
            headers.append(name)
            continue
        candidate = f"{name} ({count})"
        while candidate in taken:
            count += 1
            candidate = f"{name} ({count})"
        taken.add(candidate)
        headers.append(candidate)
    return headers


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return False


def _extra_fields_error(number: int, cells: list[Any], width: int) -> RawRow:
    extra = next(str(c) for c in cells[width:] if not _is_blank(c))
    error = RowError(
        number,
        "EXTRA_FIELDS",
        None,
        extra[:200],
        f"The row has {len(cells)} fields but the header has only {width} columns "
        "(an unquoted comma or delimiter in a value?).",
    )
    return RawRow(number, {}, error)


def _row_from_cells(number: int, headers: list[str], cells: list[Any]) -> RawRow:
    """A row from positional cells: short rows padded with None, extra non-blank cells an error."""
    width = len(headers)
    if len(cells) > width:
        if any(not _is_blank(c) for c in cells[width:]):
            return _extra_fields_error(number, cells, width)
        cells = cells[:width]
    values = dict(zip(headers, cells, strict=False))
    for header in headers[len(cells) :]:
        values[header] = None
    return RawRow(number, values)


# ---------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------


def sniff_delimiter(sample: str, *, truncated: bool = False) -> str:
    """The delimiter among , ; TAB | that splits the sample into the most consistent records.

    Each candidate splits the sample with the csv module (so quoted fields with delimiters
    and line breaks count right); the best share of records as wide as the header, then the
    widest header, wins; csv.Sniffer's guess breaks ties, then the order , ; TAB |.
    """
    scores = {d: _delimiter_score(sample, d, truncated) for d in CSV_DELIMITERS}
    preferred = _sniffer_delimiter(sample)
    best = max(scores.values())
    if preferred is not None and scores[preferred] == best:
        return preferred
    return next(d for d in CSV_DELIMITERS if scores[d] == best)


def _sniffer_delimiter(sample: str) -> str | None:
    """csv.Sniffer's guess restricted to our delimiters, from the start of the sample.

    Only its delimiter is used: it takes the apostrophes of "['a', 'b']" for quotes. It sees
    a few KB only, because its regular expressions take quadratic time on crafted input.
    """
    try:
        head = sample[:CSV_SNIFFER_CHARS]
        return csv.Sniffer().sniff(head, delimiters="".join(CSV_DELIMITERS)).delimiter
    except csv.Error:
        return None


def _delimiter_score(sample: str, delimiter: str, truncated: bool) -> tuple[float, int]:
    """(share of records with as many fields as the header, header width); (0, 0) if 1 column."""
    try:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        records = [r for r in reader if r]
    except csv.Error:
        return (0.0, 0)
    if truncated and len(records) > 1:
        records.pop()
    if not records or len(records[0]) < 2:
        return (0.0, 0)
    width = len(records[0])
    rest = records[1:]
    share = sum(1 for r in rest if len(r) == width) / len(rest) if rest else 1.0
    return (round(share, 3), width)


def _csv_start(fh: IO[str]) -> tuple[Iterator[list[str]], list[str], int, str]:
    """Records after the header, the header cells, the header's record number, the delimiter."""
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_SIZE_LIMIT))
    sample = fh.read(CSV_SNIFF_CHARS)
    fh.seek(0)
    delimiter = sniff_delimiter(sample, truncated=len(sample) == CSV_SNIFF_CHARS)
    reader = csv.reader(fh, delimiter=delimiter, quotechar='"', doublequote=True)
    records = _csv_records(reader)
    for number, record in enumerate(records, start=1):
        if not _blank_record(record):
            return records, record, number, delimiter
    raise FileRejected("The file is empty: it has no header row.", code="EMPTY_FILE")


def _csv_records(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """Records of a csv reader; a broken record rejects the file naming its number."""
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileRejected(
                f"The CSV file cannot be read after record {number}: {exc}.", code="BAD_CSV"
            ) from exc
        number += 1
        yield record


def _blank_record(record: list[str]) -> bool:
    return all(not cell.strip() for cell in record)


def _csv_rows(
    records: Iterator[list[str]], headers: list[str], header_number: int
) -> Iterator[RawRow]:
    for number, record in enumerate(records, start=header_number + 1):
        if not _blank_record(record):
            yield _row_from_cells(number, headers, record)


# ---------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------


def check_xlsx_limits(path: Path) -> None:
    """Refuse a workbook whose zip would inflate beyond our limits (a zip bomb)."""
    with zipfile.ZipFile(path) as zf:
        members = zf.infolist()
    total = sum(m.file_size for m in members)
    if total > XLSX_MAX_UNCOMPRESSED:
        raise FileRejected(
            f"The workbook unpacks to {total:,} bytes, more than the limit of "
            f"{XLSX_MAX_UNCOMPRESSED:,}. Split it or upload CSV.",
            code="ARCHIVE_TOO_LARGE",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > XLSX_RATIO_MIN_BYTES and ratio > XLSX_MAX_RATIO:
            raise FileRejected(
                f"The workbook part {member.filename} is compressed {ratio:,.0f}:1, far beyond "
                "what a real spreadsheet needs; the file is refused as unsafe.",
                code="ARCHIVE_TOO_LARGE",
            )


def _first_sheet(path: Path, stack: contextlib.ExitStack) -> Any:
    """The first worksheet, read-only, after the zip limits were checked; closed by `stack`."""
    import openpyxl  # imported here: only uploads of workbooks pay for it

    try:
        check_xlsx_limits(path)
        # A file object, not the path: uploads are stored without an extension, and openpyxl
        # refuses a path that does not end in .xlsx.
        source = stack.enter_context(path.open("rb"))
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except FileRejected:
        raise
    except Exception as exc:
        raise _xlsx_failure(exc) from exc
    stack.callback(workbook.close)
    if not workbook.worksheets:
        raise FileRejected("The workbook has no worksheet.", code="EMPTY_FILE")
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # do not trust the stored dimension: read every row there is
    return sheet


def _open_xlsx(path: Path, stack: contextlib.ExitStack) -> tuple[list[str], Iterator[RawRow]]:
    sheet = _first_sheet(path, stack)
    numbered = _guarded(enumerate(sheet.iter_rows(values_only=True), start=1), "xlsx")
    for _number, cells in numbered:
        if not all(_is_blank(c) for c in cells):
            headers = _clean_headers(_trim_trailing_blanks([_cell_value(c) for c in cells]))
            return headers, _xlsx_rows(numbered, headers)
    raise FileRejected("The first worksheet is empty: it has no header row.", code="EMPTY_FILE")


def _trim_trailing_blanks(cells: list[Any]) -> list[Any]:
    while cells and _is_blank(cells[-1]):
        cells.pop()
    return cells


def _xlsx_rows(
    numbered: Iterator[tuple[int, tuple[Any, ...]]], headers: list[str]
) -> Iterator[RawRow]:
    for number, cells in numbered:
        values = [_cell_value(c) for c in cells]
        if not all(_is_blank(v) for v in values):
            yield _row_from_cells(number, headers, values)


def _cell_value(value: Any) -> Any:
    """A worksheet value as we pass it on: whole floats as int, dates and times as ISO text."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        minutes, seconds = divmod(round(value.total_seconds()), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return value


# ---------------------------------------------------------------------------------------
# JSON and JSON Lines
# ---------------------------------------------------------------------------------------


def _blank_object(element: Any) -> bool:
    return isinstance(element, dict) and all(_is_blank(v) for v in element.values())


def _object_row(number: int, element: Any, headers: list[str]) -> RawRow | None:
    """A row from one JSON value; None for a blank object; NOT_AN_OBJECT for anything else."""
    if not isinstance(element, dict):
        shown = json.dumps(element, ensure_ascii=False)[:200]
        error = RowError(
            number,
            "NOT_AN_OBJECT",
            None,
            shown,
            f"Expected an object with the course's fields, found {_json_kind(element)}.",
        )
        return RawRow(number, {}, error)
    if _blank_object(element):
        return None
    values: dict[str, Any] = dict.fromkeys(headers)
    values.update(element)
    return RawRow(number, values)


def _json_kind(value: Any) -> str:
    kinds: dict[type, str] = {
        list: "an array",
        str: "a string",
        bool: "true/false",
        type(None): "null",
    }
    return kinds.get(type(value), "a number")


@dataclass
class _JsonArray:
    """An array of objects found in a JSON file: how many objects, the union of their keys."""

    objects: int = 0
    elements: int = 0
    keys: dict[str, None] = field(default_factory=dict)


def _json_survey(fh: IO[str]) -> dict[str, _JsonArray]:
    """Every array of objects in a JSON file by path ("" the top level, "data.list"), in a
    first streaming pass; arrays inside the objects of such an array (lessons) are not
    counted. A top-level array is always listed, even when it holds no object."""
    stream = _JsonStream(fh)
    found: dict[str, _JsonArray] = {}
    first = stream.peek()
    if first not in ("[", "{"):
        stream.fail("a JSON catalogue must be an array of objects, starting with [")
    _survey(stream, (), found, 0)
    if stream.peek() != "":
        stream.fail("unexpected data after the end of the JSON value")
    return found


def _survey(stream: _JsonStream, path: tuple[str, ...], found: dict[str, _JsonArray], depth: int):
    if depth > JSON_MAX_DEPTH:
        stream.value()
        return
    char = stream.peek()
    if char == "{":
        for key in _object_keys(stream):
            if depth == 0 and stream.peek() not in ("[", "{") and _names_title(key):
                # The file is one course ({"title": …, "lessons": [...]}), not an envelope:
                # its lessons are no course list.
                found[ONE_COURSE] = _JsonArray()
            _survey(stream, (*path, key), found, depth + 1)
    elif char == "[":
        array = _JsonArray()
        for element in stream.elements():
            array.elements += 1
            if isinstance(element, dict):
                array.objects += 1
                array.keys.update(dict.fromkeys(element))
        if array.objects or not path:
            found[_path_text(path)] = array
    else:
        stream.value()


def _object_keys(stream: _JsonStream) -> Iterator[str]:
    """The keys of the object at the current position; the caller consumes each value."""
    stream.expect("{")
    if stream.peek() == "}":
        stream.expect("}")
        return
    while True:
        key = stream.value()
        stream.expect(":")
        yield str(key)
        if stream.peek() == ",":
            stream.expect(",")
            continue
        stream.expect("}")
        return


ONE_COURSE = "\x00one course"  # marks a survey whose top-level object is a course


def _names_title(key: str) -> bool:
    found = match_header(key)
    return found is not None and found[0] == "title"


def _path_text(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _path_keys(path: str) -> tuple[str, ...]:
    text = path.strip().strip(".").removeprefix("$").strip(".")
    return tuple(part for part in text.split(".")) if text else ()


def choose_json_array(arrays: dict[str, _JsonArray] | dict[str, int], wanted: str | None) -> str:
    """The path of the course array: the one the partner named, else the file's only array of
    objects; among several, the one under a usual name ("courses", "items", "data" …) if
    exactly one is, else the one with the most objects (the preview lists the others)."""
    if ONE_COURSE in arrays and not (wanted or "").strip():
        raise FileRejected(
            "The JSON file is one course object. Put the courses in an array "
            "([{...}, {...}]) or upload JSON Lines (one course per line).",
            code="NOT_AN_ARRAY",
        )
    counts = {
        p: (a if isinstance(a, int) else a.objects) for p, a in arrays.items() if p != ONE_COURSE
    }
    listed = ", ".join(f"“{p or '(top level)'}” ({n})" for p, n in counts.items() if n)
    if wanted is not None and wanted.strip():
        key = _path_text(_path_keys(wanted))
        if key not in counts or (key and not counts[key]):
            raise FileRejected(
                f"The JSON file has no array of objects at “{wanted.strip()}”. "
                + (f"Arrays of objects found: {listed}." if listed else ""),
                code="JSON_PATH_NOT_FOUND",
            )
        return key
    if "" in counts:
        return ""
    candidates = [p for p, n in counts.items() if n]
    if not candidates:
        names = ", ".join(f'"{k}"' for k in JSON_ENVELOPE_KEYS)
        raise FileRejected(
            "The JSON file is one object without an array of courses in it. Upload an array "
            f"of objects ([{{...}}, {{...}}]), an object holding one (under {names} or any "
            "other name), or JSON Lines.",
            code="NOT_AN_ARRAY",
        )
    usual = [p for p in candidates if p.rsplit(".", 1)[-1].casefold() in JSON_ENVELOPE_KEYS]
    if len(usual) == 1:
        return usual[0]
    return max(candidates, key=lambda p: counts[p])


def _json_rows(fh: IO[str], headers: list[str], path: tuple[str, ...] = ()) -> Iterator[RawRow]:
    for number, element in enumerate(_json_elements(fh, path), start=1):
        row = _object_row(number, element, headers)
        if row is not None:
            yield row


def _json_elements(fh: IO[str], path: tuple[str, ...] = ()) -> Iterator[Any]:
    """The elements of the array at `path` (the top-level array for ()), streamed."""
    stream = _JsonStream(fh)
    first = stream.peek()
    if first not in ("[", "{"):
        stream.fail("a JSON catalogue must be an array of objects, starting with [")
    yield from _elements_at(stream, path)
    if stream.peek() != "":
        stream.fail("unexpected data after the end of the JSON value")


def _elements_at(stream: _JsonStream, path: tuple[str, ...]) -> Iterator[Any]:
    if not path:
        if stream.peek() != "[":
            stream.fail("expected an array")
        yield from stream.elements()
        return
    if stream.peek() != "{":
        stream.value()
        return
    found = False
    for key in _object_keys(stream):
        if not found and key == path[0]:
            found = True
            yield from _elements_at(stream, path[1:])
        else:
            stream.value()


class _JsonStream:
    """Incremental reading of JSON text: values are decoded one at a time from a buffer."""

    _decoder = json.JSONDecoder()

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0

    def _fill(self) -> bool:
        """Read more text (at least as much as is buffered); False at the end of the file."""
        if self.eof:
            return False
        if len(self.buf) - self.pos > JSON_MAX_VALUE_CHARS:
            self.fail(f"a single value is longer than {JSON_MAX_VALUE_CHARS:,} characters")
        chunk = self.fh.read(max(_READ_CHARS, len(self.buf) - self.pos))
        if not chunk:
            self.eof = True
            return False
        if self.pos:
            self.lines_before += self.buf.count("\n", 0, self.pos)
            self.buf, self.pos = self.buf[self.pos :], 0
        self.buf += chunk
        return True

    def peek(self) -> str:
        """The next non-whitespace character without consuming it; "" at the end."""
        while True:
            match = _JSON_WS.match(self.buf, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        """Consume one structural character, or reject the file."""
        if self.peek() != char:
            found = self.peek() or "the end of the file"
            self.fail(f"expected “{char}” but found “{found}”")
        self.pos += 1

    def value(self) -> Any:
        """Decode the next complete value, reading more text as long as it may be cut short."""
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._fill():
                    continue
                self.fail(exc.msg, exc.pos)
            except RecursionError:
                self.fail("values are nested too deeply")
            if end == len(self.buf) and self._fill():
                continue  # a number or literal at the end of the buffer may go on
            self.pos = end
            return value

    def elements(self) -> Iterator[Any]:
        """The values of the array starting at the current position."""
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("]")
            return

    def fail(self, message: str, pos: int | None = None) -> Any:
        """Reject the file as malformed JSON, naming the line."""
        where = self.pos if pos is None else pos
        line = self.lines_before + self.buf.count("\n", 0, where) + 1
        raise FileRejected(
            f"The JSON file is malformed near line {line}: {message}.", code="BAD_JSON"
        )


def _jsonl_table(fh: IO[str]) -> tuple[list[str], Iterator[RawRow]]:
    """Headers from the keys of the first objects, and all rows (the first ones buffered)."""
    rows = _jsonl_rows(fh)
    first: list[tuple[int, Any]] = []
    headers: dict[str, None] = {}
    for item in rows:
        first.append(item)
        if isinstance(item[1], dict):
            headers.update(dict.fromkeys(item[1]))
        if len(first) >= JSONL_HEADER_ROWS:
            break
    names = list(headers)
    return names, _jsonl_finish(_chain(first, rows), names)


def _chain(first: list[Any], rest: Iterator[Any]) -> Iterator[Any]:
    yield from first
    yield from rest


def _jsonl_rows(fh: IO[str]) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value or a RawRow for a bad line) for every non-blank line."""
    for number, line in enumerate(fh, start=1):
        text = line.strip()
        if text:
            yield number, _parse_line(number, text)


def _parse_line(number: int, text: str) -> Any:
    """The JSON value of one line, or a RawRow with a BAD_JSON error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"The line is not valid JSON: {exc.msg} (column {exc.colno})."
    except RecursionError:
        message = "The line is not valid JSON: values are nested too deeply."
    return RawRow(number, {}, RowError(number, "BAD_JSON", None, text[:200], message))


def _jsonl_finish(items: Iterator[tuple[int, Any]], headers: list[str]) -> Iterator[RawRow]:
    for number, value in items:
        row = value if isinstance(value, RawRow) else _object_row(number, value, headers)
        if row is not None:
            yield row

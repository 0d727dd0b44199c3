"""How well uploads read the language and the area of courses, on the shared real catalogues.

Usage: .venv/bin/python bench/ingest_quality.py [path to ../shared/data]

Every file is read and each row parsed exactly as an upload does (automatic mapping, no
default area, areas inferred), without a database. Printed per catalogue: the rows, the
languages the rows get (from the language column, or detected from the text when the file
has none), for edX also the detection measured against its language column (the column left
out), and the share of rows whose area is inferred surely enough (confidence >= threshold).
Before issue 14 every row of a file without a language column was stored as zh, and every
row without an area column was rejected (MISSING_AREA) unless a default area was chosen.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from catalogue.ingest.area_rules import THRESHOLD
from catalogue.ingest.mapping import auto_mapping
from catalogue.ingest.readers import open_table, sniff_format
from catalogue.ingest.rows import RowDefaults, RowParser

FILES = (
    "edx/edx_courses.csv",
    "coursera/coursera_courses.csv",
    "udemy/udemy_courses.csv",
    "mit-ocw/mit.csv",
    "icourse163/icourse163_courserating.csv",
)


def measure(path: Path, drop: tuple[str, ...] = ()) -> tuple[int, Counter, int, list]:
    """Rows, languages given, rows with a sure inferred area, (language column, detected)."""
    fmt = sniff_format(path, path.name)
    languages: Counter = Counter()
    sure = rows = 0
    pairs = []
    with open_table(path, fmt) as table:
        mapping = {h: f for h, f in auto_mapping(table.headers).items() if f not in drop}
        language_column = next(
            (h for h, f in auto_mapping(table.headers).items() if f == "language"), None
        )
        parser = RowParser(mapping, RowDefaults(), table.headers)
        for raw in table.rows:
            rows += 1
            parser.parse(raw)
            reading = parser.last_reading
            languages[reading.language] += 1
            if reading.area_source == "inferred" and (reading.area_confidence or 0) >= THRESHOLD:
                sure += 1
            if language_column:
                pairs.append((raw.values.get(language_column), reading.language))
    return rows, languages, sure, pairs


def main() -> None:
    """Print the figures for every shared catalogue."""
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data") / "catalogues"
    for name in FILES:
        path = root / name
        if not path.exists():
            print(f"{name}: absent")
            continue
        rows, languages, sure, _ = measure(path)
        top = ", ".join(f"{lang}: {n}" for lang, n in languages.most_common(4))
        print(f"{name}: {rows} rows; languages {top}; area inferred surely {sure / rows:.1%}")
    edx = root / FILES[0]
    if edx.exists():
        _rows, _languages, _sure, pairs = measure(edx, drop=("language",))
        for stated, code in (("English", "en"), ("Español", "es")):
            detected = [lang for given, lang in pairs if given == stated]
            share = sum(1 for lang in detected if lang == code) / len(detected)
            print(f"edX without its language column: {stated} rows detected {code} {share:.1%}")


if __name__ == "__main__":
    main()

"""The export of the agreed indicators for the national platform (issue 17): one month's
figures by area, k-anonymous, as CSV and as JSON (described by docs/national-export.schema.json),
with a manifest of both files' SHA-256.

Indicators (docs/open-data.md, "National export"), per local calendar month and area (the six
areas, and "all" for the whole site):

- `learners_active`: learners active in the 30 days to the month's last rolled-up day;
- `learners_new`: learner accounts created in the month (areas: the learners' interest areas);
- `completions`: courses completed in the month (areas: the course's area);
- `learning_hours`: hours of learning time credited in the month (shown where the area's
  active learners are shown);
- `elderly_participants`: learners active in the elderly-learning area (the `elderly` row of
  `learners_active`, repeated under its own name for the platform's elderly-education report).

Every figure passes the same suppression as the open data API (insight/open_data/kanon.py):
a suppressed figure is an empty `value` with `suppressed` true.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from catalogue.models import Area
from insight.open_data import statistics

SCHEMA_VERSION = 1
CSV_COLUMNS = ("period", "area", "indicator", "value", "suppressed")
ALL_AREAS = "all"
INDICATORS: dict[str, tuple[str, str]] = {
    # indicator → (open data statistic it is read from, unit)
    "learners_active": ("learners-active", "learners"),
    "learners_new": ("learners-new", "learners"),
    "completions": ("completions", "completions"),
    "learning_hours": ("learning-hours", "hours"),
}
ELDERLY_PARTICIPANTS = "elderly_participants"
DESCRIPTIONS = {
    "learners_active": "Learners active in the 30 days to the month's last day",
    "learners_new": "Learner accounts created in the month (by interest area)",
    "completions": "Courses completed in the month (by the course's area)",
    "learning_hours": "Hours of learning time credited in the month",
    ELDERLY_PARTICIPANTS: "Learners active in elderly learning (learners_active, elderly row)",
}


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the folder and each file's name → SHA-256."""

    folder: Path
    files: dict[str, str]
    rows: int


def export_rows(session: Session, month: date, k: int) -> list[dict[str, Any]]:
    """The month's indicator rows (period, area, indicator, value, suppressed)."""
    rows: list[dict[str, Any]] = []
    period = month.strftime("%Y-%m")
    for indicator, (stat_name, _unit) in INDICATORS.items():
        table = statistics.monthly_tables(session, stat_name, [month], k)[month]
        rows.append(_row(period, ALL_AREAS, indicator, table.total))
        for area in statistics.AREAS:
            rows.append(_row(period, area, indicator, table.cells[area]))
        if indicator == "learners_active":
            elderly = table.cells[Area.ELDERLY.value]
            rows.append(_row(period, Area.ELDERLY.value, ELDERLY_PARTICIPANTS, elderly))
    return rows


def _row(period: str, area: str, indicator: str, value: int | None) -> dict[str, Any]:
    return {
        "period": period,
        "area": area,
        "indicator": indicator,
        "value": value,
        "suppressed": value is None,
    }


def export_document(rows: list[dict[str, Any]], month: date, k: int, publisher: str) -> dict:
    """The JSON form of an export (docs/national-export.schema.json)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "publisher": publisher,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "period": month.strftime("%Y-%m"),
        "k_anonymity": k,
        "indicators": [
            {"name": name, "description": DESCRIPTIONS[name]}
            for name in (*INDICATORS, ELDERLY_PARTICIPANTS)
        ],
        "rows": rows,
    }


def export_csv(rows: list[dict[str, Any]]) -> str:
    """The CSV form: one row per period, area and indicator; an empty value when suppressed."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                **row,
                "value": "" if row["value"] is None else row["value"],
                "suppressed": "true" if row["suppressed"] else "false",
            }
        )
    return out.getvalue()


def _write(path: Path, data: bytes) -> str:
    """Write a file atomically (a temporary beside it, then a rename); its SHA-256."""
    draft = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(draft, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(draft, path)
    return hashlib.sha256(data).hexdigest()


def write_export(
    session: Session, month: date, k: int, out_dir: Path, publisher: str = "lifelong"
) -> ExportResult:
    """Write the month's CSV, JSON and manifest into `out_dir/<YYYY-MM>/` (replacing them)."""
    rows = export_rows(session, month, k)
    period = month.strftime("%Y-%m")
    folder = out_dir / period
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    csv_name, json_name = f"indicators-{period}.csv", f"indicators-{period}.json"
    files[csv_name] = _write(folder / csv_name, export_csv(rows).encode("utf-8"))
    document = export_document(rows, month, k, publisher)
    files[json_name] = _write(
        folder / json_name, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    )
    manifest = {
        "period": period,
        "generated_at": document["generated_at"],
        "schema": "national-export.schema.json",
        "schema_version": SCHEMA_VERSION,
        "files": [
            {"name": name, "sha256": digest, "bytes": (folder / name).stat().st_size}
            for name, digest in files.items()
        ],
        "rows": len(rows),
    }
    _write(folder / "manifest.json", json.dumps(manifest, indent=1).encode("utf-8"))
    return ExportResult(folder, files, len(rows))


def verify_export(folder: Path) -> list[str]:
    """Problems with an export folder against its manifest (empty when every file matches)."""
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    problems = []
    for entry in manifest["files"]:
        path = folder / entry["name"]
        if not path.is_file():
            problems.append(f"{entry['name']}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            problems.append(f"{entry['name']}: checksum differs")
    return problems


def previous_month(today: date) -> date:
    """The first day of the month before `today`'s."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)

"""k-anonymity of published figures (a property over random tables) and the national-export
job: CSV columns, JSON valid against docs/national-export.schema.json, the manifest's sums.
The job runs through the jobs runner on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insight.models.rollups import DailyFigure
from insight.national_export import CSV_COLUMNS, verify_export
from insight.open_data.kanon import protect
from insight.open_data.statistics import AREAS

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "national-export.schema.json"

# -- the suppression rule, on random tables -----------------------------------------------------

counts = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e", "f", "g"]),
    st.one_of(st.integers(0, 12), st.integers(0, 500)),
    min_size=1,
)


@settings(max_examples=600, deadline=None)
@given(counts, st.integers(2, 25))
def test_no_group_below_k_is_ever_shown_nor_derivable(table, k):
    out = protect(table, k)
    shown = {key: v for key, v in out.cells.items() if v is not None}
    hidden = [key for key, v in out.cells.items() if v is None]
    # Nothing shown is below k, and what is shown is the true figure.
    assert all(v >= k and v == table[key] for key, v in shown.items())
    if out.total is None:
        assert not shown  # a total below k hides the whole table
        assert sum(table.values()) < k
        return
    assert out.total == sum(table.values()) >= k
    if hidden:
        # The total minus the shown cells is never one cell, nor a group below k.
        assert len(hidden) >= 2
        assert out.total - sum(shown.values()) >= k


@settings(max_examples=200, deadline=None)
@given(counts, st.integers(2, 25), st.integers(0, 2000))
def test_an_overlapping_total_is_held_to_k_too(table, k, total):
    out = protect(table, k, total=total)
    assert out.total is None or out.total >= k
    assert all(v is None or v >= k for v in out.cells.values())
    if out.total is None:
        assert all(v is None for v in out.cells.values())


def test_rule_examples():
    assert protect({"a": 50, "b": 3}, 10).cells == {"a": None, "b": None}
    assert protect({"a": 50, "b": 30, "c": 3}, 10).cells == {"a": 50, "b": None, "c": None}
    assert protect({"a": 50, "b": 5, "c": 6}, 10).cells == {"a": 50, "b": None, "c": None}
    assert protect({"a": 50, "b": 2, "c": 3, "d": 40}, 10).cells == {
        "a": 50,
        "b": None,
        "c": None,
        "d": None,
    }
    assert protect({"a": 5, "b": 4}, 10).total is None
    with pytest.raises(ValueError):
        protect({"a": 1}, 0)


# -- the job --------------------------------------------------------------------------------


def _random_month(session, month: date, seed: int) -> dict[tuple[str, str, date], int]:
    """Daily figures for every metric the export reads, some areas small, in one month."""
    rng = random.Random(seed)
    figures: dict[tuple[str, str, date], int] = {}
    day = month
    while day.month == month.month:
        for metric in ("events.complete", "learners.new", "learning.seconds", "active.month"):
            per_area = {}
            for area in AREAS:
                small = rng.random() < 0.3
                top = 3 if small else 400
                value = rng.randint(0, top) * (3600 if metric == "learning.seconds" else 1)
                per_area[area] = value
            total = sum(per_area.values())
            if metric == "active.month":
                total = max(per_area.values()) + rng.randint(0, 30)  # areas overlap
            for area, value in {**per_area, "": total}.items():
                figures[(metric, area, day)] = value
                session.add(DailyFigure(metric=metric, area=area, day=day, value=value))
        day += timedelta(days=1)
    session.commit()
    return figures


def _run(app, month: str | None = None):
    from jobs.national_export import national_export
    from jobs.registry import get_job
    from jobs.runner import run_job
    from webapp.db import get_database
    from webapp.settings import get_settings

    context = get_settings(app).job_context()
    if month is None:
        outcome, figures = run_job(
            get_job("national-export"), context, get_database(app).sessions, trigger="test"
        )
        assert outcome.value == "succeeded", figures
        return figures
    return national_export(context, month)


def test_export_files_match_schema_columns_and_manifest(app, session):
    _random_month(session, date(2026, 10, 1), seed=7)
    figures = _run(app, "2026-10")
    folder = Path(figures["folder"])
    assert folder.name == "2026-10"
    document = json.loads((folder / "indicators-2026-10.json").read_text("utf-8"))
    schema = json.loads(SCHEMA.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)
    with open(folder / "indicators-2026-10.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == CSV_COLUMNS
        rows = list(reader)
    assert len(rows) == len(document["rows"]) == figures["rows"]
    for line, row in zip(rows, document["rows"], strict=True):
        assert line["period"] == row["period"] and line["indicator"] == row["indicator"]
        assert line["value"] == ("" if row["value"] is None else str(row["value"]))
        assert line["suppressed"] == ("true" if row["suppressed"] else "false")
    # Every head count shown is at least k; suppression happened somewhere in random data.
    k = document["k_anonymity"]
    heads = [r for r in document["rows"] if r["indicator"] != "learning_hours"]
    assert all(r["value"] is None or r["value"] >= k for r in heads)
    assert any(r["suppressed"] for r in heads)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    for entry in manifest["files"]:
        data = (folder / entry["name"]).read_bytes()
        assert (
            hashlib.sha256(data).hexdigest() == entry["sha256"] == figures["files"][entry["name"]]
        )
    assert verify_export(folder) == []
    (folder / "indicators-2026-10.csv").write_text("period\r\n", encoding="utf-8")
    assert verify_export(folder) == ["indicators-2026-10.csv: checksum differs"]


def test_export_figures_are_the_rollups_combined(app, session):
    figures = _random_month(session, date(2026, 10, 1), seed=11)
    document = json.loads(
        (Path(_run(app, "2026-10")["folder"]) / "indicators-2026-10.json").read_text("utf-8")
    )
    by = {(r["area"], r["indicator"]): r["value"] for r in document["rows"]}
    month_days = [d for (m, a, d) in figures if m == "events.complete" and a == ""]
    completions = sum(figures[("events.complete", "", d)] for d in month_days)
    assert by[("all", "completions")] == completions
    last = max(month_days)
    assert by[("all", "learners_active")] == figures[("active.month", "", last)]
    assert by[("elderly", "elderly_participants")] == by[("elderly", "learners_active")]


def test_the_scheduled_job_exports_the_previous_month(app, session):
    figures = _run(app)
    folder = Path(figures["folder"])
    assert (folder / "manifest.json").is_file()
    assert figures["period"] == folder.name
    # An empty month: every figure suppressed, still a valid document.
    document = json.loads(next(folder.glob("indicators-*.json")).read_text("utf-8"))
    assert all(r["suppressed"] for r in document["rows"])
    schema = json.loads(SCHEMA.read_text("utf-8"))
    jsonschema.validate(document, schema)
    text = next(folder.glob("indicators-*.csv")).read_text("utf-8")
    assert next(csv.reader(io.StringIO(text))) == list(CSV_COLUMNS)

"""The dependency direction of the design brief:
webapp → jobs → insight → assistant, records, search, recommender → catalogue
(siblings do not import each other)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "catalogue",
    "search",
    "recommender",
    "assistant",
    "records",
    "insight",
    "jobs",
    "webapp",
)
ALLOWED = {
    "catalogue": set(),
    "search": {"catalogue"},
    "recommender": {"catalogue"},
    "assistant": {"catalogue"},
    "records": {"catalogue"},
    "insight": {"catalogue", "search", "recommender", "assistant", "records"},
    "jobs": {"catalogue", "search", "recommender", "assistant", "records", "insight"},
    "webapp": {"catalogue", "search", "recommender", "assistant", "records", "insight", "jobs"},
}


def _imports(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in PACKAGES and top != package:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_what_it_may(package):
    wrong = {dep: files for dep, files in _imports(package).items() if dep not in ALLOWED[package]}
    assert not wrong, f"{package} must not import {wrong}"


def test_views_hold_no_sql_or_whoosh():
    for path in (ROOT / "webapp" / "views").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("sqlalchemy", "whoosh", "select(", "session.execute"):
            assert forbidden not in text, f"{path.name} uses {forbidden}"

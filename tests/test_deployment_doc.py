"""docs/deployment.md stays true: the commands, files and tests it names exist."""

from __future__ import annotations

import re
from pathlib import Path

from webapp import create_app

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")


def test_every_lifelong_command_it_names_exists(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    named = set(re.findall(r"lifelong ([a-z][a-z-]+)", DOC))
    assert {"serve", "worker", "init-db", "backup"} <= named
    commands = set(app.cli.commands)
    assert named <= commands, f"not commands: {sorted(named - commands)}"


def test_every_file_and_document_it_names_exists():
    paths = set(re.findall(r"`((?:deploy|docs|tests)/[A-Za-z0-9_./-]+)", DOC))
    paths = {p.split("::")[0] for p in paths}
    assert paths, "the page names no files"
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"named but missing: {missing}"


def test_every_test_it_names_exists():
    named = re.findall(r"`?(tests/[a-z_]+\.py)::([a-z_0-9]+)", DOC)
    named += [
        (file, test)
        for file, tests in re.findall(
            r"`(tests/[a-z_]+\.py)::[a-z_0-9]+`((?:,\s*`::[a-z_0-9]+`)+)", DOC
        )
        for test in re.findall(r"::([a-z_0-9]+)", tests)
    ]
    assert len(named) >= 8
    for file, test in named:
        source = (ROOT / file).read_text(encoding="utf-8")
        assert re.search(rf"^def {test}\(", source, re.M), f"{file}::{test} does not exist"

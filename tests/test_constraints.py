"""constraints.txt pins the whole dependency tree, and the running venv has exactly those pins."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"


def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        found = re.fullmatch(r"([A-Za-z0-9._-]+)==([A-Za-z0-9.+!-]+)", line)
        assert found, f"constraints.txt: {line!r} is not an exact pin name==version"
        name = canonicalize_name(found.group(1))
        assert name not in pins, f"constraints.txt pins {name} twice"
        pins[name] = found.group(2)
    return pins


def _project_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = project["dependencies"] + project["optional-dependencies"]["test"]
    return [Requirement(r) for r in names]


def _dependency_tree() -> dict[str, set[str]]:
    """Every distribution the project and its test extra need here, with the extras asked of it."""
    needed: dict[str, set[str]] = {}
    todo = [(r, "") for r in _project_requirements()]
    while todo:
        requirement, parent_extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": parent_extra}):
            continue
        name = canonicalize_name(requirement.name)
        new_extras = set(requirement.extras) - needed.get(name, set())
        if name in needed and not new_extras:
            continue
        needed.setdefault(name, set()).update(requirement.extras)
        for extra in ["", *sorted(new_extras or requirement.extras)]:
            for child in metadata.requires(name) or []:
                todo.append((Requirement(child), extra))
    return needed


def test_readme_commands_install_the_pins():
    from tests.test_quickstart import _quick_start_commands

    for command in _quick_start_commands():
        assert "pip install" in command and "-c constraints.txt" in command, command


def test_every_project_and_test_dependency_is_pinned_within_its_range():
    pins = _pins()
    for requirement in _project_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]}, outside pyproject's {requirement}"
        )


def test_the_whole_installed_tree_is_pinned_and_installed_at_the_pins():
    pins = _pins()
    tree = _dependency_tree()
    unpinned = sorted(set(tree) - set(pins))
    assert not unpinned, (
        f"installed dependencies without a pin: {unpinned} (run .ci/refresh-constraints)"
    )
    # Pins of optional extras (the load test's) need not be installed; the rest must match.
    wrong = {
        name: (pin, _installed(name))
        for name, pin in pins.items()
        if _installed(name) is not None and _installed(name) != pin
    }
    assert not wrong, (
        "the venv differs from constraints.txt (pin, installed): "
        f"{wrong}; reinstall with the README's test command"
    )


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None

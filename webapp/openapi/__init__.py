"""The OpenAPI 3.1 description of /api/v1: one base document merged with fragment files.

Each area of the API describes its own endpoints in a YAML fragment beside this module
(`search.yaml`, `open_data.yaml`, ...): `paths:`, `components:` and `tags:` only. `load_spec`
merges them into the base document; a path, component or tag declared twice with different
content is an error at load time (`SpecConflict`), so two fragments never silently override
each other. README.md here says how to write a fragment.
"""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from typing import Any

import yaml

SPEC_DIR = Path(__file__).resolve().parent
BASE_FILE = "base.yaml"
FRAGMENT_KEYS = frozenset({"paths", "components", "tags"})
COMPONENT_KINDS = frozenset(
    {
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
    }
)


class SpecConflict(ValueError):
    """Two files of the description declare the same thing differently, or a file is malformed."""


def fragment_files(directory: Path = SPEC_DIR) -> list[Path]:
    """The fragment files in `directory` (every *.yaml but the base), in name order."""
    return sorted(p for p in directory.glob("*.yaml") if p.name != BASE_FILE)


def _read(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecConflict(f"{path.name}: not valid YAML: {exc}") from exc
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise SpecConflict(f"{path.name}: the top level must be a mapping")
    # As JSON sees it: an unquoted YAML date (`x-sunset: 2027-06-30`) becomes its ISO string.
    return json.loads(json.dumps(document, default=str))


def _merge_mapping(
    target: dict[str, Any], extra: dict[str, Any], where: str, owners: dict[str, str], name: str
) -> None:
    for key, value in extra.items():
        if key in target and target[key] != value:
            raise SpecConflict(
                f"{name}: {where} {key!r} is already declared differently by {owners[key]}"
            )
        if key not in target:
            target[key] = value
            owners[key] = name


def merge_fragment(spec: dict[str, Any], fragment: dict[str, Any], name: str, owners: dict) -> None:
    """Merge one fragment into `spec` in place; `owners` remembers which file declared what."""
    unknown = set(fragment) - FRAGMENT_KEYS
    if unknown:
        raise SpecConflict(f"{name}: a fragment holds only paths, components and tags: {unknown}")
    paths = fragment.get("paths") or {}
    if not isinstance(paths, dict):
        raise SpecConflict(f"{name}: paths must be a mapping")
    for path in paths:
        if not str(path).startswith("/api/v1/"):
            raise SpecConflict(f"{name}: path {path!r} is not under /api/v1/")
        if path in spec["paths"]:
            owner = owners["paths"][path]
            raise SpecConflict(f"{name}: path {path!r} is already described by {owner}")
    _merge_mapping(spec["paths"], paths, "path", owners["paths"], name)
    components = fragment.get("components") or {}
    if not isinstance(components, dict) or set(components) - COMPONENT_KINDS:
        raise SpecConflict(f"{name}: components must be a mapping of {sorted(COMPONENT_KINDS)}")
    for kind, entries in components.items():
        if not isinstance(entries, dict):
            raise SpecConflict(f"{name}: components.{kind} must be a mapping")
        target = spec.setdefault("components", {}).setdefault(kind, {})
        _merge_mapping(target, entries, f"components.{kind}", owners.setdefault(kind, {}), name)
    tags = fragment.get("tags") or []
    if not isinstance(tags, list):
        raise SpecConflict(f"{name}: tags must be a list")
    known = {tag["name"]: tag for tag in spec.setdefault("tags", [])}
    for tag in tags:
        if not isinstance(tag, dict) or "name" not in tag:
            raise SpecConflict(f"{name}: every tag needs a name")
        if tag["name"] in known:
            if known[tag["name"]] != tag:
                raise SpecConflict(f"{name}: tag {tag['name']!r} is already declared differently")
            continue
        spec["tags"].append(tag)
        known[tag["name"]] = tag


def build_spec(directory: Path = SPEC_DIR) -> dict[str, Any]:
    """The whole description: the base document with every fragment in `directory` merged in."""
    spec = _read(directory / BASE_FILE)
    spec.setdefault("paths", {})
    owners: dict[str, dict[str, str]] = {
        "paths": dict.fromkeys(spec["paths"], BASE_FILE),
    }
    for kind, entries in (spec.get("components") or {}).items():
        owners[kind] = dict.fromkeys(entries, BASE_FILE)
    for path in fragment_files(directory):
        merge_fragment(spec, _read(path), path.name, owners)
    spec["paths"] = dict(sorted(spec["paths"].items()))
    return spec


_lock = threading.Lock()
_cached: tuple[dict[str, Any], bytes] | None = None


def _built() -> tuple[dict[str, Any], bytes]:
    global _cached
    with _lock:
        if _cached is None:
            spec = build_spec()
            _cached = (spec, json.dumps(spec, ensure_ascii=False, indent=1).encode("utf-8"))
        return _cached


def load_spec() -> dict[str, Any]:
    """The merged description, built once per process (a deep copy: callers may change it)."""
    return copy.deepcopy(_built()[0])


def spec_json() -> bytes:
    """The merged description as UTF-8 JSON, built once per process."""
    return _built()[1]

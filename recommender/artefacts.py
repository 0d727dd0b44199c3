"""Versioned model artefacts: written beside each other, validated, switched atomically.

Layout of the model directory:
    CURRENT        name of the live version (replaced atomically with os.replace)
    PREVIOUS       the version CURRENT replaced, for rollback
    v-<ns>/        one training run: factors.npz (learner and course factors, id maps),
                   content.npz (the TF-IDF vocabulary for content similarity) and meta.json
                   (hyper-parameters, data size and window, metrics, decision)

A version directory is complete before it can become CURRENT (it is written under a temporary
name and renamed), so a reader never sees half an artefact. Readers load a version once and keep
it; each request asks which version is current and uses one loaded version throughout.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recommender.content import ContentModel

FACTORS = "factors.npz"
META = "meta.json"


class ArtefactError(RuntimeError):
    """An artefact that is missing, incomplete or inconsistent."""


@dataclass(frozen=True)
class Model:
    """A loaded model version: factors, id maps and what was recorded about it."""

    version: str
    user_factors: np.ndarray
    item_factors: np.ndarray
    user_ids: np.ndarray  # row → learner id
    item_ids: np.ndarray  # row → course id
    meta: dict[str, Any]
    content: ContentModel | None = None

    def user_row(self, user_id: int) -> int | None:
        """The factor row of a learner, or None if the model does not know them."""
        return _row(self.user_ids, user_id)

    def item_row(self, course_id: int) -> int | None:
        """The factor row of a course, or None if the model does not know it."""
        return _row(self.item_ids, course_id)


def _row(ids: np.ndarray, wanted: int) -> int | None:
    at = int(np.searchsorted(ids, wanted))
    return at if at < len(ids) and ids[at] == wanted else None


def validate(
    user_factors: np.ndarray, item_factors: np.ndarray, user_ids: np.ndarray, item_ids: np.ndarray
) -> None:
    """Refuse factors that do not fit their id maps or hold non-finite numbers."""
    if user_factors.ndim != 2 or item_factors.ndim != 2:
        raise ArtefactError("factors must be two-dimensional")
    if user_factors.shape[1] != item_factors.shape[1]:
        raise ArtefactError("learner and course factors differ in width")
    if len(user_factors) != len(user_ids) or len(item_factors) != len(item_ids):
        raise ArtefactError("factor rows and id maps differ in length")
    for ids in (user_ids, item_ids):
        if len(ids) and np.any(np.diff(ids) <= 0):
            raise ArtefactError("id maps must be strictly increasing")
    if not (np.isfinite(user_factors).all() and np.isfinite(item_factors).all()):
        raise ArtefactError("factors hold NaN or infinite values")


class ModelStore:
    """The model directory: versions, the current pointer, loading with a per-version cache."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._loaded: Model | None = None

    # -- writing -------------------------------------------------------------------------

    def write(
        self,
        user_factors: np.ndarray,
        item_factors: np.ndarray,
        user_ids: np.ndarray,
        item_ids: np.ndarray,
        meta: dict[str, Any],
        content: ContentModel | None = None,
    ) -> str:
        """Validate and write a new version (not made current); returns its name."""
        validate(user_factors, item_factors, user_ids, item_ids)
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"v-{time.time_ns():020d}"
        tmp = self.root / f".{name}.tmp"
        tmp.mkdir()
        np.savez(
            tmp / FACTORS,
            user_factors=user_factors,
            item_factors=item_factors,
            user_ids=user_ids,
            item_ids=item_ids,
        )
        if content is not None:
            content.save(tmp)
        (tmp / META).write_text(
            json.dumps({**meta, "version": name}, ensure_ascii=False, indent=2, default=str),
            encoding="utf-8",
        )
        os.replace(tmp, self.root / name)
        return name

    def promote(self, name: str) -> None:
        """Make a version current, atomically; the one it replaces becomes PREVIOUS."""
        if not (self.root / name / FACTORS).is_file():
            raise ArtefactError(f"no model version {name}")
        self.load(name)  # refuse what cannot be read back
        current = self.current()
        if current and current != name:
            _write_atomic(self.root / "PREVIOUS", current)
        _write_atomic(self.root / "CURRENT", name)

    def rollback(self) -> str:
        """Make the previous version current again; returns its name."""
        previous = _read(self.root / "PREVIOUS")
        if not previous or not (self.root / previous).is_dir():
            raise ArtefactError("there is no previous model version to roll back to")
        current = self.current()
        _write_atomic(self.root / "CURRENT", previous)
        if current:
            _write_atomic(self.root / "PREVIOUS", current)
        return previous

    def prune(self, keep: int) -> list[str]:
        """Delete all but the `keep` newest versions (never CURRENT or PREVIOUS)."""
        protected = {self.current(), _read(self.root / "PREVIOUS")}
        versions = self.versions()
        doomed = [v for v in versions[: max(len(versions) - keep, 0)] if v not in protected]
        for name in doomed:
            shutil.rmtree(self.root / name, ignore_errors=True)
        for tmp in self.root.glob(".v-*.tmp"):  # left by a run that died while writing
            shutil.rmtree(tmp, ignore_errors=True)
        return doomed

    def adopt_version(self, source: Path, name: str) -> bool:
        """Copy a version in from a backup under its own name, checked to load (a differing
        copy of the same name is replaced); returns whether the version was not there before."""
        if not re.fullmatch(r"v-\d+", name):
            raise ArtefactError(f"{name} is not a model version name")
        target = self.root / name
        if target.is_dir() and _same_files(source, target):
            return False
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".{name}.restore"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(source, staging)
        try:
            _load_folder(staging, name)
        except ArtefactError:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        existed = target.is_dir()
        aside = self.root / f".{name}.replaced"
        if existed:
            os.replace(target, aside)
        os.replace(staging, target)
        shutil.rmtree(aside, ignore_errors=True)
        return not existed

    def remove_version(self, name: str) -> None:
        """Delete a version that is neither current nor previous (one adopted, then given up)."""
        if name in (self.current(), self.previous()):
            raise ArtefactError(f"{name} is in use")
        shutil.rmtree(self.root / name, ignore_errors=True)

    def set_pointers(self, current: str, previous: str | None) -> None:
        """Make `current` current and `previous` the rollback target (as a backup recorded
        them); each pointer is replaced atomically."""
        self.load(current)  # refuse what cannot be read back
        if previous:
            if not (self.root / previous / FACTORS).is_file():
                raise ArtefactError(f"no model version {previous}")
            _write_atomic(self.root / "PREVIOUS", previous)
        else:
            (self.root / "PREVIOUS").unlink(missing_ok=True)
        _write_atomic(self.root / "CURRENT", current)

    # -- reading -------------------------------------------------------------------------

    def versions(self) -> list[str]:
        """Complete versions, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.glob("v-*") if (p / META).is_file())

    def current(self) -> str | None:
        """Name of the current version, or None before the first promotion."""
        return _read(self.root / "CURRENT")

    def previous(self) -> str | None:
        """Name of the version a rollback returns to, or None."""
        return _read(self.root / "PREVIOUS")

    def copy_version(self, name: str, dest: Path) -> None:
        """Copy a complete version's files to `dest` (a new folder)."""
        if not (self.root / name / META).is_file():
            raise ArtefactError(f"no model version {name}")
        shutil.copytree(self.root / name, dest)

    def written_at(self, name: str) -> float:
        """When a version was written, in seconds since 1970 (its name holds the time)."""
        try:
            return int(name.removeprefix("v-")) / 1e9
        except ValueError as exc:
            raise ArtefactError(f"{name} is not a model version name") from exc

    def meta(self, name: str) -> dict[str, Any]:
        """What was recorded about a version."""
        try:
            return json.loads((self.root / name / META).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError) as exc:
            raise ArtefactError(f"model version {name} has no readable metadata") from exc

    def load(self, name: str) -> Model:
        """Read and validate a version."""
        return _load_folder(self.root / name, name)

    def current_model(self) -> Model | None:
        """The current version, loaded once per version for the whole process."""
        name = self.current()
        if name is None:
            return None
        with self._lock:
            if self._loaded is None or self._loaded.version != name:
                self._loaded = self.load(name)
            return self._loaded


def _load_folder(folder: Path, name: str) -> Model:
    """Read and validate the version in a folder."""
    try:
        with np.load(folder / FACTORS) as data:
            arrays = {k: data[k] for k in ("user_factors", "item_factors", "user_ids", "item_ids")}
    except (FileNotFoundError, KeyError, ValueError, OSError) as exc:
        raise ArtefactError(f"model version {name} cannot be read: {exc}") from exc
    validate(**arrays)
    try:
        content = ContentModel.load(folder)
    except (KeyError, ValueError, OSError) as exc:
        raise ArtefactError(f"model version {name} has an unreadable vocabulary") from exc
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError) as exc:
        raise ArtefactError(f"model version {name} has no readable metadata") from exc
    return Model(version=name, meta=meta, content=content, **arrays)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def _same_files(a: Path, b: Path) -> bool:
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    if names != sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()):
        return False
    _match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)

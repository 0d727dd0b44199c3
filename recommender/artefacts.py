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

import json
import os
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

    # -- reading -------------------------------------------------------------------------

    def versions(self) -> list[str]:
        """Complete versions, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.glob("v-*") if (p / META).is_file())

    def current(self) -> str | None:
        """Name of the current version, or None before the first promotion."""
        return _read(self.root / "CURRENT")

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
        try:
            with np.load(self.root / name / FACTORS) as data:
                arrays = {
                    k: data[k] for k in ("user_factors", "item_factors", "user_ids", "item_ids")
                }
        except (FileNotFoundError, KeyError, ValueError, OSError) as exc:
            raise ArtefactError(f"model version {name} cannot be read: {exc}") from exc
        validate(**arrays)
        try:
            content = ContentModel.load(self.root / name)
        except (KeyError, ValueError, OSError) as exc:
            raise ArtefactError(f"model version {name} has an unreadable vocabulary") from exc
        return Model(version=name, meta=self.meta(name), content=content, **arrays)

    def current_model(self) -> Model | None:
        """The current version, loaded once per version for the whole process."""
        name = self.current()
        if name is None:
            return None
        with self._lock:
            if self._loaded is None or self._loaded.version != name:
                self._loaded = self.load(name)
            return self._loaded


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)

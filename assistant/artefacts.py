"""Versioned question-matcher artefacts: written beside each other, checked, switched atomically.

Layout of the matcher directory (the same pattern as the recommender's model directory):
    CURRENT        name of the live version (replaced atomically with os.replace)
    PREVIOUS       the version CURRENT replaced, for rollback
    v-<ns>/        one training run: matcher.pkl (the pickled `Matcher`) and meta.json
                   (held-out metrics, threshold and C, data sizes, the gate's decision,
                   trained_at, the pickle's SHA-256 and the library versions)

A version directory is written under a temporary name and renamed when complete, so a reader
never sees half an artefact, and CURRENT can only name a complete one.

matcher.pkl is a pickle, and unpickling runs code: only files this store wrote into its own
directory (the instance folder the operator configures) are ever loaded, and each is checked
against the SHA-256 recorded beside it. Never point a store at a directory others can write to,
and never load an uploaded file with it. A pickle written by another scikit-learn version may
not load: such a version is reported unreadable (ArtefactError) and the gate falls back to its
recorded metrics.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import platform
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import sklearn

from assistant.matcher import Matcher

PICKLE = "matcher.pkl"
META = "meta.json"
# How many loaded versions a process keeps (the current one and the one it replaced).
LOADED = 2


class ArtefactError(RuntimeError):
    """An artefact that is missing, incomplete or unreadable."""


class MatcherStore:
    """The matcher directory: versions, the current pointer, loading with a per-version cache."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._loaded: dict[str, Matcher] = {}

    # -- writing -------------------------------------------------------------------------

    def write(self, matcher: Matcher, meta: dict[str, Any]) -> str:
        """Write a new version (not made current); returns its name."""
        if not isinstance(matcher, Matcher):
            raise ArtefactError("only a Matcher can be stored")
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"v-{time.time_ns():020d}"
        tmp = self.root / f".{name}.tmp"
        tmp.mkdir()
        try:
            data = pickle.dumps(matcher, protocol=pickle.HIGHEST_PROTOCOL)
            (tmp / PICKLE).write_bytes(data)
            record = {
                **meta,
                "version": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "libraries": {
                    "scikit-learn": sklearn.__version__,
                    "python": platform.python_version(),
                },
            }
            (tmp / META).write_text(
                json.dumps(record, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
            )
            _fsync_folder(tmp)
            os.replace(tmp, self.root / name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return name

    def promote(self, name: str) -> None:
        """Make a version current, atomically; the one it replaces becomes PREVIOUS."""
        self.load(name)  # refuse what cannot be read back
        current = self.current()
        if current and current != name:
            _write_atomic(self.root / "PREVIOUS", current)
        _write_atomic(self.root / "CURRENT", name)

    def rollback(self) -> str:
        """Make the previous version current again; returns its name."""
        previous = self.previous()
        if not previous or not (self.root / previous / PICKLE).is_file():
            raise ArtefactError("there is no previous matcher version to roll back to")
        current = self.current()
        _write_atomic(self.root / "CURRENT", previous)
        if current:
            _write_atomic(self.root / "PREVIOUS", current)
        return previous

    def prune(self, keep: int) -> list[str]:
        """Delete all but the `keep` newest versions (never CURRENT or PREVIOUS)."""
        protected = {self.current(), self.previous()}
        versions = self.versions()
        doomed = [v for v in versions[: max(len(versions) - keep, 0)] if v not in protected]
        for name in doomed:
            shutil.rmtree(self.root / name, ignore_errors=True)
            with self._lock:
                self._loaded.pop(name, None)
        for tmp in self.root.glob(".v-*.tmp"):  # left by a run that died while writing
            shutil.rmtree(tmp, ignore_errors=True)
        return doomed

    # -- reading -------------------------------------------------------------------------

    def versions(self) -> list[str]:
        """Complete versions, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name for p in self.root.glob("v-*") if (p / META).is_file() and (p / PICKLE).is_file()
        )

    def current(self) -> str | None:
        """Name of the current version, or None before the first promotion."""
        return _read(self.root / "CURRENT")

    def previous(self) -> str | None:
        """Name of the version a rollback returns to, or None."""
        return _read(self.root / "PREVIOUS")

    def meta(self, name: str) -> dict[str, Any]:
        """What was recorded about a version."""
        try:
            return json.loads((self.root / name / META).read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError, ValueError) as exc:
            raise ArtefactError(f"matcher version {name} has no readable metadata") from exc

    def history(self) -> list[dict[str, Any]]:
        """Every kept version's record, oldest first (metrics over time for the admin page)."""
        current = self.current()
        return [{**self.meta(v), "current": v == current} for v in self.versions()]

    def load(self, name: str) -> Matcher:
        """A version's matcher, read and checked once per process and then kept."""
        with self._lock:
            cached = self._loaded.get(name)
        if cached is not None:
            return cached
        matcher = self._read(name)
        with self._lock:
            self._loaded[name] = matcher
            while len(self._loaded) > LOADED:
                self._loaded.pop(next(iter(self._loaded)))
        return matcher

    def current_matcher(self) -> Matcher | None:
        """The current version's matcher (None before the first promotion); each call asks
        which version is current, so a promotion is picked up by the next request."""
        name = self.current()
        return None if name is None else self.load(name)

    def _read(self, name: str) -> Matcher:
        if not name.startswith("v-") or "/" in name or name.startswith("v-."):
            raise ArtefactError(f"{name} is not a matcher version name")
        folder = self.root / name
        meta = self.meta(name)
        try:
            data = (folder / PICKLE).read_bytes()
        except OSError as exc:
            raise ArtefactError(f"matcher version {name} has no {PICKLE}") from exc
        if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            raise ArtefactError(f"matcher version {name}: {PICKLE} differs from its record")
        try:
            matcher = pickle.loads(data)
        except Exception as exc:  # an unpickling error can be of any type
            raise ArtefactError(f"matcher version {name} cannot be read: {exc}") from exc
        if not isinstance(matcher, Matcher):
            raise ArtefactError(f"matcher version {name} does not hold a Matcher")
        return matcher


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _fsync_folder(folder: Path) -> None:
    """Flush a folder's files to disk before it is renamed into place."""
    for path in folder.iterdir():
        with path.open("rb") as fh:
            os.fsync(fh.fileno())

"""A new installation's first question matcher, reused when the same knowledge was fitted before.

`lifelong start` fits a matcher once for a new instance (`nightly.FIRST_START` settings, about
ten seconds on two cores). The fit is deterministic: the same articles, questions, settings,
code and libraries give the same matcher (its confidences agree to about 1e-6; BLAS may sum in
another order). So a start keeps a copy of what it fitted in a cache folder, under a fingerprint
of all of these, and a later new instance on the same machine (a reinstall, a second site, the
test suite's many live sites) adopts the copy instead of fitting again. Anything different (a
staff article, another scikit-learn, a changed matcher module) gives another fingerprint and a
fresh fit. The nightly job always trains and chooses again.

Unpickling runs code, so the cache folder must be the operator's own: a folder that another
user owns, or that others may write to, is not used (the start fits as if there were no cache).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import shutil
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from assistant.artefacts import ArtefactError, MatcherStore
from assistant.handover import OTHER_SERVICES_TXT
from assistant.knowledge import HelpArticle, LabelledQuestion
from assistant.nightly import FIRST_START, knowledge
from assistant.training import train_and_publish

# Libraries whose release can change what a fit produces.
LIBRARIES = ("scikit-learn", "numpy", "scipy", "jieba", "pypinyin")
PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class FirstMatcher:
    """What the first start did: fitted a matcher, or adopted the copy of an identical fit."""

    version: str | None
    reused: bool
    message: str


def default_cache_folder(xdg_cache_home: str | None = None) -> Path:
    """The per-user cache folder for first matchers ($XDG_CACHE_HOME, else ~/.cache)."""
    base = Path(xdg_cache_home) if xdg_cache_home else Path.home() / ".cache"
    return base / "lifelong-learning" / "assistant-matchers"


def fingerprint(articles: Sequence[HelpArticle], questions: Sequence[LabelledQuestion]) -> str:
    """A digest of everything a first fit depends on: knowledge, settings, code, libraries."""
    code = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in [*sorted(PACKAGE.glob("*.py")), OTHER_SERVICES_TXT]
    }
    material = {
        "articles": [dataclasses.asdict(a) for a in articles],
        "questions": [dataclasses.astuple(q) for q in questions],
        "settings": repr(FIRST_START),
        "code": code,
        "libraries": {name: _version(name) for name in LIBRARIES},
        "python": platform.python_version(),
    }
    text = json.dumps(material, ensure_ascii=False, sort_keys=True, default=list)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_matcher(session: Session, store: MatcherStore, cache: Path | None) -> FirstMatcher:
    """Give a store without a current matcher its first one: the cached copy of an identical
    fit when the cache has one, else a fit with the first-start settings (then cached)."""
    articles, questions = knowledge(session)
    folder = usable_cache(cache)
    entry = None if folder is None else folder / f"v-{fingerprint(articles, questions)}"
    if entry is not None:
        adopted = _adopt(store, entry)
        if adopted is not None:
            return FirstMatcher(adopted, True, f"reused the matcher fitted before ({entry})")
    report = train_and_publish(articles, questions, store, settings=FIRST_START)
    if entry is not None and report.promoted and report.version:
        _remember(store.root / report.version, entry)
    return FirstMatcher(report.version, False, report.reason)


def usable_cache(cache: Path | None) -> Path | None:
    """The cache folder, created private if missing; None when unset or not safely ours."""
    if cache is None:
        return None
    try:
        cache.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = cache.stat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return None
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    return cache


def _adopt(store: MatcherStore, entry: Path) -> str | None:
    """Write the cached fit into the store as its first version and promote it (None when
    there is no copy; an incomplete or damaged one is removed)."""
    if not entry.is_dir():
        return None
    copy = MatcherStore(entry.parent)
    try:
        matcher = copy.load(entry.name)
        meta: dict[str, Any] = copy.meta(entry.name)
    except ArtefactError:
        shutil.rmtree(entry, ignore_errors=True)  # a damaged copy is fitted again
        return None
    for recorded in ("version", "sha256", "libraries"):
        meta.pop(recorded, None)
    meta["reused"] = {"fingerprint": entry.name[2:], "at": datetime.now(UTC).isoformat()}
    version = store.write(matcher, meta)
    store.promote(version)
    return version


def _remember(version_folder: Path, entry: Path) -> None:
    """Copy a version into the cache under its fingerprint (complete or not at all)."""
    tmp = entry.parent / f".{entry.name}.{os.getpid()}.tmp"
    try:
        shutil.copytree(version_folder, tmp)
        os.replace(tmp, entry)
    except OSError:
        # Another start cached the same fit first, or the cache is full: fitting worked anyway.
        shutil.rmtree(tmp, ignore_errors=True)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"

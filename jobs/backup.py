"""Backups of a whole site — the database, the live search index and the models, taken
together — and putting one back.

A backup is a folder:
    manifest.json               what it holds: when, the database kind and schema revision,
                                the index generation, the model versions, every file's sha256
    database.sqlite3 | database.pgdump
    index/<generation>/         the live index generation
    models/<version>/           the CURRENT and PREVIOUS model versions

The database and the index are one consistent cut: the index is copied and the database
snapshot pinned while the index writer lock is held, so no index-outbox row is applied (and
deleted) in between. Every change the copied index lacks has its outbox row in the copied
database, and the worker applies it after a restore. Learners' writes never wait for a backup.

A restore checks everything before it changes anything (manifest, checksums, database kind,
schema revision, client programs, no jobs worker alive), stages the index and the models beside
the live ones, replaces the database in one transaction, then switches the index and the model
pointers, and finally migrates a database of an older schema.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from catalogue.backup import (
    DATABASE_FILES,
    KINDS,
    BackupError,
    check_restore_clients,
    database_kind,
    pinned_snapshot,
    restore_database,
)
from catalogue.db import head_revision, known_revisions, upgrade_database
from catalogue.models.base import utcnow
from jobs.health import worker_health
from recommender.artefacts import ArtefactError, ModelStore
from search.store import IndexMissing, IndexStore

FORMAT = "lifelong-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
INDEX_DIR = "index"
MODELS_DIR = "models"

__all__ = [
    "BackupError",
    "Manifest",
    "create_backup",
    "plan_restore",
    "read_backup",
    "restore_backup",
]


@dataclass(frozen=True)
class Manifest:
    """What a backup holds (manifest.json)."""

    created_at: str
    database_kind: str
    schema_revision: str
    index_generation: str | None
    model_current: str | None
    model_previous: str | None
    model_versions: list[str]
    files: dict[str, str]  # path inside the backup → sha256

    @property
    def database_file(self) -> str:
        """The database copy's file name."""
        return DATABASE_FILES[self.database_kind]

    def to_dict(self) -> dict[str, Any]:
        """The JSON of manifest.json."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "database": {
                "kind": self.database_kind,
                "file": self.database_file,
                "schema_revision": self.schema_revision,
            },
            "index": {"generation": self.index_generation} if self.index_generation else None,
            "models": (
                {
                    "current": self.model_current,
                    "previous": self.model_previous,
                    "versions": self.model_versions,
                }
                if self.model_current
                else None
            ),
            "files": {path: {"sha256": digest} for path, digest in sorted(self.files.items())},
        }


# -- creating ----------------------------------------------------------------------------


def create_backup(engine: Engine, index: IndexStore, models: ModelStore, dest: Path) -> Manifest:
    """Write a consistent backup of the database, the live index generation and the current
    and previous model versions into `dest`, a new (or empty) folder. The folder appears
    complete or not at all."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} exists and is not an empty folder: choose a new one")
    kind = database_kind(engine)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = dest.parent / f".{dest.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        created_at = datetime.now(UTC).isoformat(timespec="seconds")
        with contextlib.ExitStack() as pinned:
            with index.writer_lock():
                generation = index.current_generation()
                if generation:
                    index.copy_generation(generation, staging / INDEX_DIR / generation)
                snapshot = pinned.enter_context(pinned_snapshot(engine))
            # The writer lock is released: the indexer goes on while the pinned view is copied.
            if snapshot.revision is None:
                raise BackupError("the database has no schema yet (run: lifelong init-db)")
            snapshot.dump(staging / DATABASE_FILES[kind])
        current, previous, versions = _copy_models(models, staging / MODELS_DIR)
        manifest = Manifest(
            created_at=created_at,
            database_kind=kind,
            schema_revision=snapshot.revision,
            index_generation=generation,
            model_current=current,
            model_previous=previous,
            model_versions=versions,
            files=_checksums(staging),
        )
        (staging / MANIFEST).write_text(
            json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        os.replace(staging, dest)  # onto a missing or empty folder
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _copy_models(models: ModelStore, dest: Path) -> tuple[str | None, str | None, list[str]]:
    """Copy the current and previous versions; a training run may flip the pointers (and a
    prune delete the old previous) meanwhile, so read them again and retry if so."""
    for _attempt in range(3):
        current, previous = models.current(), models.previous()
        if current is None:
            return None, None, []
        versions = [v for v in (current, previous) if v]
        shutil.rmtree(dest, ignore_errors=True)
        try:
            for name in versions:
                models.copy_version(name, dest / name)
        except (ArtefactError, FileNotFoundError):
            continue
        if (models.current(), models.previous()) == (current, previous):
            return current, previous, versions
    raise BackupError("the model versions kept changing while they were copied; try again")


def _checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): _sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# -- reading and checking ----------------------------------------------------------------


def read_backup(src: Path) -> Manifest:
    """The manifest of a backup folder, after checking that every file is there, unchanged,
    and that there is no file the manifest does not list."""
    src = Path(src)
    if not src.is_dir():
        raise BackupError(f"{src} is not a folder (give the folder `backup create` wrote)")
    path = src / MANIFEST
    if not path.is_file():
        raise BackupError(f"{src} holds no {MANIFEST}: it is not a backup made by `backup create`")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        manifest = _parse(raw)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(f"{path} is corrupt: {exc}") from exc
    problems = []
    for name, digest in manifest.files.items():
        file = src / name
        if not file.is_file():
            problems.append(f"{name} is missing")
        elif _sha256(file) != digest:
            problems.append(f"{name} does not match its checksum")
    extra = set(_checksums_names(src)) - set(manifest.files)
    problems += [f"{name} is not listed in the manifest" for name in sorted(extra)]
    if problems:
        raise BackupError(
            "the backup is damaged or was changed, nothing was restored: " + "; ".join(problems)
        )
    return manifest


def _checksums_names(root: Path) -> list[str]:
    return [
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name != MANIFEST
    ]


def _parse(raw: Any) -> Manifest:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ValueError(f"it is not a {FORMAT} manifest")
    if not isinstance(raw.get("format_version"), int) or raw["format_version"] > FORMAT_VERSION:
        raise ValueError(
            f"format version {raw.get('format_version')!r} is newer than this code reads "
            f"({FORMAT_VERSION})"
        )
    database = raw["database"]
    kind = database["kind"]
    if kind not in KINDS:
        raise ValueError(f"unknown database kind {kind!r}")
    revision = _text(database["schema_revision"], "schema revision")
    files = {}
    for name, entry in raw["files"].items():
        files[_safe_path(name)] = _digest(entry["sha256"])
    if DATABASE_FILES[kind] not in files:
        raise ValueError(f"the database file {DATABASE_FILES[kind]} is not listed")
    generation = None
    if raw.get("index") is not None:
        generation = _name(raw["index"]["generation"], "gen-")
        if not any(name.startswith(f"{INDEX_DIR}/{generation}/") for name in files):
            raise ValueError(f"no file of index generation {generation} is listed")
    current = previous = None
    versions: list[str] = []
    if raw.get("models") is not None:
        models = raw["models"]
        current = _name(models["current"], "v-")
        previous = _name(models["previous"], "v-") if models.get("previous") else None
        versions = [_name(v, "v-") for v in models["versions"]]
        for name in {current, previous} - {None}:
            if name not in versions or f"{MODELS_DIR}/{name}/meta.json" not in files:
                raise ValueError(f"model version {name} is not in the backup")
    return Manifest(
        created_at=_text(raw["created_at"], "created_at"),
        database_kind=kind,
        schema_revision=revision,
        index_generation=generation,
        model_current=current,
        model_previous=previous,
        model_versions=versions,
        files=files,
    )


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string")
    return value


def _name(value: Any, prefix: str) -> str:
    value = _text(value, f"a {prefix}… name")
    if not value.startswith(prefix) or not value[len(prefix) :].isdigit():
        raise ValueError(f"{value!r} is not a {prefix}… name")
    return value


def _digest(value: Any) -> str:
    value = _text(value, "sha256")
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ValueError(f"{value!r} is not a sha256 digest")
    return value


def _safe_path(name: Any) -> str:
    """A file path inside the backup (no absolute path, no `..`)."""
    name = _text(name, "a file name")
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or path.as_posix() != name:
        raise ValueError(f"{name!r} is not a path inside the backup")
    return name


# -- restoring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RestorePlan:
    """A checked backup, ready to restore: what it holds and what the restore will do."""

    src: Path
    manifest: Manifest
    migrate_from: str | None  # the backup's older schema revision, migrated after the restore
    worker: dict[str, Any] | None = None  # the live worker a --force restore overrides


@dataclass
class RestoreReport:
    """What a restore did."""

    database: str
    schema_revision: str
    migrated_from: str | None
    index_generation: str | None
    model_current: str | None
    notes: list[str] = field(default_factory=list)


def running_worker(engine: Engine) -> dict[str, Any] | None:
    """What the heartbeat of a live jobs worker says, or None when no worker is alive."""
    if not inspect(engine).has_table("worker_heartbeats"):
        return None
    with Session(engine) as session:
        seen, _problems = worker_health(session, utcnow())
    return seen if seen.get("alive") else None


def plan_restore(src: Path, engine: Engine, *, force: bool = False) -> RestorePlan:
    """Check a backup against this site, changing nothing: BackupError says what is wrong."""
    manifest = read_backup(src)
    kind = database_kind(engine)
    if manifest.database_kind != kind:
        raise BackupError(
            f"the backup holds a {manifest.database_kind} database, but DATABASE_URL points at "
            f"{kind}: restore it into a {manifest.database_kind} database"
        )
    head = head_revision()
    if manifest.schema_revision not in known_revisions():
        raise BackupError(
            f"the backup's schema revision {manifest.schema_revision} is newer than this code's "
            f"migrations (newest {head}): restore it with the version of the code that made it"
        )
    check_restore_clients(kind)
    worker = running_worker(engine)
    if worker and not force:
        raise BackupError(
            f"a jobs worker is running (host {worker['host']}, pid {worker['pid']}, last "
            f"heartbeat {worker['last_beat_seconds_ago']} s ago): stop it first, or pass --force"
        )
    migrate_from = manifest.schema_revision if manifest.schema_revision != head else None
    return RestorePlan(Path(src), manifest, migrate_from, worker)


def restore_backup(
    plan: RestorePlan, engine: Engine, index: IndexStore, models: ModelStore
) -> RestoreReport:
    """Put a checked backup back: database, index generation, model versions and pointers."""
    manifest, src = plan.manifest, plan.src
    report = RestoreReport(
        database=manifest.database_kind,
        schema_revision=manifest.schema_revision,
        migrated_from=plan.migrate_from,
        index_generation=None,
        model_current=manifest.model_current,
    )
    with index.writer_lock():  # no index sync between the database and the index switch
        staged, added = _stage(plan, index, models)
        try:
            restore_database(engine, src / manifest.database_file, manifest.database_kind)
        except BaseException:
            if staged:
                index.discard_generation(staged)
            for name in added:
                models.remove_version(name)
            raise
        engine.dispose()  # pooled connections may hold the replaced file or schema
        if staged:
            index.publish(staged)
            report.index_generation = staged
        else:
            report.notes.append("the backup holds no search index: run `lifelong index rebuild`")
    if manifest.model_current:
        try:
            models.set_pointers(manifest.model_current, manifest.model_previous)
        except ArtefactError as exc:
            raise BackupError(
                f"the database and the index were restored, but not the model pointers: {exc}"
            ) from exc
    else:
        report.notes.append("the backup holds no model: the models were left as they were")
    if plan.migrate_from:
        try:
            upgrade_database(engine)
        except Exception as exc:
            raise BackupError(
                f"the backup was restored, but migrating it from {plan.migrate_from} failed "
                f"({exc}); run `lifelong init-db`"
            ) from exc
        report.schema_revision = head_revision()
    if staged and not index.is_current_schema():
        report.notes.append(
            "the restored index was built with an older search schema: run `lifelong index rebuild`"
        )
    return report


def _stage(plan: RestorePlan, index: IndexStore, models: ModelStore) -> tuple[str | None, list]:
    """Copy the index generation and model versions in beside the live ones (nothing live
    changes): the adopted generation's name and the model versions that were not there."""
    manifest, src = plan.manifest, plan.src
    staged = None
    added: list[str] = []
    try:
        if manifest.index_generation:
            staged = index.adopt_generation(src / INDEX_DIR / manifest.index_generation)
        for name in manifest.model_versions:
            if models.adopt_version(src / MODELS_DIR / name, name):
                added.append(name)
    except (IndexMissing, ArtefactError, OSError) as exc:
        if staged:
            index.discard_generation(staged)
        for name in added:
            models.remove_version(name)
        raise BackupError(f"the backup's index or models cannot be used: {exc}") from exc
    return staged, added

"""Backups of a whole site — the database, the live search index and the models, taken
together — and putting one back.

A backup is a folder:
    manifest.json               what it holds: when, the database kind and schema revision,
                                the index generation, the model versions, every file's sha256
    database.sqlite3 | database.pgdump
    index/<generation>/         the live index generation
    models/<version>/           the CURRENT and PREVIOUS model versions
    certificate-keys/           the certificate signing keys (private keys mode 0600)
    credit-documents/           the documents learners uploaded for credit recognition

The database and the index are one consistent cut: the index is copied and the database
snapshot pinned while the index writer lock is held, so no index-outbox row is applied (and
deleted) in between. Every change the copied index lacks has its outbox row in the copied
database, and the worker applies it after a restore. Learners' writes never wait for a backup.
The signing keys and the credit documents are copied after the database snapshot: a document is
written before its row commits and a key before anything it signs, so every row of the copy
finds its document and every certificate its key (a later orphan document is harmless).

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
FORMAT_VERSION = 2  # 2: signing keys and credit documents (version 1 backups still read)
MANIFEST = "manifest.json"
INDEX_DIR = "index"
MODELS_DIR = "models"
KEYS_DIR = "certificate-keys"
DOCUMENTS_DIR = "credit-documents"
KEY_CURRENT = "current"
PRIVATE_SUFFIX = ".key"
PUBLIC_SUFFIX = ".pub.json"

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
    key_current: str | None = None  # None: the backup holds no signing keys
    key_ids: list[str] = field(default_factory=list)
    document_count: int | None = None  # None: the backup holds no credit documents (format 1)

    @property
    def has_keys(self) -> bool:
        """Whether the backup holds the certificate signing keys."""
        return self.key_current is not None

    @property
    def has_documents(self) -> bool:
        """Whether the backup holds the credit documents (possibly none at all)."""
        return self.document_count is not None

    def documents(self) -> list[str]:
        """The stored names of the backup's credit documents."""
        prefix = f"{DOCUMENTS_DIR}/"
        return sorted(name[len(prefix) :] for name in self.files if name.startswith(prefix))

    def key_files(self) -> list[str]:
        """The names of the backup's key directory files."""
        prefix = f"{KEYS_DIR}/"
        return sorted(name[len(prefix) :] for name in self.files if name.startswith(prefix))

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
            "certificate_keys": (
                {"current": self.key_current, "keys": self.key_ids} if self.has_keys else None
            ),
            "credit_documents": ({"count": self.document_count} if self.has_documents else None),
            "files": {path: {"sha256": digest} for path, digest in sorted(self.files.items())},
        }


# -- creating ----------------------------------------------------------------------------


def create_backup(
    engine: Engine,
    index: IndexStore,
    models: ModelStore,
    dest: Path,
    *,
    key_dir: Path | None = None,
    documents_dir: Path | None = None,
) -> Manifest:
    """Write a consistent backup of the database, the live index generation, the current
    and previous model versions, the signing keys (`key_dir`) and the credit documents
    (`documents_dir`) into `dest`, a new (or empty) folder. The folder appears complete or
    not at all."""
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
        # After the snapshot: every document and key the copied rows name exists by now.
        key_current, key_ids = (
            _copy_keys(Path(key_dir), staging / KEYS_DIR) if key_dir else (None, [])
        )
        document_count = (
            _copy_documents(Path(documents_dir), staging / DOCUMENTS_DIR) if documents_dir else None
        )
        manifest = Manifest(
            created_at=created_at,
            database_kind=kind,
            schema_revision=snapshot.revision,
            index_generation=generation,
            model_current=current,
            model_previous=previous,
            model_versions=versions,
            files=_checksums(staging),
            key_current=key_current,
            key_ids=key_ids,
            document_count=document_count,
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


def _key_files(directory: Path) -> list[Path]:
    """The key directory's files (not the drafts a writer leaves under a dot name)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))


def _read_current(directory: Path) -> str | None:
    try:
        return (directory / KEY_CURRENT).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def _copy_keys(directory: Path, dest: Path) -> tuple[str | None, list[str]]:
    """Copy the key directory (private keys stay 0600); a rotation meanwhile makes it copy
    again. (None, []) when the directory holds no key. A current key whose private key file
    is lost is copied as it is (its public keys still matter; the site says what to do)."""
    for _attempt in range(3):
        current = _read_current(directory)
        if current is None:
            return None, []
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        os.chmod(dest, 0o700)
        try:
            for path in _key_files(directory):
                _copy_private(path, dest / path.name, _key_mode(path.name))
        except FileNotFoundError:
            continue
        if _read_current(directory) == current:
            ids = sorted(p.name[: -len(PUBLIC_SUFFIX)] for p in dest.glob(f"*{PUBLIC_SUFFIX}"))
            return current, ids
    raise BackupError("the signing key kept changing while it was copied; try again")


def _key_mode(name: str) -> int:
    """Private keys 0600; public keys and the `current` pointer 0644 (as records.signing)."""
    return 0o600 if name.endswith(PRIVATE_SUFFIX) else 0o644


def _copy_private(src: Path, dest: Path, mode: int = 0o600) -> None:
    """Copy a file created 0600 from the start (never readable by others, even briefly)."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, src.open("rb") as handle:
        shutil.copyfileobj(handle, out)
    os.chmod(dest, mode)


def _copy_documents(directory: Path, dest: Path) -> int:
    """Copy the stored credit documents (0600); a document deleted meanwhile is skipped."""
    dest.mkdir(parents=True)
    os.chmod(dest, 0o700)
    count = 0
    if directory.is_dir():
        for path in sorted(directory.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            try:
                _copy_private(path, dest / path.name)
            except FileNotFoundError:  # deleted by a sweep: its row is gone too
                continue
            count += 1
    return count


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
    for name in files:
        top, _, rest = name.partition("/")
        if top in (KEYS_DIR, DOCUMENTS_DIR) and ("/" in rest or rest.startswith(".")):
            raise ValueError(f"{name!r} is not a file of {top}")
    key_current = None
    key_ids: list[str] = []
    if raw.get("certificate_keys") is not None:
        keys = raw["certificate_keys"]
        key_current = _key_id(keys["current"])
        key_ids = [_key_id(k) for k in keys["keys"]]
        for needed in (KEY_CURRENT, f"{key_current}{PUBLIC_SUFFIX}"):
            if f"{KEYS_DIR}/{needed}" not in files:
                raise ValueError(f"the signing key file {KEYS_DIR}/{needed} is not listed")
        for key_id in key_ids:
            if f"{KEYS_DIR}/{key_id}{PUBLIC_SUFFIX}" not in files:
                raise ValueError(f"the public key {key_id} is not listed")
    elif any(name.startswith(f"{KEYS_DIR}/") for name in files):
        raise ValueError("signing key files are listed but the manifest names no current key")
    document_count = None
    documents = sum(name.startswith(f"{DOCUMENTS_DIR}/") for name in files)
    if raw.get("credit_documents") is not None:
        document_count = raw["credit_documents"]["count"]
        if not isinstance(document_count, int) or document_count != documents:
            raise ValueError(
                f"{documents} credit documents are listed, the manifest counts {document_count!r}"
            )
    elif documents:
        raise ValueError("credit documents are listed but the manifest does not count them")
    return Manifest(
        created_at=_text(raw["created_at"], "created_at"),
        database_kind=kind,
        schema_revision=revision,
        index_generation=generation,
        model_current=current,
        model_previous=previous,
        model_versions=versions,
        files=files,
        key_current=key_current,
        key_ids=key_ids,
        document_count=document_count,
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


def _key_id(value: Any) -> str:
    value = _text(value, "a key id")
    if not value.isalnum():
        raise ValueError(f"{value!r} is not a key id")
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
    replaces_key: str | None = None  # the live current signing key the backup's would replace


@dataclass
class RestoreReport:
    """What a restore did."""

    database: str
    schema_revision: str
    migrated_from: str | None
    index_generation: str | None
    model_current: str | None
    notes: list[str] = field(default_factory=list)
    key_current: str | None = None
    documents: int | None = None


def running_worker(engine: Engine) -> dict[str, Any] | None:
    """What the heartbeat of a live jobs worker says, or None when no worker is alive."""
    if not inspect(engine).has_table("worker_heartbeats"):
        return None
    with Session(engine) as session:
        seen, _problems = worker_health(session, utcnow())
    return seen if seen.get("alive") else None


def plan_restore(
    src: Path, engine: Engine, *, force: bool = False, key_dir: Path | None = None
) -> RestorePlan:
    """Check a backup against this site, changing nothing: BackupError says what is wrong.
    The plan names the live current signing key (in `key_dir`) the backup's would replace."""
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
    live_key = _read_current(Path(key_dir)) if key_dir else None
    replaces = (
        live_key if manifest.has_keys and live_key not in (None, manifest.key_current) else None
    )
    return RestorePlan(Path(src), manifest, migrate_from, worker, replaces)


def restore_backup(
    plan: RestorePlan,
    engine: Engine,
    index: IndexStore,
    models: ModelStore,
    *,
    key_dir: Path | None = None,
    documents_dir: Path | None = None,
    replace_key: bool = False,
) -> RestoreReport:
    """Put a checked backup back: database, index generation, model versions and pointers,
    signing keys (into `key_dir`) and credit documents (`documents_dir`, exactly the backed-up
    set). A different live current key is replaced only with `replace_key` (confirmed)."""
    manifest, src = plan.manifest, plan.src
    if plan.replaces_key and not replace_key:
        raise BackupError(
            f"the backup's signing key {manifest.key_current} would replace the current key "
            f"{plan.replaces_key}: confirm the restore (answer yes, or pass --yes)"
        )
    if (manifest.has_keys and key_dir is None) or (
        manifest.has_documents and documents_dir is None
    ):
        raise BackupError("the backup holds signing keys or credit documents: name their folders")
    report = RestoreReport(
        database=manifest.database_kind,
        schema_revision=manifest.schema_revision,
        migrated_from=plan.migrate_from,
        index_generation=None,
        model_current=manifest.model_current,
    )
    with index.writer_lock():  # no index sync between the database and the index switch
        staged, added = _stage(plan, index, models)
        files: _StagedFiles | None = None
        try:
            files = _stage_files(plan, key_dir, documents_dir)
            restore_database(engine, src / manifest.database_file, manifest.database_kind)
        except BaseException:
            if files:
                files.discard()
            if staged:
                index.discard_generation(staged)
            for name in added:
                models.remove_version(name)
            raise
        files.publish()
        if plan.replaces_key and key_dir is not None:
            _retire(Path(key_dir), plan.replaces_key)
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
    if manifest.has_keys:
        report.key_current = manifest.key_current
    else:
        report.notes.append(
            "the backup holds no signing keys: the key directory was left as it was"
        )
    if manifest.has_documents:
        report.documents = manifest.document_count
    else:
        report.notes.append(
            "the backup holds no credit documents: the stored documents were left as they were"
        )
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


def _retire(key_dir: Path, key_id: str) -> None:
    """Mark the replaced current key retired, as a rotation would (its public key stays, so
    what it signed verifies; proofs dated later are refused). Its private key file stays."""
    path = key_dir / f"{key_id}{PUBLIC_SUFFIX}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(data, dict) and not data.get("retired"):
        data["retired"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        draft = key_dir / f".{key_id}.retire-{os.getpid()}.tmp"
        draft.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.chmod(draft, 0o644)
        os.replace(draft, path)


class _StagedFiles:
    """The backup's key files and credit documents written in beside the live ones; publish()
    switches them in, discard() removes them (nothing live changed until publish)."""

    def __init__(self) -> None:
        self.keys: list[tuple[Path, Path]] = []  # (staged temp file, live name)
        self.documents: tuple[Path, Path] | None = None  # (staged folder, live folder)

    def discard(self) -> None:
        """Remove what was staged."""
        for temp, _live in self.keys:
            temp.unlink(missing_ok=True)
        if self.documents:
            shutil.rmtree(self.documents[0], ignore_errors=True)

    def publish(self) -> None:
        """Put the staged files live: the key files (`current` last), then the documents."""
        for temp, live in self.keys:
            os.replace(temp, live)
        if self.documents:
            staged, live = self.documents
            old = live.parent / f".{live.name}.old-{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            if live.exists():
                os.replace(live, old)
            os.replace(staged, live)
            shutil.rmtree(old, ignore_errors=True)


def _stage_files(
    plan: RestorePlan, key_dir: Path | None, documents_dir: Path | None
) -> _StagedFiles:
    """Copy the backup's keys and documents in beside the live ones (same file systems, so
    the switch is a rename)."""
    manifest, src = plan.manifest, plan.src
    staged = _StagedFiles()
    try:
        if manifest.has_keys and key_dir is not None:
            key_dir = Path(key_dir)
            key_dir.mkdir(parents=True, exist_ok=True)
            os.chmod(key_dir, 0o700)
            names = sorted(manifest.key_files(), key=lambda n: n == KEY_CURRENT)  # current last
            for name in names:
                temp = key_dir / f".restore-{os.getpid()}-{name}.tmp"
                temp.unlink(missing_ok=True)
                staged.keys.append((temp, key_dir / name))
                _copy_private(src / KEYS_DIR / name, temp, _key_mode(name))
        if manifest.has_documents and documents_dir is not None:
            live = Path(documents_dir)
            live.parent.mkdir(parents=True, exist_ok=True)
            folder = live.parent / f".{live.name}.restore-{os.getpid()}"
            shutil.rmtree(folder, ignore_errors=True)
            staged.documents = (folder, live)
            folder.mkdir()
            os.chmod(folder, 0o700)
            for name in manifest.documents():
                _copy_private(src / DOCUMENTS_DIR / name, folder / name)
    except OSError as exc:
        staged.discard()
        raise BackupError(
            f"the backup's signing keys or documents cannot be copied: {exc}"
        ) from exc
    return staged

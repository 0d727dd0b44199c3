"""Copies of the index on several hosts: the writer publishes every committed generation to a
shared folder, and read-only hosts copy it and switch to it atomically.

The publication folder (shared storage that every host mounts, e.g. NFS):
    CURRENT                 {"seq", "id"} of the newest manifest (replaced with os.replace)
    manifests/<seq>.json    one per publication: its files (name, size, sha256), documents, time
    objects/<sha256>        the files' contents, named by their hash: written once, never changed
    PUBLISH.lock            held (fcntl) while a publisher writes a manifest

Whoosh never changes a file once written (a commit adds segment files and a new TOC, and
records deletions in the TOC), so a publication copies only the files no earlier publication
holds. A local generation copied from a publication carries its manifest (`PUBLICATION.json`),
which says what it is a copy of and which of its files have which hash.

A follower (`lifelong index follow`, one per read-only host) builds each new publication in an
`incoming-…` folder beside the live generations: files it already has are hard-linked, the
others copied from `objects/` and checked against their size and hash; the folder is then
opened with whoosh and its documents counted, and only then renamed to `gen-…` and made live
with `IndexStore.publish` (the atomic CURRENT switch). A copy that fails or is interrupted is
never made live; a follower that starts removes the `incoming-…` folders left behind.

The writer publishes after each commit and before it deletes the outbox rows it applied, so a
publication holds every change whose outbox row is gone. A worker that takes over from another
host's (the standby) first adopts the newest publication when it is newer than what it last
published or adopted: its own copy lacks the changes the other worker published. While it
stands by, it copies each newer publication the same way, so its host's index stays current.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import json
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from search.area_guess import FILE_NAME as AREAS_FILE
from search.store import ANALYSIS_FILE, IndexStore

log = logging.getLogger(__name__)

RECORD = "PUBLICATION.json"  # in a local generation: the manifest it is a copy of
INDEX_NAME = "MAIN"  # whoosh's default index name, the one IndexStore uses
# Manifests (and the objects they name) are kept this long after they were published, and
# the newest few whatever their age: a follower copying one has that long to finish.
KEEP_PUBLISHED_SECONDS = 600.0
KEEP_PUBLISHED_NEWEST = 3
PRUNE_EVERY = 10  # publications between two prunes of the publication folder
# A local generation that stopped being live less than this long ago is kept: a search that
# began on it may still open its files.
KEEP_LOCAL_SECONDS = 60.0
STALE_TEMP_SECONDS = 3600.0
CHUNK = 1 << 20


class ReplicationError(RuntimeError):
    """A publication could not be copied (a file is missing, short or not what it claims)."""


class Interrupted(ReplicationError):
    """The copy was asked to stop before it finished."""


@dataclass(frozen=True)
class FileEntry:
    """One file of a published generation."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What one publication holds: a committed generation's files and a few figures."""

    seq: int
    id: str
    published_at: float  # seconds since the epoch
    source: str  # the writer's generation folder
    toc: int  # whoosh's generation number (the TOC file's)
    documents: int
    host: str
    files: tuple[FileEntry, ...] = field(default_factory=tuple)

    def to_json(self) -> str:
        """The manifest as JSON."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """A manifest from its JSON."""
        data = json.loads(text)
        data["files"] = tuple(FileEntry(**entry) for entry in data["files"])
        return cls(**data)

    @property
    def size(self) -> int:
        """The bytes of all its files."""
        return sum(entry.size for entry in self.files)


@dataclass(frozen=True)
class Installed:
    """What installing a publication did."""

    manifest: Manifest
    generation: str
    copied_files: int
    copied_bytes: int
    linked_files: int
    seconds: float


# -- helpers ------------------------------------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, text: str) -> None:
    """Write a small file so that readers see the old or the new content, never a part."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _copy_hashing(
    source: Path, target: Path, stop: threading.Event | None = None
) -> tuple[int, str]:
    """Copy a file to a new file, fsync it, and return (size, sha256) of what was copied."""
    digest = hashlib.sha256()
    size = 0
    # Unbuffered: each read returns what one system call gives, so the copy's progress is on
    # disk as it goes (and a stop is noticed) even when the source delivers slowly.
    with source.open("rb", buffering=0) as reader, target.open("xb") as writer:
        while chunk := reader.read(CHUNK):
            if stop is not None and stop.is_set():
                raise Interrupted(f"stopped while copying {source.name}")
            digest.update(chunk)
            writer.write(chunk)
            writer.flush()
            size += len(chunk)
        os.fsync(writer.fileno())
    return size, digest.hexdigest()


def committed_files(folder: Path) -> tuple[int, list[str], int]:
    """(TOC generation, file names, live documents) of the last commit of the index in a
    folder: its TOC, its segments' files, the area model and the analysis fingerprint;
    nothing else (no lock files, no files of segments a merge replaced)."""
    storage = FileStorage(str(folder))
    generation = TOC._latest_generation(storage, INDEX_NAME)
    if generation < 0:
        raise ReplicationError(f"no committed index in {folder}")
    toc = TOC.read(storage, INDEX_NAME, generation)
    names = [TOC._filename(INDEX_NAME, generation)]
    listing = sorted(storage.list())
    for segment in toc.segments:
        prefix = f"{segment.segment_id()}."
        names += [name for name in listing if name.startswith(prefix)]
    for extra in (AREAS_FILE, ANALYSIS_FILE):
        if (folder / extra).exists():
            names.append(extra)
    documents = sum(segment.doc_count() for segment in toc.segments)
    return generation, names, documents


def toc_generation(folder: Path) -> int:
    """The whoosh generation number of the last commit in a folder (-1 if none)."""
    return TOC._latest_generation(FileStorage(str(folder)), INDEX_NAME)


def local_record(store: IndexStore, name: str | None = None) -> Manifest | None:
    """The manifest the live (or the named) local generation was published as or copied from."""
    name = name or store.current_generation()
    if name is None:
        return None
    try:
        return Manifest.from_json((store.generation_dir(name) / RECORD).read_text("utf-8"))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def _write_record(folder: Path, manifest: Manifest) -> None:
    _write_atomically(folder / RECORD, manifest.to_json())


# -- the publication folder ---------------------------------------------------------------------


class Publication:
    """The shared folder the writer publishes generations to and followers copy them from."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def objects(self) -> Path:
        """Where the files' contents are kept, by hash."""
        return self.root / "objects"

    @property
    def manifests_dir(self) -> Path:
        """Where the manifests are kept, by number."""
        return self.root / "manifests"

    def pointer(self) -> dict | None:
        """{"seq", "id"} of the newest publication, or None before the first."""
        try:
            return json.loads((self.root / "CURRENT").read_text("utf-8"))
        except FileNotFoundError:
            return None

    def manifest(self, seq: int) -> Manifest:
        """A publication's manifest, by number."""
        return Manifest.from_json((self.manifests_dir / f"{seq:012d}.json").read_text("utf-8"))

    def current(self) -> Manifest | None:
        """The newest publication's manifest, or None before the first."""
        pointer = self.pointer()
        return None if pointer is None else self.manifest(int(pointer["seq"]))

    def numbers(self) -> list[int]:
        """The numbers of the manifests kept, oldest first."""
        if not self.manifests_dir.is_dir():
            return []
        return sorted(
            int(path.stem) for path in self.manifests_dir.glob("*.json") if path.stem.isdigit()
        )

    def object_path(self, sha256: str) -> Path:
        """Where a file's content with that hash is kept."""
        return self.objects / sha256

    def put_object(self, source: Path) -> FileEntry:
        """Copy a file into `objects/` under its hash (nothing new if it is there already)."""
        self.objects.mkdir(parents=True, exist_ok=True)
        tmp = self.objects / f".tmp-{os.getpid()}-{uuid.uuid4().hex}"
        try:
            size, sha256 = _copy_hashing(source, tmp)
            target = self.object_path(sha256)
            if target.exists() and target.stat().st_size == size:
                tmp.unlink()
            else:
                os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return FileEntry(source.name, size, sha256)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the publisher's lock (one manifest written at a time)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / "PUBLISH.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def write_manifest(self, manifest: Manifest) -> None:
        """Write a manifest, then point CURRENT at it (its objects must all be in place)."""
        self.manifests_dir.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.manifests_dir / f"{manifest.seq:012d}.json", manifest.to_json())
        _write_atomically(
            self.root / "CURRENT", json.dumps({"seq": manifest.seq, "id": manifest.id})
        )

    def prune(self, now: float | None = None) -> int:
        """Drop manifests older than KEEP_PUBLISHED_SECONDS (but the newest few) and the objects
        no kept manifest names; returns how many files were removed."""
        now = time.time() if now is None else now
        numbers = self.numbers()
        keep: list[Manifest] = []
        drop: list[int] = []
        for position, seq in enumerate(numbers):
            try:
                manifest = self.manifest(seq)
            except (FileNotFoundError, ValueError):
                continue
            newest = position >= len(numbers) - KEEP_PUBLISHED_NEWEST
            if newest or now - manifest.published_at < KEEP_PUBLISHED_SECONDS:
                keep.append(manifest)
            else:
                drop.append(seq)
        removed = 0
        for seq in drop:
            (self.manifests_dir / f"{seq:012d}.json").unlink(missing_ok=True)
            removed += 1
        named = {entry.sha256 for manifest in keep for entry in manifest.files}
        if self.objects.is_dir():
            for path in self.objects.iterdir():
                age = now - path.stat().st_mtime
                if path.name.startswith(".tmp-"):
                    if age > STALE_TEMP_SECONDS:
                        path.unlink(missing_ok=True)
                        removed += 1
                elif path.name not in named and age > KEEP_PUBLISHED_SECONDS:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed


# -- the writer's side ----------------------------------------------------------------------------


def publish_live(store: IndexStore, publication: Publication) -> Manifest:
    """Publish the live local generation as it was last committed (hold the writer lock)."""
    name = store.current_generation()
    if name is None:
        raise ReplicationError(f"no search index in {store.root} to publish")
    folder = store.generation_dir(name)
    toc, names, documents = committed_files(folder)
    record = local_record(store, name)
    pointer = publication.pointer()
    # Files this folder already published (or copied) under the same name and size are the
    # same files: whoosh never rewrites one. Their objects are certainly still there when
    # that publication is the newest one; otherwise look.
    known = {entry.name: entry for entry in record.files} if record else {}
    trusted = record is not None and pointer is not None and pointer["id"] == record.id
    entries = []
    for file_name in names:
        size = (folder / file_name).stat().st_size
        entry = known.get(file_name)
        if entry is not None and entry.size == size:
            path = publication.object_path(entry.sha256)
            if trusted or (path.exists() and path.stat().st_size == size):
                entries.append(entry)
                continue
        entries.append(publication.put_object(folder / file_name))
    with publication.lock():
        latest = publication.pointer()
        manifest = Manifest(
            seq=(int(latest["seq"]) if latest else 0) + 1,
            id=uuid.uuid4().hex,
            published_at=time.time(),
            source=name,
            toc=toc,
            documents=documents,
            host=socket.gethostname(),
            files=tuple(entries),
        )
        publication.write_manifest(manifest)
        if manifest.seq % PRUNE_EVERY == 0:
            publication.prune()
    _write_record(folder, manifest)
    log.info("published generation %s as publication %s", name, manifest.seq)
    return manifest


def reconcile(store: IndexStore, publication: Publication) -> str | None:
    """Before writing (hold the writer lock): adopt a newer publication than the one this
    store last published or copied (another host's worker wrote it), or publish local
    commits not published yet. Returns "adopted", "published" or None."""
    if adopt_newer(store, publication) is not None:
        return "adopted"
    name = store.current_generation()
    if name is None:
        return None
    record = local_record(store, name)
    if record is None or toc_generation(store.generation_dir(name)) != record.toc:
        publish_live(store, publication)
        return "published"
    return None


def _newer_publication(store: IndexStore, publication: Publication) -> Manifest | None:
    """The newest publication, if it is newer than what the live local generation holds."""
    pointer = publication.pointer()
    if pointer is None:
        return None
    name = store.current_generation()
    record = local_record(store, name) if name else None
    if record is not None and (record.id == pointer["id"] or record.seq >= int(pointer["seq"])):
        return None
    newest = publication.manifest(int(pointer["seq"]))
    # A local index that was never published: a rebuild newer than the publication is kept
    # (and published by the writer); an older one is replaced by the publication.
    if record is None and name is not None and _created_at(name) > newest.published_at:
        return None
    return newest


def adopt_newer(store: IndexStore, publication: Publication) -> Installed | None:
    """Install the newest publication when it is newer than the live local generation (hold
    the writer lock): a worker taking over, and a standby worker keeping its copy current."""
    discard_partial(store)
    newest = _newer_publication(store, publication)
    return None if newest is None else install(store, publication, newest)


def _created_at(name: str) -> float:
    """When a local generation was created (its name holds the time in nanoseconds)."""
    try:
        return int(name.removeprefix("gen-")) / 1e9
    except ValueError:
        return 0.0


# -- the follower's side --------------------------------------------------------------------------


def _local_copies(store: IndexStore) -> dict[str, Path]:
    """{sha256: path} of the files of the live local generation whose hash is known."""
    name = store.current_generation()
    record = local_record(store, name) if name else None
    if record is None:
        return {}
    folder = store.generation_dir(name)
    found = {}
    for entry in record.files:
        path = folder / entry.name
        try:
            if path.stat().st_size == entry.size:
                found[entry.sha256] = path
        except FileNotFoundError:
            continue
    return found


def discard_partial(store: IndexStore) -> int:
    """Remove the `incoming-…` folders of copies that did not finish; returns how many."""
    count = 0
    if store.root.is_dir():
        for path in store.root.glob("incoming-*"):
            shutil.rmtree(path, ignore_errors=True)
            count += 1
    return count


def _check_index(folder: Path, manifest: Manifest) -> None:
    """Open the copied index with whoosh and compare it with the manifest."""
    index = whoosh_index.open_dir(str(folder))
    if index.latest_generation() != manifest.toc:
        raise ReplicationError(
            f"publication {manifest.seq}: the copy is at commit {index.latest_generation()}, "
            f"not {manifest.toc}"
        )
    with index.reader() as reader:
        if reader.doc_count() != manifest.documents:
            raise ReplicationError(
                f"publication {manifest.seq}: the copy holds {reader.doc_count()} documents, "
                f"not {manifest.documents}"
            )


def install(
    store: IndexStore,
    publication: Publication,
    manifest: Manifest,
    *,
    stop: threading.Event | None = None,
) -> Installed:
    """Copy a publication into a new local generation, check it, and make it live (hold the
    writer lock: partial copies left by an interrupted install are removed first)."""
    began = time.perf_counter()
    store.root.mkdir(parents=True, exist_ok=True)
    discard_partial(store)
    incoming = store.root / f"incoming-{time.time_ns():020d}"
    incoming.mkdir()
    copied = copied_bytes = linked = 0
    try:
        have = _local_copies(store)
        for entry in manifest.files:
            if stop is not None and stop.is_set():
                raise Interrupted(f"stopped while copying publication {manifest.seq}")
            target = incoming / entry.name
            if entry.sha256 in have:
                os.link(have[entry.sha256], target)
                linked += 1
                continue
            source = publication.object_path(entry.sha256)
            try:
                size, sha256 = _copy_hashing(source, target, stop)
            except FileNotFoundError as missing:
                raise ReplicationError(
                    f"publication {manifest.seq}: {entry.name} is missing ({missing.filename})"
                ) from None
            if (size, sha256) != (entry.size, entry.sha256):
                raise ReplicationError(
                    f"publication {manifest.seq}: {entry.name} is {size} bytes with sha256 "
                    f"{sha256[:12]}…, not {entry.size} bytes with {entry.sha256[:12]}…"
                )
            copied += 1
            copied_bytes += size
        _write_record(incoming, manifest)
        _check_index(incoming, manifest)
        name = f"gen-{time.time_ns():020d}"
        os.rename(incoming, store.root / name)
        _fsync_dir(store.root)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    store.publish(name, prune=False)
    prune_local(store)
    return Installed(manifest, name, copied, copied_bytes, linked, time.perf_counter() - began)


def prune_local(store: IndexStore, now: float | None = None) -> int:
    """Remove local generations that stopped being live more than KEEP_LOCAL_SECONDS ago
    (the live one and the one before it always stay); returns how many."""
    now = time.time() if now is None else now
    live = store.current_generation()
    folders = sorted(path for path in store.root.glob("gen-*") if path.is_dir())
    removed = 0
    # A generation stopped being live when the next one was finished (its record written).
    for older, newer in itertools.pairwise(folders[:-1]):
        if older.name == live:
            continue
        try:
            replaced_at = (newer / RECORD).stat().st_mtime
        except FileNotFoundError:
            replaced_at = newer.stat().st_mtime
        if now - replaced_at > KEEP_LOCAL_SECONDS:
            shutil.rmtree(older, ignore_errors=True)
            removed += 1
    return removed


def follow_once(
    store: IndexStore, publication: Publication, *, stop: threading.Event | None = None
) -> Installed | None:
    """Install the newest publication if the live local generation is not a copy of it."""
    pointer = publication.pointer()
    if pointer is None:
        return None
    record = local_record(store)
    if record is not None and record.id == pointer["id"]:
        return None
    with store.writer_lock():
        return install(store, publication, publication.manifest(int(pointer["seq"])), stop=stop)


def follow_forever(
    store: IndexStore,
    publication: Publication,
    *,
    interval: float = 1.0,
    stop: threading.Event | None = None,
    installed: Callable[[Installed], None] | None = None,
) -> None:
    """Keep the local copy at the newest publication until stopped: a follower's main loop."""
    stop = stop or threading.Event()
    with store.writer_lock():
        discard_partial(store)
    failing = None  # the last failure, told once until a copy succeeds again
    while not stop.is_set():
        try:
            done = follow_once(store, publication, stop=stop)
            if failing is not None:
                log.warning("the published index can be copied again")
                failing = None
            if done is not None and installed is not None:
                installed(done)
        except Interrupted:
            break
        except Exception as exc:
            if repr(exc) != failing:
                log.exception("copying the published index failed; retrying every %g s", interval)
                failing = repr(exc)
        stop.wait(interval)


def replica_status(store: IndexStore, publication: Publication, now: float) -> dict:
    """How far this host's copy is behind the publication it follows: the numbers of the
    newest publication and of the local copy, and for how long the copy has been outdated
    (since the first publication after it; at least that long when that one was pruned)."""
    pointer = publication.pointer()
    record = local_record(store)
    status = {
        "following": str(publication.root),
        "published": int(pointer["seq"]) if pointer else None,
        "local": record.seq if record else None,
        "seconds_behind": None,
    }
    if pointer is None:
        return status
    if record is not None and record.id == pointer["id"]:
        status["seconds_behind"] = 0.0
        return status
    for seq in publication.numbers():
        if record is None or seq > record.seq:
            try:
                since = publication.manifest(seq).published_at
            except (FileNotFoundError, ValueError):
                continue
            status["seconds_behind"] = round(max(0.0, now - since), 1)
            break
    return status


def publication_status(store: IndexStore, publication: Publication) -> dict:
    """What the writer published: the newest publication's number and the local copy's."""
    pointer = publication.pointer()
    record = local_record(store)
    return {
        "publishing_to": str(publication.root),
        "published": int(pointer["seq"]) if pointer else None,
        "local": record.seq if record else None,
    }

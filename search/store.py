"""Where the index lives: generations switched atomically, the sync cursor, the writer lock.

Layout of the index directory:
    CURRENT          name of the live generation (replaced atomically with os.replace)
    gen-<ns>/        a complete Whoosh index (names sort by creation time)
    WRITER.lock      held (fcntl) by the one process that writes: the indexer or a rebuild
                     (on a read-only host: the follower copying a publication)
    incoming-<ns>/   a publication being copied (search/replication.py); never live

Web workers only read: each thread keeps a searcher and refreshes it when the live
generation changes or the indexer commits, without restarting.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.searching import Searcher

from search import dictionary
from search.area_guess import FILE_NAME as AREA_FILE
from search.area_guess import AreaModel
from search.ranking import weighting
from search.schema import WORD_FIELDS, build_schema

# Beside each generation: the fingerprint of the words its text was cut with.
ANALYSIS_FILE = "analysis-fingerprint"


class LRUCache:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict = {}  # key → the lock of the one thread building it

    def get(self, key):
        """The cached value, or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def get_or_build(self, key, build):
        """The cached value, or `build()` remembered. One thread builds a missing value; the
        others asking for it meanwhile wait for that one instead of building it too (at
        630,000 courses a segment's arrays take seconds: eight threads building them at once
        held a web process for a minute)."""
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            gate = self._building.setdefault(key, threading.Lock())
        try:
            with gate:
                found = self.get(key)
                if found is None:
                    found = build()
                    self.put(key, found)
                return found
        finally:
            with self._lock:
                if self._building.get(key) is gate:
                    del self._building[key]

    def put(self, key, value) -> None:
        """Remember a value, forgetting the least recently used beyond the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class IndexMissing(RuntimeError):
    """No index has been built yet."""


class IndexStore:
    """The index directory and the searchers reading it."""

    def __init__(self, root: Path, publish_to: Path | None = None) -> None:
        self.root = Path(root)
        # The shared folder the writer publishes each commit to (search/replication.py).
        self.publish_to = Path(publish_to) if publish_to is not None else None
        self._local = threading.local()
        # Results of frequent searches; keys carry the index version, so a commit or a new
        # generation makes old entries unreachable (and they age out).
        self.results_cache = LRUCache(2048)
        self._lock = threading.Lock()
        self._area_model: tuple[str, AreaModel] | None = None

    # -- generations -------------------------------------------------------------------

    def current_generation(self) -> str | None:
        """Name of the live generation, or None before the first build."""
        try:
            return (self.root / "CURRENT").read_text().strip() or None
        except FileNotFoundError:
            return None

    def exists(self) -> bool:
        """Whether a live index exists."""
        return self.current_generation() is not None

    def generation_dir(self, name: str) -> Path:
        """The folder of a generation."""
        return self.root / name

    def area_model(self) -> AreaModel:
        """The area guesser counted with the live generation (loaded once per file: the copies
        a read-only host makes of each publication link the same file)."""
        name = self.current_generation()
        if name is None:
            return AreaModel()
        folder = self.generation_dir(name)
        try:
            found = (folder / AREA_FILE).stat()
            key = f"{found.st_dev}:{found.st_ino}:{found.st_size}:{found.st_mtime_ns}"
        except FileNotFoundError:
            key = name
        with self._lock:
            if self._area_model is None or self._area_model[0] != key:
                self._area_model = (key, AreaModel.load(folder))
            return self._area_model[1]

    def is_current_schema(self) -> bool:
        """Whether the live index was built with today's schema (an upgrade may add fields)."""
        if not self.exists():
            return False
        name = self.current_generation()
        fingerprint = self.generation_dir(name) / ANALYSIS_FILE
        if not fingerprint.is_file() or fingerprint.read_text().strip() != dictionary.FINGERPRINT:
            return False  # cut with other words than queries are (search.dictionary)
        live = self.open_index().schema
        wanted = build_schema()
        return sorted(live.names()) == sorted(wanted.names()) and all(
            _shape(live[name]) == _shape(wanted[name]) for name in wanted.names()
        )

    def open_index(self) -> Index:
        """The live index."""
        name = self.current_generation()
        if name is None:
            raise IndexMissing(f"no search index in {self.root}; run: lifelong index rebuild")
        return whoosh_index.open_dir(str(self.generation_dir(name)))

    def new_generation(self) -> tuple[str, Index]:
        """An empty index in a new generation directory (not live yet)."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"gen-{time.time_ns():020d}"
        path = self.generation_dir(name)
        path.mkdir()
        (path / ANALYSIS_FILE).write_text(dictionary.FINGERPRINT + "\n")
        return name, whoosh_index.create_in(str(path), build_schema())

    def publish(self, name: str, *, prune: bool = True) -> None:
        """Make a generation live, atomically; keep the one it replaces and (with `prune`)
        drop older ones."""
        previous = self.current_generation()
        tmp = self.root / "CURRENT.tmp"
        with tmp.open("w") as handle:
            handle.write(name)
            handle.flush()
            os.fsync(handle.fileno())  # after a power cut CURRENT names a whole generation
        os.replace(tmp, self.root / "CURRENT")
        if not prune:
            return
        keep = {name, previous}
        for path in self.root.glob("gen-*"):
            if path.is_dir() and path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)

    # -- copies (backups) ---------------------------------------------------------------

    def copy_generation(self, name: str, dest: Path) -> None:
        """Copy a generation's files to `dest` (a new folder). The indexer commits into the
        live generation, so hold `writer_lock()` while copying it."""
        source = self.generation_dir(name)
        if not (name.startswith("gen-") and source.is_dir()):
            raise IndexMissing(f"no index generation {name} in {self.root}")
        shutil.copytree(source, dest)

    def adopt_generation(self, source: Path) -> str:
        """Copy a complete index (a copied generation) in as a new generation, checked to
        open, not live yet: `publish` makes it live. Returns its name."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"gen-{time.time_ns():020d}"
        staging = self.root / f".{name}.tmp"
        shutil.copytree(source, staging)
        try:
            with whoosh_index.open_dir(str(staging)).searcher() as searcher:
                searcher.doc_count()
        except Exception as exc:  # whoosh raises many kinds on a damaged index
            shutil.rmtree(staging, ignore_errors=True)
            raise IndexMissing(f"{source} holds no readable search index: {exc}") from exc
        os.replace(staging, self.generation_dir(name))
        return name

    def discard_generation(self, name: str) -> None:
        """Delete a generation that is not live (one adopted and then given up)."""
        if name == self.current_generation():
            raise ValueError(f"{name} is the live generation")
        shutil.rmtree(self.generation_dir(name), ignore_errors=True)

    # -- the single writer -------------------------------------------------------------

    @contextlib.contextmanager
    def writer_lock(self, wait: bool = True) -> Iterator[None]:
        """Hold the one-writer lock; released by the kernel even if the process is killed."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / "WRITER.lock").open("a") as handle:
            flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
            try:
                fcntl.flock(handle, flags)
            except BlockingIOError:
                raise WriterBusy("another process is writing the index") from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- readers -----------------------------------------------------------------------

    def searcher(self) -> Searcher:
        """This thread's searcher on the live generation, refreshed if the index changed."""
        local = self._local
        name = self.current_generation()
        if name is None:
            raise IndexMissing(f"no search index in {self.root}; run: lifelong index rebuild")
        searcher: Searcher | None = getattr(local, "searcher", None)
        if searcher is None or getattr(local, "generation", None) != name:
            if searcher is not None:
                searcher.close()
            searcher = self.open_index().searcher(weighting=weighting(WORD_FIELDS))
            local.generation = name
        elif not searcher.up_to_date():
            # A new searcher, not Searcher.refresh(): refresh reuses the old segment readers,
            # which would keep showing documents the indexer deleted or replaced.
            searcher.close()
            searcher = self.open_index().searcher(weighting=weighting(WORD_FIELDS))
        local.searcher = searcher
        return searcher

    def close(self) -> None:
        """Close this thread's searcher."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None


def _shape(field) -> tuple:
    """What makes two versions of a field index alike: its type and what it keeps."""
    return (
        type(field),
        field.indexed,
        field.stored,
        field.scorable,
        getattr(field, "column_type", None) is not None,
    )


class WriterBusy(RuntimeError):
    """Another process holds the index writer lock."""

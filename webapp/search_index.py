"""The search subsystem of the web app: the index store and a cached synonym list."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from flask import Flask, current_app

from catalogue.services.search_admin import synonym_map
from search import service as search_service
from search.store import IndexStore
from webapp.db import get_session

log = logging.getLogger(__name__)

EXTENSION = "lifelong.search"
SYNONYM_TTL = 60.0


class SearchSubsystem:
    """Holds the index store; web workers only ever read it."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self._synonyms: dict[str, list[str]] = {}
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def synonyms(self) -> dict[str, list[str]]:
        """The editors' synonyms, reloaded at most once a minute."""
        with self._lock:
            if time.monotonic() - self._loaded_at > SYNONYM_TTL:
                self._synonyms = synonym_map(get_session())
                self._loaded_at = time.monotonic()
            return self._synonyms

    def forget_synonyms(self) -> None:
        """Reload synonyms on next use (after an editor changed them)."""
        with self._lock:
            self._loaded_at = 0.0


def init_app(app: Flask, index_dir: Path, publish_to: Path | None = None) -> SearchSubsystem:
    """Create the app's index store (publishing its commits to `publish_to`, if given: the
    command-line rebuild and sync write through it)."""
    subsystem = SearchSubsystem(IndexStore(index_dir, publish_to))
    app.extensions[EXTENSION] = subsystem
    return subsystem


def get_search() -> SearchSubsystem:
    """The current app's search subsystem."""
    return current_app.extensions[EXTENSION]


def warm_in_background(app: Flask) -> threading.Thread:
    """Warm the process's search (search.service.warm) in a daemon thread; returns it."""

    def run() -> None:
        started = time.perf_counter()
        try:
            with app.app_context():
                warmed = search_service.warm(get_search().store)
        except Exception as exc:  # best effort: searches read what they need anyway
            # An index being replaced as it is read (the worker's first build, a rebuild):
            # nothing is lost, the searches read the arrays as they go.
            log.warning("search index not warmed (%s: %s)", type(exc).__name__, exc)
            return
        if warmed:
            log.info("search index warmed in %.1f s", time.perf_counter() - started)

    thread = threading.Thread(target=run, name="search-warm", daemon=True)
    thread.start()
    return thread

"""The one process that writes the index: outbox sync and full rebuilds.

Sync reads index-outbox rows (in id order, whatever their age), re-reads those courses from
the database, updates or deletes their documents, commits the index, and only then deletes
the rows it applied. Rows are deleted, not skipped past with a cursor: on PostgreSQL a row
with a smaller id can commit after a larger one (a long partner upload flushes early), and a
cursor would step over it for ever. A crash between the index commit and the delete replays
a few rows, which is harmless: applying a course's current state twice gives the same
document.

With a publication folder (`IndexStore.publish_to`, the INDEX_PUBLISH_DIR setting) each commit
is published there for the read-only hosts before its outbox rows are deleted, so the
publication holds every change whose row is gone; a sync first adopts a newer publication
written by another host's worker (search/replication.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from catalogue.models import IndexOutbox
from search.area_guess import AreaModel
from search.documents import all_documents, documents_for
from search.fast_writer import FlushCodec
from search.replication import Publication, publish_live, reconcile
from search.store import IndexStore

log = logging.getLogger(__name__)

SYNC_BATCH = 2000
# Segments as separate files, not one compound file: whoosh reads a compound segment's parts
# through an in-memory copy (BytesIO over the mapped file), which at 600,000 courses put about
# 500 MB of index into every search process's private memory.
# FlushCodec writes whoosh's standard format, reading field lengths faster while it does.
WRITER_OPTIONS = {"compound": False, "codec": FlushCodec()}


@dataclass(frozen=True)
class SyncResult:
    """What one sync pass did."""

    outbox_rows: int
    updated: int
    deleted: int


def sync_once(
    sessions: sessionmaker[Session], store: IndexStore, batch: int = SYNC_BATCH
) -> SyncResult:
    """Apply the next batch of outbox rows to the live index, then delete them."""
    with store.writer_lock():
        with sessions() as session:
            rows = session.execute(
                select(IndexOutbox.id, IndexOutbox.course_id).order_by(IndexOutbox.id).limit(batch)
            ).all()
            if not rows:
                return SyncResult(0, 0, 0)
            course_ids = list(dict.fromkeys(course_id for _id, course_id in rows))
            documents = documents_for(session, course_ids)
        writer = store.open_index().writer(**WRITER_OPTIONS)
        try:
            for course_id in course_ids:
                document = documents.get(course_id)
                if document is None:
                    writer.delete_by_term("id", str(course_id))
                else:
                    writer.update_document(**document)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        _published(store)
        _delete_rows(sessions, [row_id for row_id, _course in rows])
        return SyncResult(len(rows), len(documents), len(course_ids) - len(documents))


def _published(store: IndexStore) -> None:
    """Publish the commit just made, when this store publishes (hold the writer lock)."""
    if store.publish_to is not None:
        publish_live(store, Publication(store.publish_to))


def catch_up(store: IndexStore) -> str | None:
    """When this store publishes: adopt a newer publication than its own (another host's
    worker wrote it) or publish its unpublished commits. Returns what it did, if anything."""
    if store.publish_to is None:
        return None
    with store.writer_lock():
        done = reconcile(store, Publication(store.publish_to))
    if done:
        log.info("search index %s (publication folder %s)", done, store.publish_to)
    return done


def _delete_rows(sessions: sessionmaker[Session], ids: list[int], chunk: int = 5000) -> None:
    with sessions() as session:
        for start in range(0, len(ids), chunk):
            session.execute(
                delete(IndexOutbox).where(IndexOutbox.id.in_(ids[start : start + chunk]))
            )
        session.commit()


def sync_all(sessions: sessionmaker[Session], store: IndexStore) -> int:
    """Apply every pending outbox row; returns how many were applied."""
    catch_up(store)
    total = 0
    while (result := sync_once(sessions, store)).outbox_rows:
        total += result.outbox_rows
    return total


def rebuild(
    sessions: sessionmaker[Session],
    store: IndexStore,
    *,
    procs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Build a complete new generation beside the live one and switch to it atomically."""
    with store.writer_lock():
        with sessions() as session:
            # Changes visible now are in what the rebuild reads; their rows can go after the
            # switch. Rows committed later stay and are applied by the next sync.
            covered = list(session.scalars(select(IndexOutbox.id)))
        name, index = store.new_generation()
        writer = index.writer(procs=procs, limitmb=256, multisegment=procs > 1, **WRITER_OPTIONS)
        count = 0
        areas = AreaModel()
        try:
            with sessions() as session:
                for document in all_documents(session):
                    writer.add_document(**document)
                    areas.observe(
                        document["area"],
                        (document["title"], document["summary"], document["subjects"]),
                    )
                    count += 1
                    if progress and count % 10_000 == 0:
                        progress(count)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        areas.save(store.generation_dir(name))
        store.publish(name)
        _published(store)
        _delete_rows(sessions, covered)
    log.info("rebuilt the index: %s documents in %s", count, name)
    return count


def pending(sessions: sessionmaker[Session]) -> int:
    """How many catalogue changes wait to be indexed."""
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(IndexOutbox)) or 0


def run_forever(
    sessions: sessionmaker[Session],
    store: IndexStore,
    *,
    interval: float = 1.0,
    stop: threading.Event | None = None,
) -> None:
    """Keep the index in sync until stopped: the indexer process's main loop."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            catch_up(store)
            if not store.is_current_schema():
                rebuild(sessions, store)
            applied = sync_all(sessions, store)
            if applied:
                log.info("indexed %s outbox rows", applied)
        except Exception:
            log.exception("index sync failed; retrying")
        stop.wait(interval)

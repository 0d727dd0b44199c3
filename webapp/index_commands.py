"""`lifelong index …`: build, sync and inspect the search index (the one writer), and follow
the index another host publishes (`follow`, on read-only hosts)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time

import click
from flask.cli import AppGroup

from search import indexer, replication
from search.store import IndexStore
from webapp.db import get_database
from webapp.jobs_commands import PARENT_ENV, stop_with_parent
from webapp.search_index import get_search
from webapp.settings import get_settings

index_cli = AppGroup("index", help="The search index.")


def _store() -> IndexStore:
    return get_search().store


def refuse_on_a_follower(what: str) -> None:
    """Stop with a message when this host copies its index from another host's publication."""
    follow = get_settings().index_follow
    if follow is not None:
        raise click.ClickException(
            f"this host follows the index published in {follow} (INDEX_FOLLOW): {what} runs "
            "on the host whose jobs worker writes the index (INDEX_PUBLISH_DIR)"
        )


@index_cli.command("rebuild")
@click.option("--procs", type=click.IntRange(1, 8), default=1, show_default=True)
def rebuild_command(procs: int) -> None:
    """Build a new index beside the live one and switch to it atomically."""
    refuse_on_a_follower("lifelong index rebuild")
    started = time.perf_counter()
    count = indexer.rebuild(
        get_database().sessions,
        _store(),
        procs=procs,
        progress=lambda n: click.echo(f"  {n:,} courses", err=True),
    )
    click.echo(f"Indexed {count:,} courses in {time.perf_counter() - started:.1f} s.")


@index_cli.command("sync")
@click.option("--forever", is_flag=True, help="Keep syncing every second until stopped.")
def sync_command(forever: bool) -> None:
    """Apply pending catalogue changes (the index outbox) to the index."""
    refuse_on_a_follower("lifelong index sync")
    if forever:
        click.echo("Indexer running; Ctrl+C to stop.")
        try:
            indexer.run_forever(get_database().sessions, _store())
        except KeyboardInterrupt:
            click.echo("Stopped.")
        return
    applied = indexer.sync_all(get_database().sessions, _store())
    click.echo(f"Applied {applied:,} outbox rows.")


@index_cli.command("status")
def status_command() -> None:
    """The live generation, its document count and how many changes wait to be indexed."""
    store = _store()
    documents = None
    if store.exists():
        with store.open_index().searcher() as searcher:
            documents = searcher.doc_count()
    status = {
        "generation": store.current_generation(),
        "documents": documents,
        "pending": indexer.pending(get_database().sessions),
    }
    settings = get_settings()
    if settings.index_follow is not None:
        publication = replication.Publication(settings.index_follow)
        status["replica"] = replication.replica_status(store, publication, time.time())
    elif store.publish_to is not None:
        publication = replication.Publication(store.publish_to)
        status["publication"] = replication.publication_status(store, publication)
    click.echo(json.dumps(status))


def _said(done: replication.Installed) -> None:
    click.echo(
        f"Installed publication {done.manifest.seq} ({done.manifest.documents:,} documents) "
        f"as {done.generation}: {done.copied_files} files copied "
        f"({done.copied_bytes:,} bytes), {done.linked_files} linked, {done.seconds:.2f} s."
    )


@index_cli.command("follow")
@click.option("--once", is_flag=True, help="Copy the newest publication if needed, then stop.")
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 60),
    default=1.0,
    show_default=True,
    help="Seconds between two looks at the publication.",
)
def follow_command(once: bool, interval: float) -> None:
    """Keep this host's index a copy of the one published in INDEX_FOLLOW (read-only hosts)."""
    follow = get_settings().index_follow
    if follow is None:
        raise click.ClickException(
            "INDEX_FOLLOW is not set: name the folder the index writer publishes to "
            "(its INDEX_PUBLISH_DIR)"
        )
    store = _store()
    publication = replication.Publication(follow)
    if once:
        with store.writer_lock():
            replication.discard_partial(store)
        done = replication.follow_once(store, publication)
        if done is None:
            click.echo("The index is a copy of the newest publication already.")
        else:
            _said(done)
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    parent = os.environ.get(PARENT_ENV)
    if parent:
        threading.Thread(target=stop_with_parent, args=(int(parent), stop), daemon=True).start()
    click.echo(f"Following the index published in {follow}; Ctrl+C to stop.")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C: a copy under way is discarded
        replication.follow_forever(
            store, publication, interval=interval, stop=stop, installed=_said
        )
    click.echo("Index follower stopped.")

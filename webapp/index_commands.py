"""`lifelong index …`: build, sync and inspect the search index (the one writer)."""

from __future__ import annotations

import json
import time

import click
from flask.cli import AppGroup

from search import indexer
from search.store import IndexStore
from webapp.db import get_database
from webapp.search_index import get_search

index_cli = AppGroup("index", help="The search index.")


def _store() -> IndexStore:
    return get_search().store


@index_cli.command("rebuild")
@click.option("--procs", type=click.IntRange(1, 8), default=1, show_default=True)
def rebuild_command(procs: int) -> None:
    """Build a new index beside the live one and switch to it atomically."""
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
    click.echo(
        json.dumps(
            {
                "generation": store.current_generation(),
                "documents": documents,
                "pending": indexer.pending(get_database().sessions),
            }
        )
    )

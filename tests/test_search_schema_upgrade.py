"""An index built with an older schema is noticed and rebuilt by the indexer and `start`."""

from __future__ import annotations

import threading

from whoosh import index as whoosh_index
from whoosh.fields import ID, NUMERIC, TEXT, Schema

from catalogue.db import make_session_factory
from search import dictionary
from search.indexer import rebuild, run_forever
from search.schema import build_schema
from search.service import SearchRequest, search
from search.store import ANALYSIS_FILE, IndexStore
from tests.helpers import make_course


def _old_index(store: IndexStore) -> None:
    store.root.mkdir(parents=True, exist_ok=True)
    path = store.root / "gen-00000000000000000001"
    path.mkdir()
    old = whoosh_index.create_in(str(path), Schema(id=ID(stored=True, unique=True), title=TEXT))
    writer = old.writer()
    writer.add_document(id="999", title="old")
    writer.commit()
    store.publish(path.name)


def _index_until_current(sessions, store: IndexStore) -> None:
    """Run the indexer's loop in a thread until the live index is current (or 10 s pass)."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_forever, args=(sessions, store), kwargs={"stop": stop, "interval": 0.05}
    )
    thread.start()
    try:
        for _ in range(200):
            if store.is_current_schema():
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)


def test_indexer_rebuilds_an_index_of_an_older_schema(engine, session, tmp_path):
    make_course(session, title="太极拳入门")
    session.commit()
    store = IndexStore(tmp_path / "index")
    _old_index(store)
    assert store.exists() and not store.is_current_schema()
    _index_until_current(make_session_factory(engine), store)
    assert store.is_current_schema()
    assert [h.fields["title"] for h in search(store, SearchRequest("太极拳")).hits] == [
        "太极拳入门"
    ]


def test_a_field_that_changed_only_in_what_it_keeps_makes_the_schema_old(tmp_path):
    store = IndexStore(tmp_path / "index")
    name, _index = store.new_generation()
    store.publish(name)
    assert store.is_current_schema()
    schema = build_schema()
    # As the popularity field was before it stopped being indexed.
    schema.remove("popularity")
    schema.add("popularity", NUMERIC(int, bits=64, stored=True, sortable=True))
    name, _ = store.new_generation()
    whoosh_index.create_in(str(store.generation_dir(name)), schema)
    store.publish(name)
    assert not store.is_current_schema()


def test_an_index_cut_with_other_words_is_rebuilt(engine, session, tmp_path):
    """A generation built before the domain words (or the stemmer) changed is old: the
    indexer rebuilds it, and a question cut with today's words finds its course."""
    make_course(session, title="微信视频通话入门")
    session.commit()
    sessions = make_session_factory(engine)
    store = IndexStore(tmp_path / "index")
    rebuild(sessions, store)
    assert store.is_current_schema()
    record = store.generation_dir(store.current_generation()) / ANALYSIS_FILE
    assert record.read_text().strip() == dictionary.FINGERPRINT
    record.write_text("cut-with-older-words\n")
    assert not store.is_current_schema()
    record.unlink()
    assert not store.is_current_schema()  # built before generations recorded it
    _index_until_current(sessions, store)
    assert store.is_current_schema()
    hits = search(store, SearchRequest("怎么用微信视频通话"), use_cache=False).hits
    assert [h.fields["title"] for h in hits] == ["微信视频通话入门"]

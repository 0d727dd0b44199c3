"""The one process that writes the index: outbox sync, rebuilds, the writer lock, and crashes.

There is no sync cursor: a sync applies the oldest outbox rows and then deletes the rows it
applied; a rebuild deletes the rows that were visible when it started. The index is caught up
when the outbox is empty (`pending(sessions) == 0`).

The last test runs the indexer loop in a subprocess, kills it with SIGKILL at random moments
while catalogue changes keep being committed, and checks that after a restart, once no change
is pending, the index holds exactly the published courses.
"""

from __future__ import annotations

import contextlib
import os
import random
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select as sql_select
from sqlalchemy.orm import sessionmaker
from whoosh import query as q

from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.demo import generate_demo
from catalogue.models import Course, CourseStatus, IndexOutbox, OutboxOp
from catalogue.services.courses import (
    CourseData,
    LessonData,
    create_course,
    publish_course,
    update_course,
    withdraw_course,
)
from catalogue.services.providers import create_provider
from search import indexer
from search import store as store_module
from search.indexer import SyncResult, pending, rebuild, run_forever, sync_all, sync_once
from search.service import SearchRequest, search
from search.store import IndexStore, WriterBusy
from tests.search_fixtures import SPECS, build_catalogue, course_data, index_catalogue

ROOT = Path(__file__).resolve().parents[1]
SMALL = tuple(
    s
    for s in SPECS
    if s.key in {"taiji_intro", "taiji_adv", "baduanjin", "wechat", "excel", "draft", "withdrawn"}
)
NEW = "围棋入门"


# -- helpers ------------------------------------------------------------------------------------


def indexed_titles(store: IndexStore) -> dict[int, str]:
    """{course id: title} of every document in the live generation (from a fresh reader)."""
    with store.open_index().searcher() as searcher:
        docs = {int(d["id"]): d["title"] for d in searcher.all_stored_fields()}
        assert searcher.doc_count() == len(docs), "a course is indexed more than once"
    return docs


def published_titles(sessions: sessionmaker) -> dict[int, str]:
    with sessions() as session:
        rows = session.execute(
            sql_select(Course.id, Course.title).where(Course.status == CourseStatus.PUBLISHED)
        )
        return dict(rows.all())


def outbox_ids(sessions: sessionmaker) -> list[int]:
    with sessions() as session:
        return list(session.scalars(sql_select(IndexOutbox.id).order_by(IndexOutbox.id)))


def found(store: IndexStore, text: str) -> list[int]:
    results = search(store, SearchRequest(text))
    return [] if results.relaxed == "popular" else [hit.id for hit in results.hits]


def found_fresh(root: Path, text: str) -> list[int]:
    """What a worker that opens the index now finds."""
    reader = IndexStore(root)
    try:
        return found(reader, text)
    finally:
        reader.close()


def new_course(session, provider_id: int, title: str = NEW, *, publish: bool = True) -> int:
    data = CourseData(
        external_id=f"new-{title}",
        title=title,
        area="hobbies",
        description="黑白棋子，围地为胜。",
        lessons=[LessonData(title="规则", duration_seconds=600)],
    )
    return create_course(session, provider_id, data, publish=publish).id


@pytest.fixture
def small(engine, tmp_path):
    """(sessions, catalogue, store): a small catalogue, indexed by a rebuild."""
    sessions = make_session_factory(engine)
    with sessions() as session:
        catalogue = build_catalogue(session, SMALL)
    store = index_catalogue(sessions, tmp_path / "index")
    yield sessions, catalogue, store
    store.close()


# -- outbox sync --------------------------------------------------------------------------------


def test_sync_applies_creates_updates_and_withdrawals(small, tmp_path):
    sessions, catalogue, store = small
    root = tmp_path / "index"
    # A web worker's own store, opened before the changes and never reopened.
    worker = IndexStore(root)
    assert set(found(worker, "太极拳")) == {
        catalogue.ids["taiji_intro"],
        catalogue.ids["taiji_adv"],
    }
    assert outbox_ids(sessions) == [] and pending(sessions) == 0, "the rebuild took them all"

    with sessions() as session:
        course_id = new_course(session, catalogue.providers["elder"])
        session.commit()
    assert pending(sessions) == 1
    assert found(worker, "围棋") == [], "not indexed before the sync"
    result = sync_once(sessions, store)
    assert (result.outbox_rows, result.updated, result.deleted) == (1, 1, 0)
    assert outbox_ids(sessions) == [] and pending(sessions) == 0, "the applied row is deleted"
    assert found(worker, "围棋") == [course_id], "the worker picks up the commit"

    with sessions() as session:
        data = CourseData(external_id=f"new-{NEW}", title="国际象棋入门", area="hobbies")
        update_course(session, course_id, data)
        session.commit()
    assert pending(sessions) == 1
    result = sync_once(sessions, store)
    assert (result.outbox_rows, result.updated, result.deleted) == (1, 1, 0)
    assert pending(sessions) == 0
    # (A store opened now: see the next test for what a long-running worker sees.)
    assert found_fresh(root, "围棋") == []
    assert found_fresh(root, "国际象棋") == [course_id]

    with sessions() as session:
        withdraw_course(session, course_id)
        session.commit()
    assert pending(sessions) == 1
    result = sync_once(sessions, store)
    assert (result.outbox_rows, result.updated, result.deleted) == (1, 0, 1)
    assert pending(sessions) == 0
    assert sync_once(sessions, store) == SyncResult(0, 0, 0), "nothing left to apply"
    assert found_fresh(root, "国际象棋") == []
    assert indexed_titles(store) == published_titles(sessions)
    worker.close()


def test_a_running_web_worker_stops_finding_renamed_and_withdrawn_courses(small, tmp_path):
    sessions, catalogue, store = small
    worker = IndexStore(tmp_path / "index")  # searched before and after the sync
    taiji, wechat = catalogue.ids["taiji_intro"], catalogue.ids["wechat"]
    assert taiji in found(worker, "太极拳入门")
    assert found(worker, "微信") == [wechat]
    with sessions() as session:
        withdraw_course(session, taiji)
        rename = course_data(catalogue.specs["wechat"])
        rename.title = "聊天软件使用指南"
        rename.subjects = []
        update_course(session, wechat, rename)
        session.commit()
    sync_all(sessions, store)
    assert taiji not in indexed_titles(store), "the index itself is right"
    stale = {}
    for sort in ("relevance", "newest", "popular", "shortest"):
        for text in ("太极拳入门", "taijiquan", "tjq", ""):
            results = search(worker, SearchRequest(text, sort=sort, per_page=100))
            if taiji in {hit.id for hit in results.hits}:
                stale[(text, sort)] = results.total
    titles = [str(hit.fields["title"]) for hit in search(worker, SearchRequest("微信")).hits]
    assert not stale and "微信使用指南" not in titles, (
        "BUG: after the indexer commits a withdrawal/update, a web worker's searcher still "
        "finds the old documents: IndexStore.searcher() uses whoosh Searcher.refresh(), "
        "which reuses the old segment readers together with their old deletion sets; "
        f"withdrawn course {taiji} still found for {sorted(stale)}; 微信 finds {titles}"
    )
    worker.close()


def test_drafts_are_indexed_only_once_published(small):
    sessions, catalogue, store = small
    with sessions() as session:
        course_id = new_course(session, catalogue.providers["elder"], publish=False)
        session.commit()
    assert sync_once(sessions, store).outbox_rows == 1
    assert course_id not in indexed_titles(store)
    with sessions() as session:
        publish_course(session, course_id)
        session.commit()
    sync_once(sessions, store)
    assert found(store, "围棋") == [course_id]


def test_sync_works_in_batches_and_sync_all_applies_everything(small):
    sessions, catalogue, store = small
    with sessions() as session:
        for i in range(5):
            new_course(session, catalogue.providers["elder"], f"围棋第{i}课")
        session.commit()
    rows = outbox_ids(sessions)
    assert len(rows) == pending(sessions) == 5
    first = sync_once(sessions, store, batch=2)
    assert first.outbox_rows == 2
    assert outbox_ids(sessions) == rows[2:], "the two oldest rows were applied and deleted"
    assert pending(sessions) == 3
    assert sync_all(sessions, store) == 3
    assert pending(sessions) == 0
    assert sync_once(sessions, store).outbox_rows == 0, "nothing left to apply"
    assert indexed_titles(store) == published_titles(sessions)


class Killed(RuntimeError):
    """Stands in for a SIGKILL at one point of a sync."""


def test_replaying_outbox_rows_is_idempotent(small, monkeypatch):
    sessions, catalogue, store = small
    with sessions() as session:
        course_id = new_course(session, catalogue.providers["elder"])
        withdraw_course(session, catalogue.ids["baduanjin"])
        rename = course_data(catalogue.specs["wechat"])
        rename.title = "微信使用指南（新版）"
        update_course(session, catalogue.ids["wechat"], rename)
        session.commit()
    rows = outbox_ids(sessions)
    assert len(rows) == 3

    # A crash after the index commit, before the applied rows are deleted.
    def killed(*_args, **_kwargs):
        raise Killed("killed between the index commit and the outbox delete")

    monkeypatch.setattr(indexer, "_delete_rows", killed)
    with pytest.raises(Killed):
        sync_all(sessions, store)
    monkeypatch.undo()
    before = indexed_titles(store)
    assert course_id in before and catalogue.ids["baduanjin"] not in before
    assert before[catalogue.ids["wechat"]] == "微信使用指南（新版）"
    assert outbox_ids(sessions) == rows, "the rows stay until the sync that applied them ends"

    # The restarted indexer applies those rows again, and then the whole history once more.
    assert sync_all(sessions, store) == len(rows)
    assert indexed_titles(store) == before == published_titles(sessions)
    assert pending(sessions) == 0
    with sessions() as session:
        session.add_all(
            IndexOutbox(course_id=course, op=OutboxOp.UPSERT)
            for course in [*catalogue.ids.values(), course_id]
        )
        session.commit()
    assert sync_all(sessions, store) == len(catalogue.ids) + 1
    assert indexed_titles(store) == before == published_titles(sessions)
    assert pending(sessions) == 0


def test_a_sync_deletes_the_rows_it_applied_and_keeps_the_others(small, monkeypatch):
    sessions, catalogue, store = small
    provider = catalogue.providers["elder"]
    with sessions() as session:
        first = new_course(session, provider, "围棋一")
        withdraw_course(session, catalogue.ids["excel"])
        session.commit()
    applied = outbox_ids(sessions)
    assert len(applied) == 2

    # A change committed while the sync runs (after it read its batch) is not in the batch.
    original = indexer.documents_for
    late: dict[str, int] = {}

    def documents_while_committing(session, course_ids):
        if not late:
            with sessions() as other:
                late["course"] = new_course(other, provider, "围棋二")
                other.commit()
            late["row"] = outbox_ids(sessions)[-1]
        return original(session, course_ids)

    monkeypatch.setattr(indexer, "documents_for", documents_while_committing)
    result = sync_once(sessions, store)
    assert (result.outbox_rows, result.updated, result.deleted) == (2, 1, 1)
    assert outbox_ids(sessions) == [late["row"]], "the applied rows go, the late one stays"
    assert pending(sessions) == 1
    indexed = indexed_titles(store)
    assert first in indexed and catalogue.ids["excel"] not in indexed
    assert late["course"] not in indexed, "not indexed yet"

    assert sync_all(sessions, store) == 1
    assert late["course"] in indexed_titles(store)
    assert indexed_titles(store) == published_titles(sessions)
    assert outbox_ids(sessions) == [] and pending(sessions) == 0


def test_an_outbox_row_that_commits_after_a_later_one_is_not_lost(small, engine):
    """Two catalogue transactions commit out of outbox-id order (PostgreSQL sequences)."""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers: outbox rows always commit in id order")
    sessions, catalogue, store = small
    provider = catalogue.providers["elder"]
    slow, fast = sessions(), sessions()
    try:
        slow_id = new_course(slow, provider, "慢事务的课程")
        # The outbox row is inserted by the next flush, as the next course of a partner
        # upload would trigger: it takes outbox id n+1 and stays uncommitted.
        slow.flush()
        fast_id = new_course(fast, provider, "快事务的课程")  # outbox id n+2
        fast.commit()
        assert sync_all(sessions, store) == 1  # applies n+2; n+1 is still invisible
        assert pending(sessions) == 0
        slow.commit()
    finally:
        slow.close()
        fast.close()
    assert pending(sessions) == 1, "the older row is pending once it commits"
    assert sync_all(sessions, store) == 1
    assert pending(sessions) == 0
    indexed = indexed_titles(store)
    assert fast_id in indexed
    assert slow_id in indexed, (
        "BUG: a committed course is never indexed: its outbox row got a lower id than a row "
        f"that committed first and was applied before it (missing course {slow_id})"
    )
    assert indexed == published_titles(sessions)


def test_an_older_row_that_commits_during_a_sync_is_not_deleted_with_its_batch(
    small, engine, monkeypatch
):
    """The sync deletes the rows it read, not every row up to the largest id it applied."""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers: outbox rows always commit in id order")
    sessions, catalogue, store = small
    provider = catalogue.providers["elder"]
    original = indexer.documents_for
    slow, fast = sessions(), sessions()
    try:
        slow_id = new_course(slow, provider, "慢事务的课程")
        slow.flush()  # outbox id n+1, uncommitted
        fast_id = new_course(fast, provider, "快事务的课程")  # outbox id n+2
        fast.commit()
        (fast_row,) = outbox_ids(sessions)

        def documents_while_slow_commits(session, course_ids):
            # The sync has read its batch (n+2 only); n+1 commits before the delete.
            slow.commit()
            return original(session, course_ids)

        monkeypatch.setattr(indexer, "documents_for", documents_while_slow_commits)
        assert sync_once(sessions, store).outbox_rows == 1
        monkeypatch.undo()
    finally:
        slow.close()
        fast.close()
    waiting = outbox_ids(sessions)
    assert len(waiting) == 1 and waiting[0] < fast_row, (
        "the row of the slow transaction has the smaller id and is still waiting",
        waiting,
        fast_row,
    )
    assert slow_id not in indexed_titles(store) and fast_id in indexed_titles(store)
    assert sync_all(sessions, store) == 1
    assert slow_id in indexed_titles(store)
    assert indexed_titles(store) == published_titles(sessions)
    assert pending(sessions) == 0


# -- rebuilds -----------------------------------------------------------------------------------


def test_rebuild_switches_generations_atomically(small, tmp_path):
    sessions, catalogue, store = small
    root = tmp_path / "index"
    old_generation = store.current_generation()
    worker = IndexStore(root)
    old_searcher = worker.searcher()
    old_count = old_searcher.doc_count()
    with sessions() as session:
        course_id = new_course(session, catalogue.providers["elder"])
        session.commit()

    assert rebuild(sessions, store) == old_count + 1
    new_generation = store.current_generation()
    assert new_generation != old_generation
    assert (root / "CURRENT").read_text().strip() == new_generation
    assert not (root / "CURRENT.tmp").exists()
    assert outbox_ids(sessions) == [], "the rebuild read the new course and deleted its row"
    # The searcher opened before the switch still answers, from the old generation.
    assert old_searcher.doc_count() == old_count
    assert old_searcher.search(q.Term("id", str(course_id))).is_empty()
    assert len(old_searcher.search(q.Every(), limit=None)) == old_count
    # The same worker's next searcher is on the new generation, without restarting.
    assert found(worker, "围棋") == [course_id]
    assert worker.searcher().doc_count() == old_count + 1
    worker.close()


def test_a_rebuild_with_two_processes_finds_what_one_process_finds(engine, tmp_path):
    # Enough courses for whoosh to hand batches (of 100) to both worker processes.
    generate_demo(engine, courses=600, learners=0)
    sessions = make_session_factory(engine)
    single, double = IndexStore(tmp_path / "one"), IndexStore(tmp_path / "two")
    assert rebuild(sessions, single) == rebuild(sessions, double, procs=2)
    with double.open_index().searcher() as searcher:
        assert len(list(searcher.reader().leaf_readers())) == 2, "one segment per process"
    assert indexed_titles(double) == indexed_titles(single) == published_titles(sessions)
    for text in ("太极拳", "taijiquan", "书法", "智能手机", "photography"):
        one = search(single, SearchRequest(text), use_cache=False)
        two = search(double, SearchRequest(text), use_cache=False)
        assert one.total > 0 and one.total == two.total
        # Documents are numbered differently across two segments; ties may swap places.
        assert {h.id for h in one.hits} == {h.id for h in two.hits}
    single.close()
    double.close()


def test_a_rebuild_keeps_the_generation_that_was_live_until_now(engine, tmp_path, monkeypatch):
    sessions = make_session_factory(engine)
    with sessions() as session:
        build_catalogue(session, SMALL)
    store = IndexStore(tmp_path / "index")
    # Rebuilds in quick succession (nanosecond stamps whose unpadded forms would sort
    # 999999 after 1000005), then a clock stepped back, as NTP may do: the generation that
    # was live until now is kept whatever the names' order.
    base = 10**18
    ticks = iter([base + 999_999, base + 1_000_005, base + 1_000_007, base + 7, base + 9])
    monkeypatch.setattr(store_module, "time", SimpleNamespace(time_ns=lambda: next(ticks)))
    # A generation left behind by a rebuild that was killed before it published.
    stray, _index = store.new_generation()
    assert stray == f"gen-{base + 999_999:020d}"
    for tick in (base + 1_000_005, base + 1_000_007, base + 7, base + 9):
        previous = store.current_generation()
        rebuild(sessions, store)
        current = store.current_generation()
        assert current == f"gen-{tick:020d}" != previous
        kept = sorted(p.name for p in store.root.glob("gen-*"))
        assert previous is None or previous in kept, (
            "BUG: publishing a generation deleted the one that was live until now: "
            f"{previous} is gone, kept {kept}"
        )
        assert kept == sorted({current, previous} - {None}), (
            "publish keeps exactly the new live generation and the one it replaced",
            kept,
        )
    assert stray not in kept
    assert indexed_titles(store) == published_titles(sessions)


def test_searches_keep_working_during_rebuilds(small, tmp_path):
    sessions, catalogue, store = small
    worker = IndexStore(tmp_path / "index")
    taiji = {catalogue.ids["taiji_intro"], catalogue.ids["taiji_adv"]}
    stop = threading.Event()
    errors: list[BaseException] = []
    answers: list[set[int]] = []

    def searching():
        while not stop.is_set():
            try:
                answers.append(set(found(worker, "太极拳")))
            except BaseException as exc:
                errors.append(exc)
                return
        worker.close()

    thread = threading.Thread(target=searching)
    thread.start()
    try:
        generations = set()
        for _ in range(3):
            rebuild(sessions, store)
            generations.add(store.current_generation())
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not errors, errors
    assert len(generations) == 3
    assert answers and all(answer == taiji for answer in answers)


def test_changes_committed_during_a_rebuild_reach_the_index_by_the_next_sync(small, monkeypatch):
    sessions, catalogue, store = small
    # Changes committed before the rebuild starts, never synced: the rebuild covers them.
    with sessions() as session:
        before = new_course(session, catalogue.providers["elder"], "象棋入门")
        rename = course_data(catalogue.specs["excel"])
        rename.title = "Excel for the home office"
        update_course(session, catalogue.ids["excel"], rename)
        session.commit()
    covered = outbox_ids(sessions)
    assert len(covered) == 2

    original = indexer.all_documents
    changed: dict[str, object] = {}

    def documents_while_changing(session, *args, **kwargs):
        documents = original(session, *args, **kwargs)
        first = next(documents, None)
        # The rebuild has noted the rows it covers and started reading: commit changes now.
        with sessions() as other:
            changed["new"] = new_course(other, catalogue.providers["elder"])
            withdraw_course(other, catalogue.ids["taiji_adv"])
            rename = course_data(catalogue.specs["baduanjin"])
            rename.title = "八段锦养生功"
            update_course(other, catalogue.ids["baduanjin"], rename)
            other.commit()
        changed["rows"] = [i for i in outbox_ids(sessions) if i not in covered]
        if first is not None:
            yield first
        yield from documents

    monkeypatch.setattr(indexer, "all_documents", documents_while_changing)
    rebuild(sessions, store)
    assert len(changed["rows"]) == 3
    assert outbox_ids(sessions) == changed["rows"], (
        "the rows the rebuild covered are deleted; those committed after it started remain",
        covered,
        outbox_ids(sessions),
    )
    assert pending(sessions) == 3
    indexed = indexed_titles(store)
    assert indexed[before] == "象棋入门"
    assert indexed[catalogue.ids["excel"]] == "Excel for the home office"

    assert sync_all(sessions, store) == 3
    assert pending(sessions) == 0
    assert indexed_titles(store) == published_titles(sessions)
    assert indexed_titles(store)[catalogue.ids["baduanjin"]] == "八段锦养生功"
    assert catalogue.ids["taiji_adv"] not in indexed_titles(store)
    assert changed["new"] in indexed_titles(store)


def test_run_forever_builds_a_missing_index_and_follows_the_outbox(engine, tmp_path):
    sessions = make_session_factory(engine)
    with sessions() as session:
        catalogue = build_catalogue(session, SMALL)
    assert pending(sessions) > 0
    store = IndexStore(tmp_path / "index")
    stop = threading.Event()
    thread = threading.Thread(
        target=run_forever, args=(sessions, store), kwargs={"interval": 0.02, "stop": stop}
    )
    thread.start()
    try:
        wait_for(lambda: store.exists() and pending(sessions) == 0, what="the first build")
        assert indexed_titles(store) == published_titles(sessions)
        with sessions() as session:
            course_id = new_course(session, catalogue.providers["elder"])
            session.commit()
        wait_for(lambda: pending(sessions) == 0, what="the sync of the new course")
        assert course_id in indexed_titles(store)
        assert indexed_titles(store) == published_titles(sessions)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive(), "run_forever stops when asked"
    store.close()


def wait_for(condition, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


# -- the writer lock ----------------------------------------------------------------------------


def test_the_writer_lock_excludes_a_second_writer(tmp_path):
    store, other = IndexStore(tmp_path / "index"), IndexStore(tmp_path / "index")
    with store.writer_lock():
        with pytest.raises(WriterBusy), other.writer_lock(wait=False):
            pass
        with pytest.raises(WriterBusy), store.writer_lock(wait=False):
            pass
    with other.writer_lock(wait=False):
        pass  # free again once released


def test_a_sync_waits_for_the_writer_lock(small, tmp_path):
    sessions, catalogue, store = small
    with sessions() as session:
        new_course(session, catalogue.providers["elder"])
        session.commit()
    results = []
    with IndexStore(tmp_path / "index").writer_lock():
        thread = threading.Thread(target=lambda: results.append(sync_once(sessions, store)))
        thread.start()
        thread.join(timeout=0.3)
        assert thread.is_alive() and not results, "the sync waits while another writer writes"
    thread.join(timeout=30)
    assert results and results[0].outbox_rows == 1


LOCK_HOLDER = """
import sys, time
from search.store import IndexStore
with IndexStore(sys.argv[1]).writer_lock():
    print("locked", flush=True)
    time.sleep(60)
"""


def test_the_writer_lock_is_released_when_its_holder_is_killed(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(tmp_path / "index")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(WriterBusy), IndexStore(tmp_path / "index").writer_lock(wait=False):
            pass
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with IndexStore(tmp_path / "index").writer_lock(wait=False):
        pass


# -- SIGKILL at any moment ---------------------------------------------------------------------

# The indexer process. Started cold (a new interpreter) it prints "ready" and runs the loop.
# Started with "--fork-server" it loads everything once and then, for every line read on
# stdin, forks a child that runs the loop and prints the child's pid: each restart is then a
# fresh process on the index (new engine, new IndexStore, no inherited lock) in milliseconds
# instead of the seconds that loading jieba and pypinyin takes. "reap <pid>" waits for a
# killed child and prints its raw wait status.
INDEXER = """
import os, sys
from catalogue.demo import generate_demo
from catalogue.db import make_engine, make_session_factory
from search.analysis import analyze, ensure_jieba
from search.indexer import run_forever
from search.pinyin import full_pinyin
from search.store import IndexStore

url, path = sys.argv[1], sys.argv[2]
ensure_jieba()
analyze("warm up 太极拳")
full_pinyin("太极拳")


def loop():
    run_forever(make_session_factory(make_engine(url)), IndexStore(path), interval=0.02)


if sys.argv[3:] != ["--fork-server"]:
    print("ready", flush=True)
    loop()
    sys.exit(0)
print("ready", flush=True)
for line in sys.stdin:
    if line.startswith("reap "):
        print(os.waitpid(int(line.split()[1]), 0)[1], flush=True)
        continue
    pid = os.fork()
    if pid == 0:
        sys.stdin.close()
        try:
            loop()
        finally:
            os._exit(1)
    print(pid, flush=True)
"""


class Churn:
    """Keeps committing catalogue changes through the services, in small random batches."""

    def __init__(self, sessions: sessionmaker, rng: random.Random) -> None:
        self.sessions, self.rng = sessions, rng
        self.data: dict[int, CourseData] = {}
        self.published: set[int] = set()
        self.drafts: set[int] = set()
        self.serial = 0
        with sessions() as session:
            self.provider = create_provider(session, "崩溃测试大学", "university").id
            for _ in range(120):
                self._create(session, publish=self.rng.random() < 0.85)
            session.commit()

    def _create(self, session, *, publish: bool) -> None:
        self.serial += 1
        data = CourseData(
            external_id=f"crash-{self.serial}",
            title=f"课程{self.serial} 太极拳 course {self.serial}",
            area=self.rng.choice(["elderly", "hobbies", "workplace"]),
            description="用于崩溃测试的课程。",
            duration_minutes=self.rng.randint(1, 300),
            lessons=[LessonData(title=f"第{self.serial}讲")],
        )
        course_id = create_course(session, self.provider, data, publish=publish).id
        self.data[course_id] = data
        (self.published if publish else self.drafts).add(course_id)

    def batch(self) -> None:
        """One transaction: a few creates, an update, a withdrawal, maybe a publication."""
        rng = self.rng
        with self.sessions() as session:
            for _ in range(rng.randint(1, 3)):
                self._create(session, publish=rng.random() < 0.8)
            if self.published:
                course_id = rng.choice(sorted(self.published))
                self.serial += 1
                self.data[course_id].title = f"更新{self.serial} {self.data[course_id].title[:40]}"
                update_course(session, course_id, self.data[course_id])
            if len(self.published) > 20 and rng.random() < 0.7:
                course_id = rng.choice(sorted(self.published))
                withdraw_course(session, course_id)
                self.published.discard(course_id)
            if self.drafts and rng.random() < 0.3:
                course_id = rng.choice(sorted(self.drafts))
                publish_course(session, course_id)
                self.drafts.discard(course_id)
                self.published.add(course_id)
            session.commit()


def test_sigkill_at_any_moment_loses_no_committed_change(fresh_database_url, tmp_path):
    engine = make_engine(fresh_database_url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    churn = Churn(sessions, random.Random(20240601))
    timing = random.Random(7)
    index_path = tmp_path / "index"
    store = IndexStore(index_path)
    log_path = tmp_path / "indexer.log"
    command = [sys.executable, "-c", INDEXER, fresh_database_url, str(index_path)]
    servers: list[subprocess.Popen] = []
    children: list[int] = []

    def spawn(*extra: str) -> subprocess.Popen:
        with log_path.open("a") as log:
            proc = subprocess.Popen(
                [*command, *extra],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        servers.append(proc)
        return proc

    def answer(proc: subprocess.Popen, timeout: float = 60) -> str:
        """The next line the process prints, committing catalogue changes meanwhile."""
        deadline = time.monotonic() + timeout
        while not select.select([proc.stdout], [], [], 0.01)[0]:
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the indexer process does not answer"
            churn.batch()
        return proc.stdout.readline().strip()

    def send(proc: subprocess.Popen, line: str) -> None:
        proc.stdin.write(line + "\n")
        proc.stdin.flush()

    kills = []
    try:
        server = spawn("--fork-server")
        assert answer(server) == "ready"
        for round_ in range(6):
            send(server, "start")
            pid = int(answer(server))
            children.append(pid)
            if round_ > 0:
                # The first kill most likely hit the first rebuild; from now on let a
                # generation exist, so that the other kills land in the outbox sync.
                deadline = time.monotonic() + 30
                while not store.exists():
                    assert time.monotonic() < deadline, log_path.read_text()
                    churn.batch()
            # Keep committing for a random time, then kill the indexer wherever it is:
            # building the first generation, reading the outbox, writing, committing.
            kill_at = time.monotonic() + timing.uniform(0.0, 0.5 if round_ == 0 else 1.0)
            while time.monotonic() < kill_at:
                churn.batch()
                time.sleep(0.01)
            os.kill(pid, signal.SIGKILL)
            # What the killed indexer left undone (no change is committed until the reap).
            kills.append((store.exists(), pending(sessions)))
            send(server, f"reap {pid}")
            status = int(answer(server))
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
            children.remove(pid)
        server.stdin.close()
        server.wait(timeout=10)

        # The last start is a cold one: a new interpreter opens the index and catches up.
        # No change is committed from now on: caught up means the outbox is empty.
        generation = store.current_generation()
        waiting = pending(sessions)
        final = spawn()
        final.stdin.close()
        wait_for(
            lambda: store.exists() and pending(sessions) == 0,
            timeout=40,
            what=f"the indexer to apply the {waiting} pending outbox rows",
        )
        assert final.poll() is None, log_path.read_text()
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for proc in servers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    assert any(existed and left > 0 for existed, left in kills), (
        "at least one kill hit a running indexer with work pending",
        kills,
        log_path.read_text()[-3000:],
    )
    if generation is not None:
        assert store.current_generation() == generation, "the restart catches up, no rebuild"
    indexed, published = indexed_titles(store), published_titles(sessions)
    assert set(indexed) == set(published), {
        "missing": sorted(set(published) - set(indexed))[:20],
        "extra": sorted(set(indexed) - set(published))[:20],
    }
    assert indexed == published, "titles match"
    assert set(published) == churn.published
    store.close()
    engine.dispose()

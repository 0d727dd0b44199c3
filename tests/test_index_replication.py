"""Several hosts, one index: the writer publishes each committed generation to a shared folder,
read-only hosts copy it and switch to it atomically (search/replication.py).

The functions are tested here on a small catalogue in both databases: what a publication
holds, that a second one carries only the new files, that a copy that fails midway is never
made live, that the writer publishes before it deletes outbox rows, that a worker taking over
on another host adopts the newer publication, pruning, `/healthz` on a read-only host and the
commands such a host refuses. tests/test_index_replication_live.py runs the real thing: two
`lifelong start` hosts, and a follower killed in the middle of a copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import Markup

from catalogue.db import make_session_factory
from catalogue.models import IndexOutbox, Provider
from catalogue.models.base import utcnow
from catalogue.services.courses import CourseData, create_course
from catalogue.services.worker_status import begin_heartbeat
from search import indexer, replication
from search.replication import (
    RECORD,
    Manifest,
    Publication,
    ReplicationError,
    committed_files,
    follow_once,
    local_record,
)
from search.service import SearchRequest, search
from search.store import ANALYSIS_FILE, IndexStore
from tests.search_fixtures import SPECS, build_catalogue

SMALL = tuple(s for s in SPECS if s.key in {"taiji_intro", "taiji_adv", "baduanjin", "wechat"})


def titles(store: IndexStore, words: str) -> list[str]:
    """What a web process reading this store finds (a fresh reader each time)."""
    reader = IndexStore(store.root)
    try:
        results = search(reader, SearchRequest(words), use_cache=False)
        if results.relaxed == "popular":
            return []
        return [Markup(hit.title).striptags() for hit in results.hits]
    finally:
        reader.close()


def add_course(sessions, title: str) -> None:
    with sessions() as session:
        provider = session.scalar(sa.select(Provider.id).limit(1))
        data = CourseData(external_id=f"x-{time.time_ns()}", title=title, area="hobbies")
        create_course(session, provider, data, publish=True)
        session.commit()


def outbox_rows(sessions) -> int:
    with sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(IndexOutbox))


@pytest.fixture
def world(engine, tmp_path):
    """(sessions, writer store publishing to tmp/publication, Publication, replica store)."""
    sessions = make_session_factory(engine)
    with sessions() as session:
        build_catalogue(session, SMALL)
    publication = Publication(tmp_path / "publication")
    writer = IndexStore(tmp_path / "writer", publish_to=publication.root)
    indexer.rebuild(sessions, writer)
    replica = IndexStore(tmp_path / "replica")
    yield sessions, writer, publication, replica
    writer.close()
    replica.close()


def test_a_rebuild_publishes_the_committed_generation_by_content_hash(world):
    _sessions, writer, publication, _replica = world
    manifest = publication.current()
    assert manifest is not None and manifest.seq == 1
    folder = writer.generation_dir(writer.current_generation())
    toc, names, documents = committed_files(folder)
    assert [entry.name for entry in manifest.files] == names
    assert (manifest.toc, manifest.documents) == (toc, documents) and documents == len(SMALL)
    assert f"_MAIN_{toc}.toc" in names and "areas.json" in names
    # A replica must know which words its copy was cut with (search.dictionary).
    assert ANALYSIS_FILE in names
    assert not {"MAIN_WRITELOCK", RECORD} & set(names)
    for entry in manifest.files:
        content = publication.object_path(entry.sha256).read_bytes()
        assert len(content) == entry.size and hashlib.sha256(content).hexdigest() == entry.sha256
        assert content == (folder / entry.name).read_bytes()
    # The writer knows what its live generation was published as.
    assert local_record(writer).id == manifest.id


def test_a_follower_copies_a_publication_and_then_only_the_new_files(world):
    sessions, writer, publication, replica = world
    first = follow_once(replica, publication)
    assert first is not None and first.copied_files == len(first.manifest.files)
    assert first.linked_files == 0
    assert titles(replica, "太极拳") == titles(writer, "太极拳") != []
    assert follow_once(replica, publication) is None  # nothing new: nothing done

    add_course(sessions, "葫芦丝零基础速成班")
    assert titles(replica, "葫芦丝") == []
    indexer.sync_all(sessions, writer)
    second = publication.current()
    assert second.seq == 2 and outbox_rows(sessions) == 0
    before = {e.sha256 for e in first.manifest.files}
    reused = [e for e in second.files if e.sha256 in before]
    assert reused, "the segment the sync did not touch is published once, not twice"

    done = follow_once(replica, publication)
    assert done.linked_files == len(reused)
    assert done.copied_files == len(second.files) - len(reused)
    assert done.generation == replica.current_generation() != first.generation
    assert titles(replica, "葫芦丝") == ["葫芦丝零基础速成班"]
    # The copy it replaced stays a while (a search may have begun on it); no partial copy.
    assert replica.generation_dir(first.generation).is_dir()
    assert not list(replica.root.glob("incoming-*"))


def test_a_copy_that_fails_midway_is_never_made_live(world):
    sessions, writer, publication, replica = world
    follow_once(replica, publication)
    live = replica.current_generation()
    add_course(sessions, "葫芦丝零基础速成班")
    indexer.sync_all(sessions, writer)
    manifest = publication.current()
    have = {e.sha256 for e in local_record(replica).files}
    new = [e for e in manifest.files if e.sha256 not in have]
    victim = max(new, key=lambda entry: entry.size)
    path = publication.object_path(victim.sha256)
    whole = path.read_bytes()

    # A file cut short on the shared storage (a publisher that died, a full disk).
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ReplicationError, match=victim.name):
        follow_once(replica, publication)
    assert replica.current_generation() == live
    assert titles(replica, "葫芦丝") == [] and titles(replica, "太极拳") != []
    assert not list(replica.root.glob("incoming-*")), "the partial copy is removed"

    # A file that is gone.
    path.unlink()
    with pytest.raises(ReplicationError, match="missing"):
        follow_once(replica, publication)
    assert replica.current_generation() == live

    # A file of the right size with other bytes.
    path.write_bytes(bytes(len(whole)))
    with pytest.raises(ReplicationError, match="sha256"):
        follow_once(replica, publication)
    assert replica.current_generation() == live

    path.write_bytes(whole)
    assert follow_once(replica, publication) is not None
    assert titles(replica, "葫芦丝") == ["葫芦丝零基础速成班"]


def test_a_follower_removes_what_a_killed_copy_left(world):
    _sessions, _writer, publication, replica = world
    follow_once(replica, publication)
    left = replica.root / "incoming-00000000000000000001"
    left.mkdir()
    (left / "_MAIN_1.toc").write_bytes(b"half")
    assert replication.discard_partial(replica) == 1 and not left.exists()
    assert replica.current_generation() is not None


def test_the_writer_publishes_before_it_deletes_the_outbox_rows(world, monkeypatch):
    """A publication holds every change whose outbox row is gone: when publishing fails the
    rows stay (and are applied again), and the next sync publishes."""
    sessions, writer, publication, replica = world
    add_course(sessions, "葫芦丝零基础速成班")

    def shared_storage_gone(*_args, **_kwargs):
        raise OSError("the shared folder is not mounted")

    monkeypatch.setattr(indexer, "publish_live", shared_storage_gone)
    with pytest.raises(OSError):
        indexer.sync_all(sessions, writer)
    assert outbox_rows(sessions) == 1, "rows of an unpublished commit must stay"
    assert publication.current().seq == 1
    assert titles(writer, "葫芦丝") != []  # committed locally, not published
    monkeypatch.undo()

    indexer.sync_all(sessions, writer)
    assert outbox_rows(sessions) == 0 and publication.current().seq >= 2
    follow_once(replica, publication)
    assert titles(replica, "葫芦丝") == ["葫芦丝零基础速成班"]


def test_a_worker_taking_over_on_another_host_adopts_the_newer_publication(world, tmp_path):
    """Host A's worker published changes and deleted their outbox rows; host C's worker (the
    standby) takes over: its index must start from A's publication, not from its own copy,
    which lacks them. And back again."""
    sessions, host_a, publication, _replica = world
    host_c = IndexStore(tmp_path / "host-c", publish_to=publication.root)
    assert indexer.catch_up(host_c) == "adopted"  # no index yet: a copy of A's
    assert titles(host_c, "太极拳") == titles(host_a, "太极拳")

    add_course(sessions, "葫芦丝零基础速成班")
    indexer.sync_all(sessions, host_a)  # A applies, publishes, deletes the row
    assert outbox_rows(sessions) == 0
    indexer.sync_all(sessions, host_c)  # C is active now
    assert titles(host_c, "葫芦丝") == ["葫芦丝零基础速成班"]

    add_course(sessions, "陶笛入门")
    indexer.sync_all(sessions, host_c)
    assert publication.current().host and local_record(host_c).id == publication.current().id
    indexer.sync_all(sessions, host_a)  # A takes over again
    assert titles(host_a, "陶笛") == ["陶笛入门"]
    assert local_record(host_a).id == publication.current().id
    host_c.close()


def test_a_local_rebuild_newer_than_the_publication_is_published_not_replaced(world, tmp_path):
    sessions, _writer, publication, _replica = world
    host_c = IndexStore(tmp_path / "host-c")  # INDEX_PUBLISH_DIR set only later
    add_course(sessions, "葫芦丝零基础速成班")
    indexer.rebuild(sessions, host_c)
    host_c.publish_to = publication.root
    assert indexer.catch_up(host_c) == "published"
    assert publication.current().source == host_c.current_generation()
    assert indexer.catch_up(host_c) is None  # in step now
    host_c.close()


def test_the_publication_keeps_recent_manifests_and_the_files_they_name(world):
    sessions, writer, publication, _replica = world
    for n in range(4):
        add_course(sessions, f"课程{n}")
        indexer.sync_all(sessions, writer)
    numbers = publication.numbers()
    assert numbers == [1, 2, 3, 4, 5]
    assert publication.prune() == 0  # all young
    later = time.time() + replication.KEEP_PUBLISHED_SECONDS + 5
    for path in publication.objects.iterdir():  # old enough to go, when unnamed
        os.utime(path, (later - replication.KEEP_PUBLISHED_SECONDS - 1,) * 2)
    removed = publication.prune(now=later)
    kept = publication.numbers()
    assert kept == numbers[-replication.KEEP_PUBLISHED_NEWEST :] and removed > 2
    named = {e.sha256 for seq in kept for e in publication.manifest(seq).files}
    assert {path.name for path in publication.objects.iterdir()} == named


def test_old_local_copies_are_removed_a_minute_after_they_were_replaced(world):
    sessions, writer, publication, replica = world
    generations = []
    for n in range(4):
        generations.append(follow_once(replica, publication).generation)
        add_course(sessions, f"课程{n}")
        indexer.sync_all(sessions, writer)
    generations.append(follow_once(replica, publication).generation)
    on_disk = sorted(p.name for p in replica.root.glob("gen-*"))
    assert on_disk == generations  # all replaced less than a minute ago
    later = time.time() + replication.KEEP_LOCAL_SECONDS + 1
    assert replication.prune_local(replica, now=later) == 3
    assert sorted(p.name for p in replica.root.glob("gen-*")) == generations[-2:]
    assert titles(replica, "课程3") == ["课程3"]


# -- /healthz and the commands on a read-only host --------------------------------------------


@pytest.fixture
def replica_app(engine, tmp_path, world):
    """The web app of a read-only host following `world`'s publication; a worker beats."""
    from webapp import create_app
    from webapp.db import get_database

    _sessions, _writer, publication, _replica = world
    app = create_app(
        {
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "INSTANCE_PATH": str(tmp_path / "replica-instance"),
            "INDEX_FOLLOW": str(publication.root),
            "TESTING": True,
        }
    )
    with make_session_factory(engine)() as session:
        begin_heartbeat(session, "host-a", 4242)
        session.commit()
    yield app
    get_database(app).engine.dispose()


def _age_publication(publication: Publication, seq: int, seconds: float) -> None:
    manifest = publication.manifest(seq)
    data = json.loads(manifest.to_json())
    data["published_at"] = time.time() - seconds
    path = publication.manifests_dir / f"{seq:012d}.json"
    path.write_text(Manifest.from_json(json.dumps(data)).to_json())


def test_a_replica_in_step_is_healthy_and_says_so(replica_app, world):
    _sessions, _writer, publication, _replica = world
    store = replica_app.extensions["lifelong.search"].store
    follow_once(store, publication)
    answer = replica_app.test_client().get("/healthz")
    assert answer.status_code == 200, answer.get_json()
    replica = answer.get_json()["index"]["replica"]
    assert replica == {
        "following": str(publication.root),
        "published": 1,
        "local": 1,
        "seconds_behind": 0.0,
    }


def test_a_replica_more_than_a_minute_behind_the_publication_is_a_503(replica_app, world):
    sessions, writer, publication, _replica = world
    store = replica_app.extensions["lifelong.search"].store
    follow_once(store, publication)
    add_course(sessions, "葫芦丝零基础速成班")
    indexer.sync_all(sessions, writer)  # publication 2; this host's follower is not running
    _age_publication(publication, 2, 30)
    body = replica_app.test_client().get("/healthz").get_json()
    assert body["status"] == "ok" and body["index"]["replica"]["local"] == 1
    assert 29 <= body["index"]["replica"]["seconds_behind"] < 60

    _age_publication(publication, 2, 75)
    answer = replica_app.test_client().get("/healthz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["code"] == "INDEX_BEHIND" and body["index"]["replica"]["seconds_behind"] >= 75
    # The outbox is empty: only the copy is late.
    assert body["index"]["pending_changes"] == 0

    follow_once(store, publication)
    assert replica_app.test_client().get("/healthz").status_code == 200


def test_the_writer_reports_what_it_published(engine, tmp_path):
    from webapp import create_app
    from webapp.db import get_database

    writer_app = create_app(
        {
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "INSTANCE_PATH": str(tmp_path / "writer-instance"),
            "INDEX_PUBLISH_DIR": str(tmp_path / "publication"),
            "TESTING": True,
        }
    )
    try:
        result = writer_app.test_cli_runner().invoke(args=["index", "rebuild"])
        assert result.exit_code == 0, result.output
        status = json.loads(writer_app.test_cli_runner().invoke(args=["index", "status"]).output)
        assert status["publication"] == {
            "publishing_to": str(tmp_path / "publication"),
            "published": 1,
            "local": 1,
        }
    finally:
        get_database(writer_app).engine.dispose()


def test_a_read_only_host_refuses_to_write_its_index(replica_app):
    runner = replica_app.test_cli_runner()
    for args in (["worker"], ["index", "rebuild"], ["index", "sync"]):
        with replica_app.app_context():  # as `lifelong` (Flask's FlaskGroup) runs commands
            result = runner.invoke(args=args)
        assert result.exit_code != 0 and "INDEX_FOLLOW" in result.output, (args, result.output)


def test_index_follow_once_copies_the_newest_publication(replica_app, world):
    _sessions, _writer, _publication, _replica = world
    runner = replica_app.test_cli_runner()
    result = runner.invoke(args=["index", "follow", "--once"])
    assert result.exit_code == 0 and "Installed publication 1" in result.output, result.output
    again = runner.invoke(args=["index", "follow", "--once"])
    assert "copy of the newest publication already" in again.output
    status = json.loads(runner.invoke(args=["index", "status"]).output)
    assert status["replica"]["local"] == status["replica"]["published"] == 1


def test_publishing_and_following_at_once_is_refused(tmp_path):
    from webapp.settings import Settings

    with pytest.raises(ValueError, match="INDEX_PUBLISH_DIR and INDEX_FOLLOW"):
        Settings.load(
            environ={},
            overrides={
                "INSTANCE_PATH": str(tmp_path),
                "INDEX_PUBLISH_DIR": str(tmp_path / "a"),
                "INDEX_FOLLOW": str(tmp_path / "a"),
            },
        )


def test_the_outbox_age_still_counts_on_a_replica(replica_app, world, session):
    """The writer's lag (the oldest change not indexed) is every host's lag."""
    _sessions, _writer, publication, _replica = world
    follow_once(replica_app.extensions["lifelong.search"].store, publication)
    add_course(make_session_factory(session.get_bind()), "葫芦丝零基础速成班")
    session.execute(sa.update(IndexOutbox).values(created_at=utcnow() - timedelta(seconds=90)))
    session.commit()
    body = replica_app.test_client().get("/healthz").get_json()
    assert body["code"] == "INDEX_BEHIND" and body["index"]["replica"]["seconds_behind"] == 0


def test_the_admin_jobs_page_says_how_far_this_hosts_copy_is_behind(replica_app, world, session):
    from catalogue.models import Role
    from catalogue.services.users import register_user
    from tests.helpers import login

    sessions, writer, publication, _replica = world
    follow_once(replica_app.extensions["lifelong.search"].store, publication)
    register_user(session, "ops@example.cn", "Ops-pass-2026!", "值班", role=Role.ADMIN)
    session.commit()
    client = replica_app.test_client()
    login(client, "ops@example.cn", "Ops-pass-2026!")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "本机的索引副本" in page and "第 1 次发布的副本，即" in page
    add_course(sessions, "葫芦丝零基础速成班")
    indexer.sync_all(sessions, writer)
    _age_publication(publication, 2, 75)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "INDEX_BEHIND" in page and "第 2 次发布更新" in page


def test_a_replica_reads_the_area_model_once_across_publications(world):
    """Each copy links the same areas.json (syncs do not change it): a web process does not
    parse it again for every publication."""
    sessions, writer, publication, replica = world
    follow_once(replica, publication)
    model = replica.area_model()
    add_course(sessions, "葫芦丝零基础速成班")
    indexer.sync_all(sessions, writer)
    follow_once(replica, publication)
    assert replica.area_model() is model
    indexer.rebuild(sessions, writer)  # a rebuild counts the areas again: a new file
    follow_once(replica, publication)
    assert replica.area_model() is not model


def test_a_standby_worker_keeps_its_copy_current_while_it_waits(world, engine, tmp_path):
    """The standby worker's host publishes too (INDEX_PUBLISH_DIR): while it stands by it
    copies what the active worker publishes, so a web server on that host stays current and
    a take-over starts from the newest index."""
    import threading

    from jobs.worker import single_worker
    from webapp.jobs_commands import follow_while_standing_by
    from webapp.settings import Settings

    sessions, host_a, publication, _replica = world
    settings = Settings.load(
        environ={},
        overrides={
            "INSTANCE_PATH": str(tmp_path / "host-c"),
            "INDEX_PUBLISH_DIR": str(publication.root),
        },
    )
    host_c = IndexStore(settings.index_dir)
    lock = tmp_path / "worker.lock"
    give_up = threading.Event()
    took_over = threading.Event()

    def standby() -> None:
        waiting = follow_while_standing_by(settings)
        with single_worker(engine, lock, standby=give_up, poll=0.1, waiting=waiting):
            took_over.set()

    with single_worker(engine, lock):  # host A's worker is the active one
        thread = threading.Thread(target=standby)
        thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and host_c.current_generation() is None:
            time.sleep(0.1)
        assert titles(host_c, "太极拳") == titles(host_a, "太极拳") != []
        add_course(sessions, "葫芦丝零基础速成班")
        indexer.sync_all(sessions, host_a)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not titles(host_c, "葫芦丝"):
            time.sleep(0.1)
        assert titles(host_c, "葫芦丝") == ["葫芦丝零基础速成班"]
        assert not took_over.is_set()
    thread.join(10)
    assert took_over.is_set()
    host_c.close()
    assert (
        follow_while_standing_by(
            Settings.load(environ={}, overrides={"INSTANCE_PATH": str(tmp_path / "plain")})
        )
        is None
    )

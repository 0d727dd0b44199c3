"""`lifelong backup create / restore`: the database, the live index and the models, on both
databases; damaged, foreign and newer backups refused without touching the live data; a backup
taken while learners write is consistent."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from catalogue.backup import BackupError, find_client, libpq_target
from catalogue.db import (
    current_revision,
    head_revision,
    make_engine,
    make_session_factory,
    upgrade_database,
)
from catalogue.models import Course, Lesson, Note, Provider, utcnow
from catalogue.services.courses import withdraw_course
from catalogue.services.providers import create_provider
from catalogue.services.social import add_note, delete_note
from catalogue.services.users import register_user
from jobs.backup import create_backup, plan_restore, restore_backup
from recommender.artefacts import ModelStore
from search.indexer import rebuild, sync_all, sync_once
from search.service import SearchRequest, search
from search.store import IndexStore
from tests.helpers import make_course, make_provider
from webapp.db import get_database
from webapp.recommendations import get_models

TITLE = "书法临帖入门"


def _model(store: ModelStore, seed: int) -> str:
    """Write and promote a small model version through the model store."""
    rng = np.random.default_rng(seed)
    name = store.write(
        rng.random((3, 4), dtype=np.float32),
        rng.random((5, 4), dtype=np.float32),
        np.array([10, 11, 15]),
        np.array([1, 2, 3, 7, 9]),
        {"metrics": {"ndcg": 0.1}},
    )
    store.promote(name)
    return name


def _stores(app) -> tuple[IndexStore, ModelStore]:
    return app.extensions["lifelong.search"].store, get_models(app)


def _world(app, session) -> dict:
    """A course with a learner's note on it, the index built, two model versions promoted."""
    index, models = _stores(app)
    course = make_course(session, make_provider(session).id, title=TITLE)
    learner = register_user(session, "learner@example.cn", "a long passphrase 7", "学员")
    note = add_note(session, learner.id, course.id, "第一讲要多练中锋")
    session.commit()
    rebuild(get_database(app).sessions, index)
    first, second = _model(models, 1), _model(models, 2)
    return {"course": course.id, "learner": learner.id, "note": note.id, "models": (first, second)}


def _found(index: IndexStore, text: str) -> set[int]:
    return {hit.id for hit in search(index, SearchRequest(text), use_cache=False).hits}


def _rewrite_manifest(backup: Path, change) -> None:
    path = backup / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def _other_kind(backup: Path, kind: str) -> None:
    """Make a backup look as if taken from the other kind of database (file and manifest)."""
    files = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

    def change(manifest: dict) -> None:
        old = manifest["database"]["file"]
        (backup / old).rename(backup / files[kind])
        manifest["files"][files[kind]] = manifest["files"].pop(old)
        manifest["database"].update(kind=kind, file=files[kind])

    _rewrite_manifest(backup, change)


def test_restore_brings_back_the_database_the_index_and_the_models(app, session, runner, tmp_path):
    world = _world(app, session)
    index, models = _stores(app)
    first, second = world["models"]
    backup = tmp_path / "backup"

    made = runner.invoke(args=["backup", "create", str(backup)])
    assert made.exit_code == 0, made.output
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["kind"] == session.bind.dialect.name
    assert manifest["database"]["schema_revision"] == head_revision()
    assert manifest["index"]["generation"] == index.current_generation()
    assert manifest["models"] == {
        "current": second,
        "previous": first,
        "versions": [second, first],
    }
    assert manifest["created_at"]
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())
    assert manifest["database"]["file"] in manifest["files"]

    # Then life goes on: the note is deleted, the course withdrawn, a new course added and
    # indexed, a new model trained.
    delete_note(session, world["learner"], world["note"])
    withdraw_course(session, world["course"])
    newcomer = make_course(session, title="摄影构图基础").id
    session.commit()
    rebuild(get_database(app).sessions, index)
    third = _model(models, 3)
    assert world["course"] not in _found(index, TITLE)
    assert newcomer in _found(index, "摄影构图")
    session.close()  # no transaction of ours may hold the tables the restore replaces

    restored = runner.invoke(args=["backup", "restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "Traceback" not in restored.output

    session.expire_all()
    assert session.scalar(select(Note.body).where(Note.id == world["note"])) == "第一讲要多练中锋"
    assert session.get(Course, world["course"]).status.value == "published"
    assert session.get(Course, newcomer) is None
    assert world["course"] in _found(index, TITLE)
    assert newcomer not in _found(index, "摄影构图")
    assert models.current() == second and models.previous() == first
    assert models.current_model().version == second
    assert third in models.versions()  # kept on disk, no longer current
    assert models.rollback() == first  # the restored pointers work as pointers


def test_a_tampered_backup_is_refused_and_changes_nothing(app, session, runner, tmp_path):
    world = _world(app, session)
    index, models = _stores(app)
    backup = tmp_path / "backup"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    kept = make_course(session, title="恢复之后也要在").id
    session.commit()
    rebuild(get_database(app).sessions, index)
    third = _model(models, 3)
    generation = index.current_generation()
    index_files = sorted(p.name for p in index.root.iterdir())
    model_files = sorted(p.name for p in models.root.iterdir())

    database = backup / json.loads((backup / "manifest.json").read_text())["database"]["file"]
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))
    session.close()

    refused = runner.invoke(args=["backup", "restore", str(backup), "--yes"])
    assert refused.exit_code == 2, refused.output
    assert "does not match its checksum" in refused.output
    assert "Traceback" not in refused.output
    session.expire_all()
    assert session.get(Course, kept) is not None
    assert session.get(Note, world["note"]) is not None
    assert index.current_generation() == generation
    assert sorted(p.name for p in index.root.iterdir()) == index_files
    assert models.current() == third
    assert sorted(p.name for p in models.root.iterdir()) == model_files


def test_a_damaged_database_copy_fails_inside_the_database_and_changes_nothing(
    app, session, runner, tmp_path
):
    """Even with checksums forged to match, a truncated database copy is rejected by the
    restore itself, in one transaction, and the live database is untouched."""
    world = _world(app, session)
    index, _models = _stores(app)
    backup = tmp_path / "backup"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    kept = make_course(session, title="恢复失败也要在").id
    session.commit()
    generation = index.current_generation()
    index_files = sorted(p.name for p in index.root.iterdir())

    manifest = json.loads((backup / "manifest.json").read_text())
    database = backup / manifest["database"]["file"]
    database.write_bytes(database.read_bytes()[: database.stat().st_size * 2 // 3])
    forged = hashlib.sha256(database.read_bytes()).hexdigest()
    _rewrite_manifest(
        backup, lambda m: m["files"][m["database"]["file"]].update({"sha256": forged})
    )
    session.close()

    failed = runner.invoke(args=["backup", "restore", str(backup), "--yes"])
    assert failed.exit_code == 2, failed.output
    assert "error:" in failed.output and "Traceback" not in failed.output
    session.expire_all()
    assert session.get(Course, kept) is not None
    assert session.get(Note, world["note"]) is not None
    assert index.current_generation() == generation
    assert sorted(p.name for p in index.root.iterdir()) == index_files


def test_unusable_backups_are_refused_with_a_clear_message(app, session, runner, tmp_path):
    _world(app, session)
    index, models = _stores(app)
    good = tmp_path / "good"
    assert runner.invoke(args=["backup", "create", str(good)]).exit_code == 0
    other_kind = "sqlite" if session.bind.dialect.name == "postgresql" else "postgresql"

    def variant(name: str, change) -> Path:
        copy = tmp_path / name
        shutil.copytree(good, copy)
        change(copy)
        return copy

    cases = {
        "is not a folder": tmp_path / "missing",
        "holds no manifest.json": variant("empty", lambda p: (p / "manifest.json").unlink()),
        "is corrupt": variant("corrupt", lambda p: (p / "manifest.json").write_text("{not json")),
        f"holds a {other_kind} database": variant("kind", lambda p: _other_kind(p, other_kind)),
        "is newer than this code's migrations": variant(
            "newer",
            lambda p: _rewrite_manifest(p, lambda m: m["database"].update(schema_revision="9999")),
        ),
        "is not listed in the manifest": variant(
            "extra", lambda p: (p / "index" / "smuggled.txt").write_text("x")
        ),
        "is not a path inside the backup": variant(
            "escape",
            lambda p: _rewrite_manifest(
                p, lambda m: m["files"].update({"../../etc/passwd": {"sha256": "0" * 64}})
            ),
        ),
    }
    generation, current = index.current_generation(), models.current()
    session.close()
    for expected, backup in cases.items():
        refused = runner.invoke(args=["backup", "restore", str(backup), "--yes"])
        assert refused.exit_code == 2, (expected, refused.output)
        assert expected in refused.output, refused.output
        assert "Traceback" not in refused.output
    assert index.current_generation() == generation and models.current() == current

    taken = runner.invoke(args=["backup", "create", str(good)])
    assert taken.exit_code == 2 and "is not an empty folder" in taken.output


def test_restore_waits_for_the_worker_to_stop_unless_forced(
    app, session, runner, tmp_path, beating_worker
):
    world = _world(app, session)
    backup = tmp_path / "backup"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    delete_note(session, world["learner"], world["note"])
    session.commit()
    session.close()

    refused = runner.invoke(args=["backup", "restore", str(backup), "--yes"])
    assert refused.exit_code == 2
    assert "a jobs worker is running" in refused.output and "--force" in refused.output
    assert session.get(Note, world["note"]) is None
    session.close()

    forced = runner.invoke(args=["backup", "restore", str(backup), "--yes", "--force"])
    assert forced.exit_code == 0, forced.output
    session.expire_all()
    assert session.get(Note, world["note"]) is not None


def test_restore_asks_before_replacing_anything(app, session, runner, tmp_path):
    world = _world(app, session)
    backup = tmp_path / "backup"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    delete_note(session, world["learner"], world["note"])
    session.commit()
    session.close()
    declined = runner.invoke(args=["backup", "restore", str(backup)], input="n\n")
    assert declined.exit_code == 1 and "Replace the database" in declined.output
    assert session.get(Note, world["note"]) is None


def test_a_backup_of_an_older_schema_is_migrated_after_the_restore(fresh_database_url, tmp_path):
    engine = make_engine(fresh_database_url)
    index, models = IndexStore(tmp_path / "index"), ModelStore(tmp_path / "models")
    try:
        upgrade_database(engine, "0012")  # the code of a year ago
        sessions = make_session_factory(engine)
        # Written as that code did: today's model has columns the old schema lacks.
        old_providers = sa.Table("providers", sa.MetaData(), autoload_with=engine)
        with engine.begin() as conn:
            conn.execute(
                old_providers.insert().values(
                    name="国家开放大学",
                    kind="university",
                    status="active",
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
        manifest = create_backup(engine, index, models, tmp_path / "old")
        assert manifest.schema_revision == "0012"
        assert manifest.index_generation is None and manifest.model_current is None

        upgrade_database(engine)  # the code was upgraded, and the site went on
        with sessions() as session:
            create_provider(session, "上海老年大学", "university")
            session.commit()

        plan = plan_restore(tmp_path / "old", engine)
        assert plan.migrate_from == "0012"
        report = restore_backup(plan, engine, index, models)
        assert report.schema_revision == head_revision()
        assert current_revision(engine) == head_revision()
        assert sa.inspect(engine).has_table("worker_heartbeats")
        with sessions() as session:
            assert list(session.scalars(select(Provider.name))) == ["国家开放大学"]
        assert any("no search index" in note for note in report.notes)
    finally:
        engine.dispose()


def _indexed_ids(index: IndexStore) -> set[int]:
    with index.open_index().searcher() as searcher:
        return {int(fields["id"]) for fields in searcher.all_stored_fields()}


def test_a_backup_taken_while_learners_write_is_consistent(engine, fresh_database_url, tmp_path):
    """Courses (each with two lessons and an outbox row, in one transaction) are written and
    indexed throughout the backup; the restored copy holds whole transactions only, its
    foreign keys and integrity hold, and its index plus its outbox give exactly its courses."""
    sessions = make_session_factory(engine)
    with sessions() as session:
        provider = make_provider(session).id
        make_course(session, provider, title="第一门")
        session.commit()
    index, models = IndexStore(tmp_path / "index"), ModelStore(tmp_path / "models")
    rebuild(sessions, index)
    written = [0]
    stop = threading.Event()
    started = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            while not stop.is_set():
                with sessions() as session:
                    make_course(session, provider, title=f"并发写入 {written[0]}")
                    session.commit()
                written[0] += 1
                if written[0] >= 5:
                    started.set()
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
            started.set()

    def index_changes() -> None:
        try:
            while not stop.is_set():
                sync_once(sessions, index, batch=3)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write), threading.Thread(target=index_changes)]
    for thread in threads:
        thread.start()
    try:
        assert started.wait(30)
        before = written[0]
        create_backup(engine, index, models, tmp_path / "backup")
        during = written[0] - before
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert not errors, errors
    assert during > 0, "no course was written while the backup was taken"

    target = make_engine(fresh_database_url)
    restored_index = IndexStore(tmp_path / "index2")
    try:
        plan = plan_restore(tmp_path / "backup", target)
        restore_backup(plan, target, restored_index, ModelStore(tmp_path / "m2"))
        with target.connect() as conn:
            ids = set(conn.scalars(select(Course.id)))
            lessons = conn.scalar(select(func.count()).select_from(Lesson))
            orphans = conn.scalar(
                select(func.count())
                .select_from(Lesson)
                .outerjoin(Course, Lesson.course_id == Course.id)
                .where(Course.id.is_(None))
            )
            if target.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        # Every course whole (its two lessons), nothing committed after the backup.
        assert lessons == 2 * len(ids) and orphans == 0
        assert 1 + before <= len(ids) <= 1 + written[0]
        # The index copy never runs ahead of the database copy...
        assert _indexed_ids(restored_index) <= ids
        # ...and what it lacks waits in the restored outbox: applied, the index is complete.
        sync_all(make_session_factory(target), restored_index)
        assert _indexed_ids(restored_index) == ids
    finally:
        target.dispose()


def _documented_commands() -> list[list[str]]:
    """The `lifelong …` lines of the sh blocks in docs/backups.md, as argument lists."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "backups.md").read_text("utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                assert words[0] == "lifelong", line
                commands.append(words[1:])
    return commands


def test_the_commands_in_the_backup_docs_work(app, session, runner, tmp_path, monkeypatch):
    world = _world(app, session)
    session.close()
    monkeypatch.chdir(tmp_path)
    commands = _documented_commands()
    assert [c[:2] for c in commands] == [
        ["backup", "create"],
        ["backup", "verify"],
        ["backup", "restore"],
        ["backup", "restore"],
    ]
    for command in commands:
        result = runner.invoke(args=command, input="y\n")
        assert result.exit_code == 0, (command, result.output)
    assert session.get(Note, world["note"]) is not None


def test_postgres_clients_get_the_password_in_the_environment_only():
    uri, env = libpq_target("postgresql+psycopg://lifelong:s3cret%40pw@db.example.cn:5433/site")
    assert "s3cret" not in uri and uri == "postgresql://lifelong@db.example.cn:5433/site"
    assert env["PGPASSWORD"] == "s3cret@pw"
    uri, env = libpq_target("postgresql://lifelong@/site?host=/run/postgresql&sslmode=require")
    assert uri == "postgresql://lifelong@/site?host=%2Frun%2Fpostgresql&sslmode=require"


def test_a_missing_client_program_is_named():
    with pytest.raises(BackupError, match="pg_nothing is not installed"):
        find_client("pg_nothing")
    assert find_client("pg_dump").name == "pg_dump"

"""`lifelong backup create / restore`: the database, the live index and the models, on both
databases; damaged, foreign and newer backups refused without touching the live data; a backup
taken while learners write is consistent."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
import stat
import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
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
from catalogue.models.awards import OutcomeType
from catalogue.services.courses import withdraw_course
from catalogue.services.providers import create_provider
from catalogue.services.social import add_note, delete_note
from catalogue.services.users import register_user
from jobs.backup import create_backup, plan_restore, restore_backup
from recommender.artefacts import ModelStore
from records import recognition
from records.models.credits import RecognitionRequest
from records.signing import (
    Signer,
    current_key_id,
    ensure_key,
    load_signer,
    public_keys,
    rotate_key,
    verify_document,
)
from search.indexer import rebuild, sync_all, sync_once
from search.service import SearchRequest, search
from search.store import IndexStore
from tests.helpers import make_course, make_provider
from webapp.credentials import get_credentials
from webapp.db import get_database
from webapp.recommendations import get_models
from webapp.settings import get_settings

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


# -- the learning record's files: signing keys and credit documents ------------------------

PDF = b"%PDF-1.4\n% a transcript from elsewhere\n" + bytes(range(256))


def _record_files(app) -> tuple[Path, Path]:
    settings = get_settings(app)
    return settings.certificate_key_dir, Path(app.instance_path) / "credit-documents"


def _credential(key_dir: Path, name: str) -> dict:
    """A credential signed with the key directory's current key."""
    return load_signer(key_dir).sign(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"name": name},
        }
    )


def _request_with_document(session, learner: int, documents: Path) -> RecognitionRequest:
    """A learner's recognition request through the service (the document saved, then the row)."""
    request = recognition.submit(
        session,
        learner,
        recognition.Claim(
            "开放大学", "老年心理学", date(2025, 6, 1), Decimal("2"), OutcomeType.ACADEMIC
        ),
        recognition.Document("成绩单.pdf", PDF),
        recognition.DocumentStore(documents),
    )
    session.commit()
    return request


def _record_world(app, session) -> dict:
    """The world above, plus a certificate signed with a key since retired, and a learner's
    recognition request with its document."""
    world = _world(app, session)
    key_dir, documents = _record_files(app)
    old_key = ensure_key(key_dir)
    credential = _credential(key_dir, "学员")
    _old, new_key = rotate_key(key_dir)  # the old key retires: only its public key stays
    request = _request_with_document(session, world["learner"], documents)
    return {
        **world,
        "old_key": old_key,
        "key": new_key,
        "credential": credential,
        "request": request.id,
        "document": request.document_key,
        "documents": documents,
        "key_dir": key_dir,
    }


def load_signer_of(key_dir: Path, key_id: str) -> Signer:
    """The signer of a key of the directory that still has its private key file."""
    pem = (key_dir / f"{key_id}.key").read_bytes()
    return Signer(serialization.load_pem_private_key(pem, None))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_signing_keys_and_credit_documents_are_backed_up_and_restored(
    app, session, runner, tmp_path
):
    world = _record_world(app, session)
    key_dir, documents = world["key_dir"], world["documents"]
    backup = tmp_path / "backup"
    made = runner.invoke(args=["backup", "create", str(backup)])
    assert made.exit_code == 0, made.output
    assert (
        f"current {world['key']}, 2 public" in made.output and "1 credit documents" in made.output
    )
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == 2
    assert manifest["certificate_keys"] == {
        "current": world["key"],
        "keys": sorted([world["old_key"], world["key"]]),
    }
    assert manifest["credit_documents"] == {"count": 1}
    for name in (f"{world['key']}.key", f"{world['key']}.pub.json", "current"):
        assert f"certificate-keys/{name}" in manifest["files"]
    assert f"certificate-keys/{world['old_key']}.pub.json" in manifest["files"]
    assert f"credit-documents/{world['document']}" in manifest["files"]
    assert _mode(backup / "certificate-keys" / f"{world['key']}.key") == 0o600
    assert _mode(backup / "credit-documents" / world["document"]) == 0o600

    # The disaster: the key directory and the documents are lost; a new document appears.
    shutil.rmtree(key_dir)
    (documents / world["document"]).unlink()
    stray = recognition.DocumentStore(documents).save(b"%PDF-1.4 later", "pdf")
    assert verify_document(world["credential"], public_keys(key_dir)).code == "untrusted_key"
    session.close()

    restored = runner.invoke(args=["backup", "restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert f"signing keys: {world['key']} is current" in restored.output
    assert "credit documents: 1" in restored.output
    assert current_key_id(key_dir) == world["key"]
    assert _mode(key_dir / f"{world['key']}.key") == 0o600
    assert _mode(key_dir) == 0o700
    assert load_signer(key_dir).key_id == world["key"]
    # A certificate signed with the retired key verifies again, with the key directory's keys
    # and with the keys the running site's /verify pages trust; the site signs with the
    # restored key.
    verdict = verify_document(world["credential"], public_keys(key_dir))
    assert verdict.ok, verdict.reason
    assert verdict.key_id == world["old_key"]
    assert verify_document(world["credential"], get_credentials(app).trusted_keys()).ok
    assert get_credentials(app).signer().key_id == world["key"]
    # The documents are exactly the backed-up set, and the restored row finds its document.
    store = recognition.DocumentStore(documents)
    assert store.stored() == [world["document"]] and stray not in store.stored()
    key = session.scalar(
        select(RecognitionRequest.document_key).where(RecognitionRequest.id == world["request"])
    )
    assert store.read(key) == PDF
    assert _mode(documents / key) == 0o600
    # New certificates are signed with the restored key.
    assert verify_document(_credential(key_dir, "新的"), public_keys(key_dir)).ok


def test_a_different_current_key_is_replaced_only_when_confirmed(app, session, runner, tmp_path):
    world = _record_world(app, session)
    key_dir = world["key_dir"]
    backup = tmp_path / "backup"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    _old, newer = rotate_key(key_dir)  # after the backup the site rotated again
    later = _credential(key_dir, "后来的")
    session.close()

    declined = runner.invoke(args=["backup", "restore", str(backup)], input="n\n")
    assert declined.exit_code == 1, declined.output
    assert f"replaces the current key {newer}" in declined.output
    assert "the signing keys in" in declined.output
    assert current_key_id(key_dir) == newer

    engine = get_database(app).engine
    plan = plan_restore(backup, engine, key_dir=key_dir)
    assert plan.replaces_key == newer
    index, models = _stores(app)
    with pytest.raises(BackupError, match="confirm the restore"):
        restore_backup(
            plan, engine, index, models, key_dir=key_dir, documents_dir=world["documents"]
        )
    assert current_key_id(key_dir) == newer
    assert not [p for p in key_dir.iterdir() if p.name.startswith(".")]

    confirmed = runner.invoke(args=["backup", "restore", str(backup)], input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert current_key_id(key_dir) == world["key"]
    # The newer key's public key is kept, retired: what it signed still verifies, a proof it
    # makes from now on does not.
    keys = public_keys(key_dir)
    assert verify_document(later, keys).ok and verify_document(world["credential"], keys).ok
    assert next(k for k in keys if k.key_id == newer).retired is not None
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    forged = load_signer_of(key_dir, newer).sign(later, created=tomorrow)
    assert verify_document(forged, keys, now=tomorrow).code == "retired_key"


def test_a_tampered_key_or_document_fails_backup_verify(app, session, runner, tmp_path):
    world = _record_world(app, session)
    good = tmp_path / "good"
    assert runner.invoke(args=["backup", "create", str(good)]).exit_code == 0
    assert runner.invoke(args=["backup", "verify", str(good)]).exit_code == 0

    def flip(path: Path) -> None:
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))

    cases = {
        f"certificate-keys/{world['key']}.key does not match its checksum": lambda p: flip(
            p / "certificate-keys" / f"{world['key']}.key"
        ),
        f"certificate-keys/{world['old_key']}.pub.json is missing": lambda p: (
            p / "certificate-keys" / f"{world['old_key']}.pub.json"
        ).unlink(),
        f"credit-documents/{world['document']} does not match its checksum": lambda p: flip(
            p / "credit-documents" / world["document"]
        ),
        "credit-documents/smuggled.pdf is not listed in the manifest": lambda p: (
            p / "credit-documents" / "smuggled.pdf"
        ).write_bytes(PDF),
    }
    for number, (expected, change) in enumerate(cases.items()):
        copy = tmp_path / f"case{number}"
        shutil.copytree(good, copy)
        change(copy)
        checked = runner.invoke(args=["backup", "verify", str(copy)])
        assert checked.exit_code == 2, (expected, checked.output)
        assert expected in checked.output and "Traceback" not in checked.output


def test_a_backup_of_the_old_format_still_verifies_and_restores(app, session, runner, tmp_path):
    """A format 1 backup (before the learning record) holds no keys or documents: it verifies
    and restores, says so, and leaves the live key directory and documents as they are."""
    world = _record_world(app, session)
    key_dir, documents = world["key_dir"], world["documents"]
    backup = tmp_path / "old"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    shutil.rmtree(backup / "certificate-keys")
    shutil.rmtree(backup / "credit-documents")

    def downgrade(manifest: dict) -> None:
        manifest["format_version"] = 1
        del manifest["certificate_keys"], manifest["credit_documents"]
        manifest["files"] = {
            name: entry
            for name, entry in manifest["files"].items()
            if not name.startswith(("certificate-keys/", "credit-documents/"))
        }

    _rewrite_manifest(backup, downgrade)
    checked = runner.invoke(args=["backup", "verify", str(backup)])
    assert checked.exit_code == 0, checked.output
    assert "no signing keys; no credit documents" in checked.output
    _old, newer = rotate_key(key_dir)
    kept = recognition.DocumentStore(documents).stored()
    session.close()

    restored = runner.invoke(args=["backup", "restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "the backup holds no signing keys" in restored.output
    assert "the backup holds no credit documents" in restored.output
    assert current_key_id(key_dir) == newer
    assert recognition.DocumentStore(documents).stored() == kept
    assert verify_document(world["credential"], public_keys(key_dir)).ok


def test_every_recognition_request_in_a_backup_finds_its_document(
    engine, fresh_database_url, tmp_path
):
    """Learners submit recognition requests (document saved, then the row committed) all
    through the backup: every request row of the restored database finds its document, byte
    for byte; documents without a row (uploaded after the snapshot) are the only extras."""
    sessions = make_session_factory(engine)
    with sessions() as session:
        learner = register_user(session, "doc@example.cn", "a long passphrase 7", "学员").id
        session.commit()
    documents = tmp_path / "credit-documents"
    written = [0]
    stop, started = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            while not stop.is_set():
                with sessions() as session:
                    data = PDF + f"#{written[0]}".encode()
                    recognition.submit(
                        session,
                        learner,
                        recognition.Claim(
                            "开放大学",
                            f"课程 {written[0]}",
                            date(2025, 6, 1),
                            Decimal("1"),
                            OutcomeType.TRAINING,
                        ),
                        recognition.Document("a.pdf", data),
                        recognition.DocumentStore(documents),
                    )
                    session.commit()
                written[0] += 1
                if written[0] >= 5:
                    started.set()
        except BaseException as exc:  # reported below
            errors.append(exc)
            started.set()

    thread = threading.Thread(target=submit)
    thread.start()
    try:
        assert started.wait(30)
        before = written[0]
        manifest = create_backup(
            engine,
            IndexStore(tmp_path / "index"),
            ModelStore(tmp_path / "models"),
            tmp_path / "backup",
            documents_dir=documents,
        )
        during = written[0] - before
    finally:
        stop.set()
        thread.join(30)
    assert not errors, errors
    assert during > 0, "no request was submitted while the backup was taken"

    target = make_engine(fresh_database_url)
    restored = tmp_path / "restored" / "credit-documents"
    try:
        plan = plan_restore(tmp_path / "backup", target)
        restore_backup(
            plan,
            target,
            IndexStore(tmp_path / "index2"),
            ModelStore(tmp_path / "m2"),
            documents_dir=restored,
        )
        with target.connect() as conn:
            rows = conn.execute(
                select(RecognitionRequest.title, RecognitionRequest.document_key)
            ).all()
    finally:
        target.dispose()
    assert len(rows) >= before
    stored = recognition.DocumentStore(restored)
    assert sorted(stored.stored()) == manifest.documents()
    for title, key in rows:
        assert stored.read(key) == PDF + f"#{title.split()[-1]}".encode()
    assert len(stored.stored()) >= len(rows)

"""Personal-data archives of large accounts, built by the jobs worker: request, job, download by
the owner only, one pending request per learner (also when two race), expiry after 7 days,
removal with the account, and an account deleted while its archive is built. Both databases."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalogue.db import make_session_factory
from catalogue.models import EventKind, Notification, utcnow
from catalogue.services.activity import record_event
from catalogue.services.users import register_user
from records import personal_archives as archives
from records import personal_data as pd
from records.models.personal_data import PENDING, READY, PersonalDataArchive
from tests.helpers import csrf_token, login, make_course, make_provider

PASSWORD = "password-123"


@pytest.fixture
def people(session, monkeypatch):
    """Ann with more events than an immediate archive allows here, and Bob."""
    monkeypatch.setattr(archives, "IMMEDIATE_MAX_EVENTS", 3)
    course = make_course(session, make_provider(session).id, lessons=1)
    ann = register_user(session, "ann@example.cn", PASSWORD, "Ann", preferred_language="en")
    bob = register_user(session, "bob@example.cn", PASSWORD, "Bob", preferred_language="en")
    session.flush()
    start = utcnow() - timedelta(days=10)
    for n in range(5):
        record_event(session, ann.id, course.id, EventKind.VIEW, at=start + timedelta(hours=n))
    record_event(session, bob.id, course.id, EventKind.VIEW, at=start)
    session.commit()
    return {"ann": ann.id, "bob": bob.id}


@pytest.fixture
def run_archive_job(run_app_job):
    """The worker's personal-data-archives job, run once as the worker runs it."""
    return lambda: run_app_job("personal-data-archives")


def _ask(client):
    token = csrf_token(client.get("/me/personal-data").get_data(as_text=True))
    return client.post(
        "/me/personal-data/download",
        data={"download-csrf_token": token, "download-password": PASSWORD},
    )


def _row(session, user_id: int) -> PersonalDataArchive | None:
    session.expire_all()
    return session.get(PersonalDataArchive, user_id)


def test_request_job_and_download_by_the_owner_only(app, session, people, run_archive_job):
    instance = Path(app.instance_path)
    ann = app.test_client()
    login(ann, "ann@example.cn", PASSWORD)
    asked = _ask(ann)
    # A large account's archive is not built in the request.
    assert asked.status_code == 302 and asked.headers["Location"].endswith("#download")
    page = ann.get("/me/personal-data").get_data(as_text=True)
    assert "archive-pending" in page and "being prepared" in page
    first = _row(session, people["ann"])
    assert first.status == PENDING
    # Asking again while it is pending queues nothing more.
    assert _ask(ann).status_code == 302
    again = _row(session, people["ann"])
    assert again.file_key == first.file_key and again.requested_at == first.requested_at
    assert session.scalar(select(func.count()).select_from(PersonalDataArchive)) == 1

    figures = run_archive_job()
    assert figures["built"] == 1 and figures["failed"] == 0
    ready = _row(session, people["ann"])
    assert ready.status == READY and ready.size_bytes > 0
    assert archives.archive_path(instance, ready.file_key).is_file()
    assert not list((instance / "personal-data-archives").glob("*.part"))
    note = session.scalar(
        select(Notification).where(
            Notification.user_id == people["ann"], Notification.kind == "personal_data_ready"
        )
    )
    assert note is not None
    opened = ann.get(f"/me/notifications/{note.id}")
    assert opened.status_code == 302 and "/me/personal-data#download" in opened.headers["Location"]
    assert "ready to download" in ann.get("/me/notifications").get_data(as_text=True)

    page = ann.get("/me/personal-data").get_data(as_text=True)
    link = f"/me/personal-data/archive/{ready.file_key}.zip"
    assert "archive-ready" in page and link in page
    download = ann.get(link)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert "no-store" in download.headers["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(download.get_data())) as archive:
        payload = json.loads(archive.read("data.json"))
    assert payload["user_id"] == people["ann"]
    assert len(payload["tables"]["events"]["rows"]) == 5
    assert "personal_data_archives" not in payload["tables"]
    # Nobody else gets it: another learner (with the link), nor anyone signed out.
    bob = app.test_client()
    login(bob, "bob@example.cn", PASSWORD)
    assert bob.get(link).status_code == 404
    assert "archive-ready" not in bob.get("/me/personal-data").get_data(as_text=True)
    anonymous = app.test_client().get(link)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert ann.get("/me/personal-data/archive/not-the-key.zip").status_code == 404
    # The job has nothing more to do.
    assert run_archive_job()["built"] == 0


def test_small_accounts_still_download_at_once(app, session, people):
    bob = app.test_client()
    login(bob, "bob@example.cn", PASSWORD)
    answer = _ask(bob)
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert _row(session, people["bob"]) is None


def test_archives_expire_after_seven_days(app, session, people, tmp_path):
    sessions = make_session_factory(session.get_bind())
    archives.request_archive(session, people["ann"])
    session.commit()
    made = utcnow()
    assert archives.run(sessions, tmp_path, now=lambda: made)["built"] == 1
    key = _row(session, people["ann"]).file_key
    path = archives.archive_path(tmp_path, key)
    assert path.is_file()
    six_days = made + timedelta(days=6)
    assert archives.ready_file(session, people["ann"], key, tmp_path, now=six_days) == path
    assert archives.run(sessions, tmp_path, now=lambda: six_days)["expired"] == 0
    eight_days = made + timedelta(days=8)
    # Past its time it is no longer offered, even before the job removes it.
    assert archives.current(session, people["ann"], now=eight_days) is None
    with pytest.raises(pd.NotFound):
        archives.ready_file(session, people["ann"], key, tmp_path, now=eight_days)
    assert archives.run(sessions, tmp_path, now=lambda: eight_days)["expired"] == 1
    assert _row(session, people["ann"]) is None and not path.exists()
    # Then it can be asked for again.
    assert archives.request_archive(session, people["ann"]).queued
    session.commit()


def test_a_ready_archive_is_replaced_by_a_new_request(session, people, tmp_path):
    sessions = make_session_factory(session.get_bind())
    archives.request_archive(session, people["ann"])
    session.commit()
    archives.run(sessions, tmp_path)
    old = _row(session, people["ann"]).file_key
    asked = archives.request_archive(session, people["ann"])
    session.commit()
    assert asked.queued and asked.replaced == old and asked.archive.key != old
    assert _row(session, people["ann"]).status == PENDING


@pytest.mark.parametrize("state", [PENDING, READY])
def test_deleting_the_account_deletes_its_archive_and_file(session, people, tmp_path, state):
    sessions = make_session_factory(session.get_bind())
    archives.request_archive(session, people["ann"])
    archives.request_archive(session, people["bob"])
    session.commit()
    if state == READY:
        assert archives.run(sessions, tmp_path)["built"] == 2
    keys = {name: _row(session, uid).file_key for name, uid in people.items()}
    result = pd.delete_account(session, people["ann"], tmp_path)
    session.commit()
    pd.remove_files(result.files)
    assert _row(session, people["ann"]) is None
    assert not archives.archive_path(tmp_path, keys["ann"]).exists()
    assert (archives.archive_path(tmp_path, keys["bob"]).exists()) == (state == READY)
    # A pending one is simply never built.
    figures = archives.run(sessions, tmp_path)
    assert figures["built"] == (1 if state == PENDING else 0)
    assert sorted(p.name for p in (tmp_path / "personal-data-archives").iterdir()) == [
        f"{keys['bob']}.zip"
    ]


def test_an_account_deleted_while_its_archive_is_built_leaves_no_file(
    session, people, tmp_path, monkeypatch
):
    sessions = make_session_factory(session.get_bind())
    archives.request_archive(session, people["ann"])
    session.commit()
    write = pd.write_archive

    def write_then_delete(reading, user_id, out, file_root=None):
        counts = write(reading, user_id, out, file_root)
        reading.rollback()
        with sessions() as other:
            pd.delete_account(other, user_id, tmp_path)
            other.commit()
        return counts

    monkeypatch.setattr(pd, "write_archive", write_then_delete)
    figures = archives.run(sessions, tmp_path)
    assert figures["gone"] == 1 and figures["built"] == 0
    assert list((tmp_path / "personal-data-archives").iterdir()) == []
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(PersonalDataArchive)) == 0


def test_two_requests_at_the_same_moment_queue_one(engine, session, people):
    sessions = make_session_factory(engine)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def ask() -> None:
        try:
            with sessions() as own:
                barrier.wait(timeout=10)
                results.append(archives.request_archive(own, people["ann"]))
                own.commit()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sum(r.queued for r in results) == 1
    rows = session.scalars(select(PersonalDataArchive)).all()
    assert len(rows) == 1 and {r.archive.key for r in results} == {rows[0].file_key}

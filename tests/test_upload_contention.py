"""Learners' writes go through while a large partner upload runs, and the upload stays atomic.

The site runs as the README starts it (`lifelong start`: web server and jobs worker, each its own
process); a partner sends a catalogue file through the API and the worker applies it while
learners like, note, comment, save lesson positions, log in and sign up over HTTP.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa

from bench.live_site import live_site, site_env
from bench.upload_contention import (
    APP_LIMITS,
    Workload,
    epoch,
    learner_loop,
    lost_writes,
    partner_token,
    seed_site,
    send_upload,
    start_upload,
    wait_finished,
)
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.demo.files import write_catalogue_file
from catalogue.ingest import service as ingest
from catalogue.models import (
    Course,
    CourseStatus,
    IndexOutbox,
    JobRun,
    Provider,
    Role,
    StagedCourse,
    Upload,
    UploadStatus,
)
from webapp.db import get_database

pytestmark = pytest.mark.slow

ROWS = 20_000


def _provider_courses(engine: sa.Engine, name: str) -> int:
    with engine.connect() as conn:
        provider = conn.scalar(sa.select(Provider.id).where(Provider.name == name))
        courses = conn.scalar(
            sa.select(sa.func.count()).select_from(Course).where(Course.provider_id == provider)
        )
    return courses or 0


def _indexed(site, title: str, stalled: float = 120, cap: float = 900) -> tuple[list[str], int]:
    """Wait until the worker has indexed every change and the web process's searcher sees
    `title` (it reopens the index on its own schedule); the titles a search for it finds and
    the changes still waiting. Gives up when the waiting changes stop going down for `stalled`
    seconds (the worker indexes at its own pace on a busy machine) or after `cap` seconds."""
    start = time.monotonic()
    progress_at = start
    query = urllib.parse.urlencode({"q": title, "per_page": 50})
    found: list[str] = []
    pending = least = -1
    while time.monotonic() - progress_at < stalled and time.monotonic() - start < cap:
        try:
            with urllib.request.urlopen(site.base + "/healthz", timeout=10) as answer:
                body = json.loads(answer.read())
        except urllib.error.HTTPError as refused:
            body = json.loads(refused.read())
        pending = body.get("index", {}).get("pending_changes", -1)
        if least < 0 or 0 <= pending < least:
            least, progress_at = pending, time.monotonic()
        if pending == 0:
            with urllib.request.urlopen(f"{site.base}/api/v1/search?{query}", timeout=30) as a:
                found = [hit["title"] for hit in json.loads(a.read())["hits"]]
            if title in found:
                break
        time.sleep(0.5)
    return found, pending


def test_learners_write_while_the_worker_applies_a_large_upload(
    fresh_database_url: str, tmp_path
) -> None:
    engine = make_engine(fresh_database_url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    emails, course_ids, lessons = seed_site(sessions, learners=12)
    token = partner_token(sessions)
    path = tmp_path / "catalogue.csv"
    write_catalogue_file(path, ROWS)
    seen: set[int] = set()
    stop = threading.Event()

    def read_catalogue() -> None:
        while not stop.is_set():
            seen.add(_provider_courses(engine, "国家开放大学"))
            time.sleep(0.05)

    env = site_env(tmp_path / "instance", fresh_database_url, **APP_LIMITS)
    with live_site(env, tmp_path / "server.log") as site:
        work = Workload(site.base, emails, course_ids, lessons)
        work.threads = 3
        writers = [
            threading.Thread(target=learner_loop, args=(work, i, stop, 0.1)) for i in range(3)
        ]
        watcher = threading.Thread(target=read_catalogue)
        for t in [*writers, watcher]:
            t.start()
        time.sleep(1)
        sent = time.time()
        upload_id = send_upload(site.base, token, path)
        upload = wait_finished(engine, upload_id, timeout=600)
        time.sleep(0.5)
        stop.set()
        for t in [*writers, watcher]:
            t.join(timeout=120)
        assert site.process.poll() is None, f"the site died:\n{site.log_tail()}"
        # The switch wrote the courses and their index-outbox rows together: the worker
        # indexes every one of them.
        with engine.connect() as conn:
            title = conn.scalar(
                sa.select(Course.title)
                .join(Provider, Provider.id == Course.provider_id)
                .where(Provider.name == "国家开放大学", Course.status == CourseStatus.PUBLISHED)
                .order_by(Course.id.desc())
                .limit(1)
            )
        found, pending = _indexed(site, title)
        log = site.log_tail(100_000)

    assert "Traceback" not in log, log[-6000:]
    assert (upload.status, upload.created) == (UploadStatus.APPLIED, ROWS)
    with sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(StagedCourse)) == 0
        # The worker applied it (the web process only queued it), and recorded the run.
        run = session.scalar(sa.select(JobRun).where(JobRun.job_id == "uploads-apply"))
        assert run is not None and run.figures["applied"] == 1
    failed = [(o.kind, o.status) for o in work.outcomes if not o.ok]
    assert failed == []
    assert lost_writes(engine, work) == dict.fromkeys(lost_writes(engine, work), 0)
    # Learners' writes went through while the upload was being received and applied.
    end = epoch(upload.finished_at)
    during = [o for o in work.outcomes if sent < o.started and o.finished < end]
    assert {o.kind for o in during} >= {"like", "note", "comment", "position", "login", "signup"}
    # A reader saw the new provider's catalogue empty or complete, never half applied.
    assert seen <= {0, ROWS}
    assert _provider_courses(engine, "国家开放大学") == ROWS
    assert pending == 0, f"{pending} index changes still waiting: the worker stopped indexing"
    assert title in found
    engine.dispose()


class Boom(RuntimeError):
    """Raised by the progress callback to fail an upload in the middle."""


@pytest.mark.parametrize("full_sync", [False, True])
def test_an_upload_that_fails_midway_changes_nothing(app, tmp_path, full_sync):
    database = get_database(app)
    sessions = database.sessions
    first = tmp_path / "first.csv"
    write_catalogue_file(first, 3000)
    upload_dir = tmp_path / "uploads"
    upload_id = start_upload(sessions, first, upload_dir)
    assert ingest.run_upload(sessions, upload_id, upload_dir).status == UploadStatus.APPLIED
    with sessions() as session:
        before = session.execute(sa.select(Course.id, Course.title, Course.status)).all()
        keys = session.execute(sa.select(Course.external_id, Course.status)).all()
        outbox = session.scalar(sa.select(sa.func.count()).select_from(IndexOutbox))
        provider_id = session.scalar(sa.select(Upload.provider_id).where(Upload.id == upload_id))
    # The same courses with other values (another seed), and fewer of them, then a failure.
    second = tmp_path / "second.csv"
    write_catalogue_file(second, 2500, seed=7)
    with sessions() as session, second.open("rb") as stream:
        upload = ingest.receive_upload(
            session,
            ingest.Actor(user_id=None, role=Role.ADMIN),
            provider_id,
            "second.csv",
            stream,
            upload_dir,
            channel="api",
            options=ingest.UploadOptions(default_area="continuing", full_sync=full_sync),
        )
        ingest.queue_upload(session, upload)
        session.commit()
        second_id = upload.id

    def progress(done: int, total: int) -> None:
        if done >= 2000:
            raise Boom("the server fell over")

    with pytest.raises(Boom):
        ingest.run_upload(sessions, second_id, upload_dir, progress=progress)
    with sessions() as session:
        assert session.execute(sa.select(Course.id, Course.title, Course.status)).all() == before
        assert session.scalar(sa.select(sa.func.count()).select_from(IndexOutbox)) == outbox
        assert session.scalar(sa.select(sa.func.count()).select_from(StagedCourse)) == 0
        assert session.get(Upload, second_id).status == UploadStatus.FAILED
    # Applied again without the failure, it updates and (with full sync) withdraws.
    with sessions() as session:
        ingest.queue_upload(session, session.get(Upload, second_id))
        session.commit()
    done = ingest.run_upload(sessions, second_id, upload_dir)
    assert done.status == UploadStatus.APPLIED
    assert done.created + done.updated + done.unchanged == 2500
    # The second file holds the first 2,500 ids of the first (KC00000001…KC00002500).
    live_beyond = sum(
        1 for ext, status in keys if ext > "KC00002500" and status != CourseStatus.WITHDRAWN
    )
    assert live_beyond > 0
    assert done.withdrawn == (live_beyond if full_sync else 0)

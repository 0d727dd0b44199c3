"""Learners' writes go through while a large partner upload runs, and the upload stays atomic.

The upload runs in a thread of the serving process (as the portal's upload runner does) while
learners like, note, comment and save lesson positions through the real HTTP server.
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from bench.upload_contention import (
    APP_LIMITS,
    Workload,
    learner_loop,
    lost_writes,
    seed_site,
    start_upload,
)
from catalogue.db import make_engine
from catalogue.demo.files import write_catalogue_file
from catalogue.ingest import service as ingest
from catalogue.models import (
    Course,
    CourseStatus,
    IndexOutbox,
    Provider,
    Role,
    StagedCourse,
    Upload,
    UploadStatus,
)
from tests.browser_support import serving
from webapp.db import get_database

ROWS = 20_000


def _provider_counts(engine: sa.Engine, name: str) -> tuple[int, int]:
    with engine.connect() as conn:
        provider = conn.scalar(sa.select(Provider.id).where(Provider.name == name))
        courses = conn.scalar(
            sa.select(sa.func.count()).select_from(Course).where(Course.provider_id == provider)
        )
        outbox = conn.scalar(
            sa.select(sa.func.count())
            .select_from(IndexOutbox)
            .join(Course, Course.id == IndexOutbox.course_id)
            .where(Course.provider_id == provider)
        )
    return courses or 0, outbox or 0


@pytest.fixture
def busy_app(engine: sa.Engine, tmp_path):
    """The app with the per-address limits raised: every learner here shares one address."""
    from webapp import create_app

    application = create_app(
        {
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
            **APP_LIMITS,
        }
    )
    yield application
    get_database(application).engine.dispose()


def test_learners_write_while_a_large_upload_runs(busy_app, tmp_path):
    app = busy_app
    database = get_database(app)
    sessions = database.sessions
    emails, course_ids, lessons = seed_site(sessions, learners=12)
    path = tmp_path / "catalogue.csv"
    write_catalogue_file(path, ROWS)
    upload_dir = tmp_path / "uploads"
    upload_id = start_upload(sessions, path, upload_dir)
    reader = make_engine(database.engine.url.render_as_string(hide_password=False))
    seen: set[tuple[int, int]] = set()
    window: dict[str, float] = {}
    stop = threading.Event()

    def read_catalogue() -> None:
        while not stop.is_set():
            seen.add(_provider_counts(reader, "国家开放大学"))
            time.sleep(0.05)

    def upload() -> None:
        window["begin"] = time.perf_counter()
        ingest.run_upload(sessions, upload_id, upload_dir)
        window["end"] = time.perf_counter()

    with serving(app) as base:
        work = Workload(base, emails, course_ids, lessons)
        work.threads = 3
        writers = [
            threading.Thread(target=learner_loop, args=(work, i, stop, 0.1)) for i in range(3)
        ]
        watcher = threading.Thread(target=read_catalogue)
        for t in [*writers, watcher]:
            t.start()
        time.sleep(1)
        uploader = threading.Thread(target=upload)
        uploader.start()
        uploader.join(timeout=600)
        time.sleep(0.5)
        stop.set()
        for t in [*writers, watcher]:
            t.join(timeout=120)
    reader.dispose()

    with sessions() as session:
        finished = session.get(Upload, upload_id)
        assert (finished.status, finished.created) == (UploadStatus.APPLIED, ROWS)
        assert session.scalar(sa.select(sa.func.count()).select_from(StagedCourse)) == 0
    failed = [(o.kind, o.status) for o in work.outcomes if not o.ok]
    assert failed == []
    assert lost_writes(database.engine, work) == dict.fromkeys(
        lost_writes(database.engine, work), 0
    )
    # Learners' writes went through while the upload was running, not only after it.
    during = [
        o for o in work.outcomes if window["begin"] < o.started and o.finished < window["end"]
    ]
    assert {o.kind for o in during} >= {"like", "note", "comment", "position"}
    # A reader saw the new provider's catalogue empty or complete, never half applied.
    assert seen <= {(0, 0), (ROWS, ROWS)}
    assert (ROWS, ROWS) in seen or _provider_counts(database.engine, "国家开放大学") == (ROWS, ROWS)


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

"""Partner uploads are applied by the jobs worker, never by a web process.

The portal and the API only receive and queue an upload; the worker's `uploads-apply` job
applies the queue, oldest first, in the worker's own process. These tests run that job as the
worker does, and the worker's start-up clean-up of uploads a stopped worker left running.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import sqlalchemy as sa

from catalogue.db import make_session_factory
from catalogue.ingest import service as ingest
from catalogue.models import (
    Area,
    Course,
    CourseFormat,
    CourseStatus,
    JobRun,
    Level,
    StagedCourse,
    Upload,
    UploadStatus,
)
from jobs.context import JobContext
from jobs.registry import get_job
from jobs.runner import run_job
from jobs.worker import Worker
from tests.helpers import make_provider
from tests.ingest_helpers import ADMIN, csv_bytes


def _receive(session, provider_id: int, upload_dir: Path, rows: int, name: str, *, queue=True):
    data = [["code", "title", "area"]] + [
        [f"{name}-{i}", f"{name} 课程 {i}", "hobbies"] for i in range(rows)
    ]
    upload = ingest.receive_upload(
        session,
        ADMIN,
        provider_id,
        f"{name}.csv",
        io.BytesIO(csv_bytes(data)),
        upload_dir,
        channel="web",
    )
    if queue:
        ingest.queue_upload(session, upload)
    session.flush()
    return upload


def _staged(upload_id: int, key: str) -> StagedCourse:
    return StagedCourse(
        upload_id=upload_id,
        external_id=key,
        title="暂存的课程",
        area=Area.HOBBIES,
        format=CourseFormat.VIDEO,
        level=Level.BEGINNER,
        language="zh",
        duration_minutes=10,
        lesson_count=1,
        is_free=True,
        status=CourseStatus.PUBLISHED,
        source_hash=key * 8,
    )


def _context(engine: sa.Engine, tmp_path: Path) -> JobContext:
    url = engine.url.render_as_string(hide_password=False)
    return JobContext(url, tmp_path / "index", tmp_path / "models", upload_dir=tmp_path / "up")


def test_the_job_applies_the_queue_oldest_first_and_goes_on_after_a_failure(engine, tmp_path):
    sessions = make_session_factory(engine)
    context = _context(engine, tmp_path)
    with sessions() as session:
        provider = make_provider(session, "上海开放大学")
        broken = _receive(session, provider.id, context.upload_dir, 3, "broken")
        first = _receive(session, provider.id, context.upload_dir, 40, "first")
        second = _receive(session, provider.id, context.upload_dir, 25, "second")
        waiting = _receive(session, provider.id, context.upload_dir, 5, "later", queue=False)
        session.commit()
        ids = broken.id, first.id, second.id, waiting.id
    # The stored file of the oldest queued upload is gone: it fails, the others still apply.
    with sessions() as session:
        Path(context.upload_dir, session.get(Upload, ids[0]).stored_name).unlink()

    outcome, figures = run_job(get_job("uploads-apply"), context, sessions, trigger="test")

    assert outcome.value == "succeeded"
    assert (figures["applied"], figures["failed"], figures["rejected"]) == (2, 1, 0)
    assert figures["longest_switch_seconds"] > 0
    with sessions() as session:
        status = {u.id: u for u in session.scalars(sa.select(Upload))}
        assert [status[i].status for i in ids] == [
            UploadStatus.FAILED,
            UploadStatus.APPLIED,
            UploadStatus.APPLIED,
            UploadStatus.RECEIVED,  # not queued: the partner has not asked for it yet
        ]
        assert status[ids[1]].processed_rows == 40 and status[ids[2]].created == 25
        assert status[ids[1]].finished_at <= status[ids[2]].started_at  # oldest first
        assert session.scalar(sa.select(sa.func.count()).select_from(Course)) == 65
        # The run is recorded with its figures, for `lifelong jobs history` and the admin page.
        run = session.scalar(sa.select(JobRun).where(JobRun.job_id == "uploads-apply"))
        assert run is not None and run.figures["applied"] == 2

    # Nothing queued: the job does nothing and, being a frequent one, records nothing.
    again, nothing = run_job(get_job("uploads-apply"), context, sessions, trigger="test")
    assert again.value == "succeeded" and nothing["applied"] == 0
    with sessions() as session:
        runs = session.scalar(
            sa.select(sa.func.count()).select_from(JobRun).where(JobRun.job_id == "uploads-apply")
        )
        assert runs == 1


def test_a_starting_worker_fails_what_a_stopped_one_left_running(engine, tmp_path):
    """Its own uploads (portal, API) left running are failed; queued ones and a command-line
    import running in another process are left alone."""
    sessions = make_session_factory(engine)
    context = _context(engine, tmp_path)
    with sessions() as session:
        provider = make_provider(session, "江苏开放大学")
        stopped = _receive(session, provider.id, context.upload_dir, 3, "stopped")
        queued = _receive(session, provider.id, context.upload_dir, 3, "queued")
        cli = _receive(session, provider.id, context.upload_dir, 3, "cli")
        stopped.status = cli.status = UploadStatus.RUNNING
        cli.channel = "cli"
        session.add_all([_staged(stopped.id, "x"), _staged(cli.id, "y")])
        session.commit()
        ids = stopped.id, queued.id, cli.id

    worker = Worker(context, sessions, jobs=[])
    worker.start()
    worker.stop()

    with sessions() as session:
        left = {u.id: (u.status, u.error_code) for u in session.scalars(sa.select(Upload))}
        assert left[ids[0]] == (UploadStatus.FAILED, "INTERRUPTED")
        assert left[ids[1]] == (UploadStatus.QUEUED, None)
        assert left[ids[2]] == (UploadStatus.RUNNING, None)
        staged = set(session.scalars(sa.select(StagedCourse.upload_id)))
        assert staged == {ids[2]}  # the running import keeps what it staged


def test_a_stopping_worker_puts_the_upload_back_in_the_queue_with_nothing_applied(engine, tmp_path):
    """Stopping between rows: the upload is queued again (the next worker applies it), its
    staged rows are gone, and the uploads behind it wait too."""
    sessions = make_session_factory(engine)
    context = _context(engine, tmp_path)
    with sessions() as session:
        provider = make_provider(session, "浙江开放大学")
        big = _receive(session, provider.id, context.upload_dir, 2500, "big")
        behind = _receive(session, provider.id, context.upload_dir, 5, "behind")
        session.commit()
        ids = big.id, behind.id

    calls = 0

    def between_rows() -> None:
        nonlocal calls
        calls += 1
        if calls == 2:  # after 2,000 rows: the worker was told to stop
            raise ingest.UploadInterrupted("stopping")

    outcome = ingest.apply_queued_uploads(sessions, context.upload_dir, between_rows=between_rows)

    assert outcome["interrupted"] == 1 and outcome["applied"] == 0
    with sessions() as session:
        left = {u.id: u for u in session.scalars(sa.select(Upload))}
        assert left[ids[0]].status == UploadStatus.QUEUED and left[ids[0]].processed_rows == 0
        assert left[ids[1]].status == UploadStatus.QUEUED
        assert session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(StagedCourse)) == 0
    # The next worker applies both.
    again = ingest.apply_queued_uploads(sessions, context.upload_dir)
    assert again["applied"] == 2


def test_the_job_stops_between_rows_when_its_worker_is_stopping(engine, tmp_path):
    sessions = make_session_factory(engine)
    context = _context(engine, tmp_path)
    with sessions() as session:
        provider = make_provider(session, "福建开放大学")
        upload_id = _receive(session, provider.id, context.upload_dir, 1500, "stop").id
        session.commit()
    stopping = threading.Event()
    stopping.set()  # the worker was told to stop while this run was going

    outcome, figures = run_job(
        get_job("uploads-apply"), context, sessions, trigger="test", cancel=stopping
    )

    assert outcome.value == "succeeded" and figures["interrupted"] == 1
    with sessions() as session:
        assert session.get(Upload, upload_id).status == UploadStatus.QUEUED
        assert session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0
    # Another run of the job, not asked to stop, applies it.
    _outcome, later = run_job(get_job("uploads-apply"), context, sessions, trigger="test")
    assert later["applied"] == 1

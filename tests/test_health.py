"""`/healthz` tells the truth about the jobs worker, the index lag and the model; `/livez` only
about this web process and its database. The heartbeat is written by the real worker."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from catalogue.db import make_session_factory
from catalogue.models import IndexOutbox, OutboxOp, WorkerHeartbeat
from catalogue.models.base import utcnow
from catalogue.services.job_runs import finish_run, start_run
from catalogue.services.worker_status import begin_heartbeat, end_heartbeat
from jobs.context import JobContext
from jobs.worker import Worker
from search.indexer import rebuild
from webapp.db import get_database


@pytest.fixture
def indexed(app):
    """The app with a built (empty) search index."""
    rebuild(get_database(app).sessions, app.extensions["lifelong.search"].store)
    return app


def _beat(session, seconds_ago: float, *, stopped: bool = False) -> int:
    heartbeat = begin_heartbeat(session, "web-1", 4242)
    stamp = utcnow() - timedelta(seconds=seconds_ago)
    session.execute(
        sa.update(WorkerHeartbeat).where(WorkerHeartbeat.id == heartbeat).values(beat_at=stamp)
    )
    if stopped:
        end_heartbeat(session, heartbeat)
    session.commit()
    return heartbeat


def test_no_worker_ever_is_a_503_with_the_reason(indexed, session):
    answer = indexed.test_client().get("/healthz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert (body["status"], body["code"]) == ("error", "WORKER_GONE")
    assert body["worker"]["alive"] is False and "no jobs worker" in body["worker"]["reason"]
    # The web process itself is fine: the load balancer's check says so.
    assert indexed.test_client().get("/livez").status_code == 200


def test_a_beating_worker_and_an_index_in_step_are_healthy(indexed, session):
    _beat(session, 1)
    run = start_run(session, "index-sync", "schedule")
    finish_run(session, run.id, run.outcome.SUCCEEDED, {"applied": 3})
    session.commit()
    answer = indexed.test_client().get("/healthz")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "ok" and "code" not in body
    assert body["worker"]["alive"] is True and body["worker"]["pid"] == 4242
    assert body["worker"]["last_beat_seconds_ago"] < 15
    assert body["index"]["pending_changes"] == 0 and body["index"]["generation"]
    assert body["jobs"]["index-sync"]["outcome"] == "succeeded"
    assert body["model"] == {"version": None}  # no model yet: feeds fall back, not a failure


def test_a_silent_worker_is_gone(indexed, session):
    _beat(session, 40)
    body = indexed.test_client().get("/healthz").get_json()
    assert body["code"] == "WORKER_GONE" and "no heartbeat for 40 s" in body["worker"]["reason"]


def test_a_worker_stopped_on_purpose_is_gone_too(indexed, session):
    _beat(session, 1, stopped=True)
    body = indexed.test_client().get("/healthz").get_json()
    assert (
        body["code"] == "WORKER_GONE" and body["worker"]["reason"] == "the jobs worker was stopped"
    )


def test_an_index_more_than_a_minute_behind_is_a_503(indexed, session):
    _beat(session, 1)
    session.add(IndexOutbox(course_id=1, op=OutboxOp.UPSERT, created_at=utcnow()))
    session.commit()
    fresh = indexed.test_client().get("/healthz")
    assert fresh.status_code == 200 and fresh.get_json()["index"]["pending_changes"] == 1
    session.add(
        IndexOutbox(course_id=2, op=OutboxOp.UPSERT, created_at=utcnow() - timedelta(seconds=90))
    )
    session.commit()
    late = indexed.test_client().get("/healthz")
    assert late.status_code == 503
    body = late.get_json()
    assert body["code"] == "INDEX_BEHIND" and body["index"]["pending_changes"] == 2
    assert body["index"]["oldest_pending_seconds"] >= 90


def test_a_site_without_an_index_says_so(app, session):
    _beat(session, 1)
    body = app.test_client().get("/healthz").get_json()
    assert body["code"] == "INDEX_MISSING"


def test_the_worker_beats_while_it_runs_and_says_when_it_stopped(engine, tmp_path):
    sessions = make_session_factory(engine)
    url = engine.url.render_as_string(hide_password=False)
    worker = Worker(JobContext(url, tmp_path / "index", tmp_path / "models"), sessions, jobs=[])
    worker.heartbeat.interval = 0.2
    worker.start()
    try:
        with sessions() as session:
            first = session.scalar(sa.select(WorkerHeartbeat))
            started, beat_at = first.started_at, first.beat_at
        time.sleep(1.0)
        with sessions() as session:
            later = session.scalar(sa.select(WorkerHeartbeat))
            assert later.beat_at > beat_at and later.stopped_at is None
    finally:
        worker.stop()
    with sessions() as session:
        done = session.scalar(sa.select(WorkerHeartbeat))
        assert done.started_at == started and done.stopped_at is not None


def test_the_admin_jobs_page_shows_the_health_in_the_interface_language(indexed, session):
    from catalogue.models import Role
    from catalogue.services.users import register_user
    from tests.helpers import login

    register_user(session, "ops@example.cn", "Ops-pass-2026!", "值班", role=Role.ADMIN)
    session.commit()
    client = indexed.test_client()
    login(client, "ops@example.cn", "Ops-pass-2026!")
    gone = client.get("/admin/jobs").get_data(as_text=True)
    assert "WORKER_GONE" in gone and "任务进程未在运行" in gone
    assert "每 2 秒" in gone and "每天 03:00" in gone  # schedules in words, not JSON
    _beat(session, 1)
    well = client.get("/admin/jobs").get_data(as_text=True)
    assert "一切正常" in well and "运行于 web-1（进程 4242）" in well


def test_job_runs_show_their_figures_in_words_not_json(indexed, session):
    from catalogue.models import JobOutcome, JobRun, Role
    from catalogue.models.base import utcnow
    from catalogue.services.users import register_user
    from tests.helpers import login

    register_user(session, "ops2@example.cn", "Ops-pass-2026!", "值班", role=Role.ADMIN)
    now = utcnow()
    session.add(
        JobRun(
            job_id="recommender-train",
            trigger="catch_up",
            started_at=now,
            finished_at=now,
            outcome=JobOutcome.SUCCEEDED,
            figures={"events": 30110828, "promoted": True, "ndcg": 0.0662, "fit_seconds": 88.25},
        )
    )
    session.commit()
    client = indexed.test_client()
    login(client, "ops2@example.cn", "Ops-pass-2026!")
    page = client.get("/admin/jobs").get_data(as_text=True)
    runs = page.split('class="data job-runs"')[1]
    assert "{&#34;" not in runs and '{"' not in runs  # no JSON
    assert "读取的学习行为</dt><dd>30,110,828" in runs and "已发布</dt><dd>是" in runs
    assert "质量（nDCG@10）</dt><dd>0.066" in runs and "补跑错过的任务" in runs

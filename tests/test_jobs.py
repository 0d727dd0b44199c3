"""The jobs: the registry, recorded runs, timeouts, catching up, the single worker, the CLI."""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from catalogue.db import make_session_factory
from catalogue.models import JobOutcome, JobRun
from catalogue.services.job_runs import abandon_running, recent_runs, start_run
from jobs.context import JobContext
from jobs.registry import JOBS, Job
from jobs.runner import run_job
from jobs.worker import Worker, WorkerBusy, missed, single_worker, trigger_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def context(engine, tmp_path) -> JobContext:
    url = engine.url.render_as_string(hide_password=False)
    return JobContext(url, tmp_path / "index", tmp_path / "models")


def quick(_context: JobContext) -> dict:
    return {"done": 1}


def broken(_context: JobContext) -> dict:
    raise ValueError("the data was bad")


def slow(_context: JobContext) -> dict:
    time.sleep(30)
    return {"done": 1}


def idle(_context: JobContext) -> dict:
    return {"applied": 0}


def job(func, **kwargs) -> Job:
    defaults = {"trigger": {"interval": {"seconds": 1}}, "timeout_seconds": 60}
    return Job(id=func.__name__, func=func, description=func.__name__, **{**defaults, **kwargs})


def a_while(_context: JobContext) -> dict:
    time.sleep(2.5)
    return {"done": 1}


def test_a_frequent_job_still_running_is_skipped_without_a_warning(engine, tmp_path, caplog):
    """uploads-apply fires every 2 s and may run for minutes: its skipped firings are by
    design and must not fill the worker's log with warnings."""
    sessions = make_session_factory(engine)
    worker = Worker(context(engine, tmp_path), sessions, jobs=[job(a_while, isolated=False)])
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_until, args=(stop,))
    with caplog.at_level(logging.INFO, logger="apscheduler"):
        thread.start()
        time.sleep(4.2)
        stop.set()
        thread.join(10)
    assert any(r.name.startswith("apscheduler") for r in caplog.records)  # it does log
    assert not [r for r in caplog.records if "running instances" in r.getMessage()]


def test_the_registry_declares_every_job_once_with_a_trigger_and_a_timeout():
    ids = [j.id for j in JOBS]
    assert len(ids) == len(set(ids))
    assert {"index-sync", "popularity-refresh", "index-rebuild", "recommender-train"} <= set(ids)
    for entry in JOBS:
        assert entry.timeout_seconds > 0 and entry.description
        assert trigger_of(entry, SHANGHAI) is not None


def test_runs_are_recorded_with_outcome_and_figures(engine, tmp_path):
    sessions = make_session_factory(engine)
    ctx = context(engine, tmp_path)
    assert run_job(job(quick), ctx, sessions, isolated=False)[0] == JobOutcome.SUCCEEDED
    assert run_job(job(broken), ctx, sessions, isolated=False)[0] == JobOutcome.FAILED
    with sessions() as session:
        failed, ok = recent_runs(session)
    assert ok.job_id == "quick" and ok.figures == {"done": 1} and ok.finished_at
    assert failed.outcome == JobOutcome.FAILED and "the data was bad" in failed.error


def test_an_isolated_job_past_its_timeout_is_stopped(engine, tmp_path):
    sessions = make_session_factory(engine)
    started = time.monotonic()
    outcome, _ = run_job(job(slow, timeout_seconds=2), context(engine, tmp_path), sessions)
    assert outcome == JobOutcome.TIMED_OUT and time.monotonic() - started < 20
    assert run_job(job(quick), context(engine, tmp_path), sessions)[0] == JobOutcome.SUCCEEDED
    with sessions() as session:
        ok, stopped = recent_runs(session)
    assert "was stopped" in stopped.error and ok.figures == {"done": 1}


def test_a_running_job_is_stopped_when_the_worker_stops(engine, tmp_path):
    sessions = make_session_factory(engine)
    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    started = time.monotonic()
    outcome, _ = run_job(
        job(slow, timeout_seconds=60), context(engine, tmp_path), sessions, cancel=cancel
    )
    # Stopped within seconds, not after the job's 30 s or its 60 s timeout.
    assert outcome == JobOutcome.FAILED and time.monotonic() - started < 10
    with sessions() as session:
        [stopped] = recent_runs(session)
    assert "the worker was stopping" in stopped.error and stopped.finished_at


def test_a_quiet_job_records_only_runs_that_did_something(engine, tmp_path):
    sessions = make_session_factory(engine)
    run_job(job(idle, quiet=True), context(engine, tmp_path), sessions, isolated=False)
    with sessions() as session:
        assert recent_runs(session) == []
    run_job(job(quick, quiet=True), context(engine, tmp_path), sessions, isolated=False)
    with sessions() as session:
        assert [r.job_id for r in recent_runs(session)] == ["quick"]


def test_a_missed_nightly_run_is_caught_up_once():
    nightly = job(quick, trigger={"cron": {"hour": 3, "minute": 0}})
    last = datetime(2026, 11, 25, 3, 0, 5, tzinfo=SHANGHAI)
    assert missed(nightly, last, datetime(2026, 11, 26, 4, 0, tzinfo=SHANGHAI), SHANGHAI)
    assert not missed(nightly, last, datetime(2026, 11, 26, 2, 0, tzinfo=SHANGHAI), SHANGHAI)
    assert not missed(nightly, None, datetime(2026, 11, 26, 4, 0, tzinfo=SHANGHAI), SHANGHAI)
    interval = job(quick)
    assert not missed(interval, last, datetime(2026, 11, 30, tzinfo=UTC), SHANGHAI)


def test_the_worker_catches_up_what_it_missed_and_fails_orphaned_runs(engine, tmp_path):
    sessions = make_session_factory(engine)
    nightly = job(quick, trigger={"cron": {"hour": 3, "minute": 0}})
    with sessions() as session:
        run = start_run(session, "quick", "schedule")
        run.started_at = datetime.now(UTC) - timedelta(days=2)
        orphan = start_run(session, "other", "schedule")
        session.commit()
        orphan_id = orphan.id
    worker = Worker(context(engine, tmp_path), sessions, jobs=[nightly])
    assert [(j.id, why) for j, why in worker.due_now()] == [("quick", "catch_up")]
    worker.start()
    try:
        for _ in range(100):
            with sessions() as session:
                if len(recent_runs(session, "quick")) == 2:
                    break
            time.sleep(0.05)
    finally:
        worker.stop()
    with sessions() as session:
        runs = recent_runs(session, "quick")
        assert [r.trigger for r in runs] == ["catch_up", "schedule"]
        assert session.get(JobRun, orphan_id).outcome == JobOutcome.FAILED
        assert abandon_running(session) == 0


def test_the_worker_runs_interval_jobs_without_overlap(engine, tmp_path):
    sessions = make_session_factory(engine)
    worker = Worker(context(engine, tmp_path), sessions, jobs=[job(quick, isolated=False)])
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_until, args=(stop,))
    thread.start()
    time.sleep(3.5)
    stop.set()
    thread.join(10)
    with sessions() as session:
        runs = sorted(recent_runs(session, "quick"), key=lambda r: r.started_at)
    assert len(runs) >= 2
    assert all(r.outcome == JobOutcome.SUCCEEDED for r in runs)
    for before, after in itertools.pairwise(runs):
        assert before.finished_at <= after.started_at


def test_only_one_worker_runs_per_database(engine, tmp_path):
    lock = tmp_path / "worker.lock"
    with single_worker(engine, lock), pytest.raises(WorkerBusy), single_worker(engine, lock):
        pass
    with single_worker(engine, lock):
        pass


def test_cli_lists_runs_and_shows_history(runner, session):
    listed = json.loads(runner.invoke(args=["jobs", "list"]).output)
    assert {row["id"] for row in listed} == {j.id for j in JOBS}
    result = runner.invoke(args=["jobs", "run", "popularity-refresh"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["outcome"] == "succeeded"
    history = json.loads(runner.invoke(args=["jobs", "history"]).output)
    assert history[0]["job"] == "popularity-refresh" and history[0]["trigger"] == "manual"
    assert session.scalar(sa.select(sa.func.count()).select_from(JobRun)) == 1


def test_a_first_run_job_runs_once_on_a_fresh_install(engine, tmp_path):
    sessions = make_session_factory(engine)
    fresh = job(quick, trigger={"cron": {"hour": 3, "minute": 0}}, first_run=True)
    worker = Worker(context(engine, tmp_path), sessions, jobs=[fresh])
    assert [(j.id, why) for j, why in worker.due_now()] == [("quick", "first_run")]
    run_job(fresh, context(engine, tmp_path), sessions, isolated=False)
    assert worker.due_now() == []


def test_admins_see_the_jobs_and_their_runs_and_learners_do_not(client, session, engine, tmp_path):
    from catalogue.models import Role
    from catalogue.services.users import register_user
    from tests.helpers import login

    sessions = make_session_factory(engine)
    run_job(job(broken), context(engine, tmp_path), sessions, isolated=False)
    register_user(session, "admin@x.cn", "password-123", "管理员", role=Role.ADMIN)
    register_user(session, "learner@x.cn", "password-123", "学员")
    session.commit()
    login(client, "learner@x.cn", "password-123")
    assert client.get("/admin/jobs").status_code == 403
    login(client, "admin@x.cn", "password-123")
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert "定时任务" in html and "recommender-train" in html
    assert "outcome-failed" in html and "ValueError: the data was bad" in html


def test_a_standby_worker_takes_over_when_the_active_one_stops(engine, tmp_path):
    """Two workers for one database: the second waits; when the first lets go it takes over."""
    lock = tmp_path / "worker.lock"
    active_done = threading.Event()
    took_over = threading.Event()
    give_up = threading.Event()
    told: list[str] = []

    def standby() -> None:
        with single_worker(engine, lock, standby=give_up, poll=0.1, on_standby=told.append):
            took_over.set()

    with single_worker(engine, lock):
        thread = threading.Thread(target=standby)
        thread.start()
        time.sleep(0.5)
        assert not took_over.is_set(), "two workers were active at once"
        assert told and "another jobs worker" in told[0]
        active_done.set()
    thread.join(5)
    assert took_over.is_set(), "the standby did not take over"


def test_a_standby_told_to_stop_gives_up_waiting(engine, tmp_path):
    lock = tmp_path / "worker.lock"
    give_up = threading.Event()
    with single_worker(engine, lock):
        give_up.set()
        with pytest.raises(WorkerBusy), single_worker(engine, lock, standby=give_up, poll=0.1):
            pass

"""The open data API's call log is kept for a retention period (OPEN_DATA_AUDIT_DAYS, default
400 days) and pruned in batches by the open-data-audit-prune job. Both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from catalogue.db import make_session_factory
from catalogue.models import JobOutcome, JobRun
from insight.models.open_data import OpenDataCall
from insight.open_data.audit import RETENTION_DAYS, AuditFilter, prune_calls, search_calls
from jobs.context import JobContext
from jobs.registry import get_job
from jobs.runner import run_job
from webapp.messages import JOB_DESCRIPTIONS, JOB_FIGURES

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def _calls(session, ages_in_days: list[float]) -> None:
    """One call per age, in the order given (ids rise with the list)."""
    for i, age in enumerate(ages_in_days):
        session.add(
            OpenDataCall(
                method="GET",
                endpoint=f"/api/v1/open/catalogue/changes?n={i}",
                status=200,
                at=NOW - timedelta(days=age),
            )
        )
    session.commit()


def _left(session) -> list[str]:
    session.expire_all()
    return [
        c.endpoint.rsplit("=", 1)[1]
        for c in session.scalars(sa.select(OpenDataCall).order_by(OpenDataCall.id))
    ]


def test_the_default_keeps_a_year_and_a_month():
    assert RETENTION_DAYS == 400
    assert JobContext("sqlite://", None, None).open_data_audit_days == RETENTION_DAYS


def test_rows_older_than_the_retention_go_in_batches_and_younger_ones_stay(engine, session):
    # 23 old rows, then young ones, and one old row written late (a higher id than young ones).
    _calls(session, [500 + i for i in range(23)] + [399.9, 10, 0, 401])
    pruned = prune_calls(make_session_factory(engine), 400, now=NOW, batch=5)
    assert pruned.deleted == 24
    assert pruned.batches == 5  # 5 + 5 + 5 + 5 + (3 + the late one)
    assert pruned.cutoff == NOW - timedelta(days=400)
    assert not pruned.interrupted
    assert _left(session) == ["23", "24", "25"]
    # Nothing left to do: a second run deletes nothing.
    again = prune_calls(make_session_factory(engine), 400, now=NOW, batch=5)
    assert (again.deleted, again.batches) == (0, 0)
    # The admin's search still pages over what is left.
    assert [r.endpoint for r in search_calls(session, AuditFilter(), limit=10).rows] == [
        "/api/v1/open/catalogue/changes?n=25",
        "/api/v1/open/catalogue/changes?n=24",
        "/api/v1/open/catalogue/changes?n=23",
    ]


def test_a_shorter_retention_deletes_more_and_a_stop_keeps_the_rest_for_later(engine, session):
    _calls(session, [40, 35, 31, 29, 1])
    sessions = make_session_factory(engine)
    stops = iter([True])
    first = prune_calls(sessions, 30, now=NOW, batch=1, should_stop=lambda: next(stops))
    # One batch is done before the stop is asked for; the rest waits for the next run.
    assert (first.deleted, first.batches, first.interrupted) == (1, 1, True)
    assert _left(session) == ["1", "2", "3", "4"]
    rest = prune_calls(sessions, 30, now=NOW, batch=1, should_stop=lambda: False)
    assert (rest.deleted, rest.interrupted) == (2, False)
    assert _left(session) == ["3", "4"]


def test_a_retention_under_a_day_is_refused(engine):
    with pytest.raises(ValueError):
        prune_calls(make_session_factory(engine), 0)


def test_the_job_is_registered_described_and_prunes_with_the_contexts_retention(
    engine, session, tmp_path
):
    job = get_job("open-data-audit-prune")
    assert "cron" in job.trigger and job.isolated
    assert job.id in JOB_DESCRIPTIONS
    assert {"deleted", "batches", "retention_days", "cutoff"} <= set(JOB_FIGURES)
    now = datetime.now(UTC)
    for age in (3, 20, 400):
        session.add(
            OpenDataCall(
                method="GET", endpoint=f"/x?{age}", status=200, at=now - timedelta(days=age)
            )
        )
    session.commit()
    url = engine.url.render_as_string(hide_password=False)
    context = JobContext(url, tmp_path / "index", tmp_path / "models", open_data_audit_days=10)
    sessions = make_session_factory(engine)
    outcome, figures = run_job(job, context, sessions, trigger="manual")  # in a child process
    assert outcome == JobOutcome.SUCCEEDED, figures
    with sessions() as s:
        run = s.scalar(sa.select(JobRun).where(JobRun.job_id == job.id))
        assert run.outcome == JobOutcome.SUCCEEDED
        assert run.figures["deleted"] == 2 and run.figures["retention_days"] == 10
        assert [c.endpoint for c in s.scalars(sa.select(OpenDataCall))] == ["/x?3"]


def test_the_setting_reaches_the_job_and_the_call_log_page(tmp_path):
    """OPEN_DATA_AUDIT_DAYS sets what the prune job keeps and what the call log page says."""
    from webapp import create_app
    from webapp.settings import get_settings

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'site.db'}",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
            "OPEN_DATA_AUDIT_DAYS": "30",
        }
    )
    with app.app_context():
        settings = get_settings()
        assert settings.open_data_audit_days == 30
        assert settings.job_context().open_data_audit_days == 30

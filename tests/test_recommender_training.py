"""Training from the events table: confidences, decay, undo events, the run and its gate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa

from catalogue.demo import generate_demo
from catalogue.models import Course, Event, User
from catalogue.services.activity import record_event
from catalogue.services.users import register_user
from recommender.artefacts import ModelStore
from recommender.config import TrainingConfig
from recommender.evaluation import Metrics
from recommender.interactions import read_interactions
from recommender.pipeline import decide, gate, train_and_publish
from tests.helpers import make_course, make_provider

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def learner(session, name: str) -> int:
    return register_user(session, f"{name}@example.cn", "password-123", name).id


def test_events_become_decayed_confidences_with_undo_taken_back(engine, session):
    provider = make_provider(session).id
    taiji, phone, old = (make_course(session, provider).id for _ in range(3))
    ann, bob = learner(session, "ann"), learner(session, "bob")
    record_event(session, ann, taiji, "view", at=NOW)
    record_event(session, ann, taiji, "like", at=NOW)
    record_event(session, ann, phone, "save", at=NOW - timedelta(days=90))
    record_event(session, bob, phone, "like", at=NOW)
    record_event(session, bob, phone, "unlike", at=NOW)
    record_event(session, bob, taiji, "complete", at=NOW - timedelta(days=10))
    record_event(session, bob, old, "view", at=NOW - timedelta(days=400))  # outside the window
    session.commit()
    config = TrainingConfig(half_life_days=90, window_days=365, half_life_courses=0)
    with engine.connect() as connection:
        data = read_interactions(connection, config, now=NOW)
    assert data.events == 6
    assert list(data.user_ids) == sorted([ann, bob]) and old not in data.item_ids
    dense = data.matrix.toarray()
    row = {u: r for r, u in enumerate(data.user_ids)}
    col = {c: n for n, c in enumerate(data.item_ids)}
    assert dense[row[ann], col[taiji]] == pytest.approx(1.0 + 4.0)
    assert dense[row[ann], col[phone]] == pytest.approx(4.0 / 2)  # one half-life old
    assert dense[row[bob], col[phone]] == 0  # liked, then unliked
    assert dense[row[bob], col[taiji]] == pytest.approx(6.0 * 2 ** (-10 / 90), rel=1e-5)
    assert data.last_item[row[ann]] == col[taiji] and data.last_item[row[bob]] == col[phone]


def test_recency_is_measured_from_each_learners_own_activity(engine, session):
    """A learner whose activity ended a year ago keeps full weight on their latest course: age
    counts from their own latest event, and rank from their own most recent course."""
    provider = make_provider(session).id
    a, b, c = (make_course(session, provider).id for _ in range(3))
    old, fresh = learner(session, "old"), learner(session, "fresh")
    for n, course in enumerate((a, b, c)):  # old: a, b, c a day apart, 300 days ago
        record_event(session, old, course, "like", at=NOW - timedelta(days=302 - n))
    record_event(session, fresh, a, "like", at=NOW)
    session.commit()
    by_days = TrainingConfig(half_life_days=1, half_life_courses=0, window_days=0)
    by_rank = TrainingConfig(half_life_days=0, half_life_courses=1, window_days=0)
    before = TrainingConfig(half_life_days=1, half_life_courses=0, window_days=0, decay_from="now")
    with engine.connect() as connection:
        days, rank, now = (
            read_interactions(connection, c_, now=NOW) for c_ in (by_days, by_rank, before)
        )
    row = {u: r for r, u in enumerate(days.user_ids)}[old]
    col = {course: n for n, course in enumerate(days.item_ids)}
    assert days.matrix[row, col[c]] == pytest.approx(4.0)
    assert days.matrix[row, col[b]] == pytest.approx(2.0) and days.matrix[
        row, col[a]
    ] == pytest.approx(1.0)
    assert [rank.matrix[row, col[x]] for x in (c, b, a)] == pytest.approx([4.0, 2.0, 1.0])
    # Counted from the run's time, 300 one-day half-lives leave nothing of the old learner.
    assert now.matrix[row].nnz == 0 or now.matrix[row].max() < 1e-80
    assert TrainingConfig().half_life_courses > 0  # the production default decays by rank


def test_no_events_gives_an_empty_matrix_and_no_model(engine, tmp_path):
    store = ModelStore(tmp_path)
    with engine.connect() as connection:
        report = train_and_publish(connection, store, TrainingConfig(), now=NOW)
    assert not report.promoted and report.version is None
    assert "not enough activity" in report.reason and store.versions() == []


def metrics(ndcg: float) -> Metrics:
    return Metrics(0.0, 0.0, ndcg, 0.0, 0.0, 100)


def test_the_gate_refuses_models_worse_than_popularity_or_much_worse_than_current():
    ok, why = decide(metrics(0.10), metrics(0.05), None)
    assert ok and "beats popularity" in why
    ok, why = decide(metrics(0.04), metrics(0.05), None)
    assert not ok and "popularity baseline" in why
    ok, why = decide(metrics(0.10), metrics(0.05), {"metrics": {"ndcg": 0.2}})
    assert not ok and "current model" in why
    assert decide(metrics(0.19), metrics(0.05), {"metrics": {"ndcg": 0.2}})[0]


def clustered_activity(engine) -> None:
    """Demo learners and courses, with activity replaced by two clear tastes: each learner
    keeps to one half of the courses, so a factor model can learn what popularity cannot."""
    generate_demo(engine, courses=240, learners=200, seed=7)
    with engine.begin() as connection:
        connection.execute(sa.delete(Event))
        users = connection.scalars(sa.select(User.id).order_by(User.id)).all()
        courses = connection.scalars(
            sa.select(Course.id).where(Course.status == "published").order_by(Course.id)
        ).all()
        halves = (courses[: len(courses) // 2], courses[len(courses) // 2 :])
        rng = np.random.default_rng(3)
        rows = []
        for n, user in enumerate(users):
            for k, course in enumerate(rng.choice(halves[n % 2][:30], size=6, replace=False)):
                at = NOW - timedelta(days=30 - k)
                rows.append(
                    {"user_id": user, "course_id": int(course), "kind": "like", "created_at": at}
                )
        connection.execute(sa.insert(Event), rows)


def test_a_training_run_writes_a_complete_artefact_and_promotes_a_good_model(engine, tmp_path):
    clustered_activity(engine)
    store = ModelStore(tmp_path / "models")
    config = TrainingConfig(factors=8, iterations=10, alpha=5, regularization=0.1)
    with engine.connect() as connection:
        report = train_and_publish(connection, store, config, now=NOW)
    assert report.promoted, report.reason
    assert report.metrics.ndcg > report.baseline.ndcg
    meta = store.meta(report.version)
    assert meta["config"]["factors"] == 8 and meta["figures"]["events"] == 1200
    assert meta["metrics"]["learners"] == report.metrics.learners == 200
    assert meta["promoted"] and meta["reason"] == report.reason
    model = store.current_model()
    assert model.version == report.version and model.user_factors.shape == (200, 8)


def test_a_run_worse_than_popularity_is_written_but_not_promoted(engine, tmp_path):
    clustered_activity(engine)
    store = ModelStore(tmp_path / "models")
    with engine.connect() as connection:
        good = train_and_publish(
            connection, store, TrainingConfig(factors=8, alpha=5, regularization=0.1), now=NOW
        )
        # One factor, one iteration and heavy regularisation: no better than chance.
        bad = train_and_publish(
            connection,
            store,
            TrainingConfig(factors=1, iterations=1, regularization=1000.0),
            now=NOW,
        )
    assert good.promoted and not bad.promoted, bad.reason
    assert bad.version in store.versions() and store.current() == good.version
    assert store.meta(bad.version)["promoted"] is False


def test_the_gate_records_its_figures_and_thresholds():
    decision = gate(metrics(0.10), metrics(0.05), {"version": "v-1", "metrics": {"ndcg": 0.2}})
    data = decision.to_dict()
    assert not decision.promoted and data["outcome"] == "below_current"
    assert data["current_version"] == "v-1" and data["current_threshold"] == pytest.approx(0.18)
    assert data["ndcg"] == 0.1 and data["popularity_ndcg"] == 0.05 and data["learners"] == 100
    assert gate(metrics(0.04), metrics(0.05), None).outcome == "below_popularity"


def test_the_admin_jobs_page_explains_the_gates_decision(app, client, session, engine):
    """A real nightly training run (the recommender-train job, default configuration) and a
    recorded refusal: the page says, in Chinese, what was measured against which threshold."""
    from catalogue.models import JobOutcome, Role
    from catalogue.services.job_runs import finish_run, start_run
    from jobs.registry import get_job
    from jobs.runner import run_job
    from tests.helpers import login
    from webapp.db import get_database
    from webapp.settings import get_settings

    clustered_activity(engine)
    for _ in range(2):
        outcome, figures = run_job(
            get_job("recommender-train"),
            get_settings(app).job_context(),
            get_database(app).sessions,
            trigger="test",
            isolated=False,
        )
        assert outcome.value == "succeeded", figures
    assert figures["promoted"] and figures["gate"]["outcome"] == "promoted"
    assert figures["gate"]["current_ndcg"] is not None
    refused = gate(metrics(0.01), metrics(0.05), None).to_dict()
    run = start_run(session, "recommender-train", "test")
    finish_run(session, run.id, JobOutcome.SUCCEEDED, {"promoted": False, "gate": refused})
    register_user(session, "admin@x.cn", "password-123", "管理员", role=Role.ADMIN)
    session.commit()
    login(client, "admin@x.cn", "password-123")
    html = client.get("/admin/jobs?job=recommender-train").get_data(as_text=True)
    assert html.count("发布检查") == 3
    assert "已发布：新模型取代了当前模型。" in html
    assert "此前没有当前模型，无需比较。" in html  # the first run
    second = figures["gate"]
    assert f"须达到其 {second['current_ndcg']:.4f} 的 90%" in html
    assert "未发布：继续使用当前模型。" in html
    assert "nDCG@10 0.0100 须高于按热门推荐的 0.0500" in html and "未通过" in html
    assert "beats popularity (" not in html  # the English reason is not shown beside it

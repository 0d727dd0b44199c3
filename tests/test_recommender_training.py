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
from recommender.pipeline import decide, train_and_publish
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
    config = TrainingConfig(half_life_days=90, window_days=365)
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

"""`lifelong recommender train|status|rollback` against the test database."""

from __future__ import annotations

import json

from tests.test_recommender_training import clustered_activity


def test_train_status_and_rollback(runner, engine):
    clustered_activity(engine)
    failed = runner.invoke(args=["recommender", "rollback"])
    assert failed.exit_code != 0 and "no previous model version" in failed.output
    options = ["--factors", "8", "--alpha", "5", "--regularization", "0.1", "--window-days", "0"]
    first = json.loads(runner.invoke(args=["recommender", "train", *options]).output)
    second = json.loads(runner.invoke(args=["recommender", "train", *options]).output)
    assert first["promoted"] and second["promoted"], (first["reason"], second["reason"])
    assert first["figures"]["events"] == 1200 and first["metrics"]["hit_rate"] > 0
    status = json.loads(runner.invoke(args=["recommender", "status"]).output)
    assert status["current"] == second["version"]
    assert [v["version"] for v in status["versions"]] == [first["version"], second["version"]]
    rolled = runner.invoke(args=["recommender", "rollback"])
    assert rolled.exit_code == 0 and first["version"] in rolled.output
    assert (
        json.loads(runner.invoke(args=["recommender", "status"]).output)["current"]
        == (first["version"])
    )


def test_train_uses_the_production_defaults_and_refuses_bpr(runner, engine):
    from recommender.config import TrainingConfig

    clustered_activity(engine)
    bpr = runner.invoke(args=["recommender", "train", "--model", "bpr"])
    assert bpr.exit_code == 2 and "bpr is not trained in production" in bpr.output
    done = runner.invoke(args=["recommender", "train"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    stored = report["figures"]
    assert stored["gate"]["outcome"] == "promoted"
    defaults = TrainingConfig().to_dict()
    status = json.loads(runner.invoke(args=["recommender", "status"]).output)
    assert status["current"] == report["version"]
    from webapp.recommendations import get_models

    meta = get_models(runner.app).meta(report["version"])
    assert meta["config"] == {**defaults, "backend": meta["config"]["backend"]}

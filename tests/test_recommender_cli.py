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

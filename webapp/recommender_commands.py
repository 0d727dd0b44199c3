"""`lifelong recommender …`: train, inspect and roll back the recommendation model."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from recommender.artefacts import ArtefactError
from recommender.config import MODELS, TrainingConfig
from recommender.pipeline import train_and_publish
from webapp.db import get_database
from webapp.recommendations import get_models

recommender_cli = AppGroup("recommender", help="The recommendation model.")


@recommender_cli.command("train")
@click.option("--model", type=click.Choice(MODELS), default="als", show_default=True)
@click.option("--factors", type=click.IntRange(1, 1024), default=64, show_default=True)
@click.option("--iterations", type=click.IntRange(1, 1000), default=15, show_default=True)
@click.option("--alpha", type=click.FloatRange(0, min_open=True), default=20.0, show_default=True)
@click.option("--regularization", type=click.FloatRange(0), default=0.01, show_default=True)
@click.option("--window-days", type=click.IntRange(0), default=365, show_default=True)
@click.option("--keep", type=click.IntRange(2), default=5, show_default=True)
def train_command(
    model: str,
    factors: int,
    iterations: int,
    alpha: float,
    regularization: float,
    window_days: int,
    keep: int,
) -> None:
    """Train on the activity events, evaluate, and publish the model if it is good enough."""
    config = TrainingConfig(
        model=model,
        factors=factors,
        iterations=iterations,
        alpha=alpha,
        regularization=regularization,
        window_days=window_days,
    )
    with get_database().engine.connect() as connection:
        report = train_and_publish(connection, get_models(), config, keep_versions=keep)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, default=str, indent=2))


@recommender_cli.command("rollback")
def rollback_command() -> None:
    """Make the previous model version current again."""
    try:
        version = get_models().rollback()
    except ArtefactError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Current model: {version}")


@recommender_cli.command("status")
def status_command() -> None:
    """The current and previous versions and what each recorded."""
    store = get_models()
    versions = []
    for name in store.versions():
        meta = store.meta(name)
        versions.append(
            {
                "version": name,
                "current": name == store.current(),
                "promoted": meta.get("promoted"),
                "reason": meta.get("reason"),
                "ndcg": (meta.get("metrics") or {}).get("ndcg"),
            }
        )
    click.echo(json.dumps({"current": store.current(), "versions": versions}, indent=2))

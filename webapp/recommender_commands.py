"""`lifelong recommender …`: train, inspect and roll back the recommendation model."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from recommender.artefacts import ArtefactError
from recommender.config import BACKENDS, MODELS, PRODUCTION_MODELS, TrainingConfig
from recommender.pipeline import train_and_publish
from recommender.spark_als import SparkOptions, SparkUnavailable
from webapp.db import get_database
from webapp.recommendations import get_models
from webapp.settings import get_settings

DEFAULTS = TrainingConfig()
recommender_cli = AppGroup("recommender", help="The recommendation model.")


@recommender_cli.command("train")
@click.option("--model", type=click.Choice(MODELS), default=DEFAULTS.model, show_default=True)
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default=None,
    help="Where to fit: implicit here, or Spark MLlib (default: RECOMMENDER_BACKEND, implicit).",
)
@click.option(
    "--spark-master",
    default=None,
    help="Spark master for --backend spark (default: RECOMMENDER_SPARK_MASTER, local[*]).",
)
# The defaults are TrainingConfig's (chosen on validation splits: docs/recommender.md), so a
# plain `lifelong recommender train` trains exactly what the nightly job trains.
@click.option(
    "--factors", type=click.IntRange(1, 1024), default=DEFAULTS.factors, show_default=True
)
@click.option(
    "--iterations", type=click.IntRange(1, 1000), default=DEFAULTS.iterations, show_default=True
)
@click.option(
    "--alpha", type=click.FloatRange(0, min_open=True), default=DEFAULTS.alpha, show_default=True
)
@click.option(
    "--regularization",
    type=click.FloatRange(0),
    default=DEFAULTS.regularization,
    show_default=True,
)
@click.option(
    "--half-life-days",
    type=click.FloatRange(0),
    default=DEFAULTS.half_life_days,
    show_default=True,
    help="Recency decay by age, from each learner's latest event (0: none).",
)
@click.option(
    "--half-life-courses",
    type=click.FloatRange(0),
    default=DEFAULTS.half_life_courses,
    show_default=True,
    help="Recency decay by rank among the learner's courses, most recent first (0: none).",
)
@click.option(
    "--window-days", type=click.IntRange(0), default=DEFAULTS.window_days, show_default=True
)
@click.option("--keep", type=click.IntRange(2), default=5, show_default=True)
def train_command(
    model: str,
    backend: str | None,
    spark_master: str | None,
    factors: int,
    iterations: int,
    alpha: float,
    regularization: float,
    half_life_days: float,
    half_life_courses: float,
    window_days: int,
    keep: int,
) -> None:
    """Train on the activity events, evaluate, and publish the model if it is good enough."""
    settings = get_settings()
    try:
        config = TrainingConfig(
            model=model,
            backend=backend or settings.recommender_backend,
            factors=factors,
            iterations=iterations,
            alpha=alpha,
            regularization=regularization,
            half_life_days=half_life_days,
            half_life_courses=half_life_courses,
            window_days=window_days,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if config.model not in PRODUCTION_MODELS:
        raise click.UsageError(
            f"{config.model} is not trained in production (only {', '.join(PRODUCTION_MODELS)}):"
            " it lost to ALS on validation (docs/recommender.md, 'Validation'); benchmark it"
            " with bench/recommender_validation.py"
        )
    spark = SparkOptions(master=spark_master or settings.recommender_spark_master)
    try:
        with get_database().engine.connect() as connection:
            report = train_and_publish(
                connection, get_models(), config, keep_versions=keep, spark=spark
            )
    except SparkUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
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
                "backend": (meta.get("config") or {}).get("backend", "implicit"),
                "promoted": meta.get("promoted"),
                "reason": meta.get("reason"),
                "ndcg": (meta.get("metrics") or {}).get("ndcg"),
            }
        )
    click.echo(json.dumps({"current": store.current(), "versions": versions}, indent=2))

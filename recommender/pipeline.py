"""One training run: read the events, hold out, fit, evaluate, write the artefact, decide.

The published model is the one evaluated: it is fitted on every interaction except one
held-out course for each of up to `evaluation_learners` learners, so what is measured is what
learners get, and a run fits only once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from catalogue.models import Course, CourseStatus
from recommender.artefacts import ModelStore
from recommender.config import TrainingConfig
from recommender.content import ContentModel, course_text, fit_content
from recommender.evaluation import Metrics, evaluate, leave_one_out, popularity_scorer
from recommender.interactions import Interactions, read_interactions
from recommender.training import fit

# A new model must beat popularity on nDCG@10 and keep at least this share of the current
# model's nDCG@10 to be promoted.
KEEP_SHARE = 0.9
MIN_LEARNERS = 2
# Courses whose text the content vocabulary is fitted on.
CONTENT_SAMPLE = 30_000


@dataclass
class RunReport:
    """What a training run did and measured."""

    version: str | None
    promoted: bool
    reason: str
    metrics: Metrics | None = None
    baseline: Metrics | None = None
    figures: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (for the CLI, the job log and the artefact)."""
        return {
            "version": self.version,
            "promoted": self.promoted,
            "reason": self.reason,
            "metrics": self.metrics.to_dict() if self.metrics else None,
            "baseline": self.baseline.to_dict() if self.baseline else None,
            "figures": self.figures,
        }


@dataclass(frozen=True)
class Gate:
    """The promotion gate's decision and what it was made on (stored with the run: the
    artefact's meta.json and the job run's figures, shown on the admin jobs page)."""

    promoted: bool
    # "promoted", "below_popularity" or "below_current": which check decided.
    outcome: str
    ndcg: float
    popularity_ndcg: float
    hit_rate: float
    popularity_hit_rate: float
    learners: int
    keep_share: float
    current_version: str | None = None
    current_ndcg: float | None = None

    @property
    def current_threshold(self) -> float | None:
        """The nDCG@10 the new model must reach to keep up with the current one."""
        return None if self.current_ndcg is None else self.keep_share * self.current_ndcg

    def reason(self) -> str:
        """One English sentence (for logs, the CLI and `recommender status`)."""
        if self.outcome == "below_popularity":
            return (
                f"nDCG@10 {self.ndcg:.4f} does not beat the popularity baseline "
                f"({self.popularity_ndcg:.4f})"
            )
        if self.outcome == "below_current":
            return (
                f"nDCG@10 {self.ndcg:.4f} is below {self.keep_share:.0%} of the current model's "
                f"({self.current_ndcg:.4f})"
            )
        return f"nDCG@10 {self.ndcg:.4f} beats popularity ({self.popularity_ndcg:.4f})" + (
            f" and keeps up with the current model ({self.current_ndcg:.4f})"
            if self.current_ndcg
            else ""
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data, with the threshold each check used."""
        return {
            "promoted": self.promoted,
            "outcome": self.outcome,
            "metric": "ndcg@10",
            "ndcg": round(self.ndcg, 4),
            "popularity_ndcg": round(self.popularity_ndcg, 4),
            "hit_rate": round(self.hit_rate, 4),
            "popularity_hit_rate": round(self.popularity_hit_rate, 4),
            "learners": self.learners,
            "keep_share": self.keep_share,
            "current_version": self.current_version,
            "current_ndcg": None if self.current_ndcg is None else round(self.current_ndcg, 4),
            "current_threshold": (
                None if self.current_threshold is None else round(self.current_threshold, 4)
            ),
        }


def gate(
    metrics: Metrics, baseline: Metrics, current: dict[str, Any] | None, keep: float = KEEP_SHARE
) -> Gate:
    """The promotion gate: a new model must beat popularity on nDCG@10 (both measured on the
    same held-out courses) and reach `keep` × the current model's recorded nDCG@10."""
    current_ndcg = (current or {}).get("metrics", {}).get("ndcg")
    if metrics.ndcg <= baseline.ndcg:
        outcome = "below_popularity"
    elif current_ndcg is not None and metrics.ndcg < keep * current_ndcg:
        outcome = "below_current"
    else:
        outcome = "promoted"
    return Gate(
        promoted=outcome == "promoted",
        outcome=outcome,
        ndcg=metrics.ndcg,
        popularity_ndcg=baseline.ndcg,
        hit_rate=metrics.hit_rate,
        popularity_hit_rate=baseline.hit_rate,
        learners=metrics.learners,
        keep_share=keep,
        current_version=(current or {}).get("version"),
        current_ndcg=current_ndcg,
    )


def decide(
    metrics: Metrics, baseline: Metrics, current: dict[str, Any] | None, keep: float = KEEP_SHARE
) -> tuple[bool, str]:
    """Whether a new model may replace the current one, and why (or why not)."""
    decision = gate(metrics, baseline, current, keep)
    return decision.promoted, decision.reason()


def train_and_publish(
    connection: Connection,
    store: ModelStore,
    config: TrainingConfig,
    *,
    keep_versions: int = 5,
    now: datetime | None = None,
    spark: Any = None,
) -> RunReport:
    """Train on the events in the database and publish the model if it is good enough (for
    the spark backend, `spark` is a SparkSession or `spark_als.SparkOptions`: `training.fit`)."""
    interactions = read_interactions(connection, config, now=now)
    started = time.perf_counter()
    content = fit_content(sample_course_texts(connection))
    seconds = time.perf_counter() - started
    return train_on(
        interactions,
        store,
        config,
        keep_versions=keep_versions,
        content=content,
        content_seconds=seconds,
        spark=spark,
    )


def sample_course_texts(connection: Connection, size: int = CONTENT_SAMPLE) -> list[str]:
    """Texts of up to `size` published courses drawn at random, to fit the vocabulary on."""
    rows = connection.execute(
        select(Course.title, Course.subtitle, Course.description)
        .where(Course.status == CourseStatus.PUBLISHED)
        .order_by(func.random())
        .limit(size)
    )
    return [course_text(*row) for row in rows]


def train_on(
    interactions: Interactions,
    store: ModelStore,
    config: TrainingConfig,
    *,
    keep_versions: int = 5,
    content: ContentModel | None = None,
    content_seconds: float = 0.0,
    spark: Any = None,
) -> RunReport:
    """Hold out, fit, evaluate, write and (if good enough) promote a model of these data."""
    learners, courses = interactions.shape
    figures: dict[str, Any] = {
        "events": interactions.events,
        "learners": learners,
        "courses": courses,
        "interactions": int(interactions.matrix.nnz),
        "window_start": interactions.window_start,
        "window_end": interactions.window_end,
        "read_seconds": round(interactions.read_seconds, 2),
        "content_seconds": round(content_seconds, 2),
        "content_terms": len(content.terms) if content is not None else 0,
    }
    if learners < MIN_LEARNERS or courses < 2:
        return RunReport(None, False, "not enough activity to train on", figures=figures)
    split = leave_one_out(
        interactions.matrix,
        config.evaluation_learners,
        config.seed,
        last=interactions.last_item,
    )
    factors = fit(split.train, config, spark=spark)
    figures["fit_seconds"] = round(factors.seconds, 2)
    figures.update(factors.figures)
    started = time.perf_counter()
    metrics = evaluate(factors.scorer(), split.train, split.users, split.held_out)
    baseline = evaluate(popularity_scorer(split.train), split.train, split.users, split.held_out)
    figures["evaluate_seconds"] = round(time.perf_counter() - started, 2)
    current = store.current()
    decision = gate(metrics, baseline, store.meta(current) if current else None)
    promoted, reason = decision.promoted, decision.reason()
    figures["gate"] = decision.to_dict()
    version = store.write(
        factors.users,
        factors.items,
        interactions.user_ids,
        interactions.item_ids,
        {
            "config": config.to_dict(),
            "figures": figures,
            "metrics": metrics.to_dict(),
            "baseline": baseline.to_dict(),
            "promoted": promoted,
            "reason": reason,
        },
        content=content,
    )
    if promoted:
        store.promote(version)
    store.prune(keep_versions)
    return RunReport(version, promoted, reason, metrics, baseline, figures)

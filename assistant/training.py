"""One training run of the question matcher: split, train, evaluate, write, gate, promote.

The gate compares the new matcher with the current one on the *same* held-out questions (the
current one is loaded and run on them, so staff-labelled questions added since its run count
for both). The new matcher is promoted when there is no current one, or when it is not worse by
more than a margin on each figure:
    top-1 accuracy            ≥ current − TOP1_MARGIN       (the primary figure)
    out-of-scope handed over  ≥ current − OOS_MARGIN
    unnecessary hand-offs     ≤ current + UNNECESSARY_MARGIN
The margins let a run with more (staff-labelled) questions through when it is a question or two
apart from the current one on a set of a few hundred, and stop one that is clearly worse.
If the current version cannot be loaded (say, a pickle of an older scikit-learn), its recorded
metrics stand in for it and the reason says so.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from assistant.artefacts import ArtefactError, MatcherStore
from assistant.evaluation import FLOORS, evaluate, meets_floors, split_questions
from assistant.matcher import MatcherSettings, train_matcher, trainable_labels

if TYPE_CHECKING:
    from assistant.knowledge import HelpArticle, LabelledQuestion

TOP1_MARGIN = 0.01
OOS_MARGIN = 0.02
UNNECESSARY_MARGIN = 0.02
KEEP_VERSIONS = 5


@dataclass(frozen=True)
class Gate:
    """The promotion gate's decision and the figures it was made on."""

    promoted: bool
    # "first_model", "promoted", "below_current_top1", "below_current_oos" or
    # "more_unnecessary_handoffs": which check decided.
    outcome: str
    metrics: dict[str, Any]
    current_version: str | None = None
    current_metrics: dict[str, Any] | None = None
    # "held_out" (the current matcher run on the same questions) or "recorded" (its meta.json).
    current_source: str | None = None

    def reason(self) -> str:
        """One English sentence for the job log and the admin page."""
        new, cur = self.metrics, self.current_metrics or {}
        figures = (
            f"top-1 {new['top1_accuracy']:.3f}, out of scope handed over "
            f"{new['oos_handoff_rate']:.3f}, unnecessary hand-offs "
            f"{new['unnecessary_handoff_rate']:.3f}"
        )
        if self.outcome == "first_model":
            return f"first matcher ({figures})"
        against = (
            f"the current matcher {self.current_version} ({cur.get('top1_accuracy', 0):.3f} / "
            f"{cur.get('oos_handoff_rate', 0):.3f} / {cur.get('unnecessary_handoff_rate', 0):.3f}"
            + (
                ", as recorded: it could not be loaded)"
                if self.current_source == "recorded"
                else ")"
            )
        )
        if self.outcome == "below_current_top1":
            return f"top-1 {new['top1_accuracy']:.3f} is more than {TOP1_MARGIN} below {against}"
        if self.outcome == "below_current_oos":
            return (
                f"out of scope handed over {new['oos_handoff_rate']:.3f} is more than "
                f"{OOS_MARGIN} below {against}"
            )
        if self.outcome == "more_unnecessary_handoffs":
            return (
                f"unnecessary hand-offs {new['unnecessary_handoff_rate']:.3f} are more than "
                f"{UNNECESSARY_MARGIN} above {against}"
            )
        return f"{figures}: not worse than {against}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data, with the margins each check used."""
        return {
            "promoted": self.promoted,
            "outcome": self.outcome,
            "reason": self.reason(),
            "current_version": self.current_version,
            "current_metrics": self.current_metrics,
            "current_source": self.current_source,
            "margins": {
                "top1_accuracy": TOP1_MARGIN,
                "oos_handoff_rate": OOS_MARGIN,
                "unnecessary_handoff_rate": UNNECESSARY_MARGIN,
            },
        }


def gate(
    metrics: dict[str, Any],
    current_version: str | None,
    current_metrics: dict[str, Any] | None,
    current_source: str | None = None,
) -> Gate:
    """Decide whether a matcher with these held-out figures may replace the current one."""
    if current_version is None or current_metrics is None:
        outcome = "first_model"
    elif metrics["top1_accuracy"] < current_metrics["top1_accuracy"] - TOP1_MARGIN:
        outcome = "below_current_top1"
    elif metrics["oos_handoff_rate"] < current_metrics["oos_handoff_rate"] - OOS_MARGIN:
        outcome = "below_current_oos"
    elif (
        metrics["unnecessary_handoff_rate"]
        > current_metrics["unnecessary_handoff_rate"] + UNNECESSARY_MARGIN
    ):
        outcome = "more_unnecessary_handoffs"
    else:
        outcome = "promoted"
    return Gate(
        promoted=outcome in ("first_model", "promoted"),
        outcome=outcome,
        metrics=metrics,
        current_version=current_version,
        current_metrics=current_metrics,
        current_source=current_source,
    )


@dataclass
class TrainingReport:
    """What a training run did and measured."""

    version: str | None
    promoted: bool
    reason: str
    metrics: dict[str, Any] = field(default_factory=dict)
    gate: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (for the job run record and the admin page)."""
        return {
            "version": self.version,
            "promoted": self.promoted,
            "reason": self.reason,
            "metrics": self.metrics,
            "gate": self.gate,
            "figures": self.figures,
        }


def _current_metrics(
    store: MatcherStore, held_out: Sequence[LabelledQuestion]
) -> tuple[str | None, dict[str, Any] | None, str | None]:
    """The current matcher's figures on these held-out questions (or as recorded)."""
    current = store.current()
    if current is None:
        return None, None, None
    try:
        return current, evaluate(store.load(current), held_out), "held_out"
    except ArtefactError:
        try:
            return current, store.meta(current).get("metrics"), "recorded"
        except ArtefactError:
            return None, None, None


def train_and_publish(
    articles: Sequence[HelpArticle],
    questions: Sequence[LabelledQuestion],
    store: MatcherStore,
    *,
    now: datetime | None = None,
    settings: MatcherSettings | None = None,
    keep_versions: int = KEEP_VERSIONS,
) -> TrainingReport:
    """Train on the articles and the training part of the questions, evaluate on the held-out
    part, write the version and promote it if the gate lets it through (pure: data in, an
    artefact and a report out; staff-labelled questions are passed in with the shipped ones)."""
    trained_at = (now or datetime.now(UTC)).isoformat()
    split = split_questions(questions)
    figures: dict[str, Any] = {
        "articles": len(articles),
        "questions": len(questions),
        "train_questions": len(split.train),
        "held_out_questions": len(split.held_out),
        "trained_at": trained_at,
    }
    labels = trainable_labels(articles, split.train, settings)
    if not split.train or not split.held_out or len(labels) < 3:
        return TrainingReport(
            None, False, "not enough articles or questions to train on", {}, {}, figures
        )
    started = time.perf_counter()
    matcher = train_matcher(articles, split.train, settings=settings)
    figures["train_seconds"] = round(time.perf_counter() - started, 2)
    metrics = evaluate(matcher, split.held_out)
    current_version, current_metrics, source = _current_metrics(store, split.held_out)
    decision = gate(metrics, current_version, current_metrics, source)
    reason = decision.reason()
    choice = matcher.info["choice"]
    version = store.write(
        matcher,
        {
            "trained_at": trained_at,
            "metrics": metrics,
            "meets_floors": meets_floors(metrics),
            "floors": FLOORS,
            "threshold": matcher.threshold,
            "oos_ratio": matcher.oos_ratio,
            "c": choice["c"],
            "choice": choice,
            "features": matcher.info["features"],
            "labels": matcher.info["labels"],
            # Labels left out for having fewer examples than calibration folds.
            "labels_too_rare": matcher.info["labels_too_rare"],
            "settings": matcher.info["settings"],
            "data": figures,
            "gate": decision.to_dict(),
            "promoted": decision.promoted,
            "reason": reason,
        },
    )
    if decision.promoted:
        store.promote(version)
    store.prune(keep_versions)
    figures.update(threshold=matcher.threshold, c=choice["c"], labels=matcher.info["labels"])
    return TrainingReport(version, decision.promoted, reason, metrics, decision.to_dict(), figures)

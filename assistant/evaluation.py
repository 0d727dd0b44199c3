"""Held-out evaluation of the question matcher, with the labelled questions split by phrasing.

The split is fixed by a hash of each question's normalised phrasing (and the seed), so the same
phrasing always falls on the same side, on every machine and in every nightly run; a question
added later does not move the others. About `HELD_OUT_SHARE` of the phrasings are held out;
a label with at least three phrasings keeps at least one on each side (the phrasing with the
lowest hash is moved in, or the highest moved out, when the hash alone leaves a side empty).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.matcher import Match, Matcher, phrasing_key, rates, stable_fraction

if TYPE_CHECKING:
    from assistant.knowledge import LabelledQuestion

HELD_OUT_SHARE = 0.3
MIN_PHRASINGS_FOR_BOTH_SIDES = 3

# The floors on the held-out questions.
FLOORS = {
    "top1_accuracy": 0.90,  # at least
    "oos_handoff_rate": 0.95,  # at least
    "unnecessary_handoff_rate": 0.10,  # at most
}


@dataclass(frozen=True)
class Split:
    """Labelled questions divided into a training part and a held-out part."""

    train: list[LabelledQuestion]
    held_out: list[LabelledQuestion]


def split_questions(questions: Sequence[LabelledQuestion], seed: int = 0) -> Split:
    """Split by phrasing: a question is held out when its phrasing's hash is below the share."""
    keys = {phrasing_key(q.question) for q in questions}
    held = {k for k in keys if stable_fraction(k, seed) < HELD_OUT_SHARE}
    by_label: dict[str, list[LabelledQuestion]] = {}
    for q in questions:
        by_label.setdefault(q.label, []).append(q)
    for label in sorted(by_label):
        ordered = sorted(
            {phrasing_key(q.question) for q in by_label[label]},
            key=lambda k: (stable_fraction(k, seed), k),
        )
        if len(ordered) < MIN_PHRASINGS_FOR_BOTH_SIDES:
            continue
        if not any(k in held for k in ordered):
            held.add(ordered[0])
        elif all(k in held for k in ordered):
            held.discard(ordered[-1])
    return Split(
        train=[q for q in questions if phrasing_key(q.question) not in held],
        held_out=[q for q in questions if phrasing_key(q.question) in held],
    )


def timed_predictions(matcher: Matcher, texts: Sequence[str]) -> tuple[list[Match], list[float]]:
    """Each text's match and how long its predict call took, in milliseconds."""
    matches: list[Match] = []
    millis: list[float] = []
    for text in texts:
        started = time.perf_counter()
        matches.append(matcher.predict(text))
        millis.append((time.perf_counter() - started) * 1000)
    return matches, millis


def percentile(values: Sequence[float], share: float) -> float:
    """The `share` percentile of values (nearest rank)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def evaluate(matcher: Matcher, held_out: Sequence[LabelledQuestion]) -> dict[str, Any]:
    """The matcher's figures on held-out questions: top-1 accuracy of the in-scope questions
    (the label exactly; a handed-over answerable question counts as wrong), out-of-scope
    questions handed over, answerable (in-scope, not `human`) questions handed over, and the
    time of each predict call."""
    matches, millis = timed_predictions(matcher, [q.question for q in held_out])
    top1, oos, unnecessary, counts = rates(matches, [q.label for q in held_out])
    return {
        "top1_accuracy": round(top1, 4),
        "oos_handoff_rate": round(oos, 4),
        "unnecessary_handoff_rate": round(unnecessary, 4),
        "p50_ms": round(statistics.median(millis), 3) if millis else 0.0,
        "p95_ms": round(percentile(millis, 0.95), 3),
        **counts,
    }


def meets_floors(metrics: dict[str, Any]) -> bool:
    """Whether held-out figures reach the issue's floors."""
    return (
        metrics["top1_accuracy"] >= FLOORS["top1_accuracy"]
        and metrics["oos_handoff_rate"] >= FLOORS["oos_handoff_rate"]
        and metrics["unnecessary_handoff_rate"] <= FLOORS["unnecessary_handoff_rate"]
    )

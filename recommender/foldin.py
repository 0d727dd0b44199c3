"""ALS algebra at request time: a learner's factors from their history, and why an item scores.

For ALS with confidence c = alpha·r (implicit's convention), a learner's factors solve
    (YᵀY + Yᵀ(C − I)Y + λI) x = Yᵀ C p
over the items they interacted with (p = 1 there): the same least-squares step training takes,
so today's activity counts without waiting for the nightly run (what implicit's
`recalculate_user` does). The score of item i is then yᵢᵀ W Yᵀ C p with W the inverse of the
matrix above, a sum of one term per history item j, cⱼ · yᵢᵀ W yⱼ: the largest term says which of
the learner's courses the recommendation comes from (implicit's `explain`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LearnerFactors:
    """A learner's factors and what is needed to explain scores made with them."""

    vector: np.ndarray
    inverse: np.ndarray  # W
    rows: np.ndarray  # history item rows
    confidences: np.ndarray  # cⱼ of those rows


def gram(item_factors: np.ndarray) -> np.ndarray:
    """YᵀY, computed once per model version."""
    y = item_factors.astype(np.float64)
    return y.T @ y


def fold_in(
    item_factors: np.ndarray,
    item_gram: np.ndarray,
    rows: np.ndarray,
    weights: np.ndarray,
    *,
    alpha: float,
    regularization: float,
) -> LearnerFactors:
    """The learner's ALS factors from the item rows they interacted with and their weights."""
    y = item_factors[rows].astype(np.float64)
    confidence = alpha * np.asarray(weights, dtype=np.float64)
    a = item_gram + (y.T * (confidence - 1.0)) @ y + regularization * np.eye(item_gram.shape[0])
    inverse = np.linalg.inv(a)
    vector = inverse @ (y.T @ confidence)
    return LearnerFactors(vector.astype(np.float32), inverse, np.asarray(rows), confidence)


def contributions(learner: LearnerFactors, item_factors: np.ndarray, item_row: int) -> np.ndarray:
    """Each history item's term cⱼ · yᵢᵀ W yⱼ of an item's score (parallel to `learner.rows`)."""
    if not len(learner.rows):
        return np.zeros(0)
    y = item_factors[learner.rows].astype(np.float64)
    target = learner.inverse @ item_factors[item_row].astype(np.float64)
    return learner.confidences * (y @ target)


def explain(
    learner: LearnerFactors, item_factors: np.ndarray, item_row: int
) -> tuple[int | None, float]:
    """The history item row contributing most to an item's score, and its contribution."""
    terms = contributions(learner, item_factors, item_row)
    if not len(terms):
        return None, 0.0
    best = int(np.argmax(terms))
    return int(learner.rows[best]), float(terms[best])

"""When a feed may say "because you liked 《X》": only when X is similar to the course shown.

Similar means both (docs/recommender.md, "Reasons", with the measurements the thresholds come
from):
- in content: cosine of the two courses' TF-IDF vectors (the artefact's vocabulary,
  `recommender/content.py`) at least `min_content`, and
- in the model: cosine of the two courses' factors, centred on the mean course factor (raw
  factors share a large common part, so raw cosines of unrelated courses are high too), at least
  `min_factors` — for courses both known to the model.
A course the model does not know (newer than it) needs content similarity alone, at least
`min_content_only`. Of the learner's courses that pass, the one passing by the widest margin is
named; when none passes the feed gives a plain reason instead.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recommender.artefacts import Model


@dataclass(frozen=True)
class Thresholds:
    """How similar a named course must be (measured on the demo catalogue's model)."""

    min_content: float = 0.2
    min_factors: float = 0.3
    min_content_only: float = 0.3


_means: dict[str, np.ndarray] = {}
_means_lock = threading.Lock()


def mean_factor(model: Model) -> np.ndarray:
    """The mean course factor of a model version (computed once per version)."""
    with _means_lock:
        found = _means.get(model.version)
        if found is None:
            found = model.item_factors.astype(np.float64).mean(axis=0)
            _means.clear()  # one model version is current at a time
            _means[model.version] = found
        return found


def centred_cosines(model: Model, rows: np.ndarray, row: int) -> np.ndarray:
    """Centred cosine of the factors of each of `rows` with those of `row`."""
    mean = mean_factor(model)
    y = model.item_factors[np.asarray(rows, dtype=np.int64)].astype(np.float64) - mean
    x = model.item_factors[row].astype(np.float64) - mean
    norms = np.linalg.norm(y, axis=1) * np.linalg.norm(x) + 1e-12
    return (y @ x) / norms


def content_cosines(sources: sp.csr_matrix, target: sp.csr_matrix) -> np.ndarray:
    """Cosine of each (L2-normalised) source row with the target row."""
    if sources.shape[0] == 0 or sources.shape[1] == 0:
        return np.zeros(sources.shape[0])
    return np.asarray((sources @ target.T).toarray()).ravel()


def best_source(
    content: np.ndarray, factors: np.ndarray | None, thresholds: Thresholds
) -> int | None:
    """The position of the source passing both thresholds by the widest margin (the smaller
    of its two ratios to them), or None when none passes. Without factors (a course the
    model does not know): content alone against `min_content_only`."""
    if not len(content):
        return None
    if factors is None:
        margin = content / thresholds.min_content_only
    else:
        margin = np.minimum(content / thresholds.min_content, factors / thresholds.min_factors)
    best = int(np.argmax(margin))
    return best if margin[best] >= 1.0 else None

"""Held-out evaluation of a recommender: the split, the metrics and the popularity baseline.

Every metric is over the learners with a held-out course: rank every course the learner has
not interacted with in training, and look at the first k.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import scipy.sparse as sp

K = 10
# Scores are computed for a batch of learners at a time: about this many cells per batch
# (float32), so 630,000 courses take batches of 50 learners, not gigabytes.
BATCH_CELLS = 32_000_000

# rows (learner indexes) → scores, one row per learner, one column per course.
Scorer = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Split:
    """Training matrix and, for some learners, the courses held out from it."""

    train: sp.csr_matrix
    users: np.ndarray  # learner rows with held-out courses
    held_out: sp.csr_matrix  # same shape as train: the held-out courses
    # Same pattern as train: when each pair's latest event happened (seconds since 1970), for
    # data sets that tell; recency decay is tuned on it (recommender/tuning.py).
    times: sp.csr_matrix | None = None


@dataclass(frozen=True)
class Metrics:
    """Ranking quality at k over the evaluated learners, and catalogue coverage."""

    precision: float
    recall: float
    ndcg: float
    hit_rate: float
    coverage: float
    learners: int

    def to_dict(self) -> dict[str, float]:
        """The metrics as plain data."""
        return asdict(self)


def leave_one_out(
    matrix: sp.csr_matrix, learners: int, seed: int, *, last: np.ndarray | None = None
) -> Split:
    """Hold out one course of up to `learners` learners who have at least two: the most
    recent one when `last` (a course column per learner row, -1 for none) is given, else a
    random one."""
    matrix = matrix.tocsr()
    counts = np.diff(matrix.indptr)
    candidates = np.flatnonzero(counts >= 2)
    rng = np.random.default_rng(seed)
    if len(candidates) > learners:
        candidates = np.sort(rng.choice(candidates, size=learners, replace=False))
    held_cols = np.empty(len(candidates), dtype=np.int64)
    for n, row in enumerate(candidates):
        cols = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]
        chosen = -1 if last is None else int(last[row])
        held_cols[n] = chosen if chosen in cols else rng.choice(cols)
    held = sp.csr_matrix(
        (np.ones(len(candidates), dtype=np.float32), (candidates, held_cols)), shape=matrix.shape
    )
    train = matrix.copy()
    train[candidates, held_cols] = 0
    train.eliminate_zeros()
    return Split(train.tocsr(), candidates, held)


def evaluate(
    scorer: Scorer, train: sp.csr_matrix, users: np.ndarray, held_out: sp.csr_matrix, k: int = K
) -> Metrics:
    """precision@k, recall@k, nDCG@k and hit rate@k of the scorer over the learners, and the
    share of the catalogue that appears in some learner's top k."""
    train, held_out = train.tocsr(), held_out.tocsr()
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    precision = recall = ndcg = hits = 0.0
    shown = np.zeros(train.shape[1], dtype=bool)
    evaluated = 0
    batch = max(1, min(4096, BATCH_CELLS // max(train.shape[1], 1)))
    for start in range(0, len(users), batch):
        rows = users[start : start + batch]
        scores = np.array(scorer(rows), dtype=np.float32, copy=True)
        seen = train[rows]
        scores[seen.nonzero()] = -np.inf
        top = _top_k(scores, k)
        shown[top.ravel()] = True
        truth = held_out[rows]
        for n in range(len(rows)):
            relevant = truth.indices[truth.indptr[n] : truth.indptr[n + 1]]
            if not len(relevant):
                continue
            evaluated += 1
            found = np.isin(top[n], relevant)
            hit_count = found.sum()
            precision += hit_count / k
            recall += hit_count / len(relevant)
            hits += hit_count > 0
            ideal = discounts[: min(len(relevant), k)].sum()
            ndcg += (discounts[: len(found)] * found).sum() / ideal
    n = max(evaluated, 1)
    return Metrics(
        precision=precision / n,
        recall=recall / n,
        ndcg=ndcg / n,
        hit_rate=hits / n,
        coverage=float(shown.mean()) if shown.size else 0.0,
        learners=evaluated,
    )


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indexes of each row's k highest scores, best first."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def popularity_scorer(train: sp.csr_matrix) -> Scorer:
    """Every learner gets the courses with the most learners in training."""
    popularity = np.asarray((train > 0).sum(axis=0), dtype=np.float64).ravel()

    def scores(rows: np.ndarray) -> np.ndarray:
        return np.broadcast_to(popularity, (len(rows), len(popularity)))

    return scores

"""Choosing hyper-parameters without looking at the test split.

The protocol (docs/recommender.md, "Validation"):
1. From the training matrix alone, carve a validation split: one pair of each (sampled) learner
   with at least two is held out — the most recent when the pairs' times are known, else one
   at random.
2. Fit every candidate of a small grid (model kind and its hyper-parameters, recency decay) on
   what is left and score it on the held-out pairs; the best nDCG@10 wins.
3. Refit the winner on the whole training matrix and score the test split once, beside
   popularity fitted on the same matrix.

The test split is an argument of step 3 only (`protocol`): `choose` never receives it.

Model kinds: "popularity", "als" and "bpr" (implicit, as production trains them:
`training.fit`), and two item-item models for the benchmark, "ease" (Steck 2019, a closed form
over the catalogue's courses) and "itemknn" (implicit's cosine / BM25 neighbours). Production
trains "als" or "bpr" only: serving folds a learner's activity into ALS factors, and an
item × item matrix over 630,000 courses does not fit in memory (docs/recommender.md).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender.config import TrainingConfig
from recommender.evaluation import Metrics, Scorer, Split, evaluate, popularity_scorer
from recommender.training import fit

KINDS = ("popularity", "als", "bpr", "ease", "itemknn")
# EASE inverts a dense courses × courses matrix: refused above this many courses with activity.
EASE_MAX_COURSES = 20_000
# The metric that decides (nDCG@10).
METRIC = "ndcg"


@dataclass(frozen=True)
class Candidate:
    """One point of the grid: a model kind and its hyper-parameters."""

    kind: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, kind: str, **params: Any) -> Candidate:
        """A candidate from keyword parameters."""
        if kind not in KINDS:
            raise ValueError(f"model kind must be one of {', '.join(KINDS)}, not {kind!r}")
        return cls(kind, tuple(sorted(params.items())))

    def get(self, name: str, default: Any = None) -> Any:
        """One parameter's value."""
        return dict(self.params).get(name, default)

    def label(self) -> str:
        """E.g. `als factors=64 alpha=5`."""
        return " ".join([self.kind, *(f"{k}={v}" for k, v in self.params)])

    def training_config(self, base: TrainingConfig | None = None) -> TrainingConfig:
        """The production settings of an "als" or "bpr" candidate (others have none)."""
        if self.kind not in ("als", "bpr"):
            raise ValueError(f"{self.kind} is not trained in production")
        known = set(TrainingConfig.__dataclass_fields__)
        data = {**(base or TrainingConfig()).to_dict(), "model": self.kind}
        data.update({k: v for k, v in self.params if k in known})
        return TrainingConfig.from_dict(data)


@dataclass
class Tuning:
    """Every candidate's validation figures and the one chosen."""

    results: list[tuple[Candidate, Metrics, float]]  # candidate, metrics, seconds
    chosen: Candidate
    validation_learners: int
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    """The protocol's outcome: the tuning, then the chosen model and popularity on the test."""

    tuning: Tuning
    test: Metrics
    popularity: Metrics


def carve_validation(split_train: Split | sp.csr_matrix, learners: int, seed: int) -> Split:
    """A validation split of a training matrix (a `Split`'s train and times, or a bare
    matrix): one pair held out for each of up to `learners` learners with at least two pairs
    — the latest by time when times are known, else a random one. The held-out pairs are
    removed from the returned train and times."""
    if isinstance(split_train, Split):
        matrix, times = split_train.train.tocsr(), split_train.times
    else:
        matrix, times = split_train.tocsr(), None
    counts = np.diff(matrix.indptr)
    candidates = np.flatnonzero(counts >= 2)
    rng = np.random.default_rng(seed)
    if learners and len(candidates) > learners:
        candidates = np.sort(rng.choice(candidates, size=learners, replace=False))
    if times is not None:
        times = times.tocsr()
        if not np.array_equal(times.indptr, matrix.indptr):
            raise ValueError("times must have the training matrix's pattern")
    held = np.empty(len(candidates), dtype=np.int64)
    for n, row in enumerate(candidates):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        if times is None:
            at = start + int(rng.integers(end - start))
        else:  # the latest; equal times: the last stored
            stamps = times.data[start:end]
            at = start + int(np.flatnonzero(stamps == stamps.max())[-1])
        held[n] = at
    keep = np.ones(matrix.nnz, dtype=bool)
    keep[held] = False
    rows_of = np.repeat(np.arange(matrix.shape[0]), counts)
    train = _subset(matrix, rows_of, keep)
    held_out = sp.csr_matrix(
        (np.ones(len(held), dtype=np.float32), (candidates, matrix.indices[held])),
        shape=matrix.shape,
    )
    new_times = _subset(times, rows_of, keep) if times is not None else None
    return Split(train, candidates, held_out, times=new_times)


def _subset(matrix: sp.csr_matrix, rows_of: np.ndarray, keep: np.ndarray) -> sp.csr_matrix:
    return sp.csr_matrix(
        (matrix.data[keep], (rows_of[keep], matrix.indices[keep])), shape=matrix.shape
    )


def decayed(matrix: sp.csr_matrix, times: sp.csr_matrix | None, config: TrainingConfig):
    """The matrix with each pair's weight decayed as production decays events (by age from the
    learner's latest pair, or from the latest pair of all for `decay_from="now"`)."""
    if times is None or not (config.half_life_days or config.half_life_courses):
        return matrix
    matrix, times = matrix.tocsr().copy(), times.tocsr().copy()
    matrix.sort_indices()
    times.sort_indices()
    if not np.array_equal(matrix.indices, times.indices):
        raise ValueError("times must have the training matrix's pattern")
    rows = np.repeat(np.arange(times.shape[0]), np.diff(times.indptr))
    now = float(times.data.max()) if times.nnz else 0.0
    factor = config.recency(rows, times.indices, times.data, now)
    out = matrix.astype(np.float32, copy=True)
    out.data = (out.data * factor).astype(np.float32)
    return out


def fit_config(split: Split, config: TrainingConfig) -> Scorer:
    """Fit production settings on a split's training matrix, decayed as production decays."""
    return fit(decayed(split.train.tocsr(), split.times, config), config).scorer()


def scorer(candidate: Candidate, split: Split, base: TrainingConfig | None = None) -> Scorer:
    """Fit a candidate on a split's training matrix (decayed as the candidate says); returns
    its scorer."""
    train = split.train.tocsr()
    if candidate.kind == "popularity":
        return popularity_scorer(train)
    if candidate.kind in ("als", "bpr"):
        return fit_config(split, candidate.training_config(base))
    if candidate.kind == "ease":
        return _ease(train, float(candidate.get("l2", 200.0)))
    return _itemknn(
        train, candidate.get("measure", "cosine"), int(candidate.get("neighbours", 100))
    )


def _ease(train: sp.csr_matrix, l2: float) -> Scorer:
    """EASE: B = I − P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹, zero diagonal; scores X_u B."""
    binary = train.copy()
    binary.data[:] = 1.0
    used = np.flatnonzero(np.diff(binary.tocsc().indptr) > 0)
    if len(used) > EASE_MAX_COURSES:
        raise ValueError(f"EASE needs a dense {len(used):,}² matrix: too many courses")
    x = binary[:, used].astype(np.float64).tocsr()
    gram = (x.T @ x).toarray()
    gram[np.diag_indices_from(gram)] += l2
    p = np.linalg.inv(gram)
    b = p / -np.diag(p)
    b[np.diag_indices_from(b)] = 0.0
    b32 = b.astype(np.float32)
    x32 = x.astype(np.float32)

    def scores(rows: np.ndarray) -> np.ndarray:
        out = np.full((len(rows), train.shape[1]), -np.inf, dtype=np.float32)
        out[:, used] = x32[rows] @ b32
        return out

    return scores


def _itemknn(train: sp.csr_matrix, measure: str, neighbours: int) -> Scorer:
    from implicit.nearest_neighbours import BM25Recommender, CosineRecommender

    model = (BM25Recommender if measure == "bm25" else CosineRecommender)(K=neighbours)
    binary = train.copy().astype(np.float32)
    binary.data[:] = 1.0
    model.fit(binary, show_progress=False)
    similarity = model.similarity.tocsr().astype(np.float32)

    def scores(rows: np.ndarray) -> np.ndarray:
        return np.asarray((binary[rows] @ similarity).todense())

    return scores


DECAY_PARAMS = ("half_life_days", "decay_from", "half_life_courses")


def _folds(train: Split | sp.csr_matrix, learners: int, seed: int, folds: int) -> list[Split]:
    """`folds` validation splits, each carved from the previous one's training part (times
    known: the latest, then the second latest… pair of each learner; else random pairs)."""
    out = [carve_validation(train, learners, seed)]
    while len(out) < folds:
        out.append(carve_validation(out[-1], learners, seed + len(out)))
    return out


def choose(
    train: Split | sp.csr_matrix,
    grid: Iterable[Candidate],
    *,
    learners: int = 0,
    seed: int = 42,
    folds: int = 1,
    base: TrainingConfig | None = None,
    log: Any = None,
) -> Tuning:
    """Score every candidate on validation splits carved from `train` (a `Split` whose train
    and times are read, never its held-out part, or a bare matrix), averaged over `folds`;
    the best nDCG@10 is chosen (ties: the earlier candidate). Without times, candidates that
    differ only in decay are fitted once."""
    splits = _folds(train, learners, seed, folds)
    timed = splits[0].times is not None
    results: list[tuple[Candidate, Metrics, float]] = []
    seen: dict[Candidate, Metrics] = {}
    for candidate in grid:
        started = time.perf_counter()
        key = candidate if timed else _without_decay(candidate)
        metrics = seen.get(key)
        if metrics is None:
            metrics = _mean(
                [evaluate(scorer(candidate, v, base), v.train, v.users, v.held_out) for v in splits]
            )
            seen[key] = metrics
        seconds = time.perf_counter() - started
        results.append((candidate, metrics, seconds))
        if log:
            log(candidate, metrics, seconds)
    if not results:
        raise ValueError("the grid is empty")
    best = max(range(len(results)), key=lambda n: (getattr(results[n][1], METRIC), -n))
    learners_scored = sum(len(v.users) for v in splits)
    return Tuning(results, results[best][0], learners_scored, {"folds": folds})


def _without_decay(candidate: Candidate) -> Candidate:
    return Candidate(candidate.kind, tuple(p for p in candidate.params if p[0] not in DECAY_PARAMS))


def _mean(all_metrics: list[Metrics]) -> Metrics:
    """Metrics averaged over folds, weighted by their learners."""
    total = sum(m.learners for m in all_metrics) or 1
    fields = ("precision", "recall", "ndcg", "hit_rate", "coverage")
    values = {f: sum(getattr(m, f) * m.learners for m in all_metrics) / total for f in fields}
    return Metrics(**values, learners=sum(m.learners for m in all_metrics))


def joint_choice(tunings: dict[str, Tuning], kinds: tuple[str, ...] = ("als",)) -> Candidate:
    """One configuration for several data sets (the production default), from their tunings
    (each over the same grid, popularity first): per data set, a candidate's validation
    nDCG@10 over popularity's; the candidate whose smallest ratio is largest wins (a default
    must not be weak anywhere)."""
    first = next(iter(tunings.values()))
    grid = [c for c, _, _ in first.results]
    for tuning in tunings.values():
        if [c for c, _, _ in tuning.results] != grid or grid[0].kind != "popularity":
            raise ValueError("joint choice needs one grid, popularity first, for every set")
    ratios = {
        n: min(
            getattr(t.results[n][1], METRIC) / (getattr(t.results[0][1], METRIC) or 1e-12)
            for t in tunings.values()
        )
        for n, c in enumerate(grid)
        if c.kind in kinds
    }
    if not ratios:
        raise ValueError(f"no candidate of kind {', '.join(kinds)} in the grid")
    for tuning in tunings.values():
        tuning.figures["worst_ratio"] = {grid[n].label(): r for n, r in ratios.items()}
    return grid[max(ratios, key=lambda n: (ratios[n], -n))]


def score_test(split: Split, candidate: Candidate, base: TrainingConfig | None = None):
    """The candidate refitted on the whole training data, scored on the test split, and
    popularity on the same: (metrics, popularity's)."""
    test = evaluate(scorer(candidate, split, base), split.train, split.users, split.held_out)
    popular = evaluate(popularity_scorer(split.train), split.train, split.users, split.held_out)
    return test, popular


def train_part(split: Split) -> Split:
    """A split's training part only (its test held-out courses and learners dropped)."""
    empty = sp.csr_matrix(split.train.shape, dtype=np.float32)
    return Split(split.train, np.zeros(0, dtype=np.int64), empty, split.times)


def protocol(
    split: Split,
    grid: Iterable[Candidate],
    *,
    learners: int = 0,
    seed: int = 42,
    folds: int = 1,
    base: TrainingConfig | None = None,
    log: Any = None,
) -> Report:
    """Choose on validation carved from `split.train`, then score the test once."""
    tuning = choose(
        train_part(split), grid, learners=learners, seed=seed, folds=folds, base=base, log=log
    )
    test, popular = score_test(split, tuning.chosen, base)
    return Report(tuning, test, popular)

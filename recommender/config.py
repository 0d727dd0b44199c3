"""What a training run does: event weights, recency decay, the model and its hyper-parameters."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

# Confidence added to a (learner, course) pair by one event of each kind. Undo events take back
# what their counterpart gave; a pair whose total falls to zero or below is not a positive.
DEFAULT_EVENT_WEIGHTS: dict[str, float] = {
    "view": 1.0,
    "start": 2.0,
    "progress": 0.5,
    "like": 4.0,
    "unlike": -4.0,
    "save": 4.0,
    "unsave": -4.0,
    "share": 3.0,
    "complete": 6.0,
    "note": 3.0,
    "comment": 2.0,
    # Rating a course tells that the learner engaged with it, whatever the stars: as a view.
    "rate": 1.0,
}
# Kinds a learner can repeat at will (reloading a page, pressing "share" again): one event of
# each counts per (learner, course, UTC day), so a script cannot buy confidence by repeating.
# Likes and saves are not here (undo events net them out), nor progress (one event per lesson
# finished, written once).
ONCE_PER_DAY = frozenset({"view", "share", "note", "comment", "rate", "start", "complete"})
MODELS = ("als", "bpr")
# What production training (the nightly job, `lifelong recommender train`) may fit. BPR is kept
# to the benchmarks: on MOOCCubeX's validation split its old defaults (learning rate 0.01, 15
# iterations) scored below popularity and a tuned one (0.05, 60 iterations) stayed far below
# ALS (docs/recommender.md, "Validation"), and serving's fold-in is ALS algebra.
PRODUCTION_MODELS = ("als",)
# Where the factorisation runs: the implicit library in this process, or Spark MLlib's ALS
# (recommender/spark_als.py) on a Spark master. Both write the same artefact.
BACKENDS = ("implicit", "spark")
# Where an event's age is measured from: the learner's own most recent event ("learner": a
# learner whose whole history is old keeps full weight on their latest courses, so decay only
# orders a learner's own courses and cannot sink learners with long or old histories), or the
# time of the training run ("now": the pre-2026-12 behaviour, kept for comparison).
DECAY_FROM = ("learner", "now")


@dataclass(frozen=True)
class TrainingConfig:
    """Settings of one training run (stored in the artefact it produces)."""

    # The defaults of the model, its hyper-parameters and the recency decay are the ALS
    # configuration chosen on validation splits of MOOCCubeX and MovieLens 100k jointly
    # (bench/recommender_validation.py; docs/recommender.md, "Validation"; 2026-12-01).
    model: str = "als"
    backend: str = "implicit"
    factors: int = 64
    regularization: float = 10.0
    # ALS confidence: alpha × weight (implicit's form of Hu, Koren & Volinsky).
    alpha: float = 5.0
    iterations: int = 15
    learning_rate: float = 0.01  # BPR only
    event_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_EVENT_WEIGHTS))
    # An event loses half its weight every `half_life_days` of age, measured as `decay_from`
    # says; 0 turns decay off. Chosen on validation splits (docs/recommender.md, "Validation").
    half_life_days: float = 0.0
    decay_from: str = "learner"
    # A course loses half its weight for every `half_life_courses` other courses the learner
    # turned to since (courses ranked by their latest event, the learner's own most recent
    # course first, weight 1); 0 turns it off. Multiplies the decay by days.
    half_life_courses: float = 5.0
    # Only events of the last `window_days` are read; 0 reads all.
    window_days: int = 365
    # Learners held out for evaluation (one interaction each, their most recent).
    evaluation_learners: int = 10_000
    seed: int = 42
    threads: int = 0  # 0: as many as cores

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {', '.join(MODELS)}, not {self.model!r}")
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {self.backend!r}")
        if self.backend == "spark" and self.model != "als":
            raise ValueError("the spark backend trains ALS only (Spark MLlib has no BPR)")
        if self.factors < 1 or self.iterations < 1:
            raise ValueError("factors and iterations must be positive")
        if self.decay_from not in DECAY_FROM:
            raise ValueError(f"decay_from must be one of {', '.join(DECAY_FROM)}")
        if self.half_life_days < 0 or self.window_days < 0 or self.half_life_courses < 0:
            raise ValueError("half-lives and window_days may not be negative")

    def decay(self, age_seconds):
        """What share of its weight an event of this age (seconds, a number or an array of
        them; negative ages count as 0) keeps: halved every `half_life_days`."""
        if not self.half_life_days:
            return np.ones_like(age_seconds, dtype=np.float64)
        age_days = np.maximum(age_seconds, 0) / 86_400
        return np.exp2(-age_days / self.half_life_days)

    def event_ages(self, users, seconds, now: float):
        """Age in seconds of each event (`users` and `seconds` parallel arrays): from the same
        learner's most recent event in the arrays when `decay_from` is "learner", else from
        `now` (seconds since 1970)."""
        seconds = np.asarray(seconds, dtype=np.float64)
        if self.decay_from == "now" or not len(seconds):
            return now - seconds
        _ids, rows = np.unique(np.asarray(users), return_inverse=True)
        latest = np.full(len(_ids), -np.inf)
        np.maximum.at(latest, rows, seconds)
        return latest[rows] - seconds

    def recency(self, users, items, seconds, now: float) -> np.ndarray:
        """The share of its weight each event keeps (`users`, `items`, `seconds`: parallel
        arrays): the decay by age (`event_ages`) times the decay by the rank of the event's
        course among the learner's courses, most recent first."""
        factor = np.asarray(self.decay(self.event_ages(users, seconds, now)), dtype=np.float64)
        if self.half_life_courses and len(factor):
            factor = factor * np.exp2(-course_ranks(users, items, seconds) / self.half_life_courses)
        return factor

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON-able data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingConfig:
        """Settings from plain data (unknown keys are refused)."""
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown training settings: {', '.join(sorted(unknown))}")
        return cls(**data)


def course_ranks(users, items, seconds) -> np.ndarray:
    """For each event, how many other courses of the same learner have a later latest event
    (0 for the events of the learner's most recent course; equal times rank by course id)."""
    users = np.asarray(users)
    seconds = np.asarray(seconds, dtype=np.float64)
    _u, user_rows = np.unique(users, return_inverse=True)
    _i, item_cols = np.unique(np.asarray(items), return_inverse=True)
    pairs, pair_of = np.unique(
        user_rows.astype(np.int64) * len(_i) + item_cols, return_inverse=True
    )
    latest = np.full(len(pairs), -np.inf)
    np.maximum.at(latest, pair_of, seconds)
    pair_user = pairs // len(_i)
    order = np.lexsort((pairs % len(_i), -latest, pair_user))
    starts = np.r_[0, np.flatnonzero(pair_user[order][1:] != pair_user[order][:-1]) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    rank = np.empty(len(pairs), dtype=np.float64)
    rank[order] = np.arange(len(order)) - first
    return rank[pair_of]

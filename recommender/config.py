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
# Where the factorisation runs: the implicit library in this process, or Spark MLlib's ALS
# (recommender/spark_als.py) on a Spark master. Both write the same artefact.
BACKENDS = ("implicit", "spark")


@dataclass(frozen=True)
class TrainingConfig:
    """Settings of one training run (stored in the artefact it produces)."""

    model: str = "als"
    backend: str = "implicit"
    factors: int = 64
    regularization: float = 0.01
    # ALS confidence: alpha × weight (implicit's form of Hu, Koren & Volinsky).
    alpha: float = 20.0
    iterations: int = 15
    learning_rate: float = 0.01  # BPR only
    event_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_EVENT_WEIGHTS))
    # An event loses half its weight every `half_life_days`; 0 turns decay off.
    half_life_days: float = 90.0
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
        if self.half_life_days < 0 or self.window_days < 0:
            raise ValueError("half_life_days and window_days may not be negative")

    def decay(self, age_seconds):
        """What share of its weight an event of this age (seconds, a number or an array of
        them; negative ages count as 0) keeps: halved every `half_life_days`."""
        if not self.half_life_days:
            return np.ones_like(age_seconds, dtype=np.float64)
        age_days = np.maximum(age_seconds, 0) / 86_400
        return np.exp2(-age_days / self.half_life_days)

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

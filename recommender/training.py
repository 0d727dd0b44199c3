"""Fitting a model on a confidence matrix: implicit's ALS or BPR in this process, with BLAS kept
to one thread, or Spark MLlib's ALS (`config.backend == "spark"`, recommender/spark_als.py)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

# Imported before threadpool_limits is entered: a BLAS library loaded inside the block would
# keep its default thread count.
from implicit.cpu.als import AlternatingLeastSquares
from implicit.cpu.bpr import BayesianPersonalizedRanking
from threadpoolctl import threadpool_limits

from recommender.config import TrainingConfig
from recommender.evaluation import Scorer


@dataclass
class Factors:
    """Learner and course factors of a fitted model."""

    users: np.ndarray  # float32, learners × factors
    items: np.ndarray  # float32, courses × factors
    seconds: float = 0.0
    # What the backend reports about the fit (Spark: master, version, start-up time…).
    figures: dict[str, Any] = field(default_factory=dict)

    def scorer(self) -> Scorer:
        """Scores of every course for the given learner rows."""
        return lambda rows: self.users[rows] @ self.items.T


def fit(matrix: sp.csr_matrix, config: TrainingConfig, *, spark: Any = None) -> Factors:
    """Fit the configured model on a learners × courses confidence matrix. For the spark
    backend, `spark` is a running SparkSession to use, or `spark_als.SparkOptions` to start
    one for this fit (None: the defaults, `local[*]`)."""
    if config.backend == "spark":
        from recommender.spark_als import fit_with_spark

        return fit_with_spark(matrix, config, spark)
    # implicit parallelises its own loops; BLAS threads on top of that oversubscribe the cores
    # (implicit warns about it), so BLAS gets one thread for the fit.
    threads = config.threads or os.cpu_count() or 1
    started = time.perf_counter()
    with threadpool_limits(1, "blas"):
        model = _model(config, threads)
        model.fit(_confidence(matrix, config), show_progress=False)
    users, items = model.user_factors, model.item_factors
    if hasattr(users, "to_numpy"):  # GPU models
        users, items = users.to_numpy(), items.to_numpy()
    return Factors(
        np.ascontiguousarray(users, dtype=np.float32),
        np.ascontiguousarray(items, dtype=np.float32),
        time.perf_counter() - started,
    )


def _model(config: TrainingConfig, threads: int):
    if config.model == "bpr":
        return BayesianPersonalizedRanking(
            factors=config.factors,
            learning_rate=config.learning_rate,
            regularization=config.regularization,
            iterations=config.iterations,
            num_threads=threads,
            random_state=config.seed,
        )
    return AlternatingLeastSquares(
        factors=config.factors,
        regularization=config.regularization,
        alpha=config.alpha,
        iterations=config.iterations,
        num_threads=threads,
        random_state=config.seed,
        calculate_training_loss=False,
    )


def _confidence(matrix: sp.csr_matrix, config: TrainingConfig) -> sp.csr_matrix:
    # ALS scales confidences by alpha itself; BPR only needs which pairs are positive.
    matrix = matrix.astype(np.float32).tocsr()
    if config.model == "bpr":
        matrix = matrix.copy()
        matrix.data[:] = 1.0
    return matrix

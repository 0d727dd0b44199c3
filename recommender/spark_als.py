"""The Spark backend: the same ALS fit on Spark MLlib, for activity beyond one machine's fit.

Only the factorisation runs on Spark. Reading the events, the hold-out split, the evaluation,
the content vocabulary and the artefact stay where the training run runs (the driver), so a
Spark-trained version is the same artefact as an implicit-trained one: `factors.npz` with
float32 learner and course factors in the rows of the id maps, `meta.json` with the
configuration (`backend: "spark"`), figures and metrics.

Conventions, so that the numbers in `TrainingConfig` mean what they mean for implicit and for
the fold-in at serving time (recommender/foldin.py):
- Confidence. implicit gives a positive of weight r the confidence c = alpha·r; Spark gives it
  1 + alpha·r'. Spark is handed r' = r − 1/alpha, so its confidence is alpha·r too. Spark has no
  confidence below 1 for a positive: a pair with alpha·r < 1 (a faint, decayed event) gets
  r' = `MIN_RATING`, a confidence of 1.
- Regularisation. Spark multiplies λ by each learner's (course's) number of positives (ALS-WR);
  implicit and the serving fold-in do not. Spark is handed λ divided by the mean number of
  positives of a learner (`spark_regularization`), so an average learner gets the penalty
  implicit gives; active learners and popular courses still get more (docs/recommender.md).
  Handing λ over unchanged was harmless while the default λ was 0.01; at the default chosen by
  validation (10) it shrank every factor to nothing (HR@10 0.005 against implicit's 0.22).

pyspark is imported only when Spark is used: the implicit backend does not need it installed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
import time
from array import array
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from recommender.config import TrainingConfig
from recommender.training import Factors

if TYPE_CHECKING:
    from pyspark import SparkContext
    from pyspark.sql import DataFrame, SparkSession

# The smallest rating Spark is handed for a positive (its confidence is then 1 + tiny).
MIN_RATING = 1e-6
# Ratings are sent to Spark in chunks of this many (learner, course, rating) triples.
CHUNK = 100_000
# ALS's lineage grows by one step an iteration; checkpointing every few iterations keeps it
# short (without it, 15 iterations overflowed the executor's stack deserialising a task).
CHECKPOINT_INTERVAL = 5
# Checkpoint directory (as Spark names it) → the scratch folder this module made for it.
_SCRATCH: dict[str, str] = {}
INSTALL_HINT = "pip install -c constraints.txt -e '.[spark]'"


class SparkUnavailable(RuntimeError):
    """Spark cannot run here: pyspark or Java is missing, or the JVM did not start."""


@dataclass(frozen=True)
class SparkOptions:
    """Where and how to start Spark for a training run (deployment, not model, settings)."""

    master: str = "local[*]"
    app_name: str = "lifelong-recommender"
    # Extra Spark settings; everything else comes from Spark's own spark-defaults.conf
    # (SPARK_CONF_DIR), e.g. spark.driver.memory or spark.checkpoint.dir.
    conf: Mapping[str, str] = field(default_factory=dict)


def java_command() -> str | None:
    """The java binary pyspark will launch (JAVA_HOME's, else the one on PATH), or None."""
    home = os.environ.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        return str(java) if java.is_file() else None
    return shutil.which("java")


def spark_unavailable() -> str | None:
    """Why the Spark backend cannot run on this machine, or None when it can."""
    if importlib.util.find_spec("pyspark") is None:
        return f"pyspark is not installed ({INSTALL_HINT})"
    if java_command() is None:
        home = os.environ.get("JAVA_HOME")
        where = f"JAVA_HOME={home} has no bin/java" if home else "no java on PATH"
        return (
            f"Java is not installed ({where}): Spark needs Java 17 or newer "
            "(apt-get install default-jre-headless, or set JAVA_HOME)"
        )
    return None


def spark_ratings(weights: np.ndarray, alpha: float) -> np.ndarray:
    """The ratings to hand Spark so that its confidence 1 + alpha·r' equals implicit's
    alpha·r for each weight r (at least `MIN_RATING`: a positive stays a positive)."""
    ratings = np.asarray(weights, dtype=np.float64) - 1.0 / alpha
    return np.maximum(ratings, MIN_RATING).astype(np.float32)


@contextmanager
def spark_session(options: SparkOptions | None = None) -> Iterator[SparkSession]:
    """A SparkSession for the block; on leaving, the session is stopped and its JVM ended.

    A session already running in this process is used as it is and left running (its master
    and settings win over `options`)."""
    reason = spark_unavailable()
    if reason:
        raise SparkUnavailable(reason)
    from pyspark import SparkContext
    from pyspark.errors import PySparkRuntimeError
    from pyspark.sql import SparkSession

    if SparkContext._active_spark_context is not None:
        yield SparkSession.builder.getOrCreate()
        return
    options = options or SparkOptions()
    settings = {"spark.ui.showConsoleProgress": "false"}
    if options.master.startswith("local"):
        # Everything runs in this machine's JVM: listen on loopback only.
        settings |= {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    builder = SparkSession.builder.master(options.master).appName(options.app_name)
    for key, value in {**settings, **options.conf}.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except PySparkRuntimeError as exc:
        stop_spark()
        raise SparkUnavailable(
            f"Spark did not start ({exc}); it needs Java 17 or newer at {java_command()}"
        ) from exc
    try:
        yield spark
    finally:
        stop_spark(spark)


def jvm_process() -> subprocess.Popen | None:
    """The JVM pyspark launched for this process, if one is running."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    return getattr(gateway, "proc", None) if gateway is not None else None


def stop_spark(spark: SparkSession | None = None, timeout: float = 60.0) -> None:
    """Stop the session and end the JVM behind it (a stopped session keeps its JVM alive
    until Python exits; a long-lived worker should not)."""
    from pyspark import SparkContext

    if spark is not None:
        spark.stop()
    gateway = SparkContext._gateway
    if gateway is None:
        return
    proc = getattr(gateway, "proc", None)
    try:
        gateway.shutdown()
    finally:
        SparkContext._gateway = None
        SparkContext._jvm = None
        if proc is not None:
            # The JVM exits when its stdin closes (pyspark's gateway server reads it to EOF).
            if proc.stdin is not None:
                proc.stdin.close()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def fit_with_spark(
    matrix: sp.csr_matrix, config: TrainingConfig, spark: SparkSession | SparkOptions | None
) -> Factors:
    """Fit on the given session, or on one started (and ended) for this fit."""
    if spark is not None and not isinstance(spark, SparkOptions):
        return fit_spark(matrix, config, spark)
    started = time.perf_counter()
    with spark_session(spark) as session:
        ready = time.perf_counter() - started
        factors = fit_spark(matrix, config, session)
    factors.figures["spark_start_seconds"] = round(ready, 2)
    return factors


def spark_regularization(regularization: float, matrix: sp.spmatrix) -> float:
    """Spark's λ for implicit's: divided by the mean number of positives of a learner with
    any (Spark scales λ by each learner's count, implicit does not)."""
    counts = np.diff(matrix.tocsr().indptr)
    active = counts[counts > 0]
    return regularization / float(active.mean()) if len(active) else regularization


def fit_spark(matrix: sp.csr_matrix, config: TrainingConfig, spark: SparkSession) -> Factors:
    """Spark MLlib's implicit-feedback ALS on a learners × courses confidence matrix; learners
    and courses without a positive get zero factors (as implicit leaves them)."""
    from pyspark.ml.recommendation import ALS

    if config.backend != "spark" or config.model != "als":
        raise ValueError("fit_spark fits the spark backend's ALS only")
    started = time.perf_counter()
    context = spark.sparkContext
    scratch = _checkpoint_folder(context)
    blocks = max(1, context.defaultParallelism)
    try:
        ratings = _ratings_frame(spark, matrix.tocsr(), config.alpha)
        model = ALS(
            rank=config.factors,
            maxIter=config.iterations,
            regParam=spark_regularization(config.regularization, matrix),
            alpha=config.alpha,
            implicitPrefs=True,
            seed=config.seed,
            numUserBlocks=blocks,
            numItemBlocks=blocks,
            checkpointInterval=CHECKPOINT_INTERVAL,
            userCol="user",
            itemCol="item",
            ratingCol="rating",
        ).fit(ratings)
        users = _collect(model.userFactors, matrix.shape[0], config.factors)
        items = _collect(model.itemFactors, matrix.shape[1], config.factors)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return Factors(
        users,
        items,
        time.perf_counter() - started,
        figures={
            "spark_master": context.master,
            "spark_version": spark.version,
            "spark_blocks": blocks,
        },
    )


def _checkpoint_folder(context: SparkContext) -> str | None:
    """Give a context without a checkpoint directory a local scratch folder for one (enough in
    local mode; on a cluster set spark.checkpoint.dir to shared storage); returns that folder
    when the checkpoints are ours to delete after a fit (Spark makes it again when needed)."""
    current = context.getCheckpointDir()
    if current is None:
        root = tempfile.mkdtemp(prefix="lifelong-spark-")
        context.setCheckpointDir(root)
        _SCRATCH[context.getCheckpointDir()] = root
        return root
    return _SCRATCH.get(current)


def _ratings_frame(spark: SparkSession, matrix: sp.csr_matrix, alpha: float) -> DataFrame:
    """(user, item, rating) rows, sent as raw bytes in chunks through the driver (no shared
    storage needed) and unpacked on the executors with the standard library only."""
    from pyspark.sql.types import FloatType, IntegerType, StructField, StructType

    coo = matrix.tocoo()
    users = coo.row.astype(np.int32)
    items = coo.col.astype(np.int32)
    ratings = spark_ratings(coo.data, alpha)
    chunks = [
        (
            users[at : at + CHUNK].tobytes(),
            items[at : at + CHUNK].tobytes(),
            ratings[at : at + CHUNK].tobytes(),
        )
        for at in range(0, len(users), CHUNK)
    ]

    def unpack(chunk):
        return zip(array("i", chunk[0]), array("i", chunk[1]), array("f", chunk[2]), strict=True)

    schema = StructType(
        [
            StructField("user", IntegerType(), False),
            StructField("item", IntegerType(), False),
            StructField("rating", FloatType(), False),
        ]
    )
    rows = spark.sparkContext.parallelize(chunks, max(1, len(chunks))).flatMap(unpack)
    return spark.createDataFrame(rows, schema)


def _collect(frame: DataFrame, count: int, rank: int) -> np.ndarray:
    """(id, features) rows into a float32 array with one row per id, zeros where absent;
    streamed a partition at a time, never all rows in Python at once."""
    out = np.zeros((count, rank), dtype=np.float32)
    for row in frame.toLocalIterator():
        out[row[0]] = row[1]
    return out

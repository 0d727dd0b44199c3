"""Benchmark: the Spark MLlib ALS backend against implicit's ALS on MOOCCubeX.

.venv/bin/python bench/recommender_spark.py [--data ../shared/data/interactions/mooccubex]
    [--learners N] [--master local[*]]
    [--factors 64 --iterations 15 --alpha 20 --regularization 0.01]

Both backends get the same split (MOOCCubeX as given: one held-out course per learner; with
--learners N a fixed random N of them) and the same hyper-parameters (default: TrainingConfig's).
Each backend is trained in a process of its own, so that its peak memory is its own, and
reports: HR@10 and nDCG@10 with the fitted learner factors and as served (each learner's factors
folded in from their courses with recommender/foldin.py, as a feed computes them), the fit time
(for Spark: handing the ratings over, ALS, collecting the factors; the JVM's start apart), and
the peak resident memory of the Python process and of the JVM.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from recommender import datasets
from recommender.config import TrainingConfig
from recommender.evaluation import Metrics, Scorer, evaluate, popularity_scorer
from recommender.foldin import fold_in, gram
from recommender.training import fit

DEFAULT_DATA = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "interactions" / "mooccubex"
)
BACKENDS = ("implicit", "spark")


def served_scorer(items: np.ndarray, train: sp.csr_matrix, config: TrainingConfig) -> Scorer:
    """Scores with each learner's factors folded in from their training courses, as served."""
    item_gram = gram(items)

    def scores(rows: np.ndarray) -> np.ndarray:
        out = np.zeros((len(rows), items.shape[0]), dtype=np.float32)
        for n, row in enumerate(rows):
            cols = train.indices[train.indptr[row] : train.indptr[row + 1]]
            if len(cols):
                weights = train.data[train.indptr[row] : train.indptr[row + 1]]
                learner = fold_in(
                    items,
                    item_gram,
                    cols,
                    weights,
                    alpha=config.alpha,
                    regularization=config.regularization,
                )
                out[n] = items @ learner.vector
        return out

    return scores


def vm_peak_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load(folder: Path, learners: int, seed: int = 42):
    """(train, learner rows, held out) of MOOCCubeX, or of a fixed random subsample."""
    split = datasets.mooccubex(folder)
    train, held = split.train, split.held_out
    if learners and learners < train.shape[0]:
        rows = np.sort(np.random.default_rng(seed).choice(train.shape[0], learners, False))
        train, held = train[rows].tocsr(), held[rows].tocsr()
    users = np.flatnonzero(np.diff(held.tocsr().indptr))
    return train.tocsr(), users, held.tocsr()


def run(backend: str, args: argparse.Namespace) -> dict:
    """Train one backend and measure it (in this process)."""
    train, users, held = load(args.data, args.learners)
    config = TrainingConfig(
        backend=backend,
        factors=args.factors,
        iterations=args.iterations,
        alpha=args.alpha,
        regularization=args.regularization,
    )
    result: dict = {"backend": backend, "shape": list(train.shape), "nnz": int(train.nnz)}
    if backend == "spark":
        from recommender.spark_als import SparkOptions, jvm_process, spark_session

        started = time.perf_counter()
        with spark_session(SparkOptions(master=args.master)) as spark:
            result["spark_start_seconds"] = time.perf_counter() - started
            factors = fit(train, config, spark=spark)
            result["jvm_peak_mb"] = vm_peak_mb(jvm_process().pid)
        result.update(factors.figures)
    else:
        factors = fit(train, config)
    result["fit_seconds"] = factors.seconds
    metrics = {
        "popularity": evaluate(popularity_scorer(train), train, users, held),
        "trained": evaluate(factors.scorer(), train, users, held),
        "served": evaluate(served_scorer(factors.items, train, config), train, users, held),
    }
    result["metrics"] = {name: m.to_dict() for name, m in metrics.items()}
    result["python_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def row(name: str, metrics: dict) -> str:
    """HR@10 and nDCG@10 of one scorer."""
    m = Metrics(**metrics)
    return f"{name} HR@10 {m.hit_rate:.4f} nDCG@10 {m.ndcg:.4f}"


def main() -> None:
    """Train each backend in a child process and print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--learners", type=int, default=0, help="0: every learner")
    parser.add_argument("--master", default="local[*]")
    defaults = TrainingConfig()
    parser.add_argument("--factors", type=int, default=defaults.factors)
    parser.add_argument("--iterations", type=int, default=defaults.iterations)
    parser.add_argument("--alpha", type=float, default=defaults.alpha)
    parser.add_argument("--regularization", type=float, default=defaults.regularization)
    parser.add_argument("--backend", choices=BACKENDS, help="(internal) run one backend here")
    args = parser.parse_args()
    if args.backend:
        print(json.dumps(run(args.backend, args), default=float))
        return
    if not args.data.is_dir():
        sys.exit(f"{args.data} is absent")
    passed = list(sys.argv[1:])
    results = {}
    for backend in BACKENDS:
        started = time.perf_counter()
        child = subprocess.run(
            [sys.executable, __file__, *passed, "--backend", backend],
            capture_output=True,
            text=True,
        )
        if child.returncode:
            sys.exit(f"{backend} failed:\n{child.stderr[-4000:]}")
        results[backend] = json.loads(child.stdout.strip().splitlines()[-1])
        results[backend]["wall_seconds"] = time.perf_counter() - started
    first = results["implicit"]
    learners, courses = first["shape"]
    print(
        f"MOOCCubeX: {learners:,} learners × {courses:,} courses, {first['nnz']:,} enrolments; "
        f"{args.factors} factors, λ {args.regularization}, alpha {args.alpha:g}, "
        f"{args.iterations} iterations"
    )
    print("  " + row("popularity", first["metrics"]["popularity"]))
    for backend, result in results.items():
        print(f"  {backend}:")
        print("    " + row("trained factors", result["metrics"]["trained"]))
        print("    " + row("served (fold-in)", result["metrics"]["served"]))
        timing = f"fit {result['fit_seconds']:.1f} s"
        if backend == "spark":
            timing += (
                f" on {result['spark_master']} (Spark {result['spark_version']}), "
                f"JVM start {result['spark_start_seconds']:.1f} s"
            )
        print(f"    {timing}; whole process {result['wall_seconds']:.1f} s")
        memory = f"peak RSS: Python {result['python_peak_mb']:.0f} MB"
        if backend == "spark":
            memory += f", JVM {result['jvm_peak_mb']:.0f} MB"
        print(f"    {memory}")
    ratio = (
        results["spark"]["metrics"]["trained"]["hit_rate"] / first["metrics"]["trained"]["hit_rate"]
    )
    print(f"  Spark HR@10 / implicit HR@10: {ratio:.3f}")


if __name__ == "__main__":
    main()

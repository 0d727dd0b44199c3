"""Benchmark: recommendation quality on public datasets, with the project's own code.

.venv/bin/python bench/recommender_quality.py [--data ../shared/data/interactions]

Prints HR@10, nDCG@10, precision@10, recall@10 and coverage for the popularity baseline and
for the default training configuration (recommender.config.TrainingConfig) on the XuetangX
enrolments of MOOCCubeX (one held-out course per learner, as given) and MovieLens 100k (each
user's most recent rating held out).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from recommender import datasets
from recommender.config import TrainingConfig
from recommender.evaluation import Metrics, evaluate, popularity_scorer
from recommender.training import fit

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "interactions"


def line(name: str, metrics: Metrics) -> str:
    """One row of figures."""
    return (
        f"  {name:<12} HR@10 {metrics.hit_rate:.4f}  nDCG@10 {metrics.ndcg:.4f}  "
        f"P@10 {metrics.precision:.4f}  R@10 {metrics.recall:.4f}  "
        f"coverage {metrics.coverage:.3f}  ({metrics.learners:,} learners)"
    )


def main() -> None:
    """Evaluate popularity and the default model on each dataset present."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--model", default="als", choices=("als", "bpr"))
    args = parser.parse_args()
    config = TrainingConfig(model=args.model)
    loaders = {
        "MOOCCubeX": (datasets.mooccubex, args.data / "mooccubex"),
        "MovieLens 100k": (datasets.movielens_100k, args.data / "movielens-100k"),
    }
    for name, (load, folder) in loaders.items():
        if not folder.is_dir():
            print(f"{name}: {folder} is absent, skipped")
            continue
        split = load(folder)
        print(f"{name}: {split.train.shape[0]:,} × {split.train.shape[1]:,}, {split.train.nnz:,}")
        print(
            line(
                "popularity",
                evaluate(popularity_scorer(split.train), split.train, split.users, split.held_out),
            )
        )
        started = time.perf_counter()
        factors = fit(split.train, config)
        metrics = evaluate(factors.scorer(), split.train, split.users, split.held_out)
        print(
            line(config.model, metrics)
            + f"  fit {factors.seconds:.1f} s, total {time.perf_counter() - started:.1f} s"
        )


if __name__ == "__main__":
    main()

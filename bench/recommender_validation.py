"""Benchmark: hyper-parameters chosen on validation only, the test split scored once.

.venv/bin/python bench/recommender_validation.py [--data ../shared/data/interactions]
    [--only mooccubex|movielens] [--production-only]

For each public data set (recommender/datasets.py) it carves a validation split out of the
training data (recommender/tuning.py: one pair per learner held out, the latest when times are
known — MovieLens — else a random one — MOOCCubeX, whose KGAT files carry no times), prints
every candidate of the grid with its validation HR@10 and nDCG@10, the choice (best validation
nDCG@10), then the chosen model refitted on the whole training data and scored once on the
test split beside popularity. MOOCCubeX's validation is scored on a sample of learners
(20,000 of 97,722; every learner still trains) to keep a run in minutes on 2 cores;
MovieLens's on 3 folds (943 learners make one fold noisy). The production default is then
chosen jointly over the ALS candidates (`tuning.joint_choice`).

Then the production configuration (the default TrainingConfig, what `lifelong recommender
train` and the nightly job use), scored once on each test split, and the recency variants:
decay from each learner's latest event (the default), the old 90-day decay from the run's
time, and none.
"""

from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import replace
from pathlib import Path

from recommender import datasets
from recommender.config import TrainingConfig
from recommender.evaluation import Metrics, Split, evaluate, popularity_scorer
from recommender.tuning import (
    Candidate,
    Tuning,
    choose,
    fit_config,
    joint_choice,
    score_test,
    train_part,
)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "interactions"
# MOOCCubeX validation is scored on this many learners (all of them train).
LEARNERS = 20_000


def mooccubex_grid() -> list[Candidate]:
    """Every model kind on MOOCCubeX (no times: decay variants are fitted once)."""
    grid = [Candidate.of("popularity")]
    grid += production_grid()  # decay variants cost nothing here: no times, one fit each
    grid += [Candidate.of("bpr", factors=64, learning_rate=0.05, iterations=60)]
    # EASE at 200 and BM25 neighbours lost clearly in the first run (docs/benchmarks.md).
    grid += [Candidate.of("ease", l2=l2) for l2 in (20.0, 50.0)]
    grid += [Candidate.of("itemknn", measure="cosine", neighbours=100)]
    return grid


def movielens_grid() -> list[Candidate]:
    """Every model kind on MovieLens, ALS with the half-life too."""
    grid = [Candidate.of("popularity"), *production_grid()]
    grid += [
        Candidate.of("bpr", factors=64, learning_rate=lr, iterations=it)
        for lr, it in ((0.01, 15), (0.05, 60))
    ]
    grid += [Candidate.of("ease", l2=l2) for l2 in (100.0, 300.0)]
    grid += [Candidate.of("itemknn", measure=m, neighbours=100) for m in ("cosine", "bm25")]
    return grid


# Recency variants: (half-life in days from the learner's latest event, half-life in courses).
RECENCY = ((0.0, 0.0), (7.0, 0.0), (0.0, 5.0), (0.0, 10.0), (0.0, 30.0))


def production_grid() -> list[Candidate]:
    """What production may train (ALS): factors, alpha and recency (regularisation 10: in a
    first run with 0.1 too, 0.1 and 10 were within 0.003 nDCG@10 on MOOCCubeX and 10 was
    better on MovieLens; docs/benchmarks.md)."""
    return [
        Candidate.of(
            "als",
            factors=factors,
            alpha=alpha,
            regularization=10.0,
            iterations=15,
            half_life_days=days,
            half_life_courses=courses,
        )
        for factors, alpha, (days, courses) in itertools.product((64, 128), (5.0, 20.0), RECENCY)
    ]


PRODUCTION = set(production_grid())


def row(name: str, metrics: Metrics, popular: Metrics | None = None) -> str:
    """One line of figures (with the ratios to popularity when given)."""
    text = f"  {name:<72} HR@10 {metrics.hit_rate:.4f}  nDCG@10 {metrics.ndcg:.4f}"
    if popular is not None and popular.hit_rate and popular.ndcg:
        text += (
            f"  ({metrics.hit_rate / popular.hit_rate:.2f}× / "
            f"{metrics.ndcg / popular.ndcg:.2f}× popularity)"
        )
    return text


def load(data: Path, only: str | None) -> dict[str, tuple[Split, list[Candidate], int, int]]:
    """The data sets present: (split, grid, validation learners, folds)."""
    sets = {}
    for key, name, loader, grid, learners, folds in (
        ("mooccubex", "MOOCCubeX", datasets.mooccubex, mooccubex_grid, LEARNERS, 1),
        ("movielens-100k", "MovieLens 100k", datasets.movielens_100k, movielens_grid, 0, 3),
    ):
        if only and not key.startswith(only):
            continue
        if not (data / key).is_dir():
            print(f"{name}: {data / key} is absent, skipped")
            continue
        sets[name] = (loader(data / key), grid(), learners, folds)
    return sets


def tune(name: str, split: Split, grid: list[Candidate], learners: int, folds: int) -> Tuning:
    """Validation on the training part only; prints every candidate."""
    print(f"\n{name}: {split.train.shape[0]:,} × {split.train.shape[1]:,}, {split.train.nnz:,}")
    print(
        f"validation (carved from the training data only; {len(grid)} candidates, {folds} fold(s)):"
    )
    tuning = choose(
        train_part(split),
        grid,
        learners=learners,
        folds=folds,
        log=lambda c, m, s: print(row(c.label(), m) + f"  {s:.1f} s", flush=True),
    )
    print(f"  ({tuning.validation_learners:,} held-out pairs in all)")
    return tuning


def test_once(name: str, split: Split, candidate: Candidate, what: str) -> None:
    """The candidate refitted on all training data and scored once on the test split."""
    test, popular = score_test(split, candidate)
    print(f"{name}, {what}: {candidate.label()}")
    print(f"  test ({test.learners:,} learners):")
    print(row("popularity", popular))
    print(row(candidate.label(), test, popular), flush=True)


def recency(name: str, split: Split) -> None:
    """The production default and recency variants on the test split (MovieLens: times)."""
    popular = evaluate(popularity_scorer(split.train), split.train, split.users, split.held_out)
    default = TrainingConfig()
    variants = {
        "production default": default,
        "default, decay 90 d from the run's time (before)": replace(
            default, half_life_days=90.0, decay_from="now", half_life_courses=0.0
        ),
        "default, 90 d from the learner's latest": replace(
            default, half_life_days=90.0, half_life_courses=0.0
        ),
        "default, no decay": replace(default, half_life_days=0.0, half_life_courses=0.0),
        "the configuration before 2026-12 (64, alpha 20, reg 0.01, 90 d from now)": TrainingConfig(
            factors=64,
            alpha=20.0,
            regularization=0.01,
            half_life_days=90.0,
            decay_from="now",
            half_life_courses=0.0,
        ),
    }
    if split.times is None:  # no times: decay changes nothing
        variants = {k: v for k, v in variants.items() if k.startswith(("production", "the conf"))}
    print(f"\n{name}, production configuration ({_describe(default)}), test:")
    print(row("popularity", popular))
    for label, config in variants.items():
        metrics = evaluate(fit_config(split, config), split.train, split.users, split.held_out)
        print(row(label, metrics, popular), flush=True)


def _describe(config: TrainingConfig) -> str:
    return (
        f"{config.model}, {config.factors} factors, alpha {config.alpha:g}, "
        f"regularisation {config.regularization:g}, {config.iterations} iterations, "
        f"half-life {config.half_life_days:g} d from the {config.decay_from}, "
        f"{config.half_life_courses:g} courses"
    )


def main() -> None:
    """Tune each data set, choose the production default jointly, score the tests once."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", choices=("mooccubex", "movielens"))
    parser.add_argument(
        "--production-only",
        action="store_true",
        help="only the production default and its recency variants on the test splits",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    sets = load(args.data, args.only)
    if args.production_only:
        for name, (split, *_rest) in sets.items():
            recency(name, split)
        print(f"\ntotal {time.perf_counter() - started:.0f} s")
        return
    tunings = {name: tune(name, *entry) for name, entry in sets.items()}
    print("\nchosen on validation, per data set (any model kind):")
    for name, tuning in tunings.items():
        print(f"  {name}: {tuning.chosen.label()}")
    for name, tuning in tunings.items():
        test_once(name, sets[name][0], tuning.chosen, "best on validation, any kind")
    if len(tunings) > 1:
        # Both grids list production_grid() in the same order after popularity.
        shared = {
            name: Tuning(
                [r for r in t.results if r[0].kind == "popularity" or r[0] in PRODUCTION],
                t.chosen,
                t.validation_learners,
            )
            for name, t in tunings.items()
        }
        default = joint_choice(shared)
        print("\nproduction default (ALS, best worst-case ratio to popularity on validation):")
        print(f"  {default.label()}")
        for name, tuning in shared.items():
            popular = tuning.results[0][1].ndcg
            mine = next(m for c, m, _ in tuning.results if c == default).ndcg
            print(f"  {name}: validation nDCG@10 {mine:.4f} = {mine / popular:.2f}× popularity")
    for name, (split, *_rest) in sets.items():
        recency(name, split)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

"""The validation protocol (recommender/tuning.py): hyper-parameters are chosen on a split
carved from the training data only, and the test split is scored once; floors on public data.

Floors measured 2026-12-01 with bench/recommender_validation.py (docs/benchmarks.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from recommender import datasets
from recommender.config import TrainingConfig
from recommender.evaluation import Split, evaluate, popularity_scorer
from recommender.tuning import (
    Candidate,
    carve_validation,
    choose,
    fit_config,
    protocol,
    score_test,
)

# What bench/recommender_validation.py chose on MOOCCubeX's validation split (2026-12-01).
MOOCCUBEX_CHOICE = Candidate.of("ease", l2=20.0)


def folder(shared_data: Path, name: str) -> Path:
    path = shared_data / "interactions" / name
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    return path


def clustered(seed: int = 0, learners: int = 300, courses: int = 60) -> sp.csr_matrix:
    """Learners keeping to one of three groups of courses, 8 courses each."""
    rng = np.random.default_rng(seed)
    rows, cols = [], []
    for user in range(learners):
        group = np.arange(courses)[user % 3 :: 3]
        for course in rng.choice(group, size=8, replace=False):
            rows.append(user)
            cols.append(int(course))
    return sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(learners, courses)
    )


def test_carving_holds_out_each_learners_latest_pair_from_training_only():
    train = sp.csr_matrix(np.array([[1, 1, 1], [1, 0, 1], [0, 1, 0]], dtype=np.float32))
    times = sp.csr_matrix(np.array([[5, 9, 7], [3, 0, 1], [0, 4, 0]], dtype=np.float64))
    validation = carve_validation(Split(train, np.zeros(0, int), train, times), 0, seed=1)
    assert list(validation.users) == [0, 1]  # learner 2 has one pair: nothing to hold out
    assert validation.held_out.toarray().tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    assert validation.train.toarray().tolist() == [[1, 0, 1], [0, 0, 1], [0, 1, 0]]
    assert validation.times.toarray().tolist() == [[5, 0, 7], [0, 0, 1], [0, 4, 0]]


def test_the_choice_does_not_depend_on_the_test_split():
    train = clustered()
    grid = [
        Candidate.of("popularity"),
        Candidate.of("als", factors=4, alpha=2.0, regularization=0.1, iterations=5),
        Candidate.of("ease", l2=10.0),
    ]
    rng = np.random.default_rng(5)
    users = np.arange(train.shape[0])
    # Two test splits that disagree on every learner's held-out course.
    first = sp.csr_matrix(
        (np.ones(len(users)), (users, rng.integers(0, 60, len(users)))), train.shape
    )
    second = sp.csr_matrix((np.ones(len(users)), (users, (first.indices + 1) % 60)), train.shape)
    a = protocol(Split(train, users, first), grid, seed=3)
    b = protocol(Split(train, users, second), grid, seed=3)
    assert a.tuning.chosen == b.tuning.chosen
    assert [m for _, m, _ in a.tuning.results] == [m for _, m, _ in b.tuning.results]
    assert a.test != b.test  # the test split was read, once, after the choice
    assert a.tuning.chosen.kind != "popularity"


def test_mooccubex_choice_is_the_same_when_the_test_file_is_altered(shared_data, tmp_path):
    source = folder(shared_data, "mooccubex")
    altered = tmp_path / "mooccubex"
    altered.mkdir()
    shutil.copy(source / "train.txt", altered / "train.txt")
    lines = (source / "test.txt").read_text(encoding="utf-8").splitlines()
    # Every learner's held-out course replaced by another learner's.
    courses = [line.split()[1] for line in lines]
    shifted = courses[1:] + courses[:1]
    (altered / "test.txt").write_text(
        "\n".join(f"{line.split()[0]} {c}" for line, c in zip(lines, shifted, strict=True)),
        encoding="utf-8",
    )
    grid = [
        Candidate.of("popularity"),
        Candidate.of("als", factors=16, alpha=2.0, regularization=0.1, iterations=5),
        MOOCCUBEX_CHOICE,
    ]
    original = choose(datasets.mooccubex(source).train, grid, learners=3000, seed=7)
    changed = choose(datasets.mooccubex(altered).train, grid, learners=3000, seed=7)
    assert original.chosen == changed.chosen == MOOCCUBEX_CHOICE
    assert [m for _, m, _ in original.results] == [m for _, m, _ in changed.results]


@pytest.fixture(scope="module")
def mooccubex_test(shared_data):
    """The validation's choice refitted on all of MOOCCubeX's training data, scored once on
    its test split, and popularity: (metrics, popularity's)."""
    split = datasets.mooccubex(folder(shared_data, "mooccubex"))
    return score_test(split, MOOCCUBEX_CHOICE)


def test_mooccubex_chosen_model_keeps_its_measured_floor(mooccubex_test):
    metrics, popular = mooccubex_test
    assert metrics.learners == 97_722
    assert metrics.hit_rate >= 0.24 and metrics.hit_rate >= 3.8 * popular.hit_rate
    assert metrics.ndcg >= 4 * popular.ndcg


def test_movielens_production_configuration_beats_popularity_by_1_8(shared_data):
    split = datasets.movielens_100k(folder(shared_data, "movielens-100k"))
    assert split.times is not None
    popular = evaluate(popularity_scorer(split.train), split.train, split.users, split.held_out)
    metrics = evaluate(
        fit_config(split, TrainingConfig()), split.train, split.users, split.held_out
    )
    assert metrics.hit_rate >= 1.8 * popular.hit_rate


def test_the_default_recency_decay_cannot_sink_the_model_below_popularity(shared_data):
    """MovieLens ratings are from 1997–98, and many learners' histories end months before the
    last rating. Decay measured from each learner's own activity keeps every learner's recent
    courses at full weight: the default (by rank), the default with a 7- or 90-day half-life
    from the learner's latest rating on top, all beat popularity."""
    split = datasets.movielens_100k(folder(shared_data, "movielens-100k"))
    popular = evaluate(popularity_scorer(split.train), split.train, split.users, split.held_out)
    default = TrainingConfig()
    assert default.decay_from == "learner" and default.half_life_courses > 0
    for half_life in (default.half_life_days, 7.0, 90.0):
        config = TrainingConfig(half_life_days=half_life)
        metrics = evaluate(fit_config(split, config), split.train, split.users, split.held_out)
        assert metrics.ndcg > 1.5 * popular.ndcg and metrics.hit_rate > 1.5 * popular.hit_rate


def test_learner_relative_ages_start_at_each_learners_latest_event():
    config = TrainingConfig(half_life_days=10)
    day = 86_400.0
    users = np.array([1, 1, 2, 2, 2])
    seconds = np.array([100 * day, 90 * day, 5 * day, 0.0, 5 * day])
    assert config.event_ages(users, seconds, now=200 * day).tolist() == [
        0.0,
        10 * day,
        0.0,
        5 * day,
        0.0,
    ]
    old = TrainingConfig(half_life_days=10, decay_from="now")
    assert old.event_ages(users, seconds, now=200 * day)[0] == 100 * day
    with pytest.raises(ValueError):
        TrainingConfig(decay_from="yesterday")

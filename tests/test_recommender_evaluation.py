"""The held-out split and the ranking metrics, on matrices small enough to check by hand."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.evaluation import evaluate, leave_one_out, popularity_scorer


def matrix(rows: list[list[int]], courses: int) -> sp.csr_matrix:
    users = [u for u, items in enumerate(rows) for _ in items]
    items = [i for row in rows for i in row]
    return sp.csr_matrix((np.ones(len(users), np.float32), (users, items)), (len(rows), courses))


def test_a_perfect_scorer_scores_one_and_a_blind_one_zero():
    train = matrix([[0, 1], [2], [0]], 6)
    held = matrix([[3], [4], [5]], 6)
    users = np.arange(3)

    def perfect(rows):
        return held[rows].toarray()

    metrics = evaluate(perfect, train, users, held, k=2)
    assert metrics.hit_rate == 1.0 and metrics.ndcg == pytest.approx(1.0)
    assert metrics.recall == 1.0 and metrics.precision == pytest.approx(0.5)

    def backwards(rows):
        return -held[rows].toarray()

    assert evaluate(backwards, train, users, held, k=2).hit_rate == 0.0


def test_ndcg_rewards_the_rank_of_the_hit():
    train = matrix([[0]], 4)
    held = matrix([[2]], 4)
    second = evaluate(lambda rows: np.array([[0, 5, 4, 1]], float), train, np.arange(1), held, k=3)
    assert second.hit_rate == 1.0
    assert second.ndcg == pytest.approx(1 / np.log2(3))


def test_a_catalogue_smaller_than_k_is_evaluated_not_crashed():
    """A new site has five courses; the nightly training asks for the top 10 (it crashed)."""
    train = matrix([[0], [1]], 5)
    held = matrix([[3], [4]], 5)
    metrics = evaluate(lambda rows: held[rows].toarray(), train, np.arange(2), held, k=10)
    assert metrics.hit_rate == 1.0 and metrics.ndcg == pytest.approx(1.0)


def test_courses_seen_in_training_are_never_recommended():
    train = matrix([[0, 1]], 3)
    held = matrix([[2]], 3)
    # The scorer loves the courses already seen; they must be skipped.
    metrics = evaluate(lambda rows: np.array([[9.0, 8.0, 1.0]]), train, np.arange(1), held, k=1)
    assert metrics.hit_rate == 1.0
    assert metrics.coverage == pytest.approx(1 / 3)


def test_popularity_ranks_by_learner_count():
    train = matrix([[0, 1], [1], [1, 2]], 4)
    scores = popularity_scorer(train)(np.arange(2))
    assert scores.shape == (2, 4) and list(scores[0]) == [1, 3, 1, 0]


def test_leave_one_out_holds_out_the_most_recent_course():
    full = matrix([[0, 1, 2], [3], [1, 4]], 5)
    last = np.array([2, 3, 1])
    split = leave_one_out(full, learners=10, seed=1, last=last)
    assert list(split.users) == [0, 2]  # learner 1 has a single course: kept whole
    assert split.held_out[0].indices.tolist() == [2] and split.held_out[2].indices.tolist() == [1]
    assert split.train.nnz == full.nnz - 2
    assert (split.train.multiply(split.held_out)).nnz == 0


def test_leave_one_out_samples_at_most_the_requested_learners():
    full = sp.random(200, 50, density=0.2, format="csr", random_state=3)
    split = leave_one_out(full, learners=25, seed=4)
    assert len(split.users) == 25 and split.held_out.nnz == 25
    again = leave_one_out(full, learners=25, seed=4)
    assert list(again.users) == list(split.users)

"""Ranking metrics on hand-computed cases."""

from __future__ import annotations

import math

import pytest

from search.evaluation import (
    average_precision,
    dcg,
    mean,
    ndcg_at_k,
    paired_randomisation_p,
)

LOG2_3 = math.log2(3)  # the discount of rank 2


def test_dcg_discounts_by_log2_of_rank_plus_one():
    assert dcg([3, 2, 1]) == pytest.approx(3 / 1 + 2 / LOG2_3 + 1 / 2)
    assert dcg([]) == 0.0


def test_perfect_ranking_scores_one():
    gains = {"a": 3.0, "b": 2.0, "c": 1.0}
    assert ndcg_at_k(["a", "b", "c"], gains) == pytest.approx(1.0)
    # Ties in gain may come in either order.
    assert ndcg_at_k([1, 2, 3], {1: 2.0, 2: 2.0, 3: 1.0}) == pytest.approx(1.0)
    assert ndcg_at_k([2, 1, 3], {1: 2.0, 2: 2.0, 3: 1.0}) == pytest.approx(1.0)


def test_reversed_ranking():
    gains = {"a": 3.0, "b": 2.0, "c": 1.0}
    ideal = 3 + 2 / LOG2_3 + 1 / 2  # 4.7619
    reversed_dcg = 1 + 2 / LOG2_3 + 3 / 2  # 3.7619
    assert ndcg_at_k(["c", "b", "a"], gains) == pytest.approx(reversed_dcg / ideal)
    assert ndcg_at_k(["c", "b", "a"], gains) == pytest.approx(0.79000, abs=1e-5)


def test_unjudged_and_missing_documents_gain_nothing():
    gains = {"a": 1.0, "b": 1.0}
    # x is unjudged, b was never retrieved: DCG = 1/log2(3), ideal = 1 + 1/log2(3).
    expected = (1 / LOG2_3) / (1 + 1 / LOG2_3)
    assert ndcg_at_k(["x", "a"], gains) == pytest.approx(expected)
    assert ndcg_at_k(["x", "a"], gains) == pytest.approx(0.38685, abs=1e-5)
    assert ndcg_at_k([], gains) == 0.0
    assert ndcg_at_k(["x", "y"], gains) == 0.0


def test_only_the_first_k_count_and_the_ideal_is_cut_at_k():
    gains = {"a": 1.0, "b": 1.0, "c": 1.0}
    assert ndcg_at_k(["x", "y", "a"], gains, k=2) == 0.0
    # Two of three relevant in the top 2 is already ideal at k=2.
    assert ndcg_at_k(["a", "b", "c"], gains, k=2) == pytest.approx(1.0)
    assert ndcg_at_k(["a", "x", "b"], gains, k=1) == pytest.approx(1.0)


def test_no_relevant_documents_scores_zero():
    assert ndcg_at_k(["a", "b"], {}) == 0.0
    assert ndcg_at_k(["a", "b"], {"a": 0.0, "b": -1.0}) == 0.0
    assert average_precision(["a", "b"], set()) == 0.0


def test_negative_gains_count_as_zero_and_duplicates_once():
    gains = {"a": 2.0, "n": -3.0}
    assert ndcg_at_k(["n", "a"], gains) == pytest.approx((2 / LOG2_3) / 2)
    assert ndcg_at_k(["a", "a", "a"], {"a": 1.0, "b": 1.0}) == pytest.approx(1 / (1 + 1 / LOG2_3))


def test_k_must_be_positive():
    with pytest.raises(ValueError):
        ndcg_at_k(["a"], {"a": 1.0}, k=0)


def test_average_precision():
    assert average_precision(["a", "b"], {"a", "b"}) == pytest.approx(1.0)
    # Hits at ranks 1 and 3: (1/1 + 2/3) / 2.
    assert average_precision(["a", "x", "b"], {"a", "b"}) == pytest.approx(5 / 6)
    # Reversed: hits at ranks 2 and 3 of three: (1/2 + 2/3) / 2.
    assert average_precision(["x", "a", "b"], {"a", "b"}) == pytest.approx(7 / 12)
    # A relevant document never retrieved counts as precision 0.
    assert average_precision(["a", "x", "b"], {"a", "b", "c"}) == pytest.approx(5 / 9)
    assert average_precision(["x", "y"], {"a"}) == 0.0
    # A repeated id is counted at its first rank only.
    assert average_precision(["x", "x", "a"], {"a"}) == pytest.approx(1 / 2)


def test_mean():
    assert mean([]) == 0.0
    assert mean([1.0, 2.0]) == pytest.approx(1.5)
    assert mean(x / 4 for x in range(5)) == pytest.approx(0.5)


def test_paired_test_finds_no_difference_between_equal_systems():
    figures = [0.1, 0.5, 0.9, 0.3]
    assert paired_randomisation_p(figures, list(figures), rounds=200) == 1.0


def test_paired_test_finds_a_consistent_gain_significant():
    better = [0.6 + i / 100 for i in range(20)]
    worse = [b - 0.1 for b in better]
    # All 20 differences share a sign: a random flip matches that in 2 of 2^20 cases.
    assert paired_randomisation_p(better, worse, rounds=2000) < 0.001


def test_paired_test_finds_a_mixed_difference_insignificant_and_is_symmetric():
    first = [0.5, 0.4, 0.7, 0.2, 0.6, 0.3]
    second = [0.4, 0.5, 0.6, 0.3, 0.5, 0.35]
    p = paired_randomisation_p(first, second, rounds=2000, seed=3)
    assert p > 0.3
    assert paired_randomisation_p(second, first, rounds=2000, seed=3) == p


def test_paired_test_needs_figures_for_the_same_queries():
    with pytest.raises(ValueError):
        paired_randomisation_p([0.1, 0.2], [0.1])

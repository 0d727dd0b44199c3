"""Fold-in and explanations agree with implicit's own ALS algebra."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares

from recommender.foldin import explain, fold_in, gram


def fitted():
    rng = np.random.default_rng(2)
    dense = (rng.random((60, 40)) < 0.15) * rng.integers(1, 5, (60, 40))
    matrix = sp.csr_matrix(dense.astype(np.float32))
    model = AlternatingLeastSquares(
        factors=6, regularization=0.1, alpha=3.0, iterations=5, use_cg=False, random_state=1
    )
    model.fit(matrix, show_progress=False)
    return model, matrix


@pytest.mark.filterwarnings("ignore:OpenBLAS is configured")
def test_fold_in_equals_implicits_recalculate_user():
    model, matrix = fitted()
    items = model.item_factors
    for user in (0, 7, 31):
        row = matrix[user]
        mine = fold_in(items, gram(items), row.indices, row.data, alpha=3.0, regularization=0.1)
        theirs = np.asarray(model.recalculate_user(user, row)).ravel()
        assert np.allclose(mine.vector, theirs, rtol=1e-3, atol=1e-4)


@pytest.mark.filterwarnings("ignore:OpenBLAS is configured")
def test_explanations_sum_to_the_score_and_name_implicits_top_item():
    model, matrix = fitted()
    items = model.item_factors
    row = matrix[3]
    learner = fold_in(items, gram(items), row.indices, row.data, alpha=3.0, regularization=0.1)
    target = 17
    y = items[learner.rows].astype(np.float64)
    parts = learner.confidences * (y @ (learner.inverse @ items[target]))
    assert np.isclose(parts.sum(), float(items[target] @ learner.vector), rtol=1e-3)
    best, _weight = explain(learner, items, target)
    _score, contributions, _ = model.explain(3, matrix, target, N=1)
    assert best == contributions[0][0]

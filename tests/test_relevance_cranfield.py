"""Relevance floor on the Cranfield collection, with the project's own analysis and ranking.

Measured with title^1 + body^1 (search.cranfield defaults), 2026-11-27: nDCG@10 0.4064,
MAP 0.3522 over 225 queries with relevance feedback for queries of four words or more
(search.feedback; without it 0.3928 / 0.3293; plain whoosh BM25F with its short stop list:
0.3798 / 0.3146). 2026-12-01, English stemmed with Porter2 (Snowball) instead of Porter:
0.4147 / 0.3560; with British -ise / -our endings spelt the American way before stemming:
0.4175 / 0.3576 (docs/benchmarks.md, "Search relevance on Cranfield"). Two-fold
cross-validation of the feedback setting (`cranfield.cross_validate`, bench/cranfield.py
--cross-validate) is reported there, not asserted here: it runs 36 settings.
A change to search/analysis.py or search/ranking.py that lowers either below its floor fails
here; raise the floors when ranking improves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from search import cranfield

NDCG10_FLOOR = 0.417
MAP_FLOOR = 0.357


@pytest.fixture(scope="module")
def folder(shared_data: Path) -> Path:
    """The Cranfield collection inside the shared data folder."""
    path = shared_data / "ir" / "cranfield"
    if not path.is_dir():
        pytest.skip(f"Cranfield collection {path} is absent")
    return path


@pytest.fixture(scope="module")
def result(folder: Path) -> cranfield.CranfieldResult:
    """One evaluation run, shared by the tests of this module."""
    return cranfield.evaluate(folder)


def test_collection_loads_as_documented(folder: Path):
    documents = cranfield.load_documents(folder)
    queries = cranfield.load_queries(folder)
    judgements = cranfield.load_judgements(folder)
    assert len(documents) == 1400
    assert [d.doc_id for d in documents] == list(range(1, 1401))
    assert documents[0].title.startswith("experimental investigation of the aerodynamics")
    assert documents[0].authors == "brenckman,m."
    assert "slipstream" in documents[0].body
    assert len(queries) == 225
    assert [q.number for q in queries] == list(range(1, 226))
    assert (queries[0].file_id, queries[-1].file_id) == ("001", "365")
    assert queries[-1].text.startswith("what design factors can be used to control lift-drag")
    assert sorted(judgements) == list(range(1, 226))
    assert judgements[1][184] == 2
    assert judgements[1][486] == -1
    assert {g for per_query in judgements.values() for g in per_query.values()} <= set(range(-1, 5))


def test_gain_follows_the_grade_scale():
    assert [cranfield.gain(g) for g in (-1, 0, 1, 2, 3, 4, 5)] == [0, 0, 4, 3, 2, 1, 0]


def test_every_judged_query_is_evaluated(result: cranfield.CranfieldResult):
    assert result.queries == 225


def test_ndcg_at_10_stays_above_its_floor(result: cranfield.CranfieldResult):
    assert result.ndcg10 >= NDCG10_FLOOR, f"nDCG@10 fell to {result.ndcg10:.4f}"


def test_map_stays_above_its_floor(result: cranfield.CranfieldResult):
    assert result.map >= MAP_FLOOR, f"MAP fell to {result.map:.4f}"


def _setting(docs: int) -> cranfield.FeedbackSetting:
    return cranfield.FeedbackSetting(docs=docs, terms=10, original_weight=0.5)


def test_two_fold_scores_each_fold_with_the_other_folds_choice():
    # Setting 1 is best on the odd queries (1, 3), setting 2 on the even ones (2, 4).
    figures = {
        _setting(1): {1: (0.9, 0.8), 2: (0.1, 0.1), 3: (0.7, 0.6), 4: (0.2, 0.3)},
        _setting(2): {1: (0.2, 0.2), 2: (0.8, 0.9), 3: (0.3, 0.1), 4: (0.6, 0.5)},
    }
    cv = cranfield.two_fold(figures)
    assert (cv.chosen_on_odd, cv.chosen_on_even) == (_setting(1), _setting(2))
    # Held out: queries 2 and 4 under setting 1, queries 1 and 3 under setting 2.
    assert cv.ndcg10 == pytest.approx((0.1 + 0.2 + 0.2 + 0.3) / 4)
    assert cv.map == pytest.approx((0.1 + 0.3 + 0.2 + 0.1) / 4)
    assert cv.queries == 4
    assert cv.held_out == {1: (0.2, 0.2), 2: (0.1, 0.1), 3: (0.3, 0.1), 4: (0.2, 0.3)}
    assert cv.default == {}, "the default setting is not in this grid"


def test_cross_validation_over_one_setting_is_the_plain_evaluation(
    folder: Path, result: cranfield.CranfieldResult
):
    cv = cranfield.cross_validate(folder, [cranfield.FeedbackSetting()])
    assert cv.chosen_on_odd == cv.chosen_on_even == cranfield.FeedbackSetting()
    assert (cv.ndcg10, cv.map, cv.queries) == pytest.approx(
        (result.ndcg10, result.map, result.queries)
    )
    assert cv.default == cv.held_out

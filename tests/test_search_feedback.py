"""Relevance feedback (RM3) for question-like searches: the weights, and what a search does
with them (tests/test_relevance_cranfield.py measures the gain on Cranfield)."""

from __future__ import annotations

import pytest

from catalogue.db import make_engine, make_session_factory
from search import feedback
from search.service import SearchRequest, search
from tests.helpers import empty_tables
from tests.search_fixtures import Spec, build_catalogue, index_catalogue

# -- the weights ---------------------------------------------------------------------------


def test_short_keyword_queries_are_not_expanded():
    assert not feedback.applies(feedback.MIN_QUERY_WORDS - 1)
    assert feedback.applies(feedback.MIN_QUERY_WORDS)


def test_the_relevance_model_prefers_words_of_the_better_matches():
    model = feedback.relevance_model([(5.0, ["walk", "taichi"]), (1.0, ["walk", "ice"])])
    assert model["walk"] > model["taichi"] > model["ice"] > 0
    assert sum(model.values()) == pytest.approx(1.0)


def test_the_relevance_model_weighs_a_word_by_its_share_of_a_document():
    model = feedback.relevance_model([(2.0, ["walk", "walk", "walk", "taichi"])])
    assert model == pytest.approx({"walk": 0.75, "taichi": 0.25})


def test_the_relevance_model_keeps_the_heaviest_words():
    documents = [(1.0, ["a"] * 5 + ["b"] * 4 + ["c"] * 3 + ["d"])]
    assert set(feedback.relevance_model(documents, terms=2)) == {"a", "b"}


def test_the_query_keeps_its_share_of_the_weight():
    weights = feedback.expanded_weights(
        ["walk", "balanc"], [(3.0, ["walk", "taichi"])], original_weight=0.6
    )
    assert weights == pytest.approx({"walk": 0.3 + 0.2, "balanc": 0.3, "taichi": 0.2})
    assert sum(weights.values()) == pytest.approx(1.0)


def test_without_feedback_the_query_is_unchanged():
    assert feedback.expanded_weights(["walk", "balanc"], []) == {"walk": 0.5, "balanc": 0.5}
    assert feedback.expanded_weights(["walk"], [(1.0, [])]) == {"walk": 1.0}
    assert feedback.expanded_weights([], [(1.0, ["walk"])]) == {}


def test_an_original_weight_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="original_weight"):
        feedback.expanded_weights(["walk"], [(1.0, ["walk"])], original_weight=1.5)


# -- in a search ---------------------------------------------------------------------------

# Three courses match a question about keeping one's balance outdoors very well and share the
# words "tai chi"; two more match it exactly as well as each other, one of them about tai chi.
_STRONG = "Keep balance walking outdoors: tai chi keeps balance when walking outdoors."
STRONG = tuple(
    Spec(
        f"strong_{n}",
        f"Keep your balance walking outdoors with tai chi {n}",
        "elderly",
        provider="media",
        language="en",
        subtitle=_STRONG,
        subjects=("tai chi", "balance"),
    )
    for n in (1, 2, 3)
)
SPECS = (
    *STRONG,
    Spec("ice", "Keep balance walking outdoors ice skating", "hobbies", provider="media"),
    Spec("taichi", "Keep balance walking outdoors tai chi", "hobbies", provider="media"),
)
QUESTION = "how to keep balance when walking outdoors"  # four words besides stop words
KEYWORDS = "balance walking outdoors"


@pytest.fixture(scope="module")
def feedback_store(database_url, tmp_path_factory):
    """(catalogue, store) of the five courses, built once per backend."""
    engine = make_engine(database_url)
    try:
        sessions = make_session_factory(engine)
        with sessions() as session:
            catalogue = build_catalogue(session, SPECS)
        store = index_catalogue(sessions, tmp_path_factory.mktemp("feedback") / "index")
    finally:
        empty_tables(engine)
        engine.dispose()
    yield catalogue, store
    store.close()


def order(feedback_store, text: str) -> tuple[list[str], int, dict]:
    catalogue, store = feedback_store
    results = search(store, SearchRequest(text), use_cache=False)
    return [catalogue.key_of(h.id) for h in results.hits], results.total, results.facets


def test_a_question_ranks_the_equal_match_that_shares_the_best_matches_words_first(
    feedback_store, monkeypatch
):
    with_feedback, total, facets = order(feedback_store, QUESTION)
    monkeypatch.setattr(feedback, "MIN_QUERY_WORDS", 99)
    without, total_without, facets_without = order(feedback_store, QUESTION)
    # The two equal matches tie on their own words and keep document order without feedback.
    assert without.index("ice") < without.index("taichi")
    assert with_feedback.index("taichi") < with_feedback.index("ice")
    # Feedback re-ranks: the same courses match, with the same counts.
    assert sorted(with_feedback) == sorted(without) and len(with_feedback) == 5
    assert (total, facets) == (total_without, facets_without)


def test_a_keyword_query_is_ranked_by_its_own_words(feedback_store):
    keys, _total, _facets = order(feedback_store, KEYWORDS)
    assert keys.index("ice") < keys.index("taichi")

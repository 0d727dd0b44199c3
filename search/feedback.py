"""Relevance feedback for questions: a long query is expanded with the words of its best
matches (RM3, Lavrenko & Croft's relevance model mixed with the original query).

A learner who types a question or a description ("how do older people keep their balance
when walking") uses many words, several of them incidental; the courses that match best
say, in their own words, what the question is about. RM3 reads the analysed words of the
first `FEEDBACK_DOCS` matches, weighs each word by how much of each document it makes up
and how well that document matched (p(q|d) ∝ exp(score)), and adds the `FEEDBACK_TERMS`
heaviest to the query, the query's own words keeping half the weight; the first
`FEEDBACK_DEPTH` matches are re-ranked by the expanded query.

Short keyword queries (fewer than `MIN_QUERY_WORDS` words) are precise as typed and are not
expanded: feedback would pull in what the first results happen to share. Expansion only
re-ranks the documents the query already matched, so counts and facets stay the same.

The parameters are the common defaults of the literature (Anserini's RM3: 10 documents,
10 terms, original weight 0.5), not fitted to any collection; docs/benchmarks.md has the
Cranfield figures with them and around them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

FEEDBACK_DOCS = 10
FEEDBACK_TERMS = 10
# The first-pass matches re-ranked by the expanded query (Anserini's default depth).
FEEDBACK_DEPTH = 1000
ORIGINAL_WEIGHT = 0.5
MIN_QUERY_WORDS = 4


def applies(words: int) -> bool:
    """Whether a query of this many words (stop words not counted) is expanded."""
    return words >= MIN_QUERY_WORDS


def relevance_model(
    feedback: Iterable[tuple[float, Sequence[str]]], *, terms: int = FEEDBACK_TERMS
) -> dict[str, float]:
    """The `terms` heaviest words of the feedback documents (each given as its retrieval
    score and its analysed words) and their weights, summing to 1 (RM1: p(w|R) = Σ_d
    p(w|d)·p(q|d), p(q|d) ∝ exp(score)); empty without usable feedback."""
    documents = [(score, Counter(words)) for score, words in feedback if words]
    if not documents or terms <= 0:
        return {}
    best = max(score for score, _ in documents)
    relevance: Counter[str] = Counter()
    for score, counts in documents:
        # exp(score − best): the query likelihood of each document, up to a constant.
        likelihood = math.exp(score - best)
        length = sum(counts.values())
        for word, count in counts.items():
            relevance[word] += likelihood * count / length
    chosen = relevance.most_common(terms)
    mass = sum(weight for _, weight in chosen)
    return {word: weight / mass for word, weight in chosen} if mass > 0 else {}


def expanded_weights(
    query_terms: Sequence[str],
    feedback: Iterable[tuple[float, Sequence[str]]],
    *,
    terms: int = FEEDBACK_TERMS,
    original_weight: float = ORIGINAL_WEIGHT,
) -> dict[str, float]:
    """Term → weight of the expanded query (RM3): the query's own terms share
    `original_weight`, the relevance model's words the rest; weights sum to 1.

    Without usable feedback the query's own terms share all the weight equally."""
    if not 0.0 <= original_weight <= 1.0:
        raise ValueError(f"original_weight must be within 0..1, not {original_weight}")
    own = list(dict.fromkeys(query_terms))
    if not own:
        return {}
    model = relevance_model(feedback, terms=terms)
    if not model:
        return {term: 1.0 / len(own) for term in own}
    weights: Counter[str] = Counter()
    for term in own:
        weights[term] += original_weight / len(own)
    for word, weight in model.items():
        weights[word] += (1.0 - original_weight) * weight
    return dict(weights)

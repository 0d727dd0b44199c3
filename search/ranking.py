"""How text queries are built from what a learner typed, and how matches are scored."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import jieba
from whoosh import query as q
from whoosh import scoring

from search.analysis import RUNS, analyze, ensure_jieba

MAX_TERMS = 24


class BM25F(scoring.BM25F):
    """whoosh's BM25F with the usual BM25 (Robertson–Spärck Jones) idf,
    ln(1 + (N − n + 0.5) / (n + 0.5)), instead of whoosh's ln(N / (n + 1)) + 1, which gives
    a term found in every document a weight of 1 rather than about 0.

    A term's rarity is a property of the document collection, not of one field: for the
    fields in `shared_idf` (those analysed alike), n is the largest document frequency of the
    term among them, so a word common in descriptions is not treated as rare when it happens
    to be rare in titles (Robertson & Zaragoza's BM25F computes idf once per term)."""

    def __init__(self, *, shared_idf: Sequence[str] = (), B: float = 0.75, K1: float = 1.2):
        super().__init__(B=B, K1=K1)
        self.shared_idf = tuple(shared_idf)

    def idf(self, searcher, fieldname: str, text) -> float:
        """The idf of a term in a field, from the whole index's statistics."""
        parent = searcher.get_parent()
        if fieldname in self.shared_idf:
            schema = parent.schema
            n = max(
                parent.doc_frequency(field, text) for field in self.shared_idf if field in schema
            )
        else:
            n = parent.doc_frequency(fieldname, text)
        total = parent.doc_count_all()
        return math.log(1.0 + (total - n + 0.5) / (n + 0.5))


def weighting(shared_idf: Sequence[str] = ()) -> scoring.WeightingModel:
    """BM25F, the scoring model of every text search; `shared_idf` names the free-text fields
    that share one idf per term."""
    return BM25F(shared_idf=shared_idf, B=0.75, K1=1.2)


def query_terms(text: str) -> list[str]:
    """The distinct analysed terms of a query, in order, at most MAX_TERMS."""
    return list(dict.fromkeys(analyze(text)))[:MAX_TERMS]


def text_query(
    terms: list[str], fields: Mapping[str, float], *, require_all: bool = False
) -> q.Query:
    """Each term may match in any of the fields (with the field's boost); terms are OR-ed,
    or AND-ed when `require_all`."""
    per_term = [
        q.Or([q.Term(field, term, boost=boost) for field, boost in fields.items()])
        for term in terms
    ]
    if not per_term:
        return q.NullQuery
    if len(per_term) == 1:
        return per_term[0]
    return q.And(per_term) if require_all else q.Or(per_term)


def weighted_query(weights: Mapping[str, float], fields: Mapping[str, float]) -> q.Query:
    """Any of the terms in any of the fields, each scored × its weight × the field's boost."""
    clauses = [
        q.Term(field, term, boost=boost * weight)
        for term, weight in weights.items()
        for field, boost in fields.items()
    ]
    return q.Or(clauses) if clauses else q.NullQuery


def term_groups(text: str) -> list[list[str]]:
    """The query as groups of alternative terms: one group per word the learner typed.

    A Chinese word is cut by jieba (precise mode) and each word's group holds its search-mode
    pieces ("智能手机" → 智能手机, 智能, 手机, …), so a document matches the word if it holds
    any of them; other words are one group each. Stop words leave no group.
    """
    ensure_jieba()
    groups: list[list[str]] = []
    for match in RUNS.finditer(text):
        han, word = match.groups()
        words = jieba.cut(han) if han else [word]
        for piece in words:
            terms = list(dict.fromkeys(analyze(piece)))
            if terms and terms not in groups:
                groups.append(terms)
    return groups

"""How text queries are built from what a learner typed, and how matches are scored."""

from __future__ import annotations

import math
import re
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


# How a learner asks rather than what about: question words and phrases, removed from a
# query's Chinese runs before they are cut (怎么用微信发语音 → 微信, 发, 语音). Queries only:
# titles such as 如何带孩子 keep every word in the index.
_QUESTION_TEXT = """
    怎么入门 如何入门 怎样入门 怎么开始 怎么样 怎么办 怎么 怎样 如何 为什么 为何 什么是 什么
    哪些 哪个 哪里 哪儿 请问 有没有
    有什么 是否 能不能 可不可以 可以 应该 需要 我想要 我想 我要 想要 想学 教我 一下 吗 呢 吧
    呀 啊
"""
_QUESTION = re.compile("|".join(_QUESTION_TEXT.split()))
# Words that, in a question, carry no subject: "用" in 怎么用微信, "study" in "where can I
# study guitar online", and 课程 or "course" on a site where everything is a course.
_QUERY_STOP_TEXT = """
    用 学 想 要 我 你 您 会 能 让 给 去 做 咋 请 课程
    learn learning study studying online course courses class classes lesson lessons get
    started want need find teach tutorial
"""
QUERY_STOP_WORDS = frozenset(_QUERY_STOP_TEXT.split())


_ENGLISH_QUESTION_TEXT = "how what where why which who when can could should would is are do does"
_ENGLISH_QUESTION = frozenset(_ENGLISH_QUESTION_TEXT.split())


def is_question(text: str) -> bool:
    """Whether the learner asked a question (怎么用微信发语音, "how do I …") rather than
    typed keywords."""
    words = text.casefold().split()
    return content_text(text) != text or bool(words and words[0] in _ENGLISH_QUESTION)


def content_text(text: str) -> str:
    """The query with question words and phrases taken out of its Chinese runs."""
    return RUNS.sub(lambda m: _QUESTION.sub(" ", m.group(0)) if m.group(1) else m.group(0), text)


def term_groups(text: str) -> list[list[str]]:
    """The query as groups of alternative terms: one group per word the learner typed.

    A Chinese word is cut by jieba (precise mode) and each word's group holds its search-mode
    pieces ("智能手机" → 智能手机, 智能, 手机, …), so a document matches the word if it holds
    any of them; other words are one group each. Stop words and question words leave no
    group, unless nothing else is left ("课程" alone is searched as typed).
    """
    return _groups(content_text(text), QUERY_STOP_WORDS) or _groups(text, frozenset())


def _groups(text: str, skip: frozenset[str]) -> list[list[str]]:
    ensure_jieba()
    groups: list[list[str]] = []
    for match in RUNS.finditer(text):
        han, word = match.groups()
        words = jieba.cut(han) if han else [word]
        for piece in words:
            if piece.casefold() in skip:
                continue
            terms = list(dict.fromkeys(analyze(piece)))
            if terms and terms not in groups:
                groups.append(terms)
    return groups

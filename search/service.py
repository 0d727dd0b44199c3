"""Searching the course index: the small interface the rest of the code uses.

Nothing outside `search/` touches Whoosh: callers pass a SearchRequest and get plain
results back, with highlights already HTML-escaped.
"""

from __future__ import annotations

import dataclasses
import math
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import jieba
from markupsafe import Markup
from whoosh import query as q
from whoosh import sorting
from whoosh.collectors import TimeLimit, TimeLimitCollector

from search.analysis import analyze, ensure_jieba
from search.documents import normalise_title
from search.facets import FacetCache
from search.highlight import highlight
from search.pinyin import full_pinyin, has_han, looks_like_pinyin, split_syllables
from search.ranking import MAX_TERMS, term_groups
from search.schema import FACETS, TEXT_FIELDS, WORD_FIELDS
from search.store import IndexStore

MAX_QUERY_CHARS = 200
SORTS = ("relevance", "newest", "popular", "shortest")
RERANK_DEPTH = 200
POPULARITY_WEIGHT = 0.15
TIME_LIMIT = 1.0
# Deep pages cost a top-N collection of page × per_page documents: only the first 2,000
# results can be paged through (narrow the search to see others).
MAX_RESULT_WINDOW = 2000
# Characters of query syntax we do not offer (wildcards, fields, grouping): dropped.
_SYNTAX = re.compile(r"[*?~^:\"()\[\]{}<>+\-!|&\\/]+")


class QueryRejected(ValueError):
    """A query we will not run, with a code and a message for the learner."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SearchRequest:
    """What a learner asked for."""

    text: str = ""
    filters: Mapping[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    # Areas the learner cares about, to guess where popular courses should come from when
    # nothing matches (the areas chosen at sign-up).
    interest_areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """One course in the results."""

    id: int
    title: Markup
    snippet: Markup
    fields: Mapping[str, object]


@dataclass(frozen=True)
class SearchResults:
    """A page of results, the facet counts and what was done to the query."""

    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[str, int]]]
    did_you_mean: str | None = None
    relaxed: str | None = None
    partial: bool = False
    took_ms: float = 0.0

    @property
    def pages(self) -> int:
        """Number of pages (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


def clean_query(text: str) -> str:
    """The query text without syntax characters; rejects what is too long."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRejected(
            "QUERY_TOO_LONG", f"a search may be at most {MAX_QUERY_CHARS} characters long"
        )
    return " ".join(_SYNTAX.sub(" ", text).split())


def _expand(groups: list[list[str]], synonyms: Mapping[str, Sequence[str]]) -> list[list[str]]:
    expanded = []
    for group in groups:
        extra: list[str] = []
        for term in group:
            for synonym in synonyms.get(term, ()):
                extra += analyze(synonym)
        expanded.append(list(dict.fromkeys(group + extra)))
    return expanded


# The any-word fallback looks only where a course says what it is about: matching any word
# anywhere (descriptions, lesson titles) would score most of a large catalogue.
RELAXED_FIELDS = ("title", "summary", "subjects")


def _group_query(terms: Sequence[str], fields: Sequence[str] | None = None) -> q.Query:
    names = fields or WORD_FIELDS
    return q.Or([q.Term(f, t, boost=TEXT_FIELDS[f]) for t in terms for f in names])


def _pinyin_query(text: str) -> q.Query | None:
    """Pinyin or initials typed instead of characters: match the titles' pinyin tokens."""
    letters = text.replace(" ", "").lower()
    if not letters.isascii() or not letters.isalpha():
        return None
    # Full pinyin ("taijiquan"), or 2–8 letters that may be initials ("tjq").
    if looks_like_pinyin(letters) or 2 <= len(letters) <= 8:
        return q.Term("pinyin", letters, boost=TEXT_FIELDS["pinyin"])
    return None


PREFIX_EXPANSION = 8
MIN_PREFIX = 5


def _stem_variants(reader, groups: list[list[str]]) -> list[list[str]]:
    """English stems also match longer indexed forms ("photograph" → "photographi")."""
    if reader is None:
        return groups
    out = []
    for group in groups:
        extra: list[str] = []
        for term in group:
            if term.isascii() and term.isalpha() and len(term) >= MIN_PREFIX:
                for i, found in enumerate(reader.expand_prefix("title", term)):
                    if i >= PREFIX_EXPANSION:
                        break
                    extra.append(found.decode() if isinstance(found, bytes) else found)
        out.append(list(dict.fromkeys(group + extra)))
    return out


def build_query(
    text: str, synonyms: Mapping[str, Sequence[str]], *, require_all: bool, reader=None
):
    """The Whoosh query for a cleaned text: all words (or any word), or its pinyin."""
    groups = _stem_variants(reader, _expand(term_groups(text), synonyms))
    if len(groups) > MAX_TERMS:
        raise QueryRejected("TOO_MANY_TERMS", f"a search may have at most {MAX_TERMS} words")
    if require_all:
        parts = [_group_query(g) for g in groups]
        main = (q.And(parts) if len(parts) > 1 else parts[0]) if parts else None
    else:
        # One flat OR: whoosh matches a flat union markedly faster than nested ones.
        main = _group_query([t for g in groups for t in g], RELAXED_FIELDS) if groups else None
    pinyin = _pinyin_query(text)
    alternatives = [x for x in (main, pinyin) if x is not None]
    if not alternatives:
        return None, []
    terms = [t for g in groups for t in g]
    return (q.Or(alternatives) if len(alternatives) > 1 else alternatives[0]), terms


def _filter(filters: Mapping[str, str]) -> q.Query | None:
    terms = [q.Term(name, str(value)) for name, value in filters.items() if name in FACETS]
    return q.And(terms) if terms else None


_SORT_FACETS = {
    "newest": sorting.FieldFacet("published", reverse=True),
    "popular": sorting.FieldFacet("popularity", reverse=True),
    "shortest": sorting.FieldFacet("length_sort"),
}


def _run(searcher, query, request: SearchRequest, limit: int, timelimit: float = TIME_LIMIT):
    # optimize=False: whoosh's block-quality skipping trips an assertion on Require queries,
    # and facet counts visit every match anyway.
    collector = searcher.collector(
        limit=limit, sortedby=_SORT_FACETS.get(request.sort), optimize=False
    )
    allow = _filter(request.filters)
    if allow is not None:
        # Filters restrict the matches without adding to their scores.
        query = q.Require(query, allow)
    # No SIGALRM: searches run in web server threads, where signals cannot be used.
    timed = TimeLimitCollector(collector, timelimit=max(timelimit, 0.01), use_alarm=False)
    partial = False
    try:
        searcher.search_with_collector(query, timed)
    except TimeLimit:
        partial = True
    return timed.results(), partial


def _ranked(results, request: SearchRequest) -> list:
    hits = list(results)
    if request.sort == "relevance" and hits:
        # Fold a popularity prior into the text score: log-damped so text relevance leads.
        # Read from the column, not the stored fields: unpacking 200 stored documents per
        # search would cost more than the search itself.
        popularity = results.searcher.reader().column_reader("popularity")
        hits.sort(
            key=lambda h: (
                h.score * (1 + POPULARITY_WEIGHT * math.log1p(popularity[h.docnum] / 100))
            ),
            reverse=True,
        )
    return hits


def _hit(raw, terms: set[str]) -> Hit:
    stored = dict(raw.fields())
    return Hit(
        id=int(stored["id"]),
        title=highlight(stored.get("title", ""), terms),
        snippet=highlight(stored.get("snippet") or stored.get("summary") or "", terms, limit=160),
        fields=stored,
    )


_FACET_CACHE = FacetCache()


def _counts(searcher, docs) -> dict[str, list[tuple[str, int]]]:
    tallies = _FACET_CACHE.counts(searcher, docs, FACETS)
    return {name: sorted(tallies[name].items(), key=lambda kv: (-kv[1], kv[0])) for name in FACETS}


def _own_filter_counts(searcher, base, filters: Mapping[str, str], left) -> dict:
    """For each filtered facet, counts as if its own filter were off, so a learner who chose
    one area still sees how many matches the other areas have."""
    counts = {}
    for name in filters:
        if name not in FACETS or left() <= 0:
            continue
        others = _filter({k: v for k, v in filters.items() if k != name})
        query = q.Require(base, others) if others is not None else base
        docs = searcher.docs_for_query(query)
        counts[name] = _counts(searcher, docs)[name]
    return counts


def _indexed(searcher, word: str) -> bool:
    """Whether the word, exactly as typed, is a known word of titles, summaries or subjects.

    Judged on the unstemmed spelling lists: a misspelling can share its stem with a real
    word ("excell" and "excel" both stem to "excel").
    """
    fields = [f"spell_{f}" for f in TEXT_FIELDS if f"spell_{f}" in searcher.schema]
    return any(searcher.doc_frequency(field, word) for field in fields)


def _did_you_mean(searcher, text: str, hits: list) -> str | None:
    """Characters for typed pinyin, or a spelling correction for English words."""
    letters = text.replace(" ", "").lower()
    if looks_like_pinyin(letters) and hits:
        ensure_jieba()
        for hit in hits[:5]:
            for word in jieba.cut(hit["title"]):
                if has_han(word) and full_pinyin(word) == letters:
                    return word
        return None
    if not text.isascii() or split_syllables(letters):
        return None
    corrector = searcher.corrector("title")
    fixed, changed = [], False
    for word in text.lower().split():
        if word.isalpha() and len(word) > 3 and not _indexed(searcher, word):
            suggestion = corrector.suggest(word, limit=1, maxdist=2)
            if suggestion:
                fixed.append(suggestion[0])
                changed = True
                continue
        fixed.append(word)
    return " ".join(fixed) if changed else None


def search(
    store: IndexStore,
    request: SearchRequest,
    *,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    use_cache: bool = True,
) -> SearchResults:
    """Run a search (or answer it from the cache of the current index version)."""
    if not use_cache:
        return _search(store, request, synonyms)
    started = time.perf_counter()
    searcher = store.searcher()
    key = (
        store.current_generation(),
        searcher.reader().generation(),
        request.text,
        tuple(sorted(request.filters.items())),
        request.sort,
        request.page,
        request.per_page,
        request.interest_areas,
        tuple(sorted((k, tuple(v)) for k, v in (synonyms or {}).items())),
    )
    cached = store.results_cache.get(key)
    if cached is not None:
        return dataclasses.replace(cached, took_ms=(time.perf_counter() - started) * 1000)
    results = _search(store, request, synonyms)
    if not results.partial:
        store.results_cache.put(key, results)
    return results


def _search(
    store: IndexStore,
    request: SearchRequest,
    synonyms: Mapping[str, Sequence[str]] | None,
) -> SearchResults:
    """Run a search: all words first, then any word, then popular courses."""
    if request.sort not in SORTS:
        raise QueryRejected("BAD_SORT", f"sort must be one of {', '.join(SORTS)}")
    text = clean_query(request.text)
    page, per_page = max(1, request.page), max(1, min(request.per_page, 100))
    if page * per_page > MAX_RESULT_WINDOW:
        raise QueryRejected(
            "PAGE_TOO_DEEP", f"only the first {MAX_RESULT_WINDOW} results can be paged through"
        )
    searcher = store.searcher()
    # One-off costs of a process or of a new commit are not charged to the learner's query.
    ensure_jieba()
    _FACET_CACHE.warm(searcher, FACETS)
    started = time.perf_counter()
    limit = max(RERANK_DEPTH if request.sort == "relevance" else 0, page * per_page)
    relaxed = None
    query, terms = (
        build_query(text, synonyms or {}, require_all=True, reader=searcher.reader())
        if text
        else (None, [])
    )
    if query is None:
        query = q.Every()
    # One budget for the whole search: each further pass gets what is left of it.
    deadline = started + TIME_LIMIT

    def left() -> float:
        return deadline - time.perf_counter()

    results, partial = _run(searcher, query, request, limit, left())
    base = query
    if text and results.scored_length() == 0 and left() > 0:
        any_query, terms = build_query(
            text, synonyms or {}, require_all=False, reader=searcher.reader()
        )
        if any_query is not None:
            results, partial = _run(searcher, any_query, request, limit, left())
            base, relaxed = any_query, "any_term"
    ranked = _ranked(results, request)
    did_you_mean = _did_you_mean(searcher, text, ranked) if text and left() > 0 else None
    if text and not ranked and did_you_mean and left() > 0:
        # A misspelling: show what the corrected words find rather than nothing.
        fixed, terms = build_query(did_you_mean, synonyms or {}, require_all=False)
        if fixed is not None:
            results, partial = _run(searcher, fixed, request, limit, left())
            ranked, relaxed, base = _ranked(results, request), "corrected", fixed
    if text and not ranked and left() > 0:
        popular = SearchRequest("", request.filters, "popular", page, per_page)
        base = q.Every()
        if request.interest_areas and "area" not in request.filters:
            base = q.Or([q.Term("area", a) for a in request.interest_areas])
        results, partial = _run(searcher, base, popular, page * per_page, left())
        ranked, relaxed = list(results), "popular"
    term_set = set(terms)
    if left() > 0:
        matched = results.docs()  # every match, for the total and the facet counts
        total, facets = len(matched), _counts(results.searcher, matched)
        facets.update(_own_filter_counts(searcher, base, request.filters, left))
    else:
        # Out of time: no facet pass; the total is what the scored pass counted.
        total, facets, partial = results.scored_length(), {}, True
    window = ranked[(page - 1) * per_page : page * per_page]
    return SearchResults(
        hits=[_hit(h, term_set) for h in window],
        total=total,
        page=page,
        per_page=per_page,
        facets=facets,
        did_you_mean=did_you_mean,
        relaxed=relaxed,
        partial=partial,
        took_ms=(time.perf_counter() - started) * 1000,
    )


@dataclass(frozen=True)
class Suggestion:
    """A title to complete the learner's typing."""

    id: int
    title: str


MAX_EXPANSION = 30


def suggest(store: IndexStore, prefix: str, limit: int = 8) -> list[Suggestion]:
    """Titles starting with what was typed: characters, pinyin or pinyin initials."""
    key = normalise_title(clean_query(prefix))
    if not key:
        return []
    searcher = store.searcher()
    reader = searcher.reader()
    fields = ["complete_title"]
    if key.isascii() and key.isalpha():
        fields += ["complete_pinyin", "complete_initials"]
    terms: list[q.Query] = []
    for name in fields:
        for i, term in enumerate(reader.expand_prefix(name, key)):
            if i >= MAX_EXPANSION:
                break
            terms.append(q.Term(name, term))
    if not terms:
        return []
    results = searcher.search(
        q.Or(terms), limit=limit * 3, sortedby=sorting.FieldFacet("popularity", reverse=True)
    )
    seen: dict[str, Suggestion] = {}
    for hit in results:
        seen.setdefault(hit["title"], Suggestion(int(hit["id"]), hit["title"]))
    return list(seen.values())[:limit]

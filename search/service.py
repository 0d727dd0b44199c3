"""Searching the course index: the small interface the rest of the code uses.

Nothing outside `search/` touches Whoosh: callers pass a SearchRequest and get plain
results back, with highlights already HTML-escaped.
"""

from __future__ import annotations

import dataclasses
import math
import re
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import jieba
import numpy as np
from markupsafe import Markup

from search import correction, feedback
from search.analysis import analyze, ensure_jieba
from search.documents import normalise_title
from search.engine import Clause, Engine, OutOfTime, TextQuery, total
from search.facets import FacetCache
from search.highlight import highlight
from search.pinyin import full_pinyin, has_han, looks_like_pinyin, split_syllables
from search.ranking import MAX_TERMS, is_question, term_groups
from search.schema import FACETS, TEXT_FIELDS, WORD_FIELDS
from search.store import IndexMissing, IndexStore

MAX_QUERY_CHARS = 200
SORTS = ("relevance", "newest", "popular", "shortest")
RERANK_DEPTH = 200
POPULARITY_WEIGHT = 0.15
TIME_LIMIT = 1.0
# Distinct words a search may have: each costs posting lists, stem variants, a spelling
# suggestion and highlighting; 24 English stems took 1.36 s (docs/benchmarks.md).
MAX_QUERY_TERMS = 16
# Seconds a spelling suggestion must have left in the budget to be started, and the most
# unknown words a did-you-mean corrects (each costs a walk of the word graph).
SUGGESTION_RESERVE = 0.2
MAX_CORRECTIONS = 4
# A search that finds fewer courses than this is checked for typos (and so is one that
# finds none): its corrected words are searched, and shown when they find more.
POOR_RESULTS = 3
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
    # When relaxed to popular courses: the areas they come from (the learner's interest areas,
    # or the area guessed from the query), and whether that area was guessed.
    popular_areas: tuple[str, ...] = ()
    area_guessed: bool = False
    partial: bool = False
    took_ms: float = 0.0

    @property
    def matched(self) -> int:
        """How many courses matched what was typed (or its correction): 0 when the results are
        the popular fallback, which the page heads "no course matched", not with a count."""
        return 0 if self.relaxed == "popular" else self.total

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


def _group(terms: Sequence[str], fields: Sequence[str] | None = None) -> tuple[Clause, ...]:
    names = fields or WORD_FIELDS
    return tuple(Clause(f, t, TEXT_FIELDS[f]) for t in terms for f in names)


def _pinyin_clause(text: str) -> Clause | None:
    """Pinyin or initials typed instead of characters: match the titles' pinyin tokens."""
    letters = text.replace(" ", "").lower()
    if not letters.isascii() or not letters.isalpha():
        return None
    # Full pinyin ("taijiquan"), or 2–8 letters that may be initials ("tjq").
    if looks_like_pinyin(letters) or 2 <= len(letters) <= 8:
        return Clause("pinyin", letters, TEXT_FIELDS["pinyin"])
    return None


PREFIX_EXPANSION = 8
MIN_PREFIX = 5


def _stem_variants(reader, groups: list[list[str]], deadline: float = math.inf) -> list[list[str]]:
    """English stems also match longer indexed forms ("photograph" → "photographi")."""
    if reader is None:
        return groups
    out = []
    for group in groups:
        extra: list[str] = []
        if time.perf_counter() > deadline:
            raise OutOfTime
        for term in group:
            if term.isascii() and term.isalpha() and len(term) >= MIN_PREFIX:
                for i, found in enumerate(reader.expand_prefix("title", term)):
                    if i >= PREFIX_EXPANSION:
                        break
                    extra.append(found.decode() if isinstance(found, bytes) else found)
        out.append(list(dict.fromkeys(group + extra)))
    return out


def _too_many_words() -> QueryRejected:
    return QueryRejected("TOO_MANY_TERMS", f"a search may have at most {MAX_QUERY_TERMS} words")


def build_query(
    text: str,
    synonyms: Mapping[str, Sequence[str]],
    *,
    require_all: bool,
    reader=None,
    deadline: float = math.inf,
) -> TextQuery | None:
    """The query for a cleaned text: all words (or any word), or its pinyin; None if it
    has no word to look for. Raises OutOfTime when `deadline` passes."""
    words = term_groups(text)
    if len(words) > min(MAX_QUERY_TERMS, MAX_TERMS):
        raise _too_many_words()
    groups = _stem_variants(reader, _expand(words, synonyms), deadline)
    if require_all:
        clauses = tuple(_group(g) for g in groups)
    else:
        # The any-word fallback: one group of every word, in the fields that say what a
        # course is about.
        clauses = (_group([t for g in groups for t in g], RELAXED_FIELDS),) if groups else ()
    pinyin = _pinyin_clause(text)
    exact = exact_clauses(text)
    if not clauses and pinyin is None and not exact:
        return None
    return TextQuery(clauses, require_all, (pinyin,) if pinyin else (), exact)


def exact_clauses(text: str) -> tuple[Clause, ...]:
    """A whole title typed as characters, as its pinyin run together or as its initials (of
    any length): the title keys the index keeps for autocomplete (search.documents)."""
    key = normalise_title(text)
    if not key:
        return ()
    clauses = [Clause("complete_title", key)]
    if key.isascii() and key.isalpha():
        clauses += [Clause("complete_pinyin", key), Clause("complete_initials", key)]
    return tuple(clauses)


_SORT_COLUMNS = {
    "newest": ("published", True),
    "popular": ("popularity", True),
    "shortest": ("length_sort", False),
}
SORT_COLUMNS = ("published", "popularity", "length_sort")
_ENGINE = Engine(FacetCache())


def warm(store: IndexStore) -> bool:
    """Read what searches of this process need (the segmenter's dictionary, every segment's
    facet codes, sort columns and field lengths) before the first search asks; False when
    there is no index yet."""
    ensure_jieba()
    try:
        searcher = store.searcher()
    except IndexMissing:
        return False
    _ENGINE.warm(searcher, FACETS, SORT_COLUMNS, TEXT_FIELDS)
    return True


def _ranked(
    searcher, matches: list, request: SearchRequest, limit: int, text: str = ""
) -> list[int]:
    """Document numbers of the first `limit` matches in the requested order.

    By relevance: courses whose whole title is what was typed come first, then those whose
    title holds the typed words side by side (`phrase_in_title`, among the first
    PHRASE_DEPTH), then the rest; within each tier the text score with a popularity prior."""
    if request.sort in _SORT_COLUMNS:
        column, descending = _SORT_COLUMNS[request.sort]
        docs, _scores = _ENGINE.top(matches, limit, column=column, descending=descending)
        return [int(d) for d in docs]
    docs, scores = _ENGINE.top(matches, limit)
    # Fold a popularity prior into the text score: log-damped so text relevance leads.
    prior = scores * (1 + POPULARITY_WEIGHT * np.log1p(_ENGINE.popularity(searcher, docs) / 100))
    tier = _ENGINE.exact_flags(matches, docs).astype(np.int8) * 2
    if text and phrase_applies(text):
        for i, docnum in enumerate(docs[:PHRASE_DEPTH]):
            if phrase_in_title(searcher.stored_fields(int(docnum)).get("title", ""), text):
                tier[i] += 1
    order = np.lexsort((-prior, -tier))
    return [int(d) for d in docs[order]]


# Candidates whose titles are read for the phrase tier (a stored-field read is ~20 µs).
PHRASE_DEPTH = 100


def phrase_applies(text: str) -> bool:
    """Whether word order can tell matches apart: Chinese of two characters or more (its
    words have no spaces between them), or two words or more."""
    key = normalise_title(text)
    return (has_han(key) and len(key) >= 2) or len(text.split()) >= 2


def phrase_in_title(title: str, text: str) -> bool:
    """Whether the title holds the typed words side by side and in order: "智能手机" in
    智能手机入门 but not in 智能家居与手机; "video calls" in "Video calls with family"."""
    if has_han(text):
        return normalise_title(text) in normalise_title(title)
    words = re.findall(r"\w+", text.casefold())
    if len(words) < 2:
        return False
    pattern = r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\b"
    return re.search(pattern, unicodedata.normalize("NFKC", title).casefold()) is not None


def _hit(searcher, docnum: int, terms: set[str]) -> Hit:
    """A result, its matches highlighted (none when `terms` is empty)."""
    stored = dict(searcher.stored_fields(docnum))
    return Hit(
        id=int(stored["id"]),
        title=highlight(stored.get("title", ""), terms),
        snippet=highlight(stored.get("snippet") or stored.get("summary") or "", terms, limit=160),
        fields=stored,
    )


def _indexed(searcher, word: str) -> bool:
    """Whether the word, exactly as typed, is a known word of titles, summaries or subjects.

    Judged on the unstemmed spelling lists: a misspelling can share its stem with a real
    word ("excell" and "excel" both stem to "excel").
    """
    fields = [f"spell_{f}" for f in TEXT_FIELDS if f"spell_{f}" in searcher.schema]
    return any(searcher.doc_frequency(field, word) for field in fields)


def _correction(searcher, text: str, *, nothing: bool, deadline: float) -> str | None:
    """The query with its typos corrected (Chinese: `search.correction`; English: the
    spelling lists), or None. Chinese look-alike characters are tried only when `nothing`
    matched. Raises OutOfTime."""
    if has_han(text):
        return correction.correct(searcher, text, look_alike=nothing, deadline=deadline)
    letters = text.replace(" ", "").lower()
    if not text.isascii() or split_syllables(letters) or _pinyin_key(searcher, letters):
        return None
    return _spelling(searcher, text, deadline)


def _pinyin_key(searcher, letters: str) -> bool:
    """Whether letters are a title's (or a title word's) pinyin or initials in the index."""
    return bool(searcher.doc_frequency("pinyin", letters)) or bool(
        searcher.doc_frequency("complete_initials", letters)
    )


def _did_you_mean(
    searcher, text: str, ranked: list[int], deadline: float = math.inf, *, spelling: bool = True
) -> str | None:
    """Characters for typed pinyin (found in the titles of the first results, `ranked` being
    document numbers), or (with `spelling`) a spelling correction for English words. Raises
    OutOfTime."""
    letters = text.replace(" ", "").lower()
    if looks_like_pinyin(letters) and ranked:
        ensure_jieba()
        for docnum in ranked[:5]:
            for word in jieba.cut(searcher.stored_fields(docnum).get("title", "")):
                if has_han(word) and full_pinyin(word) == letters:
                    return word
        return None
    if not spelling or not text.isascii() or split_syllables(letters):
        return None
    if _pinyin_key(searcher, letters):
        return None
    return _spelling(searcher, text, deadline)


def _spelling(searcher, text: str, deadline: float) -> str | None:
    """English words corrected from the titles' spelling list, or None. Raises OutOfTime."""
    words = text.lower().split()
    # Unknown words worth a suggestion: stop words are never indexed and never misspelt.
    unknown = {
        w for w in words if w.isalpha() and len(w) > 3 and analyze(w) and not _indexed(searcher, w)
    }
    if len(unknown) > MAX_CORRECTIONS:
        return None  # more unknown words than a spelling suggestion can sensibly fix
    corrector = searcher.corrector("title")
    fixed, changed = [], False
    for word in words:
        if word in unknown:
            # A suggestion walks the word graph (up to ~0.1 s on a large catalogue): one is
            # started only while it and the steps after it (facets, highlighting) still fit.
            if deadline - time.perf_counter() < SUGGESTION_RESERVE:
                raise OutOfTime
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
    time_limit: float | None = None,
) -> SearchResults:
    """Run a search (or answer it from the cache of the current index version) within
    `time_limit` seconds (TIME_LIMIT by default): what did not fit is left out and the
    results are marked partial."""
    if time_limit is None:
        time_limit = TIME_LIMIT
    if not use_cache:
        return _search(store, request, synonyms, time_limit)
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
    results = _search(store, request, synonyms, time_limit)
    if not results.partial:
        store.results_cache.put(key, results)
    return results


def _search(
    store: IndexStore,
    request: SearchRequest,
    synonyms: Mapping[str, Sequence[str]] | None,
    time_limit: float = TIME_LIMIT,
) -> SearchResults:
    """Run a search: all words first, then any word, then popular courses.

    One budget covers every step after the one-off warm-up: analysis and stem variants,
    matching, relaxation, relevance feedback, did-you-mean, facets and highlighting. A step
    that does not fit is skipped or cut short and the answer is marked `partial`."""
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
    _ENGINE.warm(searcher, FACETS, SORT_COLUMNS, TEXT_FIELDS)
    started = time.perf_counter()
    # One budget for the whole search: each further step runs only if time is left.
    deadline = started + time_limit
    partial = False

    def left() -> float:
        """Seconds left; when none are, the answer is partial (a step is being skipped)."""
        nonlocal partial
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            partial = True
        return remaining

    def run(query: TextQuery | None) -> list | None:
        """The matches of a pass, or None when the budget ran out during it."""
        nonlocal partial
        try:
            return _match(searcher, query, deadline)
        except OutOfTime:
            partial = True
            return None

    def built(text: str, *, require_all: bool, with_reader: bool = True) -> TextQuery | None:
        """build_query within the budget; an empty query (matching nothing) when out of it."""
        nonlocal partial
        try:
            return build_query(
                text,
                synonyms or {},
                require_all=require_all,
                reader=reader if with_reader else None,
                deadline=deadline,
            )
        except OutOfTime:
            partial = True
            return TextQuery(())

    limit = max(RERANK_DEPTH if request.sort == "relevance" else 0, page * per_page)
    filters = {k: v for k, v in request.filters.items() if k in FACETS}
    reader = searcher.reader()
    relaxed = None
    if text and len(term_groups(text)) > MAX_QUERY_TERMS:
        raise _too_many_words()
    query = built(text, require_all=True) if text else None
    if text and query is None:
        query = TextQuery(())  # only stop words: matches nothing, then relaxes
    text_matches = run(query) or []
    matches = _ENGINE.filtered(text_matches, filters)
    did_you_mean = None
    # The text the results are for: what was typed, or its correction.
    shown = text
    checked = False
    if text and total(matches) < POOR_RESULTS and left() > SUGGESTION_RESERVE:
        checked = True
        # A typo: the corrected words are searched before any relaxing of what was typed.
        try:
            did_you_mean = _correction(
                searcher, text, nothing=not total(matches), deadline=deadline
            )
        except OutOfTime:
            partial = True
        if did_you_mean:
            fixed = built(did_you_mean, require_all=True)
            found = run(fixed) if fixed is not None else None
            if found is not None and total(_ENGINE.filtered(found, filters)) > total(matches):
                query, relaxed, text_matches, shown = fixed, "corrected", found, did_you_mean
                matches = _ENGINE.filtered(text_matches, filters)
            elif not total(matches):
                shown = did_you_mean  # neither finds every word: relax the corrected ones
    # Nothing matched every word, or a question's content words matched too few courses
    # together (老年人 in a description, 商务 in a title): courses matching most of them serve
    # it better. Keywords that find a course or two stand as they are.
    # A correction's few results stand: they are what the learner meant.
    few = relaxed is None and total(matches) < POOR_RESULTS and is_question(text)
    if text and (not total(matches) or few) and left() > 0:
        any_query = built(shown, require_all=False)
        found = run(any_query) if any_query is not None else None
        if found is not None:
            query, relaxed, text_matches = any_query, "any_term", found
            matches = _ENGINE.filtered(text_matches, filters)
    if query is not None and request.sort == "relevance" and left() > 0:
        matches, complete = _with_feedback(
            searcher, query, matches, len(term_groups(shown)), deadline
        )
        partial = partial or not complete
    ranked = _ranked(searcher, matches, request, limit, shown)
    if text and did_you_mean is None and left() > 0:
        try:
            did_you_mean = _did_you_mean(searcher, text, ranked, deadline, spelling=not checked)
        except OutOfTime:
            partial = True
    popular_areas: tuple[str, ...] = ()
    area_guessed = False
    if text and not ranked and left() > 0:
        popular = SearchRequest("", request.filters, "popular", page, per_page)
        if "area" not in filters:
            popular_areas = request.interest_areas
            if not popular_areas:
                guessed = store.area_model().guess(text)
                popular_areas, area_guessed = ((guessed,), True) if guessed else ((), False)
        text_matches = run(None) or []
        if popular_areas:
            text_matches = _ENGINE.filtered(text_matches, {"area": popular_areas})
        matches = _ENGINE.filtered(text_matches, filters)
        ranked, relaxed = _ranked(searcher, matches, popular, page * per_page), "popular"
    if left() > 0:
        facets = _ENGINE.counts(matches, FACETS)
        # A filtered facet is counted as if its own filter were off, so a learner who chose
        # one area still sees how many matches the other areas have.
        for name in filters:
            others = {k: v for k, v in filters.items() if k != name}
            facets[name] = _ENGINE.counts(_ENGINE.filtered(text_matches, others), [name])[name]
    else:
        facets, partial = {}, True
    terms = set(query.terms()) if query is not None else set()
    window = ranked[(page - 1) * per_page : page * per_page]
    hits = []
    for docnum in window:
        # Out of time: the rest of the page is shown without highlighting.
        if terms and left() <= 0:
            terms = set()
        hits.append(_hit(searcher, docnum, terms))
    return SearchResults(
        hits=hits,
        total=total(matches),
        page=page,
        per_page=per_page,
        facets=facets,
        did_you_mean=did_you_mean,
        relaxed=relaxed,
        popular_areas=popular_areas,
        area_guessed=area_guessed,
        partial=partial,
        took_ms=(time.perf_counter() - started) * 1000,
    )


# The stored fields whose words feed relevance feedback: what a course says it is about.
FEEDBACK_FIELDS = ("title", "summary", "subjects")


def _with_feedback(
    searcher, query: TextQuery, matches: list, words: int, deadline: float
) -> tuple[list, bool]:
    """Matches of a question-like query (`feedback.applies`) re-scored with the words of its
    best matches (RM3, `search.feedback`): the first FEEDBACK_DEPTH are re-ranked, the matches
    themselves do not change. Without time left for it, the matches keep their own scores
    (and the second value, whether it was done or not needed, is False)."""
    own = query.terms()
    if not own or not feedback.applies(words) or total(matches) < 2:
        return matches, True
    docs, scores = _ENGINE.top(matches, feedback.FEEDBACK_DOCS)
    texts = []
    for docnum, score in zip(docs, scores, strict=True):
        if time.perf_counter() > deadline:
            return matches, False
        stored = searcher.stored_fields(int(docnum))
        text = " ".join(stored.get(field) or "" for field in FEEDBACK_FIELDS)
        texts.append((float(score), analyze(text)))
    model = feedback.relevance_model(texts)
    if not model:
        return matches, True
    # RM3 is additive over terms: the first pass gave each of the query's own terms weight 1,
    # so the expanded score is that score × (its share ÷ term count) plus the model's part.
    clauses = [
        Clause(field, word, TEXT_FIELDS[field] * (1 - feedback.ORIGINAL_WEIGHT) * weight)
        for word, weight in model.items()
        # Where the words came from; descriptions and lesson lists would add long posting
        # lists for little (measured in docs/benchmarks.md).
        for field in FEEDBACK_FIELDS
    ]
    weighting = searcher.weighting
    try:
        rescored = _ENGINE.rescored(
            searcher,
            matches,
            clauses,
            scale=feedback.ORIGINAL_WEIGHT / len(own),
            depth=feedback.FEEDBACK_DEPTH,
            K1=weighting.K1,
            B=weighting.B,
            deadline=deadline,
        )
    except OutOfTime:
        return matches, False
    return rescored, True


def _match(searcher, query: TextQuery | None, deadline: float = math.inf) -> list:
    weighting = searcher.weighting
    return _ENGINE.match(searcher, query, K1=weighting.K1, B=weighting.B, deadline=deadline)


@dataclass(frozen=True)
class Suggestion:
    """A title to complete the learner's typing."""

    id: int
    title: str


MAX_EXPANSION = 30


def posting_cache_bytes() -> int:
    """How many bytes of posting arrays this process keeps for later searches."""
    return _ENGINE.postings.used


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
    clauses: list[Clause] = []
    for name in fields:
        for i, term in enumerate(reader.expand_prefix(name, key)):
            if i >= MAX_EXPANSION:
                break
            clauses.append(Clause(name, term.decode() if isinstance(term, bytes) else term))
    if not clauses:
        return []
    matches = _match(searcher, TextQuery((tuple(clauses),), require_all=False))
    docs, _scores = _ENGINE.top(matches, limit * 3, column="popularity")
    seen: dict[str, Suggestion] = {}
    for docnum in docs:
        stored = searcher.stored_fields(int(docnum))
        seen.setdefault(stored["title"], Suggestion(int(stored["id"]), stored["title"]))
    return list(seen.values())[:limit]

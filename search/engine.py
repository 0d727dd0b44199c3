"""Matching and scoring searches with NumPy over the Whoosh index's posting lists.

Whoosh's matchers walk posting lists one document at a time in Python: a search whose words
occur in a hundred thousand courses spends most of a second in matcher calls, and the facet
counts walk the matches again. Here each posting list is read block by block into arrays
(document numbers and term frequencies, cached per segment), and matching, BM25F scoring,
filters, facet counts and ordering are array operations over the whole segment.

The scores are whoosh's BM25F as `search.ranking.weighting()` defines it (idf, average field
length and the one-byte field lengths of the index, field boosts), so the order equals what
whoosh's own searcher returns; `tests/test_search_engine.py` compares the two.

Reading a block uses whoosh-reloaded's W3 codec internals (pinned in pyproject.toml); other
posting formats fall back to whoosh's public matcher interface.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher, WrappingMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import _length_byte_cache

from search.facets import FacetCache, segment_id
from search.store import LRUCache

# Field length as whoosh stores it: one byte per document and field, decoded by this table.
_LENGTH_OF_BYTE = np.asarray(_length_byte_cache, dtype=np.float64)
POSTINGS_CACHE_BYTES = 96 * 2**20
MAX_CACHED_SEGMENTS = 64


class OutOfTime(Exception):
    """A search's time budget ran out in the middle of a pass."""


@dataclass(frozen=True)
class Clause:
    """A term looked up in one field, its score multiplied by the boost."""

    field: str
    term: str
    boost: float = 1.0


@dataclass(frozen=True)
class TextQuery:
    """Groups of alternative clauses: a document matches when it matches a clause of every
    group (`require_all`) or of any group; it also matches on any of the `alternatives`
    alone (pinyin). Its score is the sum of the scores of the clauses it matches, counted
    for the groups only when the groups match."""

    groups: tuple[tuple[Clause, ...], ...]
    require_all: bool = True
    alternatives: tuple[Clause, ...] = ()
    # Whole-title keys (characters, pinyin, initials): a document holding one matches, and
    # ranks before every document that does not (`Engine.top`).
    exact: tuple[Clause, ...] = ()

    def terms(self) -> list[str]:
        """Every term of the query's groups, in order."""
        return list(dict.fromkeys(c.term for g in self.groups for c in g))


class _Postings:
    """Posting arrays per (segment, field, term), least recently used dropped first."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self._items: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, reader, segid: str, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        key = (segid, field, term)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        found = _read_postings(reader, field, term)
        size = found[0].nbytes + found[1].nbytes
        with self._lock:
            if key not in self._items and size <= self.budget:
                self._items[key] = found
                self.used += size
                while self.used > self.budget:
                    _key, (ids, weights) = self._items.popitem(last=False)
                    self.used -= ids.nbytes + weights.nbytes
        return found


_EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64))


def _read_postings(reader, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers (ascending, deleted ones included) and weights of a posting list."""
    try:
        matcher = reader.postings(field, term)
    except TermNotFound:
        return _EMPTY
    while isinstance(matcher, FilterMatcher | WrappingMatcher):
        matcher = matcher.child
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while matcher.is_active():
            matcher._read_data()
            raw_ids, raw_weights = matcher._data[0], matcher._data[1]
            count = matcher._blocklength
            ids.append(np.cumsum(np.asarray(raw_ids, dtype=np.int64)))
            if raw_weights is None:
                weights.append(np.ones(count))
            elif isinstance(raw_weights, float):
                weights.append(np.full(count, raw_weights))
            else:
                weights.append(np.asarray(raw_weights, dtype=np.float64))
            matcher._next_block()
    else:
        docs, values = [], []
        while matcher.is_active():
            docs.append(matcher.id())
            values.append(matcher.weight())
            matcher.next()
        ids.append(np.asarray(docs, dtype=np.int64))
        weights.append(np.asarray(values, dtype=np.float64))
    if not ids:
        return _EMPTY
    return np.concatenate(ids).astype(np.int32), np.concatenate(weights)


class _Segments:
    """Per-segment arrays that never change once a segment is written: field lengths and
    sort columns; and the live-document mask, which changes only as deletions are added."""

    def __init__(self) -> None:
        # Each segment holds a few arrays: keep those of the most recently used segments.
        self._arrays = LRUCache(MAX_CACHED_SEGMENTS * 16)

    def lengths(self, reader, segid: str, field: str) -> np.ndarray:
        """Each document's length of a field, as whoosh's scorer sees it."""

        def build() -> np.ndarray:
            count = reader.doc_count_all()
            column = reader._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
            if column is None:
                return np.zeros(count)
            return _LENGTH_OF_BYTE[np.fromiter(column, dtype=np.uint8, count=count)]

        return self._arrays.get_or_build((segid, "length", field), build)

    def column(self, reader, segid: str, name: str) -> np.ndarray:
        """A numeric sort column of a segment."""

        def build() -> np.ndarray:
            return np.fromiter(
                reader.column_reader(name), dtype=np.int64, count=reader.doc_count_all()
            )

        return self._arrays.get_or_build((segid, "column", name), build)

    def live(self, reader, segid: str) -> np.ndarray:
        """True for each document not deleted."""
        deleted = reader.deleted_docs_set

        def build() -> np.ndarray:
            mask = np.ones(reader.doc_count_all(), dtype=bool)
            if deleted:
                mask[np.fromiter(deleted, dtype=np.int64, count=len(deleted))] = False
            return mask

        # Deletions only ever grow within a segment: their count names the state.
        return self._arrays.get_or_build((segid, "live", len(deleted)), build)


@dataclass
class SegmentMatches:
    """The documents of one segment that match the text, and their scores."""

    reader: object
    segid: str
    offset: int
    docs: np.ndarray  # local document numbers, ascending
    scores: np.ndarray
    exact: np.ndarray | None = None  # per document: its whole title is what was typed


class Engine:
    """Evaluates text queries, filters, facets and orders; shared by a process's searches."""

    def __init__(self, facets: FacetCache, postings_budget: int = POSTINGS_CACHE_BYTES) -> None:
        self.facets = facets
        self.postings = _Postings(postings_budget)
        self.segments = _Segments()

    def warm(
        self, searcher, facets: Sequence[str], columns: Sequence[str], fields: Sequence[str]
    ) -> None:
        """Read the arrays of every segment not seen yet (at start and after each commit), so
        that a learner's search does not pay for them."""
        self.facets.warm(searcher, facets)
        for reader, _offset in searcher.reader().leaf_readers():
            segid = segment_id(reader)
            self.segments.live(reader, segid)
            for name in columns:
                self.segments.column(reader, segid, name)
            for field in fields:
                self.segments.lengths(reader, segid, field)

    # -- matching ------------------------------------------------------------------------

    def match(
        self,
        searcher,
        query: TextQuery | None,
        *,
        K1: float,
        B: float,
        deadline: float = math.inf,
    ) -> list:
        """Every live document matching the query (all live documents for None), scored.

        Raises OutOfTime when `deadline` (a time.perf_counter() value) passes between two
        posting lists: one list costs at most tens of milliseconds, so a pass overruns its
        budget by no more than that."""
        out = []
        for reader, offset in searcher.reader().leaf_readers():
            segid = segment_id(reader)
            live = self.segments.live(reader, segid)
            if query is None:
                docs = np.flatnonzero(live)
                out.append(SegmentMatches(reader, segid, offset, docs, np.zeros(len(docs))))
                continue
            mask, scores, exact = self._segment(searcher, reader, segid, query, K1, B, deadline)
            docs = np.flatnonzero(mask & live)
            exact_docs = exact[docs] if exact is not None else None
            out.append(SegmentMatches(reader, segid, offset, docs, scores[docs], exact_docs))
        return out

    def _clause(self, searcher, reader, segid, clause: Clause, K1: float, B: float, deadline):
        if time.perf_counter() > deadline:
            raise OutOfTime
        ids, tf = self.postings.get(reader, segid, clause.field, clause.term)
        if not len(ids):
            return ids, None
        return ids, self._weights(searcher, reader, segid, clause, ids, tf, K1, B)

    def _segment(self, searcher, reader, segid, query: TextQuery, K1, B, deadline):
        count = reader.doc_count_all()
        main_scores = np.zeros(count)
        groups_matched = np.zeros(count, dtype=np.int16)
        for group in query.groups:
            in_group = np.zeros(count, dtype=bool)
            for clause in group:
                ids, score = self._clause(searcher, reader, segid, clause, K1, B, deadline)
                if len(ids):
                    in_group[ids] = True
                    main_scores[ids] += score
            groups_matched += in_group
        if not query.groups:
            main = np.zeros(count, dtype=bool)
        elif query.require_all:
            main = groups_matched == len(query.groups)
        else:
            main = groups_matched > 0
        scores = np.where(main, main_scores, 0.0)
        matched = main
        if query.alternatives:
            alternative = np.zeros(count, dtype=bool)
            for clause in query.alternatives:
                ids, score = self._clause(searcher, reader, segid, clause, K1, B, deadline)
                if len(ids):
                    alternative[ids] = True
                    scores[ids] += score
            matched = main | alternative
        exact = None
        if query.exact:
            exact = np.zeros(count, dtype=bool)
            for clause in query.exact:
                ids, _tf = self.postings.get(reader, segid, clause.field, clause.term)
                exact[ids] = True
            matched = matched | exact
        return matched, scores, exact

    def rescored(
        self,
        searcher,
        matches: list,
        clauses: Sequence[Clause],
        *,
        scale: float,
        depth: int,
        K1: float,
        B: float,
        deadline: float = math.inf,
    ) -> list:
        """The same matches; the `depth` best are scored `scale` × their score plus the
        clauses' scores, the others `scale` × their score (so they stay below: the clauses only
        add). Each clause is looked up at the candidates only (a binary search per candidate in
        its posting list), so a long posting list costs little. Raises OutOfTime."""
        best, _scores = self.top(matches, depth)
        out = []
        for part in matches:
            end = part.offset + part.reader.doc_count_all()
            local = np.sort(best[(best >= part.offset) & (best < end)])
            scores = scale * part.scores
            if len(local):
                local = local - part.offset
                added = np.zeros(len(local))
                for clause in clauses:
                    added += self._clause_at(searcher, part, clause, local, K1, B, deadline)
                at = np.searchsorted(part.docs, local)
                scores[at] += added
            out.append(
                SegmentMatches(part.reader, part.segid, part.offset, part.docs, scores, part.exact)
            )
        return out

    def _clause_at(
        self, searcher, part: SegmentMatches, clause: Clause, docs: np.ndarray, K1, B, deadline
    ) -> np.ndarray:
        """The clause's score at each of the given (ascending, local) documents; 0 elsewhere."""
        if time.perf_counter() > deadline:
            raise OutOfTime
        ids, tf = self.postings.get(part.reader, part.segid, clause.field, clause.term)
        out = np.zeros(len(docs))
        if not len(ids):
            return out
        at = np.searchsorted(ids, docs)
        inside = at < len(ids)
        hit = np.zeros(len(docs), dtype=bool)
        hit[inside] = ids[at[inside]] == docs[inside]
        if not hit.any():
            return out
        out[hit] = self._weights(
            searcher, part.reader, part.segid, clause, docs[hit], tf[at[hit]], K1, B
        )
        return out

    def _weights(self, searcher, reader, segid, clause: Clause, docs, tf, K1, B) -> np.ndarray:
        """BM25F scores (× the clause's boost) of a term at documents with these frequencies."""
        if not searcher.schema[clause.field].scorable:
            return tf * clause.boost
        idf = searcher.idf(clause.field, clause.term)
        avgfl = searcher.avg_field_length(clause.field) or 1
        fl = self.segments.lengths(reader, segid, clause.field)[docs]
        return clause.boost * idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))

    # -- filters and facets --------------------------------------------------------------

    def filtered(self, matches: list, filters: Mapping[str, str | Collection[str]]) -> list:
        """The matches that hold every filter's value (or one of its values)."""
        out = []
        for part in matches:
            keep = np.ones(len(part.docs), dtype=bool)
            for name, value in filters.items():
                codes, values = self.facets.codes(part.reader, name)
                wanted = [
                    values[v]
                    for v in ((value,) if isinstance(value, str) else value)
                    if v in values
                ]
                if not wanted:
                    keep[:] = False
                    break
                if len(wanted) == 1:
                    keep &= codes[part.docs] == wanted[0]
                else:
                    keep &= np.isin(codes[part.docs], wanted)
            exact = part.exact[keep] if part.exact is not None else None
            out.append(
                SegmentMatches(
                    part.reader, part.segid, part.offset, part.docs[keep], part.scores[keep], exact
                )
            )
        return out

    def counts(self, matches: list, fields: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        """For each facet, (value, count) pairs, most frequent first."""
        tallies = self.facets.counts_local(((m.reader, m.docs) for m in matches), fields)
        return {
            name: sorted(tallies[name].items(), key=lambda kv: (-kv[1], kv[0])) for name in fields
        }

    # -- ordering ------------------------------------------------------------------------

    def top(
        self,
        matches: list,
        limit: int,
        *,
        column: str | None = None,
        descending: bool = True,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The first `limit` (global docnums, scores): by score (exact titles first), or by a
        column; ties in document order, as whoosh orders them."""
        docs = _concat([m.docs.astype(np.int64) + m.offset for m in matches], np.int64)
        scores = _concat([m.scores for m in matches], np.float64)
        if column is None:
            key = scores
            exact = self.exact_flags(matches)
            if exact.any():
                # Above every other score, keeping the order of the exact ones among themselves.
                key = np.where(exact, scores + (np.abs(scores).max() + 1) * 2, scores)
        else:
            key = _concat(
                [self.segments.column(m.reader, m.segid, column)[m.docs] for m in matches],
                np.int64,
            ).astype(np.float64)
        if not descending:
            key = -key
        if len(key) > limit > 0:
            # Only documents at or above the limit-th best key can be in the first `limit`.
            threshold = np.partition(key, len(key) - limit)[len(key) - limit]
            keep = key >= threshold
            docs, scores, key = docs[keep], scores[keep], key[keep]
        order = np.lexsort((docs, -key))[: max(limit, 0)]
        return docs[order], scores[order]

    @staticmethod
    def exact_flags(matches: list, docnums: np.ndarray | None = None) -> np.ndarray:
        """Whether each match (in `top`'s concatenated order), or each of the given global
        documents, holds the exact title typed."""
        flags = _concat(
            [
                m.exact if m.exact is not None else np.zeros(len(m.docs), dtype=bool)
                for m in matches
            ],
            bool,
        )
        if docnums is None:
            return flags
        docs = _concat([m.docs.astype(np.int64) + m.offset for m in matches], np.int64)
        return np.isin(np.asarray(docnums, dtype=np.int64), docs[flags])

    def popularity(self, searcher, docnums: Iterable[int]) -> np.ndarray:
        """The popularity column's values (× 100) of the given global documents."""
        docnums = np.asarray(list(docnums), dtype=np.int64)
        out = np.zeros(len(docnums))
        for reader, offset in searcher.reader().leaf_readers():
            inside = (docnums >= offset) & (docnums < offset + reader.doc_count_all())
            if inside.any():
                column = self.segments.column(reader, segment_id(reader), "popularity")
                out[inside] = column[docnums[inside] - offset]
        return out


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def total(matches: list) -> int:
    """How many documents matched."""
    return sum(len(m.docs) for m in matches)

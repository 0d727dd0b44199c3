"""The NumPy search engine matches and scores exactly as whoosh's own searcher does."""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np
import pytest
from whoosh import query as q
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from search import cranfield
from search.analysis import mixed_analyzer
from search.engine import Clause, Engine, OutOfTime, TextQuery, total
from search.facets import FacetCache
from search.ranking import query_terms, weighting

WORDS = ["太极", "拳法", "书法", "手机", "摄影", "excel", "office", "garden", "烹饪", "健身"]
WORDS += ["舞蹈", "python", "数据", "历史"]
FIELDS = {"title": 3.0, "body": 1.0, "tags": 2.0}


def whoosh_query(query: TextQuery) -> q.Query:
    """The same query in whoosh's query language."""

    def term(c: Clause) -> q.Query:
        return q.Term(c.field, c.term, boost=c.boost)

    groups = [q.Or([term(c) for c in group]) for group in query.groups]
    main = (q.And(groups) if query.require_all else q.Or(groups)) if groups else q.NullQuery
    if query.alternatives:
        return q.Or([main, *[term(c) for c in query.alternatives]])
    return main


def whoosh_matches(searcher, query: TextQuery) -> dict[int, float]:
    results = searcher.search(whoosh_query(query), limit=None)
    return {docnum: score for score, docnum in results.top_n}


def engine_matches(engine: Engine, searcher, query: TextQuery) -> dict[int, float]:
    parts = engine.match(searcher, query, K1=1.2, B=0.75)
    return {
        int(d) + part.offset: float(s)
        for part in parts
        for d, s in zip(part.docs, part.scores, strict=True)
    }


def random_text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


@pytest.fixture(scope="module")
def index():
    """Three segments of random documents, some deleted after they were written."""
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=mixed_analyzer(), stored=True),
        body=TEXT(analyzer=mixed_analyzer()),
        tags=KEYWORD(lowercase=True, scorable=True),
        area=ID(stored=True, sortable=True),
    )
    index = RamStorage().create_index(schema)
    rng = random.Random(5)
    number = 0
    for _segment in range(3):
        writer = index.writer()
        for _ in range(300):
            number += 1
            writer.add_document(
                id=str(number),
                title=random_text(rng, 1, 4),
                body=random_text(rng, 0, 30),
                tags=random_text(rng, 0, 2),
                area=rng.choice(["elderly", "hobbies", "workplace"]),
            )
        writer.commit(merge=False)
    writer = index.writer()
    for doomed in rng.sample(range(1, number + 1), 120):
        writer.delete_by_term("id", str(doomed))
    writer.commit(merge=False)
    return index


def queries() -> list[TextQuery]:
    rng = random.Random(11)
    out = []
    for _ in range(60):
        groups = tuple(
            tuple(
                Clause(field, term, boost)
                for term in rng.sample(WORDS, rng.randint(1, 2))
                for field, boost in FIELDS.items()
            )
            for _ in range(rng.randint(1, 3))
        )
        alternatives = (Clause("tags", rng.choice(WORDS), 2.5),) if rng.random() < 0.3 else ()
        out.append(TextQuery(groups, rng.random() < 0.6, alternatives))
    return out


@pytest.mark.parametrize("query", queries())
def test_matches_and_scores_equal_whooshs(index, query):
    with index.searcher(weighting=weighting(("title", "body"))) as searcher:
        assert len(searcher.reader().leaf_readers()) == 3
        expected = whoosh_matches(searcher, query)
        got = engine_matches(Engine(FacetCache()), searcher, query)
    assert set(got) == set(expected)
    for docnum, score in expected.items():
        assert got[docnum] == pytest.approx(score, rel=1e-9)


def test_a_tiny_postings_cache_gives_the_same_answers(index):
    engine = Engine(FacetCache(), postings_budget=64)
    with index.searcher(weighting=weighting()) as searcher:
        for query in queries()[:10]:
            assert engine_matches(engine, searcher, query) == pytest.approx(
                whoosh_matches(searcher, query)
            )
    assert engine.postings.used <= 64


def test_documents_deleted_after_a_search_disappear_from_the_next(index):
    engine = Engine(FacetCache())
    query = TextQuery(((Clause("title", "书法"),),))
    with index.searcher() as searcher:
        before = engine_matches(engine, searcher, query)
    victim = next(iter(before))
    with index.searcher() as searcher:
        victim_id = searcher.stored_fields(victim)["id"]
    writer = index.writer()
    writer.delete_by_term("id", victim_id)
    writer.commit(merge=False)
    with index.searcher() as searcher:
        after = engine_matches(engine, searcher, query)
        assert after == pytest.approx(whoosh_matches(searcher, query))
        ids = {searcher.stored_fields(d)["id"] for d in after}
    assert victim_id not in ids and len(after) == len(before) - 1


def test_filters_facets_and_order(index):
    engine = Engine(FacetCache())
    query = TextQuery(((Clause("body", "太极"), Clause("title", "太极", 3.0)),))
    with index.searcher(weighting=weighting()) as searcher:
        everything = engine.match(searcher, query, K1=1.2, B=0.75)
        elderly = engine.filtered(everything, {"area": "elderly"})
        two = engine.filtered(everything, {"area": ("elderly", "hobbies")})
        counts = dict(engine.counts(everything, ["area"])["area"])
        assert counts["elderly"] == total(elderly)
        assert total(two) == counts["elderly"] + counts["hobbies"]
        assert total(engine.filtered(everything, {"area": "nowhere"})) == 0
        expected = whoosh_matches(searcher, query)
        docs, scores = engine.top(everything, 10)
        best = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        assert [int(d) for d in docs] == [d for d, _s in best]
        assert np.allclose(scores, [s for _d, s in best])


def test_cranfield_rankings_equal_whooshs(shared_data: Path):
    folder = shared_data / "ir" / "cranfield"
    if not folder.is_dir():
        pytest.skip(f"Cranfield collection {folder} is absent")
    index = cranfield.build_index(cranfield.load_documents(folder))
    boosts = {"title": 1.0, "body": 1.0}
    engine = Engine(FacetCache())
    with index.searcher(weighting=weighting(tuple(boosts))) as searcher:
        for query in cranfield.load_queries(folder):
            terms = query_terms(query.text)
            ours = TextQuery(
                tuple(tuple(Clause(f, t, b) for f, b in boosts.items()) for t in terms), False
            )
            docs, scores = engine.top(engine.match(searcher, ours, K1=1.2, B=0.75), 20)
            theirs = searcher.search(whoosh_query(ours), limit=20)
            assert [int(d) for d in docs] == [d for _s, d in theirs.top_n], query.number
            assert np.allclose(scores, [s for s, _d in theirs.top_n])


def test_a_pass_stops_between_posting_lists_when_its_time_is_up(index):
    engine = Engine(FacetCache())
    query = TextQuery(((Clause("body", "太极"),), (Clause("body", "书法"),)))
    with index.searcher() as searcher:
        with pytest.raises(OutOfTime):
            engine.match(searcher, query, K1=1.2, B=0.75, deadline=time.perf_counter() - 1)
        # Listing every document reads no posting list: nothing to interrupt.
        assert total(engine.match(searcher, None, K1=1.2, B=0.75, deadline=0.0)) > 0


def scored(matches: list) -> dict[int, float]:
    """Global document number → score of the engine's matches."""
    return {
        int(d) + part.offset: float(s)
        for part in matches
        for d, s in zip(part.docs, part.scores, strict=True)
    }


def test_rescoring_adds_the_clauses_scores_to_the_best_matches_only(index):
    engine = Engine(FacetCache())
    first = TextQuery(((Clause("title", "书法"), Clause("body", "书法")),))
    clauses = (Clause("body", "手机", 0.5), Clause("title", "python", 2.0))
    with index.searcher(weighting=weighting()) as searcher:
        matches = engine.filtered(
            engine.match(searcher, first, K1=1.2, B=0.75), {"area": "elderly"}
        )
        depth = total(matches) // 2
        best = {int(d) for d in engine.top(matches, depth)[0]}
        rescored = engine.rescored(
            searcher, matches, clauses, scale=0.25, depth=depth, K1=1.2, B=0.75
        )
        before = scored(matches)
        added = whoosh_matches(searcher, TextQuery((clauses,), require_all=False))
    after = scored(rescored)
    assert set(after) == set(before) and 0 < len(best) < len(before)
    assert any(d in added for d in best) and any(d not in added for d in best)
    assert any(d in added for d in set(before) - best)  # would gain, but is not re-ranked
    for docnum, score in before.items():
        extra = added.get(docnum, 0.0) if docnum in best else 0.0
        assert after[docnum] == pytest.approx(0.25 * score + extra, rel=1e-9)
    # The re-ranked ones stay above the rest.
    assert min(after[d] for d in best) >= max(after[d] for d in set(before) - best)


def test_threads_asking_for_the_same_missing_array_build_it_once():
    """At 630,000 courses a segment's arrays take seconds to read: the first searches of a
    web process must not all read them at once (that held a process for a minute)."""
    import threading
    import time

    from search.store import LRUCache

    cache = LRUCache(8)
    builds: list[int] = []

    def build():
        builds.append(1)
        time.sleep(0.3)
        return object()

    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_build("seg", build)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert len(builds) == 1 and len(results) == 8 and len({id(r) for r in results}) == 1

    # A build that fails lets the next asker try again.
    def broken():
        raise OSError("disk")

    with pytest.raises(OSError):
        cache.get_or_build("other", broken)
    assert cache.get_or_build("other", lambda: "read") == "read"

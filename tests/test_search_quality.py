"""Floors of search quality on the judged query set of a demo catalogue (issue 14, "Search").

The demo catalogue (1,500 courses) is generated into the test database, indexed by a full
rebuild, and every judged query (search/judged.py, rules in docs/search.md) is sent through
search.service.search once per backend; each test checks one floor of the figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from catalogue.db import make_engine, make_session_factory
from catalogue.demo import generate_demo
from search.indexer import rebuild
from search.judged import judged_queries
from search.quality import Figures, catalogue_rows, evaluate
from search.store import IndexStore
from tests.helpers import empty_tables

COURSES, LEARNERS = 1500, 500
# nDCG@10 floors: overall and per kind. The figures of today's ranking on this catalogue
# (commit dc6cd40, rounded down: `bench/search_quality.py --courses 1500 --learners 500`),
# to be raised by the lead to the after-figures.
NDCG_FLOORS = {
    "overall": 0.95,
    "title": 0.99,
    "phrase": 0.99,
    "typo": 0.90,
    "question": 0.90,
    "topic": 0.99,
}


@pytest.fixture(scope="module")
def figures(database_url: str, tmp_path_factory) -> Iterator[Figures]:
    """The judged query set run once on a generated, indexed demo catalogue."""
    engine = make_engine(database_url)
    try:
        generate_demo(engine, courses=COURSES, learners=LEARNERS)
        sessions = make_session_factory(engine)
        store = IndexStore(Path(tmp_path_factory.mktemp("quality-index")))
        rebuild(sessions, store)
        with sessions() as session:
            rows = catalogue_rows(session)
        yield evaluate(store, judged_queries(rows), rows)
    finally:
        empty_tables(engine)
        engine.dispose()


def _failing(outcomes, limit: int = 8) -> str:
    return "; ".join(
        f"{o.query.text!r}→{o.titles[:2]} (relaxed {o.relaxed}, dym {o.did_you_mean!r})"
        for o in outcomes[:limit]
    )


def test_exact_titles_come_first(figures: Figures):
    titles = figures.of("title")
    missed = [o for o in titles if o.rank != 1]
    assert figures.rank1() >= 0.99, f"rank-1 {figures.rank1():.3f}: {_failing(missed)}"


def test_exact_titles_are_always_in_the_top_ten(figures: Figures):
    missed = [o for o in figures.of("title") if o.rank is None or o.rank > 10]
    assert figures.top10() == 1.0, f"top-10 {figures.top10():.3f}: {_failing(missed)}"


def test_homophone_typos_are_corrected(figures: Figures):
    missed = [o for o in figures.of("typo") if not o.corrected]
    rate = figures.correction_rate()
    assert rate >= 0.95, f"corrected {rate:.3f}: {_failing(missed)}"


def test_no_page_shows_contradictory_messages(figures: Figures):
    bad = figures.contradictory()
    assert not bad, f"{len(bad)} contradictory pages: {_failing(bad)}"


def test_questions_find_their_subject_before_any_fallback(figures: Figures):
    fallback = [o for o in figures.of("question") if o.relaxed == "popular"]
    assert not fallback, _failing(fallback)


@pytest.mark.parametrize("kind", list(NDCG_FLOORS))
def test_judged_ndcg_is_not_below_its_floor(figures: Figures, kind: str):
    value = figures.ndcg(None if kind == "overall" else kind)
    assert value >= NDCG_FLOORS[kind], f"{kind} nDCG@10 {value:.3f} < {NDCG_FLOORS[kind]}"


def test_the_catalogue_was_judged_in_full(figures: Figures):
    assert len(figures.outcomes) >= 500
    assert not [o for o in figures.outcomes if o.partial], "no page may run out of time"

"""The search's data in the database: the query log and the synonym list editors keep."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, delete, func, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from catalogue.db import commit_without_flush_wait
from catalogue.errors import Collector, NotFound
from catalogue.models import SearchQuery, SynonymGroup, utcnow
from catalogue.services.validation import clean_text

# A search with fewer results than this is "poor" in the editors' report.
FEW_RESULTS = 3
# What the search did when the words as typed were not enough (search.service.SearchResults).
RELAXED = ("corrected", "any_term", "popular")


@dataclass(frozen=True)
class PoorQuery:
    """A query learners typed that found little: how often, and what the search did."""

    text: str
    searches: int
    # "corrected", "any_term", "popular" (nothing matched: popular courses shown), or "few".
    outcome: str
    results: int


def log_query(
    session: Session, text: str, filters: Mapping[str, str], results: int, relaxed: str | None
) -> int:
    """Record a search (the words and filters only, never who searched) and return its id; a
    search that fell back to popular courses is recorded as finding nothing."""
    if relaxed == "popular":
        results = 0
    normal = " ".join((clean_text(text) or "").lower().split())[:200]
    row = SearchQuery(text=normal, filters=dict(filters), results=results, relaxed=relaxed)
    session.add(row)
    session.flush()
    return row.id


def record_query(
    session: Session, text: str, filters: Mapping[str, str], results: int, relaxed: str | None
) -> int | None:
    """Log a search and commit it; its id (the search page's result links carry it), or None
    (nothing stored) when the database is busy.

    The query log must never fail a search: on SQLite a long partner upload holds the single
    write lock for its whole transaction.
    """
    try:
        query_id = log_query(session, text, filters, results, relaxed)
        commit_without_flush_wait(session)
    except OperationalError:
        session.rollback()
        return None
    return query_id


def top_queries(
    session: Session, *, days: int = 7, limit: int = 50, zero_results: bool = False
) -> list[tuple[str, int]]:
    """The most frequent queries of the last days (optionally only those that found nothing)."""
    since = utcnow() - timedelta(days=days)
    stmt = (
        select(SearchQuery.text, func.count().label("n"))
        .where(SearchQuery.created_at >= since, SearchQuery.text != "")
        .group_by(SearchQuery.text)
        .order_by(func.count().desc(), SearchQuery.text)
        .limit(limit)
    )
    if zero_results:
        stmt = stmt.where(SearchQuery.results == 0)
    return [(text, n) for text, n in session.execute(stmt)]


def poor_queries(session: Session, *, days: int = 7, limit: int = 50) -> list[PoorQuery]:
    """The most frequent queries of the last days that found few courses, or that the
    search had to correct, relax to some of their words or answer with popular courses."""
    since = utcnow() - timedelta(days=days)
    outcome = case(
        (SearchQuery.relaxed == "popular", 3),
        (SearchQuery.relaxed == "any_term", 2),
        (SearchQuery.relaxed == "corrected", 1),
        else_=0,
    )
    stmt = (
        select(
            SearchQuery.text,
            func.count().label("n"),
            func.max(outcome).label("worst"),
            func.min(SearchQuery.results).label("fewest"),
        )
        .where(
            SearchQuery.created_at >= since,
            SearchQuery.text != "",
            or_(SearchQuery.relaxed.in_(RELAXED), SearchQuery.results < FEW_RESULTS),
        )
        .group_by(SearchQuery.text)
        .order_by(func.count().desc(), SearchQuery.text)
        .limit(limit)
    )
    names = {0: "few", 1: "corrected", 2: "any_term", 3: "popular"}
    return [
        PoorQuery(text, n, names[int(worst)], int(fewest))
        for text, n, worst, fewest in session.execute(stmt)
    ]


def _clean_terms(terms: Sequence[str]) -> list[str]:
    errors = Collector()
    cleaned = list(dict.fromkeys(t for t in (clean_text(x) for x in terms) if t))
    if len(cleaned) < 2:
        errors.add("terms", "TOO_FEW", "a synonym group needs at least two different terms")
    if any(len(t) > 50 for t in cleaned) or len(cleaned) > 20:
        errors.add("terms", "TOO_LONG", "at most 20 terms of at most 50 characters")
    errors.raise_if_any()
    return cleaned


def add_synonyms(
    session: Session, terms: Sequence[str], *, created_by_id: int | None = None
) -> SynonymGroup:
    """Declare terms equivalent for search."""
    group = SynonymGroup(terms=_clean_terms(terms), created_by_id=created_by_id)
    session.add(group)
    session.flush()
    return group


def delete_synonyms(session: Session, group_id: int) -> None:
    """Remove a synonym group."""
    if not session.execute(delete(SynonymGroup).where(SynonymGroup.id == group_id)).rowcount:
        raise NotFound(f"synonym group {group_id} does not exist")


def list_synonyms(session: Session) -> list[SynonymGroup]:
    """Every synonym group."""
    return list(session.scalars(select(SynonymGroup).order_by(SynonymGroup.id)))


def synonym_map(session: Session) -> dict[str, list[str]]:
    """term → its equivalents, lower-cased, for query expansion."""
    mapping: dict[str, list[str]] = defaultdict(list)
    for group in list_synonyms(session):
        terms = [t.lower() for t in group.terms]
        for term in terms:
            mapping[term] += [t for t in terms if t != term and t not in mapping[term]]
    return dict(mapping)

"""Running the judged query set (`search.judged`) through the search service and the figures
it gives: nDCG@10 per kind, rank-1 and top-10 shares of exact titles, the typo correction
rate and the number of contradictory pages.

Every query goes through `search.service.search` exactly as the site sends it (a
SearchRequest with the query text, relevance order, ten per page), with the result cache off
and a generous time limit, so that a busy machine cannot change the figures (pages that ran
out of time anyway are counted as `partial`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.models import Course, CourseStats, CourseStatus
from search.evaluation import mean, ndcg_at_k
from search.judged import (
    KINDS,
    LONG_TITLE_SYLLABLES,
    CourseRow,
    JudgedQuery,
    contradictions,
    corrected,
    title_rank,
)
from search.service import SearchRequest, search
from search.store import IndexStore

PAGE = 10
TIME_LIMIT = 10.0


def catalogue_rows(session: Session) -> list[CourseRow]:
    """The published courses as the judgments read them, in id order."""
    stmt = (
        select(
            Course.id,
            Course.title,
            Course.subtitle,
            Course.description,
            Course.subjects,
            Course.language,
            CourseStats.popularity,
        )
        .outerjoin(CourseStats, CourseStats.course_id == Course.id)
        .where(Course.status == CourseStatus.PUBLISHED)
        .order_by(Course.id)
    )
    return [
        CourseRow(
            id=row.id,
            title=row.title,
            summary=row.subtitle or "",
            description=row.description or "",
            subjects=tuple(row.subjects or ()),
            popularity=float(row.popularity or 0.0),
            language=row.language or "zh",
        )
        for row in session.execute(stmt)
    ]


@dataclass(frozen=True)
class Outcome:
    """What one judged query got."""

    query: JudgedQuery
    ids: tuple[int, ...]
    titles: tuple[str, ...]
    total: int
    relaxed: str | None
    did_you_mean: str | None
    partial: bool
    ndcg: float
    rank: int | None = None
    corrected: bool | None = None
    contradictions: tuple[str, ...] = ()


@dataclass
class Figures:
    """The aggregated figures of a run."""

    outcomes: list[Outcome] = field(default_factory=list)

    def of(self, kind: str, variant: str | None = None) -> list[Outcome]:
        """Outcomes of one kind (and variant)."""
        return [
            o
            for o in self.outcomes
            if o.query.kind == kind and (variant is None or o.query.variant == variant)
        ]

    def ndcg(self, kind: str | None = None) -> float:
        """Mean nDCG@10 of a kind, or of every query."""
        chosen = self.outcomes if kind is None else self.of(kind)
        return mean(o.ndcg for o in chosen)

    def rank1(self, outcomes: Iterable[Outcome] | None = None) -> float:
        """Share of title queries whose first hit carries a target title."""
        chosen = list(self.of("title") if outcomes is None else outcomes)
        return mean(1.0 if o.rank == 1 else 0.0 for o in chosen)

    def top10(self, outcomes: Iterable[Outcome] | None = None) -> float:
        """Share of title queries with a target title in the first ten hits."""
        chosen = list(self.of("title") if outcomes is None else outcomes)
        return mean(1.0 if o.rank is not None and o.rank <= PAGE else 0.0 for o in chosen)

    def correction_rate(self, outcomes: Iterable[Outcome] | None = None) -> float:
        """Share of typo queries corrected or suggested (rule c)."""
        chosen = list(self.of("typo") if outcomes is None else outcomes)
        return mean(1.0 if o.corrected else 0.0 for o in chosen)

    def contradictory(self) -> list[Outcome]:
        """Pages that would show contradictory messages."""
        return [o for o in self.outcomes if o.contradictions]

    def lines(self) -> list[str]:
        """The figures as printable lines."""
        out = [f"queries: {len(self.outcomes)} ({self._counts()})"]
        for kind in KINDS:
            chosen = self.of(kind)
            if not chosen:
                continue
            fallback = sum(o.relaxed == "popular" for o in chosen)
            out.append(
                f"{kind:9s} n={len(chosen):4d}  nDCG@10 {self.ndcg(kind):.3f}  "
                f"popular fallback {fallback}"
            )
            variants = Counter(o.query.variant for o in chosen)
            for variant in sorted(variants):
                part = self.of(kind, variant)
                line = f"  {variant:11s} n={len(part):4d}  nDCG@10 {mean(o.ndcg for o in part):.3f}"
                if kind == "title":
                    line += f"  rank-1 {self.rank1(part):.3f}  top-10 {self.top10(part):.3f}"
                if kind == "typo":
                    line += f"  corrected {self.correction_rate(part):.3f}"
                out.append(line)
            if kind == "title":
                long = [o for o in chosen if o.query.syllables >= LONG_TITLE_SYLLABLES]
                short = [o for o in chosen if o not in long]
                out.append(
                    f"  titles: rank-1 {self.rank1():.3f}  top-10 {self.top10():.3f}; "
                    f">= {LONG_TITLE_SYLLABLES} syllables rank-1 {self.rank1(long):.3f} "
                    f"top-10 {self.top10(long):.3f} (n={len(long)}); shorter and English "
                    f"rank-1 {self.rank1(short):.3f} top-10 {self.top10(short):.3f}"
                )
            if kind == "typo":
                by_source: dict[str, list[Outcome]] = defaultdict(list)
                for o in chosen:
                    by_source[o.query.source].append(o)
                parts = ", ".join(
                    f"{s} {self.correction_rate(v):.3f} (n={len(v)})"
                    for s, v in sorted(by_source.items())
                )
                out.append(f"  corrected overall {self.correction_rate():.3f}; by source: {parts}")
        kinds = Counter(c for o in self.outcomes for c in o.contradictions)
        out.append(
            f"overall nDCG@10 {self.ndcg():.3f}; contradictory pages "
            f"{len(self.contradictory())} ({dict(sorted(kinds.items())) or 'none'}); "
            f"partial pages {sum(o.partial for o in self.outcomes)}"
        )
        return out

    def _counts(self) -> str:
        counts = Counter(o.query.kind for o in self.outcomes)
        return ", ".join(f"{k} {counts[k]}" for k in KINDS)


def run_query(store: IndexStore, query: JudgedQuery, rows: dict[int, CourseRow]) -> Outcome:
    """Send one judged query through the search service and judge its first page."""
    results = search(
        store, SearchRequest(query.text, per_page=PAGE), use_cache=False, time_limit=TIME_LIMIT
    )
    ids = tuple(hit.id for hit in results.hits)
    titles = tuple(str(hit.fields.get("title", "")) for hit in results.hits)
    outcome = Outcome(
        query=query,
        ids=ids,
        titles=titles,
        total=results.total,
        relaxed=results.relaxed,
        did_you_mean=results.did_you_mean,
        partial=results.partial,
        ndcg=ndcg_at_k(ids, query.gains, PAGE),
        contradictions=contradictions(
            results.matched, results.relaxed, results.did_you_mean, query.text
        ),
    )
    if query.kind == "title":
        # A title shown only among the popular fallback courses was not found by the search.
        found = results.relaxed != "popular"
        return replace(outcome, rank=title_rank(titles, query.targets) if found else None)
    if query.kind == "typo":
        first = rows.get(ids[0]) if ids else None
        ok = corrected(query, results.did_you_mean, results.relaxed, first)
        return replace(outcome, corrected=ok)
    return outcome


def evaluate(
    store: IndexStore, queries: Sequence[JudgedQuery], rows: Sequence[CourseRow]
) -> Figures:
    """Run every judged query and collect the figures."""
    by_id = {row.id: row for row in rows}
    return Figures([run_query(store, query, by_id) for query in queries])

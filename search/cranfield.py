"""The Cranfield relevance check: index the collection with the project's own analysis and
ranking (`search.analysis`, `search.ranking`) and measure nDCG@10 and MAP over its queries.

Files (in one folder): `cran.all.1400` (documents: .I id, .T title, .A authors,
.B bibliography, .W abstract), `cran.qry` (queries: .I id, .W text; the ids have gaps, so the
queries are numbered 1..N in file order, as the judgements number them) and `cranqrel`
(`query document grade` lines; grade 1 is the most relevant, 4 the least, -1 not relevant).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from search import feedback
from search.analysis import analyze, mixed_analyzer
from search.evaluation import average_precision, mean, ndcg_at_k
from search.ranking import query_terms, term_groups, text_query, weighted_query, weighting

DOCUMENTS_FILE = "cran.all.1400"
QUERIES_FILE = "cran.qry"
JUDGEMENTS_FILE = "cranqrel"
TEXT_FIELDS = ("title", "authors", "bibliography", "body")
DEFAULT_TITLE_BOOST = 1.0
MAP_DEPTH = 1000

_SECTION = re.compile(r"^\.([A-Z])\b\s*(.*)$")
_FIELD_OF = {"T": "title", "A": "authors", "B": "bibliography", "W": "body"}


@dataclass(frozen=True)
class Document:
    """One Cranfield document."""

    doc_id: int
    title: str
    authors: str
    bibliography: str
    body: str


@dataclass(frozen=True)
class Query:
    """One Cranfield query: its number (1..N in file order), its id in the file, its text."""

    number: int
    file_id: str
    text: str


@dataclass(frozen=True)
class CranfieldResult:
    """Mean nDCG@10 and MAP over the judged queries, with timings in seconds."""

    ndcg10: float
    map: float
    queries: int
    index_seconds: float = 0.0
    search_seconds: float = 0.0


def _records(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """(id, {section letter: text}) for each `.I` record of a Cranfield file."""
    record_id: str | None = None
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _SECTION.match(line)
        if match and match.group(1) == "I":
            if record_id is not None:
                yield record_id, {k: " ".join(v).strip() for k, v in sections.items()}
            record_id, sections, current = match.group(2).strip(), {}, None
        elif match and len(line.split()[0]) == 2:
            current = match.group(1)
            sections.setdefault(current, [])
            if match.group(2):
                sections[current].append(match.group(2))
        elif current is not None:
            sections[current].append(line.strip())
    if record_id is not None:
        yield record_id, {k: " ".join(v).strip() for k, v in sections.items()}


def load_documents(folder: Path | str) -> list[Document]:
    """The documents of `cran.all.1400`, in file order."""
    return [
        Document(
            doc_id=int(record_id),
            title=sections.get("T", ""),
            authors=sections.get("A", ""),
            bibliography=sections.get("B", ""),
            body=sections.get("W", ""),
        )
        for record_id, sections in _records(Path(folder) / DOCUMENTS_FILE)
    ]


def load_queries(folder: Path | str) -> list[Query]:
    """The queries of `cran.qry`, numbered 1..N in file order."""
    return [
        Query(number=number, file_id=record_id, text=sections.get("W", ""))
        for number, (record_id, sections) in enumerate(
            _records(Path(folder) / QUERIES_FILE), start=1
        )
    ]


def load_judgements(folder: Path | str) -> dict[int, dict[int, int]]:
    """query number → document id → grade, as written in `cranqrel` (-1..4)."""
    judgements: dict[int, dict[int, int]] = {}
    path = Path(folder) / JUDGEMENTS_FILE
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        query, doc, grade = (int(p) for p in parts[:3])
        judgements.setdefault(query, {})[doc] = grade
    return judgements


def gain(grade: int) -> float:
    """Graded gain of a Cranfield grade: 5 − grade for 1..4 (1 is best), else 0."""
    return float(5 - grade) if 1 <= grade <= 4 else 0.0


def build_index(documents: Sequence[Document], fields: Sequence[str] = ("title", "body")):
    """An in-memory Whoosh index of the documents' chosen fields, analysed as the catalogue is."""
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise ValueError(f"unknown Cranfield fields: {sorted(unknown)}")
    schema = Schema(
        doc_id=ID(stored=True, unique=True),
        # Stored: relevance feedback reads the words of the best matches.
        **{field: TEXT(analyzer=mixed_analyzer(), stored=True) for field in fields},
    )
    index = RamStorage().create_index(schema)
    writer = index.writer()
    for doc in documents:
        writer.add_document(
            doc_id=str(doc.doc_id), **{field: getattr(doc, field) for field in fields}
        )
    writer.commit()
    return index


@dataclass(frozen=True)
class FeedbackSetting:
    """The parameters of relevance feedback: documents read, words added, the query's share."""

    docs: int = feedback.FEEDBACK_DOCS
    terms: int = feedback.FEEDBACK_TERMS
    original_weight: float = feedback.ORIGINAL_WEIGHT


# The settings searched by `cross_validate`, fixed before it was first run: documents and
# words around the literature's 10 / 10, the query's share around its 0.5.
CV_GRID = tuple(
    FeedbackSetting(docs, terms, weight)
    for docs in (5, 10, 20)
    for terms in (5, 10, 20, 30)
    for weight in (0.3, 0.5, 0.7)
)

# query number → (nDCG@10, average precision)
PerQuery = dict[int, tuple[float, float]]


@dataclass(frozen=True)
class CrossValidation:
    """Two-fold cross-validation of the feedback setting: each fold's queries scored with the
    setting chosen (best mean nDCG@10) on the other fold's queries."""

    ndcg10: float
    map: float
    queries: int
    chosen_on_odd: FeedbackSetting
    chosen_on_even: FeedbackSetting
    # Per query: the held-out figures, and the default setting's (empty if not in the grid).
    held_out: PerQuery = field(default_factory=dict)
    default: PerQuery = field(default_factory=dict)


def _with_feedback(searcher, terms, hits, boosts, depth: int, setting: FeedbackSetting):
    """The query's first FEEDBACK_DEPTH matches re-ranked by the RM3-expanded query
    (`search.feedback`), as catalogue searches are."""
    best = hits.top_n[: setting.docs]
    words = [
        (score, analyze(" ".join(searcher.stored_fields(docnum).get(f, "") for f in boosts)))
        for score, docnum in best
    ]
    weights = feedback.expanded_weights(
        terms, words, terms=setting.terms, original_weight=setting.original_weight
    )
    candidates = {docnum for _score, docnum in hits.top_n[: feedback.FEEDBACK_DEPTH]}
    return searcher.search(weighted_query(weights, boosts), limit=depth, filter=candidates)


def _per_query(
    folder: Path | str,
    boosts: Mapping[str, float],
    settings: Sequence[FeedbackSetting | None],
    *,
    require_all: bool = False,
    depth: int = MAP_DEPTH,
) -> tuple[list[PerQuery], float, float]:
    """Each judged query's nDCG@10 and average precision under each feedback setting (None:
    no feedback), from one index and one first pass; and the index and search seconds."""
    started = time.perf_counter()
    index = build_index(load_documents(folder), tuple(boosts))
    indexed = time.perf_counter()
    judgements = load_judgements(folder)
    figures: list[PerQuery] = [{} for _ in settings]
    with index.searcher(weighting=weighting(shared_idf=tuple(boosts))) as searcher:
        doc_ids = {num: int(fields["doc_id"]) for num, fields in searcher.iter_docs()}
        for query in load_queries(folder):
            judged = judgements.get(query.number)
            if not judged:
                continue
            gains = {doc: gain(grade) for doc, grade in judged.items()}
            relevant = {doc for doc, grade in judged.items() if 1 <= grade <= 4}
            terms = query_terms(query.text)
            first = searcher.search(text_query(terms, boosts, require_all=require_all), limit=depth)
            expands = feedback.applies(len(term_groups(query.text)))
            for per_query, setting in zip(figures, settings, strict=True):
                hits = first
                if setting is not None and expands:
                    hits = _with_feedback(searcher, terms, first, boosts, depth, setting)
                ranked = [doc_ids[docnum] for _, docnum in hits.top_n]
                per_query[query.number] = (
                    ndcg_at_k(ranked, gains, 10),
                    average_precision(ranked, relevant),
                )
    return figures, indexed - started, time.perf_counter() - indexed


def evaluate(
    folder: Path | str,
    *,
    title_boost: float = DEFAULT_TITLE_BOOST,
    field_boosts: Mapping[str, float] | None = None,
    require_all: bool = False,
    depth: int = MAP_DEPTH,
    use_feedback: bool = True,
) -> CranfieldResult:
    """Index the collection, run every judged query and return mean nDCG@10 and MAP.

    By default title (boosted by `title_boost`) and body are searched; `field_boosts`
    replaces that choice (any of title, authors, bibliography, body). Queries of
    `feedback.MIN_QUERY_WORDS` words or more are re-ranked with relevance feedback, as the
    catalogue's searches are, unless `use_feedback` is off."""
    boosts = dict(field_boosts) if field_boosts else {"title": title_boost, "body": 1.0}
    setting = FeedbackSetting() if use_feedback else None
    (figures,), index_seconds, search_seconds = _per_query(
        folder, boosts, [setting], require_all=require_all, depth=depth
    )
    return CranfieldResult(
        ndcg10=mean(n for n, _ in figures.values()),
        map=mean(p for _, p in figures.values()),
        queries=len(figures),
        index_seconds=index_seconds,
        search_seconds=search_seconds,
    )


def two_fold(figures: Mapping[FeedbackSetting, PerQuery]) -> CrossValidation:
    """Choose a setting on the odd-numbered queries and score it on the even ones, and the
    other way round; the figures are the means over all queries of those held-out scores."""
    if not figures:
        raise ValueError("no settings to choose from")
    queries = sorted(next(iter(figures.values())))
    folds = {parity: [n for n in queries if n % 2 == parity] for parity in (1, 0)}

    def best_on(fold: list[int]) -> FeedbackSetting:
        # Ties go to the earlier setting of the grid, so the choice is deterministic.
        return max(figures, key=lambda s: mean(figures[s][n][0] for n in fold))

    on_odd, on_even = best_on(folds[1]), best_on(folds[0])
    held_out = {n: figures[on_odd if n % 2 == 0 else on_even][n] for n in queries}
    return CrossValidation(
        ndcg10=mean(n for n, _ in held_out.values()),
        map=mean(p for _, p in held_out.values()),
        queries=len(held_out),
        chosen_on_odd=on_odd,
        chosen_on_even=on_even,
        held_out=held_out,
        default=dict(figures.get(FeedbackSetting(), {})),
    )


def cross_validate(
    folder: Path | str,
    grid: Sequence[FeedbackSetting] = CV_GRID,
    *,
    field_boosts: Mapping[str, float] | None = None,
) -> CrossValidation:
    """Two-fold cross-validation (odd / even query numbers) of the feedback setting over
    `grid` on Cranfield: what choosing the setting on this collection can reach when the
    queries it is scored on took no part in the choice (`two_fold`)."""
    boosts = dict(field_boosts) if field_boosts else {"title": DEFAULT_TITLE_BOOST, "body": 1.0}
    per_setting, _, _ = _per_query(folder, boosts, list(grid))
    return two_fold(dict(zip(grid, per_setting, strict=True)))

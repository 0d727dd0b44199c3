"""Benchmark: other scoring models than BM25F on Cranfield, each with its literature default.

.venv/bin/python bench/cranfield_models.py                        # Cranfield, every model
.venv/bin/python bench/cranfield_models.py --demo /tmp/sq         # also the judged demo set

Measurement only: production scoring stays BM25F (`search.ranking`, `search.engine`). Every
model is scored with the project's analysis, queries, RM3 feedback (`search.feedback`, its
defaults 10 / 10 / 0.5, from four words) and metrics (`search.cranfield`), over two
representations of a document: title and body as separate fields, summed (as indexed for the
catalogue and for bench/cranfield.py), and one field holding both (as Terrier and Anserini
index a document). The models and their parameters, none chosen on Cranfield:

- bm25: the production BM25F (k1 1.2, b 0.75, shared idf);
- lm: query likelihood with Dirichlet smoothing, μ = 2000 (Zhai & Lafferty's default), in its
  rank-equivalent form Σ qw·ln(1 + tf / (μ·p(w|C))) + Q·ln(μ / (|d| + μ)) per field, the
  length term added for every query word (Q is the query's total weight) in `final`;
- pl2, inl2: Amati & van Rijsbergen's DFR models as Terrier writes them (logarithms base 2,
  normalisation 2 with c = 1, Terrier's default). Whoosh's own `scoring.PL2` mixes natural
  logarithms with a base-2 constant and is not used.

Each is printed without and with RM3, with a paired randomisation test against the production
figure (BM25F + RM3 on separate fields). `--demo FOLDER` also runs the judged query set of
the demo catalogue (`search.judged`) on a folder kept by `bench/search_quality.py --keep`, with
the engine's per-term BM25F replaced by PL2 or InL2 (c = 1) for the run; query likelihood is
not run there (its log-likelihood scores are negative, and the catalogue multiplies the text
score by a popularity prior). Reads ../shared/data/ir/cranfield.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from whoosh import scoring
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from search import feedback
from search.analysis import mixed_analyzer
from search.cranfield import (
    FeedbackSetting,
    PerQuery,
    _with_feedback,
    gain,
    load_documents,
    load_judgements,
    load_queries,
)
from search.evaluation import average_precision, mean, ndcg_at_k, paired_randomisation_p
from search.ranking import query_terms, term_groups, text_query, weighting

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "shared" / "data" / "ir" / "cranfield"
MODELS = ("bm25", "lm", "pl2", "inl2")
REPRESENTATIONS = {"fields": ("title", "body"), "one field": ("text",)}
DIRICHLET_MU = 2000.0
DFR_C = 1.0
DEPTH = 1000


class DirichletLM(scoring.WeightingModel):
    """Query likelihood with Dirichlet smoothing; set `query_mass` (the query's total weight)
    and `fields` (field → boost) before each search: `final` adds the length term."""

    use_final = True

    def __init__(self, mu: float = DIRICHLET_MU) -> None:
        self.mu = mu
        self.query_mass = 1.0
        self.fields: dict[str, float] = {}

    def scorer(self, searcher, fieldname, text, qf=1):
        """The matched-word part of the score for one word."""
        return _DirichletScorer(searcher, fieldname, text, self.mu)

    def final(self, searcher, docnum, score):
        """Add Q·ln(μ / (|d| + μ)) for each searched field."""
        for field, boost in self.fields.items():
            length = searcher.doc_field_length(docnum, field, 0)
            score += boost * self.query_mass * math.log(self.mu / (length + self.mu))
        return score


class _DirichletScorer(scoring.WeightLengthScorer):
    def __init__(self, searcher, fieldname, text, mu: float) -> None:
        parent = searcher.get_parent()
        self.collection_p = max(parent.frequency(fieldname, text), 1) / parent.field_length(
            fieldname
        )
        self.mu = mu
        self.setup(searcher, fieldname, text)

    def _score(self, weight, length):
        return math.log(1.0 + weight / (self.mu * self.collection_p))


def pl2(tf, length, avg_length, collection_frequency: float, documents: int, c: float = DFR_C):
    """Terrier's PL2 score of a word (bits); tf and length may be NumPy arrays."""
    tfn = tf * np.log2(1.0 + c * avg_length / np.maximum(length, 1))
    f = collection_frequency / documents
    return (1.0 / (tfn + 1.0)) * (
        tfn * np.log2(tfn / f) + (f - tfn) * math.log2(math.e) + 0.5 * np.log2(2 * math.pi * tfn)
    )


def inl2(tf, length, avg_length, document_frequency: int, documents: int, c: float = DFR_C):
    """Terrier's InL2 score of a word (bits); tf and length may be NumPy arrays."""
    tfn = tf * np.log2(1.0 + c * avg_length / np.maximum(length, 1))
    return tfn / (tfn + 1.0) * np.log2((documents + 1) / (document_frequency + 0.5))


class DFR(scoring.WeightingModel):
    """PL2 or InL2 as a whoosh weighting model."""

    def __init__(self, model: str) -> None:
        self.model = model

    def scorer(self, searcher, fieldname, text, qf=1):
        """The DFR score of one word in one field."""
        return _DFRScorer(searcher, fieldname, text, self.model)


class _DFRScorer(scoring.WeightLengthScorer):
    def __init__(self, searcher, fieldname, text, model: str) -> None:
        parent = searcher.get_parent()
        self.model = model
        self.documents = parent.doc_count_all()
        self.avg_length = parent.avg_field_length(fieldname) or 1
        self.cf = parent.frequency(fieldname, text)
        self.df = parent.doc_frequency(fieldname, text)
        self.setup(searcher, fieldname, text)

    def _score(self, weight, length):
        if self.model == "pl2":
            return float(pl2(weight, length, self.avg_length, self.cf, self.documents))
        return float(inl2(weight, length, self.avg_length, self.df, self.documents))


def build(folder: Path, fields: tuple[str, ...]):
    """An in-memory index of title and body, as separate fields or as one."""
    schema = Schema(
        doc_id=ID(stored=True, unique=True),
        **{f: TEXT(analyzer=mixed_analyzer(), stored=True) for f in fields},
    )
    index = RamStorage().create_index(schema)
    writer = index.writer()
    for doc in load_documents(folder):
        if fields == ("text",):
            writer.add_document(doc_id=str(doc.doc_id), text=f"{doc.title} {doc.body}")
        else:
            writer.add_document(doc_id=str(doc.doc_id), title=doc.title, body=doc.body)
    writer.commit()
    return index


def model_of(name: str, boosts: Mapping[str, float]) -> scoring.WeightingModel:
    """The weighting model called `name`, with its default parameter."""
    if name == "bm25":
        return weighting(shared_idf=tuple(boosts))
    if name == "lm":
        model = DirichletLM()
        model.fields = dict(boosts)
        return model
    return DFR(name)


def per_query(folder: Path, index, name: str, use_feedback: bool) -> PerQuery:
    """nDCG@10 and average precision of every judged query under one model."""
    boosts = {f: 1.0 for f in index.schema.names() if f != "doc_id"}
    model = model_of(name, boosts)
    judgements = load_judgements(folder)
    out: PerQuery = {}
    with index.searcher(weighting=model) as searcher:
        doc_ids = {num: int(stored["doc_id"]) for num, stored in searcher.iter_docs()}
        for query in load_queries(folder):
            judged = judgements.get(query.number)
            if not judged:
                continue
            terms = query_terms(query.text)
            if isinstance(model, DirichletLM):
                model.query_mass = float(len(terms))
            hits = searcher.search(text_query(terms, boosts), limit=DEPTH)
            if use_feedback and feedback.applies(len(term_groups(query.text))):
                if isinstance(model, DirichletLM):
                    model.query_mass = 1.0  # the expanded query's weights sum to 1
                hits = _with_feedback(searcher, terms, hits, boosts, DEPTH, FeedbackSetting())
            ranked = [doc_ids[docnum] for _, docnum in hits.top_n]
            relevant = {doc for doc, grade in judged.items() if 1 <= grade <= 4}
            out[query.number] = (
                ndcg_at_k(ranked, {d: gain(g) for d, g in judged.items()}, 10),
                average_precision(ranked, relevant),
            )
    return out


def cranfield(folder: Path) -> None:
    """Print every model × representation × feedback on Cranfield."""
    results: dict[str, PerQuery] = {}
    for representation, fields in REPRESENTATIONS.items():
        index = build(folder, fields)
        for name in MODELS:
            for use_feedback in (False, True):
                key = f"{name} / {representation} / {'RM3' if use_feedback else 'no feedback'}"
                results[key] = per_query(folder, index, name, use_feedback)
    production = results["bm25 / fields / RM3"]
    queries = sorted(production)
    print(f"{'model / document / feedback':36s} nDCG@10     MAP   p (nDCG / MAP) vs BM25F + RM3")
    for key, figures in results.items():
        p = [
            paired_randomisation_p(
                [figures[n][at] for n in queries], [production[n][at] for n in queries]
            )
            for at in (0, 1)
        ]
        print(
            f"{key:36s} {mean(figures[n][0] for n in queries):.4f}  "
            f"{mean(figures[n][1] for n in queries):.4f}   {p[0]:.3f} / {p[1]:.3f}"
        )


def demo(folder: Path, name: str) -> None:
    """The judged demo query set with the engine's term scores given by `name` (bm25, pl2,
    inl2), on a folder kept by bench/search_quality.py --keep."""
    from catalogue.db import make_engine, make_session_factory
    from search import engine
    from search.judged import judged_queries
    from search.quality import catalogue_rows, evaluate
    from search.store import IndexStore

    bm25_weights = engine.Engine._weights

    def dfr_weights(self, searcher, reader, segid, clause, docs, tf, K1, B):
        if not searcher.schema[clause.field].scorable:
            return tf * clause.boost
        length = self.segments.lengths(reader, segid, clause.field)[docs]
        avg = searcher.avg_field_length(clause.field) or 1
        documents = searcher.doc_count_all()
        if name == "pl2":
            cf = searcher.frequency(clause.field, clause.term)
            return clause.boost * pl2(tf, length, avg, cf, documents)
        df = searcher.doc_frequency(clause.field, clause.term)
        return clause.boost * inl2(tf, length, avg, df, documents)

    if name != "bm25":
        engine.Engine._weights = dfr_weights
    try:
        sessions = make_session_factory(make_engine(f"sqlite:///{folder / 'demo.db'}"))
        with sessions() as session:
            rows = catalogue_rows(session)
        figures = evaluate(IndexStore(folder / "index"), judged_queries(rows, 20261201), rows)
    finally:
        engine.Engine._weights = bm25_weights
    print(f"demo judged set, {name}:")
    for line in figures.lines():
        print(f"  {line}")


def main() -> int:
    """Run the Cranfield comparison, and the demo one when asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--demo", type=Path, help="a folder kept by bench/search_quality.py")
    args = parser.parse_args()
    if not args.folder.is_dir():
        print(f"Cranfield collection not found at {args.folder}", file=sys.stderr)
        return 1
    cranfield(args.folder)
    if args.demo:
        for name in ("bm25", "pl2", "inl2"):
            demo(args.demo, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

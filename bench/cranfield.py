"""Benchmark: relevance of the project's search analysis and ranking on the Cranfield collection.

.venv/bin/python bench/cranfield.py
.venv/bin/python bench/cranfield.py --title-boost 2 --fields title,body,authors
.venv/bin/python bench/cranfield.py --no-feedback
.venv/bin/python bench/cranfield.py --cross-validate

Indexes the 1,400 documents with `search.analysis.mixed_analyzer()` in memory, runs the 225
judged queries through `search.ranking.text_query(query_terms(q), …)` scored by
`search.ranking.weighting()`, re-ranks queries of four words or more with relevance
feedback (`search.feedback`, as catalogue searches are), and prints mean nDCG@10 (gain
5 − grade for grades 1–4), MAP (grades 1–4 relevant, top 1,000) and the timings.
`--cross-validate` instead reports two-fold cross-validation of the feedback setting
(`search.cranfield.cross_validate`: chosen on the odd queries, scored on the even ones, and
the other way round) over `CV_GRID`, with a paired randomisation test against the default
setting; the production setting is not changed by it.
Reads ../shared/data/ir/cranfield.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from search.cranfield import (
    CV_GRID,
    DEFAULT_TITLE_BOOST,
    MAP_DEPTH,
    TEXT_FIELDS,
    cross_validate,
    evaluate,
)
from search.evaluation import paired_randomisation_p

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "shared" / "data" / "ir" / "cranfield"


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--title-boost", type=float, default=DEFAULT_TITLE_BOOST)
    parser.add_argument(
        "--fields",
        default="title,body",
        help=f"comma-separated fields to search, of {', '.join(TEXT_FIELDS)} "
        "(title gets --title-boost, the others 1.0)",
    )
    parser.add_argument("--depth", type=int, default=MAP_DEPTH, help="results ranked for MAP")
    parser.add_argument(
        "--no-feedback",
        action="store_true",
        help="rank every query by its own words only (no relevance feedback)",
    )
    parser.add_argument(
        "--cross-validate",
        action="store_true",
        help="two-fold cross-validation (odd / even queries) of the feedback setting",
    )
    return parser.parse_args()


def main() -> int:
    """Run the evaluation and print the figures."""
    args = parse_args()
    if not args.folder.is_dir():
        print(f"Cranfield collection not found at {args.folder}", file=sys.stderr)
        return 1
    fields = [f.strip() for f in args.fields.split(",") if f.strip()]
    boosts = {f: (args.title_boost if f == "title" else 1.0) for f in fields}
    if args.cross_validate:
        cv = cross_validate(args.folder, field_boosts=boosts)
        print(f"fields      {', '.join(f'{f}^{b:g}' for f, b in boosts.items())}")
        print(f"grid        {len(CV_GRID)} feedback settings (documents, words, query share)")
        print(f"chosen on odd queries   {cv.chosen_on_odd}")
        print(f"chosen on even queries  {cv.chosen_on_even}")
        print(f"queries     {cv.queries} (each scored with the other fold's choice)")
        print(f"CV nDCG@10  {cv.ndcg10:.4f}")
        print(f"CV MAP      {cv.map:.4f}")
        if cv.default:
            queries = sorted(cv.held_out)
            for name, at in (("nDCG@10", 0), ("MAP", 1)):
                p = paired_randomisation_p(
                    [cv.held_out[n][at] for n in queries], [cv.default[n][at] for n in queries]
                )
                default = sum(cv.default[n][at] for n in queries) / len(queries)
                print(f"against the default setting ({default:.4f}), {name}: paired p = {p:.3f}")
        return 0
    result = evaluate(
        args.folder, field_boosts=boosts, depth=args.depth, use_feedback=not args.no_feedback
    )
    print(f"fields      {', '.join(f'{f}^{b:g}' for f, b in boosts.items())}")
    print(f"queries     {result.queries}")
    print(f"nDCG@10     {result.ndcg10:.4f}")
    print(f"MAP         {result.map:.4f}")
    print(f"index time  {result.index_seconds:.2f} s (1,400 documents)")
    print(f"query time  {result.search_seconds:.2f} s ({result.queries} queries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

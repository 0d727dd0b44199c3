"""Ranking-quality metrics: nDCG@k, average precision and their mean (pure functions)."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence


def dcg(gains: Iterable[float]) -> float:
    """Discounted cumulative gain of gains in rank order (rank r is divided by log2(r + 1))."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def ndcg_at_k(
    ranked_ids: Sequence[Hashable], gains: Mapping[Hashable, float], k: int = 10
) -> float:
    """DCG of the first k ranked ids over the ideal DCG of the judged gains (0.0 if none > 0)."""
    if k <= 0:
        raise ValueError(f"k must be positive, not {k}")
    ideal = dcg(sorted((g for g in gains.values() if g > 0), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    seen: set[Hashable] = set()
    ranked: list[float] = []
    for doc_id in ranked_ids:
        if len(ranked) == k:
            break
        if doc_id in seen:
            continue
        seen.add(doc_id)
        ranked.append(max(gains.get(doc_id, 0.0), 0.0))
    return dcg(ranked) / ideal


def average_precision(ranked_ids: Sequence[Hashable], relevant: set[Hashable]) -> float:
    """Mean precision at each relevant id's rank (unretrieved ones count 0); 0.0 when none."""
    if not relevant:
        return 0.0
    hits = 0
    total = 0.0
    seen: set[Hashable] = set()
    for doc_id in ranked_ids:
        if doc_id in seen:
            continue
        seen.add(doc_id)
        if doc_id in relevant:
            hits += 1
            total += hits / len(seen)
    return total / len(relevant)


def mean(values: Iterable[float]) -> float:
    """Arithmetic mean of the values, 0.0 for none."""
    items = list(values)
    return sum(items) / len(items) if items else 0.0

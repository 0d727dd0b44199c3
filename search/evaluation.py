"""Ranking-quality metrics: nDCG@k, average precision, their mean, and a paired significance
test between two systems' per-query figures (pure functions)."""

from __future__ import annotations

import math
import random
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


def paired_randomisation_p(
    first: Sequence[float], second: Sequence[float], *, rounds: int = 10_000, seed: int = 0
) -> float:
    """Two-sided p-value of a paired sign-flip randomisation test on the mean difference
    between two systems' figures for the same queries (Smucker et al., CIKM 2007): the share
    of random sign flips of the per-query differences whose mean is at least as far from 0."""
    if len(first) != len(second):
        raise ValueError(f"{len(first)} figures against {len(second)}")
    if rounds <= 0:
        raise ValueError(f"rounds must be positive, not {rounds}")
    differences = [a - b for a, b in zip(first, second, strict=True)]
    # Less a hair: the unflipped differences, summed in another order, must count as equal.
    observed = abs(sum(differences)) - 1e-12
    rng = random.Random(seed)
    extreme = sum(
        abs(sum(d if rng.random() < 0.5 else -d for d in differences)) >= observed
        for _ in range(rounds)
    )
    return (extreme + 1) / (rounds + 1)

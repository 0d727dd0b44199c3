"""Recurring problems: questions grouped by wording, with a representative and a trend per group.

Questions are normalised (NFKC, lower case, punctuation to spaces), function words ("怎么办",
"请问", "how do i") are left out, and what remains is described by TF-IDF over jieba words, single
Chinese characters and character 2–3-grams (sublinear term frequency, L2-normalised, IDF from the
questions being grouped), compared by cosine similarity. `threshold` is a similarity (0.2 by
default: on the synthetic questions of bench/assistant_clusters.py 0.15 mixes more problems in one
cluster, 0.25 splits one problem's wordings into more clusters).

The grouping is a leader pass followed by one nearest-centroid pass, not agglomerative clustering:
average linkage needs all pairwise distances (40 GB of float64 at 100,000 questions), while
the leader pass compares each question only with the leaders found so far, in blocks of sparse
matrix products. Identical normalised questions are grouped first, and the most frequent wordings
are visited first, so they become the leaders. A question joins its most similar leader when the
cosine similarity reaches `threshold`, else it becomes a leader. Then every question moves to its
most similar cluster centroid (one k-means step), which undoes most of the visiting-order effects.
The result depends only on the list of questions (no randomness): the same input gives the same
clusters.

Words in different languages share no features, so "忘记密码" and "forgot password" form two
clusters; the caller can join them through the help article each was matched to.

`assign` (and `assign_all` for a night's questions) compares a new question with each cluster's
stored centroid (its 300 strongest features) using the IDF of the run that made the clusters, as
far as the clusters kept it; a feature none kept weighs as much as the rarest feature of that run.
The similarity is close to, not equal to, the one used to group.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import jieba
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

jieba.setLogLevel(logging.WARNING)

DEFAULT_THRESHOLD = 0.2
_BLOCK = 1024
_CENTROID_FEATURES = 300
_WORD = "w:"
_PUNCT = re.compile(r"[^\w]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Function words that carry no problem; left out of the word features (character grams stay).
_STOPWORD_TEXT = """
的 了 吗 呢 吧 啊 呀 我 我的 你 你们 您 请问 请 一下 怎么 怎么办 怎样 如何 为什么
是 在 有 就 都 也 还 要 想 能 可以 不 没有 这个 那个 哪里 什么 谢谢 你好 您好
把 一点 一下子 急 问 想问 在线等 在线 等
a an the i my me you your we is are am be to of in on for and or do does did how what why can can't
cannot could would should it this that with please hi hello thanks thank there help question
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True)
class Cluster:
    """One recurring problem: its most central question, its members (input indices), its terms."""

    representative: str
    members: tuple[int, ...]
    size: int
    top_terms: tuple[str, ...]
    # The centroid's strongest features (TF-IDF weights, unit length) and their IDF, for `assign`.
    centroid: Mapping[str, float]
    idf: Mapping[str, float]
    unseen_idf: float


def normalise(question: str) -> str:
    """A question in the form that is compared: NFKC, lower case, punctuation as single spaces."""
    text = unicodedata.normalize("NFKC", question).lower()
    return " ".join(_PUNCT.sub(" ", text).replace("_", " ").split())


def _features(text: str) -> list[str]:
    # Function words go before the character grams are cut, so "怎么办" or "how do i" shared by
    # unrelated questions adds nothing; a Chinese character alone carries meaning (密, 忘, 播).
    words = [w for w in jieba.lcut(text) if w.strip() and w not in _STOPWORDS]
    grams = [_WORD + w for w in words if not w.isdigit()]
    grams.extend(c for w in words for c in w if _CJK.match(c))
    for chunk in _runs(words):
        padded = f" {chunk} "
        for size in (2, 3):
            grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams


def _runs(words: list[str]) -> list[str]:
    """Content words rejoined: Chinese words run together, other words stay apart."""
    runs: list[str] = []
    current = ""
    for word in words:
        if _CJK.match(word[0]) and (not current or _CJK.match(current[-1])):
            current += word
        else:
            if current:
                runs.append(current)
            current = word
    if current:
        runs.append(current)
    return runs


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=_features, sublinear_tf=True, norm="l2", dtype=np.float64, min_df=1
    )


def _leaders(matrix: sparse.csr_matrix, threshold: float) -> np.ndarray:
    """Each row's leader index (a row number) under the sequential leader rule, in blocks."""
    count = matrix.shape[0]
    label = np.empty(count, dtype=np.int64)
    leader_rows: list[int] = []
    leaders: sparse.csr_matrix | None = None
    for start in range(0, count, _BLOCK):
        block = matrix[start : start + _BLOCK]
        best = np.full(block.shape[0], -1.0)
        best_leader = np.full(block.shape[0], -1, dtype=np.int64)
        if leaders is not None:
            sims = (block @ leaders.T).toarray()
            best_leader = sims.argmax(axis=1)
            best = sims[np.arange(block.shape[0]), best_leader]
        pending = np.flatnonzero(best < threshold)
        for i in np.flatnonzero(best >= threshold):
            label[start + i] = leader_rows[best_leader[i]]
        # Rows that matched no earlier leader: the leader rule among themselves, in order.
        inner = (block[pending] @ block[pending].T).toarray() if len(pending) else None
        new: list[int] = []
        for position, i in enumerate(pending):
            if new:
                row = inner[position, new]
                j = int(row.argmax())
                if row[j] >= threshold:
                    label[start + i] = start + pending[new[j]]
                    continue
            new.append(position)
            label[start + i] = start + i
        if new:
            rows = [start + pending[p] for p in new]
            leader_rows.extend(rows)
            fresh = matrix[rows]
            leaders = fresh if leaders is None else sparse.vstack([leaders, fresh], format="csr")
    return label


def _centroids(
    matrix: sparse.csr_matrix, label: np.ndarray, weight: np.ndarray
) -> tuple[sparse.csr_matrix, np.ndarray]:
    groups, index = np.unique(label, return_inverse=True)
    member_of = sparse.csr_matrix(
        (weight, (index, np.arange(len(label)))), shape=(len(groups), len(label))
    )
    sums = sparse.csr_matrix(member_of @ matrix)
    norms = np.sqrt(np.asarray(sums.multiply(sums).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ sums), index


def _nearest(matrix: sparse.csr_matrix, centroids: sparse.csr_matrix) -> np.ndarray:
    nearest = np.empty(matrix.shape[0], dtype=np.int64)
    for start in range(0, matrix.shape[0], _BLOCK):
        sims = (matrix[start : start + _BLOCK] @ centroids.T).toarray()
        nearest[start : start + sims.shape[0]] = sims.argmax(axis=1)
    return nearest


def cluster_questions(
    questions: Sequence[str], *, threshold: float = DEFAULT_THRESHOLD, min_size: int = 1
) -> list[Cluster]:
    """Group questions by wording (cosine similarity ≥ threshold); largest groups first."""
    texts = [normalise(q) for q in questions]
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    for i, text in enumerate(texts):
        if text:
            first.setdefault(text, i)
            counts[text] = counts.get(text, 0) + 1
    if not first:
        return []
    unique = sorted(first, key=lambda t: (-counts[t], first[t]))
    vectorizer = _vectorizer()
    matrix = sparse.csr_matrix(vectorizer.fit_transform(unique))
    weight = np.array([counts[t] for t in unique], dtype=np.float64)

    label = _leaders(matrix, threshold)
    centroids, _ = _centroids(matrix, label, weight)
    nearest = _nearest(matrix, centroids)
    centroids, group = _centroids(matrix, nearest, weight)
    similarity = np.asarray(matrix.multiply(centroids[group]).sum(axis=1)).ravel()

    features = vectorizer.get_feature_names_out()
    idf = vectorizer.idf_
    rows_of: dict[int, list[int]] = {}
    for row, g in enumerate(group):
        rows_of.setdefault(int(g), []).append(row)
    row_of_text = {text: row for row, text in enumerate(unique)}
    members_of: dict[int, list[int]] = {}
    for i, text in enumerate(texts):
        if text:
            members_of.setdefault(int(group[row_of_text[text]]), []).append(i)

    clusters: list[Cluster] = []
    for g, rows in rows_of.items():
        members = tuple(members_of[g])
        if len(members) < min_size:
            continue
        central = max(rows, key=lambda r: (round(float(similarity[r]), 9), counts[unique[r]], -r))
        vector = centroids[g]
        order = np.lexsort((vector.indices, -vector.data))[:_CENTROID_FEATURES]
        top_columns = vector.indices[order]
        kept = vector.data[order]
        kept = kept / (np.linalg.norm(kept) or 1.0)
        centroid = {str(features[c]): float(w) for c, w in zip(top_columns, kept, strict=True)}
        clusters.append(
            Cluster(
                representative=questions[first[unique[central]]],
                members=members,
                size=len(members),
                top_terms=_top_terms(features, vector),
                centroid=centroid,
                idf={str(features[c]): float(idf[c]) for c in top_columns},
                unseen_idf=float(idf.max()),
            )
        )
    clusters.sort(key=lambda c: (-c.size, c.members[0]))
    return clusters


def _top_terms(features: np.ndarray, vector: sparse.csr_matrix, count: int = 5) -> tuple[str, ...]:
    order = np.lexsort((vector.indices, -vector.data))
    words = [str(features[vector.indices[i]]) for i in order]
    chosen = [w[len(_WORD) :] for w in words if w.startswith(_WORD)][:count]
    return tuple(chosen) if chosen else tuple(w.strip() for w in words[:count])


def _weights(question: str, idf: Mapping[str, float], unseen_idf: float) -> dict[str, float]:
    counts: dict[str, int] = {}
    for gram in _features(normalise(question)):
        counts[gram] = counts.get(gram, 0) + 1
    weights = {g: (1 + math.log(n)) * idf.get(g, unseen_idf) for g, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {g: w / norm for g, w in weights.items()}


def assign_all(
    questions: Sequence[str], clusters: Sequence[Cluster], *, threshold: float = DEFAULT_THRESHOLD
) -> list[int | None]:
    """For each question the index of its most similar cluster, or None below the threshold."""
    if not clusters:
        return [None] * len(questions)
    # One IDF for all clusters (they come from one run), so the scores compare across clusters;
    # a feature no cluster kept weighs as much as the rarest feature of that run.
    idf: dict[str, float] = {}
    for cluster in clusters:
        idf.update(cluster.idf)
    unseen_idf = max(c.unseen_idf for c in clusters)
    found: list[int | None] = []
    for question in questions:
        weights = _weights(question, idf, unseen_idf)
        scores = [
            sum(w * cluster.centroid.get(g, 0.0) for g, w in weights.items())
            for cluster in clusters
        ]
        best = max(range(len(scores)), key=lambda i: (scores[i], -i))
        found.append(best if scores[best] >= threshold else None)
    return found


def assign(
    question: str, clusters: Sequence[Cluster], *, threshold: float = DEFAULT_THRESHOLD
) -> int | None:
    """The index of the cluster a new question belongs to, or None when none is similar enough."""
    return assign_all([question], clusters, threshold=threshold)[0]


Trend = Literal["new", "rising", "falling", "steady"]


def trend(
    counts_this_period: Mapping[Hashable, int],
    counts_previous_period: Mapping[Hashable, int],
    *,
    ratio: float = 1.5,
    min_change: int = 3,
) -> dict[Hashable, Trend]:
    """Each key's direction: new (none before), rising or falling (by `ratio` and `min_change`)."""
    result: dict[Hashable, Trend] = {}
    for key in dict.fromkeys([*counts_this_period, *counts_previous_period]):
        now = counts_this_period.get(key, 0)
        before = counts_previous_period.get(key, 0)
        if before == 0 and now > 0:
            result[key] = "new"
        elif now - before >= min_change and now >= before * ratio:
            result[key] = "rising"
        elif before - now >= min_change and before >= now * ratio:
            result[key] = "falling"
        else:
            result[key] = "steady"
    return result

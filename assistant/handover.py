"""The hand-over model: a second look at a question the matcher would answer, asking whether it
should go to a person instead.

The matcher's linear model learns "out of scope" as one class among about eighty, from its
words. Questions about another app, the phone itself or a subject no training phrasing touched
share words with an article (微信的字怎么调大, "how to change instagram password") and come out
as that article with a middling probability. This model looks at what one class cannot:

- how the matcher's probabilities are spread (best, second, margin, entropy, and the
  probabilities of out of scope, of a person and of a course search);
- how much of the question is made of words that no in-scope example uses (`Vocabulary`;
  words are compared by their toneless pinyin, so a pinyin spelling or a homophone typo of a
  known word counts as known);
- whether it names another app, site or service (`OtherServices`, a list staff can extend in
  `knowledge/other_services.txt`);
- its length and its share of Chinese characters.

It is a small gradient-boosted tree model (scikit-learn's `HistGradientBoostingClassifier`),
trained on out-of-fold rows: the matcher's calibration already cross-validates the linear model
(3 folds), and the same folds' decision values give each labelled question the probabilities a
matcher that never saw it would give, with its unknown words counted against the other folds'
vocabulary. So the model learns how the matcher behaves on phrasings it has not seen, which is
what it meets in use. Its cut-off is chosen by the matcher's cross-validation with C and the
threshold (`matcher.choose_settings`).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pypinyin import lazy_pinyin
from scipy.special import expit
from sklearn.ensemble import HistGradientBoostingClassifier

from assistant.labels import COURSE_SEARCH, HUMAN, OUT_OF_SCOPE

OTHER_SERVICES_TXT = Path(__file__).with_name("knowledge") / "other_services.txt"

# Cut-offs cross-validation chooses from (None: the model is off).
CUTOFF_GRID: tuple[float | None, ...] = (
    None,
    0.9,
    0.8,
    0.7,
    0.6,
    0.5,
    0.45,
    0.4,
    0.35,
    0.3,
    0.25,
    0.2,
)
# Fewer rows of either kind than this and no model is trained (a tiny staff knowledge base).
MIN_ROWS = 20

SIGNALS = (
    "best",
    "second",
    "margin",
    "entropy",
    "p_out_of_scope",
    "p_human",
    "p_course_search",
    "out_of_scope_to_best",
    "best_is_course_search",
    "unknown_share",
    "unknown_words",
    "other_service",
    "log_length",
    "chinese_share",
)

_CJK = re.compile(r"[\u3400-\u9fff]")


@functools.lru_cache(maxsize=65536)
def word_keys(normalised: str) -> tuple[str, ...]:
    """The question's words (the matcher's word features), Chinese ones spelt as toneless
    pinyin run together (cached: a fit asks for every example's words once per fold)."""
    from assistant.matcher import words

    return tuple("".join(lazy_pinyin(w)) if _CJK.search(w) else w for w in words(normalised))


@dataclass(frozen=True)
class Vocabulary:
    """The word keys that in-scope examples use."""

    keys: frozenset[str]

    @classmethod
    def of(cls, normalised_texts: Iterable[str]) -> Vocabulary:
        """The vocabulary of normalised in-scope texts."""
        return cls(frozenset(k for text in normalised_texts for k in word_keys(text)))

    def unknown(self, normalised: str) -> tuple[float, int]:
        """The share and the number of the question's words that no in-scope example uses."""
        keys = word_keys(normalised)
        if not keys:
            return 0.0, 0
        missing = sum(k not in self.keys for k in keys)
        return missing / len(keys), missing


@dataclass(frozen=True)
class OtherServices:
    """Names of other apps, sites and services (`knowledge/other_services.txt`)."""

    anywhere: tuple[str, ...]  # matched inside the question without spaces
    words: frozenset[str]  # matched as whole words
    phrases: tuple[tuple[str, ...], ...]  # several words in a row

    @classmethod
    def load(cls, path: Path | None = None) -> OtherServices:
        """Read the list (one name per line, '#' comments), normalised as questions are."""
        from assistant.matcher import normalise

        anywhere: list[str] = []
        words: set[str] = set()
        phrases: list[tuple[str, ...]] = []
        for line in (path or OTHER_SERVICES_TXT).read_text(encoding="utf-8").splitlines():
            name = normalise(line.split("#", 1)[0])
            if not name:
                continue
            if not name.isascii():
                anywhere.append(name.replace(" ", ""))
            elif " " in name:
                phrases.append(tuple(name.split()))
            else:
                words.add(name)
        return cls(tuple(anywhere), frozenset(words), tuple(phrases))

    def mentions(self, normalised: str) -> bool:
        """Whether normalised text names one of the services."""
        compact = normalised.replace(" ", "")
        if any(name in compact for name in self.anywhere):
            return True
        tokens = normalised.split()
        if self.words.intersection(tokens):
            return True
        return any(
            tuple(tokens[i : i + len(p)]) == p for p in self.phrases for i in range(len(tokens))
        )


def signals(
    probabilities: np.ndarray,
    classes: np.ndarray,
    normalised: Sequence[str],
    vocabularies: Sequence[Vocabulary],
    services: OtherServices,
) -> np.ndarray:
    """The model's input rows (`SIGNALS`): one per question, from the matcher's probabilities,
    the question's text and the vocabulary its unknown words are counted against."""
    p = np.asarray(probabilities, dtype=np.float64)
    ordered = -np.sort(-p, axis=1)
    second = ordered[:, 1] if p.shape[1] > 1 else np.zeros(len(p))

    def column(label: str) -> np.ndarray:
        where = np.flatnonzero(classes == label)
        return p[:, where[0]] if where.size else np.zeros(len(p))

    p_oos = column(OUT_OF_SCOPE)
    best = p.argmax(axis=1)
    search = np.flatnonzero(classes == COURSE_SEARCH)
    entropy = -(p * np.log(np.maximum(p, 1e-12))).sum(axis=1)
    text_rows = []
    for text, vocabulary in zip(normalised, vocabularies, strict=True):
        share, count = vocabulary.unknown(text)
        compact = text.replace(" ", "")
        chinese = len(_CJK.findall(compact)) / len(compact) if compact else 0.0
        text_rows.append(
            (share, count, float(services.mentions(text)), math.log1p(len(compact)), chinese)
        )
    return np.column_stack(
        [
            ordered[:, 0],
            second,
            ordered[:, 0] - second,
            entropy,
            p_oos,
            column(HUMAN),
            column(COURSE_SEARCH),
            p_oos / np.maximum(ordered[:, 0], 1e-12),
            np.isin(best, search).astype(np.float64),
            np.array(text_rows, dtype=np.float64).reshape(len(p), 5),
        ]
    )


@dataclass(frozen=True)
class Trees:
    """A fitted binary `HistGradientBoostingClassifier` as plain arrays, evaluated with numpy:
    the same probabilities (`test_the_trees_give_sklearns_probabilities`) without sklearn's
    OpenMP thread team, which on a busy machine made one question's prediction wait for
    hundreds of milliseconds."""

    feature: np.ndarray  # per node, over all trees (node numbers offset per tree)
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray
    roots: np.ndarray  # each tree's first node
    depth: int
    baseline: float

    @classmethod
    def of(cls, model: HistGradientBoostingClassifier) -> Trees:
        """Copy the trees out of a fitted model (numerical features only)."""
        if model.n_trees_per_iteration_ != 1:
            raise ValueError("the hand-over model is a binary classifier")
        nodes = [predictors[0].nodes for predictors in model._predictors]
        offsets = np.cumsum([0] + [len(n) for n in nodes[:-1]])
        every = np.concatenate(nodes)
        if every["is_categorical"].any():
            raise ValueError("categorical splits are not supported")
        return cls(
            feature=every["feature_idx"].astype(np.intp),
            threshold=every["num_threshold"].astype(np.float64),
            left=np.concatenate(
                [n["left"].astype(np.intp) + o for n, o in zip(nodes, offsets, strict=True)]
            ),
            right=np.concatenate(
                [n["right"].astype(np.intp) + o for n, o in zip(nodes, offsets, strict=True)]
            ),
            leaf=every["is_leaf"].astype(bool),
            value=every["value"].astype(np.float64),
            roots=offsets.astype(np.intp),
            depth=int(every["depth"].max()) + 1,
            baseline=float(np.ravel(model._baseline_prediction)[0]),
        )

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(positive class) of each row of x."""
        x = np.nan_to_num(np.asarray(x, dtype=np.float64))
        rows = np.arange(len(x))[:, np.newaxis]
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        for _ in range(self.depth):
            leaf = self.leaf[node]
            if leaf.all():
                break
            left = x[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(leaf, node, np.where(left, self.left[node], self.right[node]))
        return expit(self.baseline + self.value[node].sum(axis=1))


@dataclass(frozen=True)
class HandoverModel:
    """The fitted model with the vocabulary and service names its signals need."""

    model: Trees
    vocabulary: Vocabulary
    services: OtherServices
    rows: int
    out_of_scope_rows: int

    def probability(self, row: np.ndarray, classes: np.ndarray, normalised: str) -> float:
        """How likely one question the matcher would answer is out of scope."""
        x = signals(row[np.newaxis, :], classes, [normalised], [self.vocabulary], self.services)
        return float(self.model.probability(x)[0])

    def probabilities(
        self, probabilities: np.ndarray, classes: np.ndarray, normalised: Sequence[str]
    ) -> np.ndarray:
        """The same for many questions at once."""
        if not len(normalised):
            return np.zeros(0)
        x = signals(
            probabilities, classes, normalised, [self.vocabulary] * len(normalised), self.services
        )
        return self.model.probability(x)


def out_of_fold(
    x: np.ndarray, out_of_scope: np.ndarray, eligible: np.ndarray, folds: Sequence[int]
) -> np.ndarray:
    """Each eligible row's probability from a model fitted on the other folds' eligible rows
    (0 for the rest, and for a fold whose other folds have too few rows of either kind)."""
    folds = np.asarray(folds)
    looks = np.zeros(len(x))
    for k in np.unique(folds):
        train = eligible & (folds != k)
        held = eligible & (folds == k)
        model = _fitted_trees(x[train], out_of_scope[train])
        if model is not None and held.any():
            looks[held] = model.probability(x[held])
    return looks


def _fitted_trees(x: np.ndarray, out_of_scope: np.ndarray) -> Trees | None:
    positives = int(out_of_scope.sum())
    if positives < MIN_ROWS or len(out_of_scope) - positives < MIN_ROWS:
        return None
    model = HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0
    )
    return Trees.of(model.fit(x, out_of_scope.astype(int)))


def fit(
    x: np.ndarray,
    out_of_scope: np.ndarray,
    vocabulary: Vocabulary,
    services: OtherServices,
) -> HandoverModel | None:
    """Fit the model on signal rows (True: the question was out of scope); None when either
    kind has fewer than `MIN_ROWS` rows."""
    trees = _fitted_trees(x, out_of_scope)
    if trees is None:
        return None
    return HandoverModel(trees, vocabulary, services, len(x), int(out_of_scope.sum()))

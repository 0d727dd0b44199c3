"""The question matcher: which help article (or special label) a learner's question is about.

Features are the union of TF-IDF over character n-grams, over jieba words (English words come
out of jieba as words too) and over toneless pinyin syllables and syllable pairs (so a
homophone typo, 住册 for 注册, or a pinyin spelling still matches), all on normalised text
(NFKC, so full-width letters and digits become half-width; lower-case; punctuation as spaces).
A linear SVM with sigmoid calibration (`CalibratedClassifierCV`, one-vs-rest Platt scaling
fitted on 3-fold out-of-fold scores, normalised over labels) gives a probability for every
label. Training examples are each article's titles and keywords (and body sentences, at half
weight) under its slug, plus the labelled questions.

Special labels: `course_search` and `human` are classes like the articles; `out_of_scope` is a
class learned from its examples *and* three hand-over rules: a question whose best label is
below the confidence threshold is out of scope; so is one whose `out_of_scope` probability is at
least `oos_ratio` times its best label's (off unless switched on); and so is one the hand-over
model (`assistant/handover.py`), a second look at every question the matcher would answer,
judges out of scope with a probability at or above its cut-off. That model is fitted on the
out-of-fold rows of the same cross-validation that chooses C, the threshold, the ratio and the
cut-off over the training phrasings only (`choose_settings`), never on the held-out questions;
the choice is kept in `Matcher.info`.

A short list of exact hand-off phrases (`HANDOFF_PHRASES`) is a documented rule on top of the
learned `human` class: a question containing one of them is handed over whatever the model says.

A `Matcher` is never changed after training: `predict` reads only, so one matcher serves any
number of threads at once. jieba's default tokenizer is shared with the search package, which
adds its domain words to it when it first analyses text; the matcher's word features are then
cut with those words too (the character and pinyin features are unaffected).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import time
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jieba
import numpy as np
from pypinyin import lazy_pinyin
from scipy import sparse
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from assistant import handover as handover_model
from assistant.handover import HandoverModel, OtherServices, Vocabulary
from assistant.labels import (
    BELOW_THRESHOLD,
    BY_HANDOVER_MODEL,
    BY_MODEL,
    EMPTY,
    HANDOFF_LABELS,
    HANDOFF_PHRASE,
    HUMAN,
    NEAR_OUT_OF_SCOPE,
    OUT_OF_SCOPE,
)

if TYPE_CHECKING:
    from assistant.knowledge import HelpArticle, LabelledQuestion

jieba.setLogLevel(logging.WARNING)


# Exact phrases that always mean "let me talk to a person" (matched inside the normalised
# question; Chinese ones with spaces taken out). The learned `human` class covers the rest.
HANDOFF_PHRASES_ZH = ("转人工", "人工客服", "人工服务", "真人客服", "找客服")
HANDOFF_PHRASES_EN = (
    "talk to a person",
    "talk to a human",
    "speak to a person",
    "speak to a human",
    "real person",
    "human agent",
)
HANDOFF_PHRASES = HANDOFF_PHRASES_ZH + HANDOFF_PHRASES_EN

ALTERNATIVES = 3
# The out-of-scope ratios cross-validation can choose from when the rule is switched on
# (`MatcherSettings(oos_ratio_grid=RATIO_GRID)`).
RATIO_GRID = (1.0, 0.8, 0.6, 0.5, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15)
_NOT_WORD = re.compile(r"[\W_]+")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+|\.(?:\s|$)")


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower-case, punctuation as single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_NOT_WORD.sub(" ", text).split())


def phrasing_key(text: str) -> str:
    """What makes two questions the same phrasing: the normalised text without spaces."""
    return normalise(text).replace(" ", "")


def words(normalised: str) -> list[str]:
    """jieba words (and English words) of normalised text; the word analyser of the features."""
    return [w for w in jieba.lcut(normalised) if w.strip()]


def pinyin(normalised: str) -> list[str]:
    """Toneless pinyin syllables of the Chinese characters, and each pair of neighbours."""
    syllables = [p for p in lazy_pinyin(normalised) if p.strip() and p.isalpha()]
    return syllables + [f"{a}_{b}" for a, b in itertools.pairwise(syllables)]


def stable_fraction(text: str, seed: int = 0) -> float:
    """A number in [0, 1) fixed by the text and the seed (the same on every machine)."""
    digest = hashlib.sha256(f"{seed}\x00{text}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class MatcherSettings:
    """How a matcher is trained: the features and the candidates cross-validation chooses from."""

    char_ngrams: tuple[int, int] = (1, 3)
    # Candidates for C and for the confidence threshold; both chosen by cross-validation over
    # the training phrasings unless `c` / `threshold` fix them.
    c_grid: tuple[float, ...] = (0.1, 0.3, 1.0, 3.0)
    threshold_grid: tuple[float, ...] = tuple(round(0.05 + 0.025 * i, 3) for i in range(27))
    # Candidates for the out-of-scope ratio (1.0: the rule is off), chosen with the threshold.
    # Off by default: with RATIO_GRID cross-validation picks 0.2 on the shipped data, which
    # reaches the out-of-scope floor but costs 4 points of top-1 and hands over short, plainly
    # answerable questions such as 字太小怎么办 (docs/benchmarks.md, "Assistant ... issue 15").
    oos_ratio_grid: tuple[float, ...] = (1.0,)
    # The hand-over model (assistant/handover.py) and the cut-offs cross-validation chooses its
    # cut-off from (None: off).
    handover: bool = True
    handover_cutoff_grid: tuple[float | None, ...] = handover_model.CUTOFF_GRID
    c: float | None = None
    threshold: float | None = None
    # Fixed ratio; when C and the threshold are both fixed and this is None, the rule is off.
    oos_ratio: float | None = None
    # Fixed hand-over cut-off; when C and the threshold are both fixed and this is None, the
    # hand-over model is off.
    handover_cutoff: float | None = None
    use_body: bool = True
    body_weight: float = 0.5
    folds: int = 5
    seed: int = 0
    max_iter: int = 5000
    calibration_folds: int = 3
    # The floors, which the choice tries to meet on cross-validation.
    min_top1: float = 0.90
    min_oos_handoff: float = 0.95
    max_unnecessary_handoff: float = 0.10

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for meta.json)."""
        return {
            "char_ngrams": list(self.char_ngrams),
            "c_grid": list(self.c_grid),
            "threshold_grid": [self.threshold_grid[0], self.threshold_grid[-1]],
            "c": self.c,
            "threshold": self.threshold,
            "oos_ratio_grid": list(self.oos_ratio_grid),
            "oos_ratio": self.oos_ratio,
            "handover": self.handover,
            "handover_cutoff": self.handover_cutoff,
            "use_body": self.use_body,
            "body_weight": self.body_weight,
            "folds": self.folds,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class Match:
    """The matcher's answer: a label, how sure the model is and the next best labels."""

    label: str
    # The probability of the model's best label (1.0 for a hand-off phrase). Below the
    # threshold the label is out_of_scope and the model's best guess leads the alternatives.
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = ()
    # Why it came out so: one of the reasons below.
    reason: str = BY_MODEL

    @property
    def handed_over(self) -> bool:
        """Whether the question goes to a person."""
        return self.label in HANDOFF_LABELS


@dataclass(frozen=True)
class _Example:
    text: str  # normalised
    label: str
    weight: float


@dataclass(frozen=True)
class Features:
    """Fitted TF-IDF vectorisers whose outputs are put side by side (a lean FeatureUnion:
    sklearn's runs each transform through joblib, a few milliseconds per question)."""

    vectorizers: tuple[tuple[str, TfidfVectorizer], ...]

    def transform(self, normalised: Sequence[str]) -> sparse.csr_matrix:
        """The feature rows of normalised texts."""
        return sparse.hstack([v.transform(normalised) for _, v in self.vectorizers], format="csr")

    def sizes(self) -> dict[str, int]:
        """How many terms each kind of feature has."""
        return {name: len(v.vocabulary_) for name, v in self.vectorizers}


@dataclass(frozen=True)
class CalibratedLinear:
    """The fitted linear SVM and its per-label sigmoid calibration, as plain arrays: the same
    probabilities as sklearn's CalibratedClassifierCV (ensemble=False) without its per-label
    input checks (over a dozen milliseconds a question with 80 labels)."""

    classes: np.ndarray  # labels, sorted
    weights: np.ndarray  # float32, features × labels (stored that way: x @ weights copies nothing)
    intercept: np.ndarray
    a: np.ndarray  # sigmoid slope per label
    b: np.ndarray  # sigmoid offset per label

    @classmethod
    def from_sklearn(cls, fitted: CalibratedClassifierCV) -> CalibratedLinear:
        """Take the arrays out of a fitted calibrated LinearSVC (more than two labels)."""
        (calibrated,) = fitted.calibrated_classifiers_
        svm = calibrated.estimator
        if len(svm.classes_) < 3 or list(svm.classes_) != list(fitted.classes_):
            raise ValueError("a matcher needs at least three labels")
        return cls(
            classes=np.asarray(svm.classes_),
            weights=np.ascontiguousarray(svm.coef_.T, dtype=np.float32),
            intercept=np.asarray(svm.intercept_, dtype=np.float64),
            a=np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64),
            b=np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64),
        )

    def predict_proba(self, x: sparse.csr_matrix) -> np.ndarray:
        """Probabilities of every label (columns in `classes` order), rows summing to 1."""
        decision = np.asarray(x @ self.weights, dtype=np.float64) + self.intercept
        proba = expit(-(self.a * decision + self.b))
        total = proba.sum(axis=1, keepdims=True)
        uniform = np.full_like(proba, 1.0 / proba.shape[1])
        return np.where(total > 0, proba / np.where(total > 0, total, 1.0), uniform)


@dataclass(frozen=True)
class Matcher:
    """A trained matcher: features, classifier, threshold and how they were chosen."""

    features: Features
    classifier: CalibratedLinear
    threshold: float
    info: dict[str, Any] = field(default_factory=dict)
    # Hand over when P(out_of_scope) >= oos_ratio × P(best label); 1.0 (the default, and what a
    # matcher pickled before the rule existed reads) leaves only the threshold.
    oos_ratio: float = 1.0
    # The hand-over model and its cut-off; None (and what a matcher pickled before the model
    # existed reads): no second look.
    handover: HandoverModel | None = None
    handover_cutoff: float | None = None

    @property
    def labels(self) -> list[str]:
        """Every label the matcher can answer."""
        return [str(c) for c in self.classifier.classes]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Label probabilities (columns in `labels` order) of several questions."""
        return self.classifier.predict_proba(self.features.transform([normalise(t) for t in texts]))

    def predict(self, text: str) -> Match:
        """The label of one question (thread-safe: nothing is written while predicting)."""
        normalised = normalise(text)
        if not normalised:
            return Match(OUT_OF_SCOPE, 0.0, (), EMPTY)
        row = self.classifier.predict_proba(self.features.transform([normalised]))[0]
        classes = self.classifier.classes
        match = decide(row, classes, self.threshold, normalised, self.oos_ratio)
        if self.handover is None or self.handover_cutoff is None or match.handed_over:
            return match
        second_look = self.handover.probability(row, classes, normalised)
        return decide(
            row,
            classes,
            self.threshold,
            normalised,
            self.oos_ratio,
            second_look,
            self.handover_cutoff,
        )


def decide(
    row: np.ndarray,
    classes: np.ndarray,
    threshold: float,
    normalised: str,
    oos_ratio: float = 1.0,
    handover: float = 0.0,
    handover_cutoff: float | None = None,
) -> Match:
    """Turn one row of probabilities into a match: the threshold, the out-of-scope ratio, the
    hand-over model's probability (`handover`, against its cut-off) and the hand-off rule."""
    order = np.argsort(-row, kind="stable")
    best = str(classes[order[0]])
    confidence = float(row[order[0]])
    ranked = [(str(classes[i]), round(float(row[i]), 4)) for i in order[: ALTERNATIVES + 1]]
    oos = np.flatnonzero(classes == OUT_OF_SCOPE)
    if has_handoff_phrase(normalised):
        label, reason, confidence = HUMAN, HANDOFF_PHRASE, 1.0
    elif confidence < threshold and best != HUMAN:
        label, reason = OUT_OF_SCOPE, BELOW_THRESHOLD
    elif (
        oos_ratio < 1.0
        and best not in HANDOFF_LABELS
        and oos.size
        and float(row[oos[0]]) >= oos_ratio * confidence
    ):
        label, reason = OUT_OF_SCOPE, NEAR_OUT_OF_SCOPE
    elif handover_cutoff is not None and best not in HANDOFF_LABELS and handover >= handover_cutoff:
        label, reason = OUT_OF_SCOPE, BY_HANDOVER_MODEL
    else:
        label, reason = best, BY_MODEL
    alternatives = tuple(pair for pair in ranked if pair[0] != label)[:ALTERNATIVES]
    return Match(label, confidence, alternatives, reason)


def has_handoff_phrase(normalised: str) -> bool:
    """Whether normalised text holds one of the exact hand-off phrases."""
    compact = normalised.replace(" ", "")
    return any(p in compact for p in HANDOFF_PHRASES_ZH) or any(
        p in normalised for p in HANDOFF_PHRASES_EN
    )


# -- training -------------------------------------------------------------------------------


def article_examples(articles: Iterable[HelpArticle], settings: MatcherSettings) -> list[_Example]:
    """Each article's titles and keywords (and body sentences) as examples of its slug."""
    examples: list[_Example] = []
    for article in articles:
        texts = [article.title_zh, article.title_en, *article.keywords_zh, *article.keywords_en]
        examples += [_Example(normalise(t), article.slug, 1.0) for t in texts if normalise(t)]
        if settings.use_body:
            for body in (article.body_zh, article.body_en):
                for sentence in _SENTENCE_END.split(body or ""):
                    text = normalise(re.sub(r"^\s*\d+\.\s*", "", sentence))
                    if len(text) >= 4:
                        examples.append(_Example(text, article.slug, settings.body_weight))
    return examples


def question_examples(questions: Iterable[LabelledQuestion]) -> list[_Example]:
    """Labelled questions as examples of their labels."""
    return [
        _Example(normalise(q.question), q.label, 1.0) for q in questions if normalise(q.question)
    ]


def _vectorizers(settings: MatcherSettings) -> list[tuple[str, TfidfVectorizer]]:
    return [
        (
            "chars",
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=settings.char_ngrams,
                lowercase=False,
                sublinear_tf=True,
                dtype=np.float32,
            ),
        ),
        (
            "words",
            TfidfVectorizer(analyzer=words, lowercase=False, sublinear_tf=True, dtype=np.float32),
        ),
        (
            "pinyin",
            TfidfVectorizer(analyzer=pinyin, lowercase=False, sublinear_tf=True, dtype=np.float32),
        ),
    ]


def trainable(examples: Sequence[_Example], folds: int) -> list[_Example]:
    """The examples of labels with at least `folds` of them (calibration needs one in each)."""
    counts: dict[str, int] = {}
    for e in examples:
        counts[e.label] = counts.get(e.label, 0) + 1
    return [e for e in examples if counts[e.label] >= folds]


def _fit(
    examples: Sequence[_Example], c: float, settings: MatcherSettings
) -> tuple[Features, CalibratedLinear]:
    examples = trainable(examples, settings.calibration_folds)
    vectorizers = _vectorizers(settings)
    texts = [e.text for e in examples]
    x = sparse.hstack([v.fit_transform(texts) for _, v in vectorizers], format="csr")
    # One SVM fitted on everything, calibrated on 3-fold out-of-fold decision values
    # (ensemble=False): one model to run per question. (Multinomial logistic regression was
    # as accurate on cross-validation but 10-20× slower to fit here.)
    classifier = CalibratedClassifierCV(
        # Seeded: liblinear's order of coordinates is random, and two fits of the same data
        # differed by a few held-out questions.
        LinearSVC(C=c, max_iter=settings.max_iter, random_state=settings.seed),
        method="sigmoid",
        cv=settings.calibration_folds,
        ensemble=False,
    )
    with threadpool_limits(1, "blas"), warnings.catch_warnings():
        # Convergence warnings of liblinear on a fold are harmless here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(x, [e.label for e in examples], sample_weight=[e.weight for e in examples])
    return Features(tuple(vectorizers)), CalibratedLinear.from_sklearn(classifier)


def fold_of(questions: Sequence[LabelledQuestion], folds: int, seed: int) -> list[int]:
    """A fold for each question: within each label, phrasings in a fixed pseudo-random order
    dealt round-robin, so every label with enough phrasings is spread over all folds."""
    by_label: dict[str, list[int]] = {}
    for i, q in enumerate(questions):
        by_label.setdefault(q.label, []).append(i)
    assigned = [0] * len(questions)
    offset = 0
    for label in sorted(by_label):
        members = sorted(
            by_label[label],
            key=lambda i: stable_fraction(phrasing_key(questions[i].question), seed),
        )
        for rank, i in enumerate(members):
            assigned[i] = (offset + rank) % folds
        offset += len(members)
    return assigned


def rates(
    matches: Sequence[Match], labels: Sequence[str]
) -> tuple[float, float, float, dict[str, int]]:
    """top-1 accuracy (in scope), out-of-scope handed over, unnecessary hand-offs, and counts."""
    in_scope = [(m, y) for m, y in zip(matches, labels, strict=True) if y != OUT_OF_SCOPE]
    oos = [m for m, y in zip(matches, labels, strict=True) if y == OUT_OF_SCOPE]
    answerable = [m for m, y in in_scope if y != HUMAN]
    top1 = sum(m.label == y for m, y in in_scope) / len(in_scope) if in_scope else 0.0
    handed = sum(m.handed_over for m in oos) / len(oos) if oos else 0.0
    unnecessary = sum(m.handed_over for m in answerable) / len(answerable) if answerable else 0.0
    counts = {
        "questions": len(labels),
        "in_scope": len(in_scope),
        "out_of_scope": len(oos),
        "answerable": len(answerable),
    }
    return top1, handed, unnecessary, counts


@dataclass(frozen=True)
class _Sweep:
    """Out-of-fold rows reduced to what `decide` looks at, so that every (threshold, ratio,
    hand-over cut-off) candidate is scored with a few array operations instead of a `decide`
    call per row (the same labels: `test_the_sweep_scores_as_decide_does`)."""

    best: np.ndarray  # the model's best label of each row
    confidence: np.ndarray
    oos: np.ndarray  # P(out_of_scope) of each row (0 when the fold had no such class)
    phrase: np.ndarray  # a hand-off phrase: always human
    empty: np.ndarray  # nothing to match: always out of scope
    truth: np.ndarray
    # The hand-over model's probability of each row (0 when its fold had no model).
    handover: np.ndarray | None = None

    @classmethod
    def of(
        cls,
        rows: Sequence[tuple[int, np.ndarray, np.ndarray]],
        normalised: Sequence[str],
        labels: Sequence[str],
        handover: Sequence[float] | None = None,
    ) -> _Sweep:
        """Reduce (question index, probabilities, classes) rows (and the hand-over model's
        probability of each row, in the same order)."""
        best, confidence, oos = [], [], []
        for _, p, classes in rows:
            top = int(np.argmax(p))
            where = np.flatnonzero(classes == OUT_OF_SCOPE)
            best.append(str(classes[top]))
            confidence.append(float(p[top]))
            oos.append(float(p[where[0]]) if where.size else 0.0)
        return cls(
            best=np.array(best, dtype=object),
            confidence=np.array(confidence),
            oos=np.array(oos),
            phrase=np.array([has_handoff_phrase(normalised[i]) for i, _, _ in rows], dtype=bool),
            empty=np.array([not normalised[i] for i, _, _ in rows], dtype=bool),
            truth=np.array([labels[i] for i, _, _ in rows], dtype=object),
            handover=None if handover is None else np.asarray(handover, dtype=np.float64),
        )

    def labels(
        self, threshold: float, oos_ratio: float, handover_cutoff: float | None = None
    ) -> np.ndarray:
        """Each row's label as `decide` gives it with this threshold, ratio and cut-off."""
        handoff = np.isin(self.best, list(HANDOFF_LABELS))
        low = (self.confidence < threshold) & (self.best != HUMAN)
        near = (oos_ratio < 1.0) & ~handoff & (self.oos >= oos_ratio * self.confidence)
        if handover_cutoff is not None and self.handover is not None:
            near |= ~handoff & (self.handover >= handover_cutoff)
        out = np.where(low | near, OUT_OF_SCOPE, self.best)
        out = np.where(self.phrase, HUMAN, out)
        return np.where(self.empty, OUT_OF_SCOPE, out).astype(object)

    def rates(
        self, threshold: float, oos_ratio: float, handover_cutoff: float | None = None
    ) -> tuple[float, float, float]:
        """top-1 accuracy, out of scope handed over and unnecessary hand-offs (as `rates`)."""
        predicted = self.labels(threshold, oos_ratio, handover_cutoff)
        handed = np.isin(predicted, list(HANDOFF_LABELS))
        in_scope = self.truth != OUT_OF_SCOPE
        answerable = in_scope & (self.truth != HUMAN)
        oos = ~in_scope

        def share(hits: np.ndarray, among: np.ndarray) -> float:
            return float(hits[among].mean()) if among.any() else 0.0

        return (
            share(predicted == self.truth, in_scope),
            share(handed, oos),
            share(handed, answerable),
        )


def shortfall(candidate: dict[str, Any], settings: MatcherSettings) -> float:
    """How far a candidate's cross-validated figures miss the floor they miss most (0: none)."""
    return max(
        0.0,
        settings.min_top1 - candidate["top1_accuracy"],
        settings.min_oos_handoff - candidate["oos_handoff_rate"],
        candidate["unnecessary_handoff_rate"] - settings.max_unnecessary_handoff,
    )


@dataclass(frozen=True)
class _Folded:
    """One C's cross-validation: each question's out-of-fold probabilities, and its hand-over
    signals and whether the fold's matcher would answer it (when the hand-over model is on)."""

    rows: list[tuple[int, np.ndarray, np.ndarray]]  # (question index, probabilities, classes)
    signals: np.ndarray | None
    answered: np.ndarray


def _cross_validate(
    base: Sequence[_Example],
    questions: Sequence[LabelledQuestion],
    folds: Sequence[int],
    c: float,
    settings: MatcherSettings,
) -> _Folded:
    """Fit a matcher per fold (articles always in the training part) and keep what it says of
    the fold's held questions; unknown words are counted against the fold's own vocabulary."""
    normalised = [normalise(q.question) for q in questions]
    services = OtherServices.load() if settings.handover else None
    rows: list[tuple[int, np.ndarray, np.ndarray]] = []
    signals = np.zeros((len(questions), len(handover_model.SIGNALS)))
    answered = np.zeros(len(questions), dtype=bool)
    for k in range(settings.folds):
        train = [q for q, f in zip(questions, folds, strict=True) if f != k]
        held = [i for i, f in enumerate(folds) if f == k]
        if not held:
            continue
        examples = [*base, *question_examples(train)]
        features, classifier = _fit(examples, c, settings)
        texts = [normalised[i] for i in held]
        probabilities = classifier.predict_proba(features.transform(texts))
        rows += [(i, probabilities[j], classifier.classes) for j, i in enumerate(held)]
        best = classifier.classes[np.argmax(probabilities, axis=1)]
        answered[held] = [
            bool(t) and str(b) not in HANDOFF_LABELS and not has_handoff_phrase(t)
            for t, b in zip(texts, best, strict=True)
        ]
        if services is not None:
            vocabulary = Vocabulary.of(e.text for e in examples if e.label != OUT_OF_SCOPE)
            signals[held] = handover_model.signals(
                probabilities, classifier.classes, texts, [vocabulary] * len(held), services
            )
    rows.sort(key=lambda r: r[0])
    return _Folded(rows, signals if services is not None else None, answered)


def choose_settings(
    articles: Sequence[HelpArticle],
    questions: Sequence[LabelledQuestion],
    settings: MatcherSettings,
) -> dict[str, Any]:
    """Choose C, the threshold, the out-of-scope ratio and the hand-over cut-off by k-fold
    cross-validation over the training phrasings (`_choose`)."""
    return _choose(articles, questions, settings)[0]


def _choose(
    articles: Sequence[HelpArticle],
    questions: Sequence[LabelledQuestion],
    settings: MatcherSettings,
) -> tuple[dict[str, Any], dict[float, _Folded]]:
    """The choice, and each C's cross-validation (the hand-over model is fitted on the chosen
    C's). Articles are in every fold's training part; the hand-over model is scored by a
    second cross-validation over the same folds' rows. Rule: the candidate whose out-of-fold
    figures miss the issue's floors (top-1, out of scope handed over, unnecessary hand-offs)
    by the least (`shortfall`); among those meeting them all, or equally short, the best top-1
    accuracy (ties: more out of scope handed over, fewer unnecessary hand-offs, the lower
    threshold, the ratio nearer 1, the higher cut-off, the smaller C)."""
    started = time.perf_counter()
    base = article_examples(articles, settings)
    folds = fold_of(questions, settings.folds, settings.seed)
    labels = [q.label for q in questions]
    out_of_scope = np.array([label == OUT_OF_SCOPE for label in labels])
    normalised = [normalise(q.question) for q in questions]
    c_grid = (settings.c,) if settings.c is not None else settings.c_grid
    thresholds = (
        (settings.threshold,) if settings.threshold is not None else settings.threshold_grid
    )
    ratios = (settings.oos_ratio,) if settings.oos_ratio is not None else settings.oos_ratio_grid
    if not settings.handover:
        cutoffs: tuple[float | None, ...] = (None,)
    elif settings.handover_cutoff is not None:
        cutoffs = (settings.handover_cutoff,)
    else:
        cutoffs = settings.handover_cutoff_grid
    candidates: list[dict[str, Any]] = []
    by_c: dict[float, _Folded] = {}
    for c in c_grid:
        folded = by_c[c] = _cross_validate(base, questions, folds, c, settings)
        looks = (
            handover_model.out_of_fold(folded.signals, out_of_scope, folded.answered, folds)
            if folded.signals is not None
            else None
        )
        sweep = _Sweep.of(folded.rows, normalised, labels, looks)
        for t, ratio, cutoff in itertools.product(thresholds, ratios, cutoffs):
            top1, oos, unnecessary = sweep.rates(t, ratio, cutoff)
            candidates.append(
                {
                    "c": c,
                    "threshold": t,
                    "oos_ratio": ratio,
                    "handover_cutoff": cutoff,
                    "top1_accuracy": round(top1, 4),
                    "oos_handoff_rate": round(oos, 4),
                    "unnecessary_handoff_rate": round(unnecessary, 4),
                }
            )
    chosen = max(
        candidates,
        key=lambda r: (
            -round(shortfall(r, settings), 4),
            r["top1_accuracy"],
            r["oos_handoff_rate"],
            -r["unnecessary_handoff_rate"],
            -r["threshold"],
            r["oos_ratio"],
            2.0 if r["handover_cutoff"] is None else r["handover_cutoff"],
            -r["c"],
        ),
    )
    rule = (
        "best top-1 among the candidates meeting every floor"
        if shortfall(chosen, settings) == 0
        else "no candidate met every floor: the one missing its worst floor by the least"
    )
    choice = {
        "c": chosen["c"],
        "threshold": chosen["threshold"],
        "oos_ratio": chosen["oos_ratio"],
        "handover_cutoff": chosen["handover_cutoff"],
        "rule": rule,
        "cross_validation": {
            k: v
            for k, v in chosen.items()
            if k not in ("c", "threshold", "oos_ratio", "handover_cutoff")
        },
        "folds": settings.folds,
        "questions": len(questions),
        "candidates": len(candidates),
        "best_by_c": {
            str(c): max((r for r in candidates if r["c"] == c), key=lambda r: r["top1_accuracy"])[
                "top1_accuracy"
            ]
            for c in c_grid
        },
        "seconds": round(time.perf_counter() - started, 2),
    }
    return choice, by_c


class TooFewLabels(ValueError):
    """Training data with fewer than three labels that have enough examples."""


def trainable_labels(
    articles: Sequence[HelpArticle],
    questions: Sequence[LabelledQuestion],
    settings: MatcherSettings | None = None,
) -> list[str]:
    """The labels a matcher trained on these data would know."""
    settings = settings or MatcherSettings()
    examples = article_examples(articles, settings) + question_examples(questions)
    return sorted({e.label for e in trainable(examples, settings.calibration_folds)})


def train_matcher(
    articles: Sequence[HelpArticle],
    questions: Sequence[LabelledQuestion],
    *,
    settings: MatcherSettings | None = None,
) -> Matcher:
    """Train a matcher on the articles and the (training) labelled questions: C, the threshold
    and the out-of-scope ratio chosen by cross-validation over these questions (unless the
    settings fix C and the threshold), then one fit on all of them."""
    settings = settings or MatcherSettings()
    if len(trainable_labels(articles, questions, settings)) < 3:
        raise TooFewLabels("a matcher needs at least three labels with three examples each")
    jieba.initialize()  # the one-time dictionary load, before any thread predicts
    if settings.c is not None and settings.threshold is not None:
        choice: dict[str, Any] = {
            "c": settings.c,
            "threshold": settings.threshold,
            "oos_ratio": settings.oos_ratio if settings.oos_ratio is not None else 1.0,
            "handover_cutoff": settings.handover_cutoff if settings.handover else None,
            "rule": "fixed by the settings",
        }
        folded = (
            _cross_validate(
                article_examples(articles, settings),
                questions,
                fold_of(questions, settings.folds, settings.seed),
                settings.c,
                settings,
            )
            if choice["handover_cutoff"] is not None
            else None
        )
    else:
        choice, by_c = _choose(articles, questions, settings)
        folded = by_c[choice["c"]]
    started = time.perf_counter()
    examples = article_examples(articles, settings) + question_examples(questions)
    features, classifier = _fit(examples, choice["c"], settings)
    cutoff = choice["handover_cutoff"]
    second_look = None
    if cutoff is not None and folded is not None and folded.signals is not None:
        out_of_scope = np.array([q.label == OUT_OF_SCOPE for q in questions])
        second_look = handover_model.fit(
            folded.signals[folded.answered],
            out_of_scope[folded.answered],
            Vocabulary.of(e.text for e in examples if e.label != OUT_OF_SCOPE),
            OtherServices.load(),
        )
    dropped = sorted({e.label for e in examples} - {str(c) for c in classifier.classes})
    info = {
        "choice": choice,
        "settings": settings.to_dict(),
        "features": features.sizes(),
        "examples": len(examples),
        "articles": len(articles),
        "questions": len(questions),
        "labels": len(classifier.classes),
        # Labels with fewer examples than calibration folds (a staff label on one question).
        "labels_too_rare": dropped,
        # The hand-over model's training rows (None: off, or too few rows of either kind).
        "handover": None
        if second_look is None
        else {
            "rows": second_look.rows,
            "out_of_scope_rows": second_look.out_of_scope_rows,
            "cutoff": cutoff,
        },
        "fit_seconds": round(time.perf_counter() - started, 2),
    }
    return Matcher(
        features,
        classifier,
        float(choice["threshold"]),
        info,
        float(choice["oos_ratio"]),
        second_look,
        cutoff if second_look is not None else None,
    )

"""Content similarity: TF-IDF over jieba-segmented course text, for courses the model is
too old to know.

The vocabulary and idf are fitted at training time on a sample of the published courses (a
sample estimates idf as well as the whole catalogue at a fraction of the segmentation cost) and
stored in the artefact; at request time only the new courses and the learner's own courses are
turned into vectors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jieba
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

CONTENT_FILE = "content.npz"
DESCRIPTION_CHARS = 200
_WORD = re.compile(r"\w", re.UNICODE)
_STOP = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "之",
        "等",
        "对",
        "把",
        "被",
        "从",
        "以",
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "in",
        "for",
        "on",
        "with",
    ]
)


def tokens(text: str) -> list[str]:
    """Words of a text: jieba's precise cut, lower-cased, without punctuation or stop words."""
    out = []
    for word in jieba.cut(text or ""):
        word = word.strip().lower()
        if word and _WORD.search(word) and word not in _STOP:
            out.append(word)
    return out


def course_text(title: str, subtitle: str | None, description: str | None) -> str:
    """The text of a course that content similarity compares: the title counts twice (it says
    what the course is; descriptions of a catalogue share much boilerplate)."""
    parts = (title, title, subtitle, (description or "")[:DESCRIPTION_CHARS])
    return " ".join(filter(None, parts))


@dataclass(frozen=True)
class ContentModel:
    """A fitted TF-IDF vocabulary."""

    terms: np.ndarray  # str
    idf: np.ndarray

    def vectorizer(self) -> TfidfVectorizer:
        """A vectorizer with this vocabulary and idf (nothing is refitted)."""
        vectorizer = TfidfVectorizer(
            tokenizer=tokens,
            lowercase=False,
            token_pattern=None,
            sublinear_tf=True,
            vocabulary={term: n for n, term in enumerate(self.terms.tolist())},
        )
        vectorizer.idf_ = self.idf
        return vectorizer

    def vectors(self, texts: Sequence[str]) -> sp.csr_matrix:
        """L2-normalised TF-IDF rows of the texts."""
        if not len(self.terms):
            return sp.csr_matrix((len(texts), 0))
        return self.vectorizer().transform(list(texts)).tocsr()

    def save(self, folder: Path) -> None:
        """Write the vocabulary beside a model version's factors."""
        np.savez(folder / CONTENT_FILE, terms=self.terms, idf=self.idf)

    @classmethod
    def load(cls, folder: Path) -> ContentModel | None:
        """The stored vocabulary, or None for a version without one."""
        path = folder / CONTENT_FILE
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as data:
            return cls(data["terms"], data["idf"])


def fit_content(texts: Sequence[str], max_terms: int = 100_000) -> ContentModel:
    """Fit the vocabulary and idf on course texts."""
    texts = [t for t in texts if t]
    if len(texts) < 2:
        return ContentModel(np.asarray([], dtype=str), np.zeros(0))
    vectorizer = TfidfVectorizer(
        tokenizer=tokens,
        lowercase=False,
        token_pattern=None,
        sublinear_tf=True,
        min_df=2 if len(texts) > 50 else 1,
        max_features=max_terms,
    )
    vectorizer.fit(texts)
    terms = vectorizer.get_feature_names_out().astype(str)
    return ContentModel(terms, vectorizer.idf_.astype(np.float64))


def most_similar(
    candidates: sp.csr_matrix, history: sp.csr_matrix
) -> tuple[np.ndarray, np.ndarray]:
    """For each candidate row, the most similar history row and the cosine similarity."""
    if candidates.shape[0] == 0 or history.shape[0] == 0:
        return np.zeros(candidates.shape[0], dtype=np.int64), np.zeros(candidates.shape[0])
    similarity = (candidates @ history.T).toarray()
    best = similarity.argmax(axis=1)
    return best, similarity[np.arange(len(best)), best]

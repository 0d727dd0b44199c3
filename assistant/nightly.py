"""The nightly retraining of the question matcher: shipped and staff knowledge together."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from assistant.artefacts import MatcherStore
from assistant.articles import all_articles
from assistant.knowledge import (
    SPECIAL_LABELS,
    HelpArticle,
    LabelledQuestion,
    load_articles,
    load_questions,
)
from assistant.matcher import MatcherSettings
from assistant.support import labelled_questions
from assistant.training import TrainingReport, train_and_publish


def training_questions(session: Session, known: set[str]) -> list[LabelledQuestion]:
    """The shipped labelled questions and every staff-labelled one whose label still exists
    (a staff label overrides a shipped one of the same phrasing)."""
    shipped = {q.question: q for q in load_questions()}
    for text, label, language in labelled_questions(session):
        if label in known and text.strip():
            lang = language if language in ("zh", "en") else "zh"
            shipped[text] = LabelledQuestion(text, label, lang, "plain")
    return list(shipped.values())


# What the nightly cross-validation chose on the shipped knowledge (docs/benchmarks.md,
# "Assistant: question matcher"): a new installation's first matcher is fitted once with these,
# in well under a minute, by `lifelong start` (assistant/first_matcher.py); the nightly job
# chooses again on everything it has.
FIRST_START = MatcherSettings(c=1.0, threshold=0.175, handover_cutoff=0.35)


def knowledge(session: Session) -> tuple[list[HelpArticle], list[LabelledQuestion]]:
    """The articles (shipped and staff-written) and labelled questions a fit learns from."""
    articles = list(all_articles(session, load_articles()).values())
    known = {a.slug for a in articles} | set(SPECIAL_LABELS)
    return articles, training_questions(session, known)


def retrain(session: Session, store: MatcherStore, now: datetime | None = None) -> TrainingReport:
    """Train on everything known (choosing C and the threshold by cross-validation), evaluate
    on the held-out phrasings, promote if better."""
    articles, questions = knowledge(session)
    return train_and_publish(articles, questions, store, now=now)

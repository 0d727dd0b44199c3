"""The recommender subsystem of the web app: the model store web workers read from."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app
from flask_babel import get_locale, gettext
from flask_login import current_user

from recommender.artefacts import ArtefactError, Model, ModelStore
from recommender.languages import LanguageMix
from recommender.serving import Learner, Reason
from webapp.i18n import AREA_LABELS, LANGUAGES

EXTENSION = "lifelong.models"
log = logging.getLogger(__name__)


def init_app(app: Flask, model_dir: Path) -> ModelStore:
    """Open the model directory; each worker loads the current version on first use."""
    store = ModelStore(model_dir)
    app.extensions[EXTENSION] = store
    app.add_template_filter(reason_text, "reason_text")
    return store


def get_models(app: Flask | None = None) -> ModelStore:
    """The app's model store."""
    return (app or current_app).extensions[EXTENSION]


def current_model() -> Model | None:
    """The current model, or None (with a log line) when it cannot be read."""
    try:
        return get_models().current_model()
    except ArtefactError:
        log.exception("the current model cannot be loaded; serving without it")
        return None


def reason_text(reason: Reason) -> str:
    """The reason in the learner's language."""
    area = str(AREA_LABELS.get(reason.area, reason.area or ""))
    title = reason.course_title or ""
    actions = {
        "complete": gettext("Because you completed “%(title)s”", title=title),
        "save": gettext("Because you saved “%(title)s”", title=title),
        "like": gettext("Because you liked “%(title)s”", title=title),
    }
    if reason.kind == "because" and reason.action in actions and title:
        return actions[reason.action]
    if reason.kind == "because" and title:
        return gettext("Because you looked at “%(title)s”", title=title)
    if reason.kind == "in_your_areas" and area:
        return gettext("In an area you follow: %(area)s", area=area)
    if reason.kind == "popular_in_area":
        return gettext("Popular in %(area)s", area=area)
    if reason.kind == "new_in_area":
        return gettext("New in %(area)s", area=area)
    if reason.kind == "new":
        return gettext("New on the platform")
    if reason.kind == "popular":
        return gettext("Popular with learners")
    if reason.kind == "similar_content":
        return gettext("Covers similar ground")
    return gettext("Learners with your interests liked this")


def interface_language() -> str:
    """The language the page is shown in ("zh" or "en")."""
    locale = str(get_locale() or "zh").split("_")[0]
    return locale if locale in LANGUAGES else "zh"


def current_learner() -> Learner:
    """The feed's learner: the signed-in account, or a visitor; in the page's language."""
    language = interface_language()
    if current_user.is_authenticated:
        return Learner(
            current_user.id,
            tuple(current_user.interest_areas or ()),
            current_user.caring_mode,
            language,
        )
    return Learner(language=language)


def visitor_languages() -> LanguageMix:
    """The languages of shelves shown without a learner's history: the page's."""
    return LanguageMix(interface_language())

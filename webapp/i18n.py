"""Languages of the interface: Chinese by default, English selectable."""

from __future__ import annotations

from flask import Flask, session
from flask_babel import Babel, get_locale, lazy_gettext
from flask_login import current_user

from catalogue.models import Area, CourseFormat, Level, MediaType, ProviderKind, Role

LANGUAGES = {"zh": "中文", "en": "English"}

AREA_LABELS = {
    Area.LIFE_SKILLS: lazy_gettext("Life skills"),
    Area.HOBBIES: lazy_gettext("Hobbies and interests"),
    Area.WORKPLACE: lazy_gettext("Workplace competencies"),
    Area.PROFESSIONAL: lazy_gettext("Professional skills"),
    Area.ELDERLY: lazy_gettext("Elderly learning"),
    Area.CONTINUING: lazy_gettext("Continuing education"),
}

FORMAT_LABELS = {
    CourseFormat.VIDEO: lazy_gettext("Video"),
    CourseFormat.AUDIO: lazy_gettext("Audio"),
    CourseFormat.READING: lazy_gettext("Reading"),
    CourseFormat.LIVE: lazy_gettext("Live"),
    CourseFormat.MIXED: lazy_gettext("Mixed media"),
}

MEDIA_LABELS = {
    MediaType.VIDEO: lazy_gettext("Video"),
    MediaType.AUDIO: lazy_gettext("Audio"),
    MediaType.TEXT: lazy_gettext("Reading"),
    MediaType.LIVE: lazy_gettext("Live"),
    MediaType.QUIZ: lazy_gettext("Quiz"),
}

LEVEL_LABELS = {
    Level.BEGINNER: lazy_gettext("Beginner"),
    Level.INTERMEDIATE: lazy_gettext("Intermediate"),
    Level.ADVANCED: lazy_gettext("Advanced"),
    Level.ALL: lazy_gettext("All levels"),
}

PROVIDER_KIND_LABELS = {
    ProviderKind.UNIVERSITY: lazy_gettext("University"),
    ProviderKind.MEDIA: lazy_gettext("Media company"),
    ProviderKind.TRAINING: lazy_gettext("Training institution"),
    ProviderKind.PUBLIC: lazy_gettext("Public institution"),
    ProviderKind.OWN: lazy_gettext("The platform's own"),
}

ROLE_LABELS = {
    Role.LEARNER: lazy_gettext("Learner"),
    Role.PARTNER: lazy_gettext("Partner"),
    Role.EDITOR: lazy_gettext("Editor"),
    Role.SUPPORT: lazy_gettext("Support staff"),
    Role.ADMIN: lazy_gettext("Administrator"),
    Role.REGISTRAR: lazy_gettext("Registrar"),
    Role.ORGANISER: lazy_gettext("Organiser"),
}


def select_locale() -> str | None:
    """The visitor's language: the session's choice, then the account's, else the default."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated:
        preferred = current_user.preferred_language
        if preferred in LANGUAGES:
            return preferred
    return None


def init_app(app: Flask, default_locale: str) -> None:
    """Install Flask-Babel with our locale selector and template helpers."""
    app.config["BABEL_DEFAULT_LOCALE"] = default_locale
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = "translations"
    Babel(app, locale_selector=select_locale)

    @app.template_filter("area_label")
    def area_label(code: str) -> str:
        """The translated name of an area code (the code itself if unknown)."""
        return str(AREA_LABELS.get(code, code))

    @app.context_processor
    def labels() -> dict:
        return {
            "AREA_LABELS": AREA_LABELS,
            "MEDIA_LABELS": MEDIA_LABELS,
            "FORMAT_LABELS": FORMAT_LABELS,
            "LEVEL_LABELS": LEVEL_LABELS,
            "LANGUAGES": LANGUAGES,
            "get_locale": get_locale,
        }

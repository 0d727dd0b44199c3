"""Caring mode (长辈模式): larger text, higher contrast, bigger targets and a simpler layout for
older learners; one switch on every page, remembered on the account and, for visitors, in a
long-lived cookie of this browser. docs/accessibility.md says what it changes and why."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, redirect, request, url_for
from flask_login import current_user

from catalogue.services import users as user_service
from webapp.db import get_session
from webapp.forms import PlainForm
from webapp.urls import safe_next

COOKIE = "caring"
TEXT_COOKIE = "caring_text"
TEXT_SIZES = ("large", "larger")  # 20 px and 24 px body text
COOKIE_SECONDS = 365 * 24 * 3600

bp = Blueprint("caring", __name__)


def caring_on() -> bool:
    """Whether this page is shown in caring mode: the account's setting for a learner who is
    logged in (the same in every browser), else this browser's."""
    if current_user and current_user.is_authenticated:
        return bool(current_user.caring_mode)
    return request.cookies.get(COOKIE) == "1"


def text_size() -> str:
    """The caring-mode text size: the account's for a learner who is logged in, else the one
    chosen in this browser."""
    if current_user and current_user.is_authenticated:
        size = current_user.text_size
    else:
        size = request.cookies.get(TEXT_COOKIE, TEXT_SIZES[0])
    return size if size in TEXT_SIZES else TEXT_SIZES[0]


def _remember(response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=COOKIE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )


def adopt_browser_choice(user_id: int, account_caring: bool) -> None:
    """At log-in or sign-up: caring mode switched on in this browser is kept for the account
    (the person at this browser wants it); an account already in caring mode stays so."""
    if request.cookies.get(COOKIE) == "1" and not account_caring:
        db = get_session()
        user_service.update_preferences(db, user_id, caring_mode=True)
        db.commit()


@bp.route("/caring", methods=["POST"])
def switch():
    """Switch caring mode on (on=1) or off (on=0) for this browser and the account."""
    form = PlainForm()
    response = redirect(safe_next(request.form.get("next"), url_for("pages.home")))
    wanted = request.form.get("on")
    if not form.validate_on_submit() or wanted not in ("0", "1"):
        return response
    _remember(response, COOKIE, wanted)
    if current_user.is_authenticated:
        db = get_session()
        user_service.update_preferences(db, current_user.id, caring_mode=wanted == "1")
        db.commit()
    return response


@bp.route("/caring/text-size", methods=["POST"])
def set_text_size():
    """Choose the caring-mode text size (large or larger) for this browser and the account."""
    form = PlainForm()
    response = redirect(safe_next(request.form.get("next"), url_for("pages.home")))
    size = request.form.get("size")
    if form.validate_on_submit() and size in TEXT_SIZES:
        _remember(response, TEXT_COOKIE, size)
        if current_user.is_authenticated:
            db = get_session()
            user_service.update_preferences(db, current_user.id, text_size=size)
            db.commit()
    return response


def init_app(app: Flask) -> None:
    """Register the switch and give every template `caring` and `caring_text`."""
    app.register_blueprint(bp)

    @app.context_processor
    def _caring() -> dict:
        return {"caring": caring_on(), "caring_text": text_size()}

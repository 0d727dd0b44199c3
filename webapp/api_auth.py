"""Bearer authentication of the mobile app's requests with learners' app tokens.

`app_token_required` guards the app API's views: a request without a live app token gets a
JSON 401 with `WWW-Authenticate: Bearer` (RFC 6750). `load_token_user` runs before every request
to the few session-based API endpoints the app shares with the site (feed, similar courses,
search, suggest): a live token makes its learner `current_user` for that request only (nothing
is written to the session cookie); an invalid one is refused with the same 401.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, g, jsonify, request
from flask_login import current_user

from catalogue.services import app_tokens
from webapp.auth import CurrentUser
from webapp.db import get_database, get_session

REALM = "lifelong"
# The site's own API endpoints that also answer app tokens (besides the app API itself).
SHARED_ENDPOINTS = frozenset(
    {
        "recommendations_api.api_feed",
        "recommendations_api.api_similar",
        "search_api.api_search",
        "search_api.api_suggest",
    }
)
_MESSAGES = {
    None: "请先登录 / Sign in first: send Authorization: Bearer <token>",
    app_tokens.Refusal.UNKNOWN: "登录凭证无效 / This token is not valid",
    app_tokens.Refusal.REVOKED: "登录凭证已注销，请重新登录 / Token revoked: sign in again",
    app_tokens.Refusal.EXPIRED: "登录凭证已过期，请重新登录 / Token expired: sign in again",
    app_tokens.Refusal.ACCOUNT: "账户不可用 / This account cannot be used at the moment",
}


def bearer_secret() -> str | None:
    """The secret of an `Authorization: Bearer …` header, or None without one."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()


def unauthorized(refusal: app_tokens.Refusal | None) -> Response:
    """The JSON 401 for a missing or refused token, with its WWW-Authenticate challenge."""
    code = "UNAUTHORIZED" if refusal is None else refusal.value
    response = jsonify(error={"code": code, "message": _MESSAGES[refusal]})
    response.status_code = 401
    challenge = f'Bearer realm="{REALM}"'
    if refusal is not None:
        challenge += f', error="invalid_token", error_description="{refusal.value}"'
    response.headers["WWW-Authenticate"] = challenge
    response.headers["Cache-Control"] = "no-store"
    return response


def _authenticate(secret: str) -> Response | None:
    """Check a presented token; on success its learner is current_user for this request."""
    found = app_tokens.verify_token(get_session(), secret)
    if isinstance(found, app_tokens.Refusal):
        return unauthorized(found)
    g.app_token_id = found.token.id
    g._login_user = CurrentUser(found.user)  # Flask-Login's per-request user; no cookie
    app_tokens.note_use(get_database().sessions, found.token.id)
    return None


def app_token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only requests carrying a live app token; the view reads the learner as current_user."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "app_token_id" not in g:
            secret = bearer_secret()
            if not secret:
                return unauthorized(None)
            refused = _authenticate(secret)
            if refused is not None:
                return refused
        return view(*args, **kwargs)

    return wrapper


def current_token_id() -> int:
    """The id of the app token this request was authenticated with."""
    return int(g.app_token_id)


def load_token_user() -> Response | None:
    """Before the shared API endpoints: an app token, when sent, signs its learner in."""
    if request.endpoint not in SHARED_ENDPOINTS:
        return None
    secret = bearer_secret()
    if secret is None or not app_tokens.looks_like_token(secret):
        return None  # no app token: the browser's session (or a visitor) as before
    return _authenticate(secret)


def user_id() -> int:
    """The signed-in learner's id."""
    return int(current_user.id)

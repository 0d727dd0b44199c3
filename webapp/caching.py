"""Who may keep a copy of a response: personal pages are never stored by browsers or proxies.

The rule, applied to every response in one place: a request made with a signed-in session or a
partner token, and every personal or staff route (even when it answers a visitor with a
redirect to the log-in page), is answered with `Cache-Control: no-store, private` and
`Vary: Cookie`. Public pages answered to visitors keep the default (cacheable); the static
files stay cacheable for everybody, being the same for all.
"""

from __future__ import annotations

from flask import Flask, Response, request, session

NO_STORE = "no-store, private"
# Routes whose answers are about the person asking, whoever that is.
# "/mail": the stop links in the jobs' mail (an account's setting, and a form's token).
PERSONAL_PATHS = (
    "/me",
    "/mail",
    "/partner",
    "/editor",
    "/admin",
    "/support",
    "/assistant",
    "/api/v1/assistant",
    "/api/v1/partner",
    "/api/v1/feed",
)
# Flask-Login keeps the signed-in account's id under this session key.
_SESSION_USER = "_user_id"


def is_personal_path(path: str) -> bool:
    """Whether the path belongs to a personal, partner or staff route."""
    return any(path == p or path.startswith(p + "/") for p in PERSONAL_PATHS)


def _signed_in() -> bool:
    # Read from the signed session cookie rather than loading the user: this hook must not
    # need the database (it also runs on the error pages of a failing database).
    return bool(session.get(_SESSION_USER)) or request.authorization is not None


def _cache_headers(response: Response) -> Response:
    if request.endpoint == "static":
        return response
    if _signed_in() or is_personal_path(request.path):
        response.headers["Cache-Control"] = NO_STORE
        response.headers.pop("Expires", None)
        response.vary.add("Cookie")
        if request.authorization is not None:
            response.vary.add("Authorization")
    return response


def init_app(app: Flask) -> None:
    """Install the response hook that marks personal responses as not to be stored."""
    app.after_request(_cache_headers)

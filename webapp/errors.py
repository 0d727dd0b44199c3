"""Error pages for people and JSON errors with a code for API clients."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from catalogue.errors import NotFound as ServiceNotFound
from webapp.db import rollback_session

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _titles() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        403: _("You are not allowed to do this."),
        404: _("We could not find this page."),
        405: _("This action is not allowed here."),
        413: _("The upload is too large."),
        500: _("Something went wrong on our side. Please try again later."),
    }


def api_error(status: int, code: str, message: str, **extra):
    """The JSON error every API answers with: {"error": {"code", "message"}} and a status."""
    return jsonify(error={"code": code, "message": message}, **extra), status


def _render(status: int, code: str, message: str | None = None):
    text = message or _titles().get(status, _("Something went wrong."))
    if _wants_json():
        return api_error(status, code, text)
    return render_template("errors/error.html", status=status, message=text), status


_BUSY_MARKERS = ("database is locked", "database is busy", "lock timeout", "could not serialize")


def is_busy_error(exc: OperationalError) -> bool:
    """Whether the database refused because another writer held it (worth trying again)."""
    return any(marker in str(exc.orig).lower() for marker in _BUSY_MARKERS)


def busy_response():
    """503 with Retry-After; a form's typed fields come back, ready to send again."""
    message = _("The site is busy. Nothing was saved yet: please try again.")
    if _wants_json():
        response, status = api_error(503, "BUSY", message)
    else:
        fields = [
            (name, value)
            for name, values in request.form.lists()
            if name != "csrf_token"
            for value in values
        ]
        page = render_template(
            "errors/busy.html", message=message, fields=fields, action=request.path
        )
        response, status = make_response(page), 503
    response.headers["Retry-After"] = "2"
    return response, status


_GONE_MARKERS = ("foreign key", "is not present in table", "is still referenced")


def is_changed_meanwhile(exc: Exception) -> bool:
    """Whether a write failed because what it refers to changed in a concurrent transaction
    (a lesson a learner marks done deleted by its partner a moment before, say)."""
    if isinstance(exc, StaleDataError | ObjectDeletedError):
        return True
    return isinstance(exc, IntegrityError) and any(
        marker in str(exc.orig).lower() for marker in _GONE_MARKERS
    )


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _render(400, "CSRF_FAILED", _("The form expired. Please go back and try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (
            "FILE_TOO_LARGE" if exc.code == 413 else (exc.name or "error").upper().replace(" ", "_")
        )
        response = make_response(_render(exc.code or 500, code))
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)  # RFC 9110: 405 says
        return response

    @app.errorhandler(OperationalError)
    def database_busy(exc: OperationalError):
        if not is_busy_error(exc):
            return unexpected(exc)
        log.warning("database busy on %s %s: %s", request.method, request.path, exc.orig)
        return busy_response()

    @app.errorhandler(IntegrityError)
    @app.errorhandler(StaleDataError)
    @app.errorhandler(ObjectDeletedError)
    def changed_meanwhile(exc: Exception):
        if not is_changed_meanwhile(exc):
            return unexpected(exc)
        log.warning("changed meanwhile on %s %s: %s", request.method, request.path, exc)
        rollback_session()
        return _render(
            409,
            "CHANGED_MEANWHILE",
            _(
                "What you were working on changed at the same moment (a lesson was removed, "
                "say). Nothing was saved: please reload the page and try again."
            ),
        )

    @app.errorhandler(ServiceNotFound)
    def service_not_found(exc: ServiceNotFound):
        # A view that did not expect it (the signed-in account deleted by another device
        # during the request, say): what is missing is missing, not a server error.
        log.warning("not found on %s %s: %s", request.method, request.path, exc)
        rollback_session()
        return _render(404, "NOT_FOUND")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        # A failed statement aborts the transaction on PostgreSQL; the error page loads the
        # signed-in user, so it needs a usable session.
        rollback_session()
        return _render(InternalServerError.code, "INTERNAL_ERROR")

"""The mobile app's API: token sign-in and everything a learner does, as JSON (issue 17).

One blueprint, `app_api` (`/api/v1`); its routes live in `app_api_auth` (sign-in, tokens),
`app_api_learner` (account, settings, courses, lessons, like, save, positions, progress, my
learning, profile) and `app_api_social` (notes, comments, notifications). `app_tokens_page` is
the learner's own page listing their app sign-ins (`/me/apps`). Errors are always
`{"error": {"code", "message"}}` (docs/app-api.md).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from catalogue.errors import Conflict, NotFound, PermissionDenied, RateLimited, ValidationError
from webapp.api_auth import load_token_user
from webapp.db import rollback_session
from webapp.urls import MAX_ID, parse_int

bp = Blueprint("app_api", __name__, url_prefix="/api/v1")
page = Blueprint("app_tokens_page", __name__)

# App tokens also sign learners in on the site's feed, similar-courses and search endpoints.
bp.before_app_request(load_token_user)

MAX_BODY = 512 * 1024
MAX_LIMIT = 100


class ApiProblem(Exception):
    """A request the app API refuses: status, stable code, message, and optional details."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def problem_response(status: int, code: str, message: str, **extra: Any):
    """The JSON error answer: {"error": {"code", "message", …}} with its status."""
    return jsonify(error={"code": code, "message": message, **extra}), status


@bp.errorhandler(ApiProblem)
def _problem(exc: ApiProblem):
    rollback_session()
    return problem_response(exc.status, exc.code, exc.message, **exc.extra)


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound):
    rollback_session()
    return problem_response(404, "NOT_FOUND", "未找到 / Not found")


@bp.errorhandler(ValidationError)
def _invalid(exc: ValidationError):
    rollback_session()
    fields = [{"field": e.field, "code": e.code, "message": e.message} for e in exc.errors]
    return problem_response(422, "VALIDATION_ERROR", exc.message or "invalid input", fields=fields)


@bp.errorhandler(PermissionDenied)
def _denied(exc: PermissionDenied):
    rollback_session()
    return problem_response(403, exc.code, exc.message)


@bp.errorhandler(Conflict)
def _conflict(exc: Conflict):
    rollback_session()
    return problem_response(409, exc.code, exc.message)


@bp.errorhandler(RateLimited)
def _slow_down(exc: RateLimited):
    rollback_session()
    response, status = problem_response(429, "RATE_LIMITED", exc.message)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response, status


def json_body() -> dict[str, Any]:
    """The request's JSON object (ApiProblem 413 when too large, 400 when not an object)."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise ApiProblem(413, "PAYLOAD_TOO_LARGE", f"请求过大 / The body is over {MAX_BODY} bytes")
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY:
        raise ApiProblem(413, "PAYLOAD_TOO_LARGE", f"请求过大 / The body is over {MAX_BODY} bytes")
    data = parse_json() if raw else None
    if not isinstance(data, dict):
        raise ApiProblem(400, "INVALID_JSON", "请求须为 JSON 对象 / Send a JSON object")
    if not _storable(data):
        raise ApiProblem(
            400,
            "INVALID_TEXT",
            "文字含有无法保存的字符 / Text holds NUL characters or unpaired surrogates",
        )
    return data


def parse_json() -> Any:
    """The body parsed as JSON, or None when it is not JSON (or nested absurdly deep)."""
    try:
        return request.get_json(force=True, silent=True)
    except RecursionError:
        return None


def _storable(value: Any, depth: int = 0) -> bool:
    """Whether every string in a parsed JSON value can be stored (UTF-8, no NUL)."""
    if depth > 20:
        return False
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_storable(k, depth + 1) and _storable(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(item, depth + 1) for item in value)
    return True


def field_error(field: str, code: str, message: str) -> ApiProblem:
    """A 422 about one field, shaped like the services' validation errors."""
    return ApiProblem(
        422,
        "VALIDATION_ERROR",
        f"{field}: {message}",
        fields=[{"field": field, "code": code, "message": message}],
    )


def whole_number(value: Any) -> int | None:
    """A JSON number that is whole (5 or 5.0, as JSON Schema counts integers), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def optional_id(data: dict[str, Any], name: str) -> int | None:
    """A JSON field holding an id (a positive integer) or null/absent."""
    value = data.get(name)
    if value is None:
        return None
    number = whole_number(value)
    if number is None or not 1 <= number <= MAX_ID:
        raise field_error(name, "INVALID_ID", "must be a positive whole number")
    return number


def limit_arg(default: int = 20) -> int:
    """The `limit` query argument (1–100)."""
    raw = request.args.get("limit")
    if raw is None:
        return default
    value = parse_int(raw, 1, MAX_LIMIT)
    if value is None:
        raise ApiProblem(400, "BAD_LIMIT", f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return value


def cursor_arg() -> int | None:
    """The `cursor` query argument: the `next_cursor` of the previous page."""
    raw = request.args.get("cursor")
    if raw is None or raw == "":
        return None
    value = parse_int(raw, 1, MAX_ID)
    if value is None:
        raise ApiProblem(400, "BAD_CURSOR", "cursor must be a next_cursor this API gave")
    return value


def iso(moment) -> str | None:
    """A timestamp as ISO 8601 (UTC), or None."""
    return moment.isoformat() if moment is not None else None


# The route modules add their views to `bp` / `page` (imported last: they import these names).
from webapp.views import app_api_auth, app_api_learner, app_api_social  # noqa: E402, F401

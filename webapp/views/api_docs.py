"""The OpenAPI 3.1 description of /api/v1 and its readable reference page (issue 17)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import format_datetime
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for

from webapp.openapi import load_spec, spec_json

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


def _day(value: Any) -> datetime:
    """A date of the description (YAML gives a date, JSON a string) as midnight UTC."""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def deprecation_headers(operation: dict[str, Any]) -> dict[str, str]:
    """The headers a deprecated operation answers with: `Deprecation` (RFC 9745, the day it
    was deprecated, `x-deprecated-since`), `Sunset` (RFC 8594, `x-sunset`: the day it may stop
    working) and a link to the reference. Empty for an operation that is not deprecated."""
    if not operation.get("deprecated"):
        return {}
    headers = {"Deprecation": "true"}
    since = operation.get("x-deprecated-since")
    if since:
        headers["Deprecation"] = f"@{int(_day(since).timestamp())}"
    sunset = operation.get("x-sunset")
    if sunset:
        headers["Sunset"] = format_datetime(_day(sunset), usegmt=True)
    return headers


@lru_cache(maxsize=1)
def _deprecated() -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
    """(path, method) → (operationId, headers) for every deprecated operation."""
    found = {}
    for path, item in load_spec()["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation and operation.get("deprecated"):
                found[(path, method)] = (
                    operation.get("operationId", ""),
                    deprecation_headers(operation),
                )
    return found


@bp.after_app_request
def _mark_deprecated(response: Response) -> Response:
    """A call of a deprecated /api/v1 operation says so in its headers (docs/api.md)."""
    rule = request.url_rule
    if rule is None or not rule.rule.startswith("/api/v1/"):
        return response
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
    found = _deprecated().get((path, request.method.lower()))
    if found is not None:
        operation_id, headers = found
        response.headers.update(headers)
        link = url_for("api_docs.reference", _anchor=f"op-{operation_id}")
        response.headers.add("Link", f'<{link}>; rel="deprecation"; type="text/html"')
    return response


@bp.get("/api/v1/openapi.json")
def openapi_json() -> Response:
    """The merged OpenAPI description, as JSON anyone may fetch."""
    response = Response(spec_json(), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def endpoint_groups(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The operations by tag, in the description's tag order: the page's plain-HTML list."""
    schemes = spec.get("components", {}).get("securitySchemes", {})
    groups: dict[str, dict[str, Any]] = {
        tag["name"]: {"name": tag["name"], "description": tag.get("description", ""), "ops": []}
        for tag in spec.get("tags", [])
    }
    for path, item in spec["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            needs = sorted({name for req in operation.get("security", []) for name in req})
            tag = (operation.get("tags") or ["other"])[0]
            group = groups.setdefault(tag, {"name": tag, "description": "", "ops": []})
            group["ops"].append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": operation.get("operationId", ""),
                    "summary": operation.get("summary", ""),
                    "deprecated": bool(operation.get("deprecated")),
                    "security": [(name, schemes.get(name, {}).get("type", "")) for name in needs],
                }
            )
    return [group for group in groups.values() if group["ops"]]


@bp.get("/developers/api")
def reference() -> str:
    """The API reference: every endpoint listed in plain HTML, and Swagger UI over it."""
    spec = load_spec()
    return render_template(
        "api_docs/reference.html",
        info=spec["info"],
        groups=endpoint_groups(spec),
        schemes=spec.get("components", {}).get("securitySchemes", {}),
    )

"""The OpenAPI description of /api/v1: valid OpenAPI 3.1, merged from its fragments without
conflicts, and exactly the app's /api/v1 URL map (an endpoint without a description fails)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from webapp.openapi import SPEC_DIR, SpecConflict, build_spec, load_spec

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def url_app(tmp_path_factory):
    """The app (its URL map only: no request touches the database)."""
    from webapp import create_app

    folder = tmp_path_factory.mktemp("openapi")
    return create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'unused.db'}",
            "INSTANCE_PATH": str(folder / "instance"),
            "TESTING": True,
        }
    )


def _rule_to_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_the_document_is_valid_openapi_3_1():
    spec = load_spec()
    assert spec["openapi"].startswith("3.1.")
    validate(spec)


def test_operation_ids_are_unique_and_every_operation_answers_errors_as_described():
    seen: dict[str, str] = {}
    for path, item in load_spec()["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "put", "post", "delete", "patch"}:
                continue
            op_id = operation.get("operationId")
            assert op_id, f"{method.upper()} {path} has no operationId"
            assert op_id not in seen, f"{op_id} used by {seen[op_id]} and {method} {path}"
            seen[op_id] = f"{method} {path}"
            assert operation.get("responses"), f"{method.upper()} {path} describes no response"


def test_every_api_v1_rule_is_described_and_every_description_exists(url_app):
    in_app: set[tuple[str, str]] = set()
    for rule in url_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        for method in (rule.methods or set()) - IGNORED_METHODS:
            in_app.add((_rule_to_path(rule.rule), method.lower()))
    described = {
        (path, method)
        for path, item in load_spec()["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "patch"}
    }
    assert sorted(in_app - described) == [], "routes with no description in webapp/openapi/"
    assert sorted(described - in_app) == [], "descriptions of routes the app does not have"


def test_the_document_is_served_as_json(url_app):
    response = url_app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == load_spec()


def _write(folder: Path, name: str, document: dict) -> None:
    (folder / name).write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


def _base(folder: Path) -> None:
    (folder / "base.yaml").write_text((SPEC_DIR / "base.yaml").read_text(encoding="utf-8"))


def _op(summary: str) -> dict:
    return {"get": {"operationId": summary, "responses": {"200": {"description": summary}}}}


def test_fragments_are_merged(tmp_path):
    _base(tmp_path)
    schema = {"type": "object"}
    _write(
        tmp_path,
        "a.yaml",
        {
            "paths": {"/api/v1/a": _op("a")},
            "components": {"schemas": {"Shared": schema}},
            "tags": [{"name": "a"}],
        },
    )
    _write(
        tmp_path,
        "b.yaml",
        {"paths": {"/api/v1/b": _op("b")}, "components": {"schemas": {"Shared": schema}}},
    )
    spec = build_spec(tmp_path)
    assert {"/api/v1/a", "/api/v1/b"} <= set(spec["paths"])
    assert spec["components"]["schemas"]["Shared"] == schema
    assert "Error" in spec["components"]["schemas"]
    assert {"name": "a"} in spec["tags"]
    validate(spec)


@pytest.mark.parametrize(
    "second",
    [
        {"paths": {"/api/v1/a": _op("other")}},
        {"components": {"schemas": {"Shared": {"type": "string"}}}},
        {"components": {"schemas": {"Error": {"type": "string"}}}},
        {"components": {"securitySchemes": {"appToken": {"type": "http", "scheme": "basic"}}}},
        {"tags": [{"name": "a", "description": "different"}]},
        {"info": {"title": "mine"}},
        {"paths": {"/elsewhere": _op("x")}},
        {"components": {"things": {}}},
    ],
    ids=[
        "same-path",
        "schema",
        "base-schema",
        "security-scheme",
        "tag",
        "top-level-key",
        "outside-api-v1",
        "unknown-component-kind",
    ],
)
def test_a_conflicting_or_malformed_fragment_fails_at_load_time(tmp_path, second):
    _base(tmp_path)
    _write(
        tmp_path,
        "a.yaml",
        {
            "paths": {"/api/v1/a": _op("a")},
            "components": {"schemas": {"Shared": {"type": "object"}}},
            "tags": [{"name": "a"}],
        },
    )
    _write(tmp_path, "b.yaml", second)
    with pytest.raises(SpecConflict):
        build_spec(tmp_path)


def test_an_invalid_document_is_refused_by_the_validator(tmp_path):
    _base(tmp_path)
    _write(tmp_path, "a.yaml", {"paths": {"/api/v1/a": {"get": {"responses": "none"}}}})
    with pytest.raises(OpenAPIValidationError):
        validate(build_spec(tmp_path))


def test_a_deprecated_operation_says_so_in_deprecation_and_sunset_headers():
    from webapp.views.api_docs import deprecation_headers

    assert deprecation_headers({"responses": {}}) == {}
    assert deprecation_headers({"deprecated": True}) == {"Deprecation": "true"}
    headers = deprecation_headers(
        {"deprecated": True, "x-deprecated-since": "2026-12-02", "x-sunset": "2027-12-31"}
    )
    assert headers == {"Deprecation": "@1796169600", "Sunset": "Fri, 31 Dec 2027 00:00:00 GMT"}


def test_a_call_of_a_deprecated_operation_carries_the_headers(url_app, monkeypatch):
    import webapp.views.api_docs as api_docs

    headers = {"Deprecation": "@1796169600", "Sunset": "Fri, 31 Dec 2027 00:00:00 GMT"}
    monkeypatch.setattr(
        api_docs, "_deprecated", lambda: {("/api/v1/openapi.json", "get"): ("getSpec", headers)}
    )
    client = url_app.test_client()
    response = client.get("/api/v1/openapi.json")
    assert response.headers["Deprecation"] == "@1796169600"
    assert response.headers["Sunset"] == "Fri, 31 Dec 2027 00:00:00 GMT"
    assert (
        response.headers["Link"]
        == '</developers/api#op-getSpec>; rel="deprecation"; type="text/html"'
    )
    # Other operations do not.
    monkeypatch.setattr(api_docs, "_deprecated", dict)
    assert "Deprecation" not in client.get("/api/v1/openapi.json").headers


def test_no_operation_is_deprecated_without_a_sunset_day():
    for path, item in load_spec()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("deprecated"):
                assert operation.get("x-sunset"), f"{method.upper()} {path}: x-sunset missing"
                assert operation.get("x-deprecated-since"), f"{method.upper()} {path}"

"""Personal pages are never stored by a browser or a proxy (issue 11, finding 9): every answer
to a signed-in session or a partner token, and every personal or staff route, says
`Cache-Control: no-store, private` and `Vary: Cookie`; public pages for visitors stay
cacheable."""

from __future__ import annotations

import re

import pytest

from catalogue.models import Role
from tests.helpers import world_of_every_role
from webapp.caching import is_personal_path

PASSWORD = "password-123"
ROLES = {
    "learner": Role.LEARNER,
    "partner": Role.PARTNER,
    "editor": Role.EDITOR,
    "admin": Role.ADMIN,
}
PUBLIC = [
    "/",
    "/areas/elderly",
    "/courses/{course}",
    "/courses/{course}/lessons/{lesson}",
    "/search?q=太极",
    "/api/v1/search?q=太极",
    "/api/v1/suggest?q=tj",
    "/api/v1/courses/{course}/similar",
    "/micro",
    "/reading",
    "/smart-living",
    "/login",
    "/signup",
    "/healthz",
]


@pytest.fixture
def world(app, session):
    """A course with a lesson, a signed-in client of every role, a partner token; indexed."""
    made = world_of_every_role(app, session, PASSWORD)
    return {
        "ids": {"course": made["course"], "lesson": made["lesson"]},
        "clients": made["clients"],
        "bearer": made["bearer"],
    }


def _url(rule, ids: dict[str, int]) -> str:
    """A concrete URL of the rule: real ids where there are some, 1 otherwise."""

    def value(match: re.Match) -> str:
        converter, name = match.group(1) or "", match.group(2)
        if converter.startswith("int"):
            return str(ids.get(name.removesuffix("_id"), 1))
        if converter.startswith("any("):
            return converter[4:].split(",")[0].strip(" )")
        return {"fmt": "csv", "area": "elderly", "filename": "site.css"}.get(name, "x")

    return re.sub(r"<(?:([^:>]+):)?(\w+)>", value, rule.rule)


def _private(response) -> bool:
    cache = response.headers.get("Cache-Control", "")
    return "no-store" in cache and "private" in cache and "Cookie" in response.vary


def _every_request(app, ids):
    """(method, url) of every rule of the url map; log-out last."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, _url(rule, ids)))
    return sorted(found, key=lambda item: item[1] == "/logout")


@pytest.mark.parametrize("who", list(ROLES))
def test_every_route_answers_a_signed_in_user_with_no_store(app, world, who):
    client = world["clients"][who]
    requests = _every_request(app, world["ids"])
    assert len(requests) > 60
    checked = 0
    for method, url in requests:
        # POSTs go without a CSRF token: refused (400) without side effects, still personal.
        response = client.open(url, method=method)
        if url.startswith("/static/"):
            assert "no-store" not in response.headers.get("Cache-Control", "")
            continue
        assert _private(response), (who, method, url, response.status_code, response.headers)
        checked += 1
    assert checked == len(requests) - 1


def test_public_pages_stay_cacheable_for_visitors_and_not_for_learners(app, world, beating_worker):
    visitor = app.test_client()
    learner = world["clients"]["learner"]
    for template in PUBLIC:
        url = template.format(**world["ids"])
        response = visitor.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
        assert _private(learner.get(url)), url


def test_personal_routes_are_no_store_even_for_visitors(app, world):
    visitor = app.test_client()
    personal = [
        (method, url)
        for method, url in _every_request(app, world["ids"])
        if is_personal_path(url.split("?")[0])
    ]
    assert {"/me/notes", "/me/notes/export.csv", "/partner/", "/admin/jobs"} <= {
        url for _m, url in personal
    }
    for method, url in personal:
        response = visitor.open(url, method=method)
        assert _private(response), (method, url, response.status_code)


def test_partner_token_answers_are_no_store_and_vary_on_authorization(app, world):
    visitor = app.test_client()
    response = visitor.get("/api/v1/partner/uploads", headers=world["bearer"])
    assert response.status_code == 200
    assert _private(response)
    assert "Authorization" in response.vary
    export = world["clients"]["learner"].get("/me/notes/export.csv")
    assert export.status_code == 200 and _private(export)

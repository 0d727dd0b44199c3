"""Integers from the request that do not fit the databases' 64-bit columns (issue 11, finding 6):
every route with an integer in its path answers 404 for them, integer query arguments fall
back to their default (pages) or answer 400 (the search and feed APIs), and integers in forms
are refused; never a 500 from the driver's OverflowError."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from catalogue.models import Role
from tests.helpers import page_token, world_of_every_role
from webapp.urls import MAX_ID, parse_id, parse_int

PASSWORD = "password-123"
# 2**31: past PostgreSQL's INTEGER ids; 2**63: past any 64-bit integer; 10**30: far past.
HUGE = [str(2**31), str(2**63), str(10**30)]
ROLES = {
    "learner": Role.LEARNER,
    "partner": Role.PARTNER,
    "editor": Role.EDITOR,
    "admin": Role.ADMIN,
}


@pytest.fixture
def world(app, session):
    """A course with a lesson, a user of every role (signed in), a partner token; indexed."""
    made = world_of_every_role(app, session, PASSWORD)
    made["clients"] = {"visitor": app.test_client(), **made["clients"]}
    return made


def _int_rules(app):
    """(rule, its int arguments, one POST/GET method) for every rule with an int argument."""
    found = []
    for rule in app.url_map.iter_rules():
        ints = [n for n, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ints:
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            found += [(rule, ints, method) for method in methods]
    return found


def _url(rule, ints: list[str], value: str) -> str:
    """The rule's path with `value` for every int argument and a valid value for the others."""
    path = rule.rule
    for name in ints:
        path = re.sub(rf"<int:{name}>", value, path)
    # The other converters: `any(...)` takes its first choice, a plain string a harmless word.
    path = re.sub(r"<any\(([^,)]+)[^>]*>", lambda m: m.group(1).strip(), path)
    return re.sub(r"<(?:string:)?(\w+)>", "csv", path)


def test_every_rule_with_an_int_argument_is_found(app):
    endpoints = {rule.endpoint for rule, _ints, _m in _int_rules(app)}
    # A sample, so that a broken enumeration cannot make the test below vacuous.
    assert {"pages.course", "recommendations_api.api_similar", "notes.edit"} <= endpoints
    assert {"partner.upload", "partner_api.get_upload", "lessons.lesson"} <= endpoints


@pytest.mark.parametrize("who", ["visitor", *ROLES])
def test_huge_integers_in_every_path_answer_404(app, world, who):
    client = world["clients"][who]
    token = page_token(client) if who != "visitor" else ""
    rules = _int_rules(app)
    assert len(rules) > 30
    for rule, ints, method in rules:
        for value in HUGE:
            # One argument huge and the others real, then all of them huge.
            variants = [_url(rule, ints, value)]
            if len(ints) == 2:
                real = rule.rule.replace(f"<int:{ints[0]}>", str(world["course"]))
                variants.append(_url(type(rule)(real), ints[1:], value))
            for url in variants:
                headers = world["bearer"] if url.startswith("/api/v1/partner") else {}
                if method == "GET":
                    response = client.get(url, headers=headers)
                else:
                    data = {"csrf_token": token, "body": "好", "reason": "spam", "rating": "5"}
                    response = client.open(url, method=method, data=data, headers=headers)
                assert response.status_code == 404, (who, method, url, response.status_code)


def test_the_largest_id_is_still_a_route_and_finds_nothing(app, world):
    learner = world["clients"]["learner"]
    assert learner.get(f"/courses/{MAX_ID}").status_code == 404
    assert learner.get(f"/api/v1/courses/{MAX_ID}/similar").status_code == 404
    assert learner.get(f"/courses/{world['course']}/lessons/{MAX_ID}").status_code == 404
    # Signs and other scripts' digits are not ids.
    for odd in ("+1", "-1", "１", "٣"):
        assert learner.get(f"/courses/{odd}").status_code == 404


@pytest.mark.parametrize("value", [*HUGE, "-1", "%2B2", "1_0", "abc", ""])
def test_integer_query_arguments_fall_back_or_are_refused(app, world, value):
    visitor = world["clients"]["visitor"]
    partner, editor = world["clients"]["partner"], world["clients"]["editor"]
    learner = world["clients"]["learner"]
    course = world["course"]
    # Pages: an unusable number is the default (the first page).
    for client, url in [
        (visitor, f"/areas/elderly?page={value}"),
        (visitor, f"/micro?page={value}"),
        (visitor, f"/reading?page={value}"),
        (visitor, f"/courses/{course}?comments_before={value}"),
        (partner, f"/partner/courses?page={value}"),
        (partner, f"/partner/feedback?page={value}"),
        (editor, f"/editor/search?days={value}"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    # The search page and API say what is wrong with the page number.
    for name in ("page", "per_page"):
        page = visitor.get(f"/search?q=太极&{name}={value}")
        assert page.status_code == 400, (name, value)
        assert "无法执行这个搜索" in page.get_data(as_text=True)
        api = visitor.get(f"/api/v1/search?q=太极&{name}={value}")
        assert api.status_code == 400
        assert api.get_json()["error"]["code"] == "BAD_PAGE"
    # The feed and similar-course limits.
    for url in ("/api/v1/feed", f"/api/v1/courses/{course}/similar"):
        response = learner.get(f"{url}?limit={value}")
        assert response.status_code == 400, (url, value, response.status_code)
        assert response.get_json()["error"]["code"]


@pytest.mark.parametrize("value", HUGE)
def test_huge_integers_in_forms_are_refused_without_a_crash(app, world, session, value):
    learner = world["clients"]["learner"]
    course = world["course"]
    token = page_token(learner)
    reply = learner.post(
        f"/courses/{course}/comments",
        data={"csrf_token": token, "body": "回复一个不存在的评论", "parent_id": value},
    )
    assert reply.status_code == 302
    note = learner.post(
        f"/courses/{course}/notes",
        data={"csrf_token": token, "body": "笔记", "lesson_id": value},
    )
    assert note.status_code == 302
    editor = world["clients"]["editor"]
    columns = editor.post(
        "/editor/columns/1/courses",
        data={"csrf_token": page_token(editor), "action": "add", "course_id": value},
    )
    assert columns.status_code == 400
    admin = world["clients"]["admin"]
    assert admin.get(f"/partner/?provider={value}").status_code == 400
    assert admin.get(f"/partner/courses?provider={value}").status_code == 400


def test_parsers_accept_only_ascii_digits_in_range():
    assert parse_int("42") == 42
    assert parse_int(" 7 ") == 7
    assert parse_id(str(MAX_ID)) == MAX_ID
    for bad in (str(MAX_ID + 1), "0", "-3", "+3", "3.0", "1_000", "３", "", None, 5):
        assert parse_id(bad) is None, bad
    assert parse_int("12", 1, 10) is None

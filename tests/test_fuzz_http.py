"""Every route of the app with random and hostile parameters, as a visitor and signed in: no 500.

Hypothesis draws path parameters (huge, negative and malformed numbers, unicode, NUL, very long
strings, path traversal), query arguments the views read, and form bodies with and without a valid
CSRF token, for every rule of `app.url_map` and every method it allows. JSON routes (/api/) must
answer errors as JSON. The Flask test client is used for speed; tests/test_crawl.py covers the
real server. Failures are collected over all rules and reported together.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.models import Role
from catalogue.services import columns as column_service
from catalogue.services import social
from catalogue.services.users import register_user
from search.indexer import rebuild
from tests.helpers import csrf_token, login, make_course, make_provider
from webapp.db import get_database

PASSWORD = "fuzz-Pass-7720-qx"
EXAMPLES_PER_RULE = 3  # per rule, method and role: keeps the file well under a minute a backend
HOSTILE = [
    "",
    "0",
    "-1",
    "1.5",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999999999",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "../../../../etc/passwd",
    "..%2F..%2Fsecret_key",
    "..\\..\\windows",
    "\x00",
    "a\x00b",
    "%00",
    "%",
    "x" * 3000,
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "太极拳",
    "ｌearner",
    "a\u200bb",
    "\u202e",
    "🙂",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "[]",
    "{}",
]
QUERY_ARGS = [
    "page",
    "per_page",
    "sort",
    "q",
    "area",
    "format",
    "level",
    "language",
    "provider_id",
    "provider",
    "duration_band",
    "free",
    "limit",
    "lang",
    "next",
    "status",
    "unread",
    "view",
    "days",
    "job",
    "comments_before",
    "zero",
    "account",
    "unlabelled",
    "from_cluster",
]
FORM_FIELDS = [
    "body",
    "parent_id",
    "reason",
    "rating",
    "message",
    "lesson_id",
    "position",
    "position_seconds",
    "seconds",
    "title",
    "slug",
    "description",
    "cover_url",
    "publish_from",
    "publish_until",
    "course_id",
    "action",
    "terms",
    "name",
    "policy",
    "encoding",
    "default_area",
    "full_sync",
    "save_mapping",
    "header-count",
    "header-0",
    "field-0",
    "next",
    "on",
    "size",
    "lang",
    "view",
    "q",
    "email",
    "password",
    "confirm",
    "display_name",
    "preferred_language",
    "interest_areas",
    "digest",
    "reminders",
    "kind",
    "contact_email",
    "role",
    "provider",
    "question",
    "text",
    "saved",
    "to",
    "label",
    "language",
    "topic",
    "audience",
    "title_zh",
    "title_en",
    "body_zh",
    "body_en",
    "keywords_zh",
    "keywords_en",
    "comment",
]
_PARAM = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
)


def _number(known: list[int]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([str(k) for k in known]),
        st.integers(min_value=0, max_value=50).map(str),
        st.integers(min_value=2**31, max_value=10**30).map(str),
        st.sampled_from(HOSTILE),
    )


def _segment(converter: str | None, args: str | None, known: list[int]) -> st.SearchStrategy:
    if converter == "int":
        return _number(known)
    if converter == "any":
        choices = [c.strip().strip("'\"") for c in (args or "").split(",")]
        return st.one_of(st.sampled_from(choices), hostile_text)
    return hostile_text


def _path(rule: str, values: dict[str, str]) -> str:
    def fill(match: re.Match) -> str:
        value = values[match.group("name")]
        safe = "/" if match.group("converter") == "path" else ""
        return urllib.parse.quote(value, safe=safe) or "x"

    return _PARAM.sub(fill, rule)


@dataclass
class Findings:
    """Every failure seen, one line each, plus the exceptions the app logged."""

    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        if line not in self.lines:
            self.lines.append(line)


class _Errors(logging.Handler):
    def __init__(self, findings: Findings) -> None:
        super().__init__(logging.ERROR)
        self.findings = findings

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            self.findings.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")


@pytest.fixture
def world(app, session):
    """Accounts of every role and one of each kind of content; returns (emails, known ids)."""
    provider = make_provider(session, "模糊测试大学")
    course = make_course(session, provider.id, lessons=2)
    emails = {
        "learner": ("fuzz-learner@example.cn", Role.LEARNER, None),
        "partner": ("fuzz-partner@example.cn", Role.PARTNER, provider.id),
        "editor": ("fuzz-editor@example.cn", Role.EDITOR, None),
        "admin": ("fuzz-admin@example.cn", Role.ADMIN, None),
    }
    users = {
        role: register_user(session, email, PASSWORD, role, role=kind, provider_id=pid)
        for role, (email, kind, pid) in emails.items()
    }
    other = register_user(session, "fuzz-other@example.cn", PASSWORD, "other")
    comment = social.add_comment(session, other.id, course.id, "第一条评论")
    note = social.add_note(session, users["learner"].id, course.id, "我的笔记")
    column = column_service.create_column(session, "fuzz-column", "专栏")
    session.commit()
    rebuild(get_database(app).sessions, app.extensions["lifelong.search"].store)
    known = [provider.id, course.id, comment.id, note.id, column.id, other.id]
    known += [lesson.id for lesson in course.lessons]
    return {role: spec[0] for role, spec in emails.items()}, known


def _client(app, email: str | None):
    client = app.test_client()
    if email:
        token = csrf_token(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def _rules(app) -> list[tuple[str, str, list[tuple[str | None, str | None, str]]]]:
    """(rule, method, [(converter, converter args, name)]) for every rule and method."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        params = [
            (m.group("converter"), m.group("args"), m.group("name"))
            for m in _PARAM.finditer(rule.rule)
        ]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.rule, method, params))
    return sorted(found)


def _check(findings: Findings, role: str, method: str, url: str, response) -> None:
    where = f"{role}: {method} {url[:160]!r}"
    if response.status_code >= 500:
        cause = findings.errors[-1] if findings.errors else "no exception logged"
        findings.add(f"{where} answered {response.status_code} ({cause})")
    path = urllib.parse.urlsplit(url).path
    if path.startswith("/api/") and response.status_code >= 400:
        body = response.get_json(silent=True)
        if not (isinstance(body, dict) and "code" in body.get("error", {})):
            findings.add(f"{where} answered {response.status_code} without a JSON error")


def fuzz_rule(client, token, role, findings, rule, method, params, known) -> None:
    """Throw EXAMPLES_PER_RULE hostile requests at one rule and method, recording failures."""
    segments = {name: _segment(conv, args, known) for conv, args, name in params}

    @settings(
        max_examples=EXAMPLES_PER_RULE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        values=st.fixed_dictionaries(segments),
        query=st.dictionaries(st.sampled_from(QUERY_ARGS), hostile_text, max_size=4),
        form=st.dictionaries(st.sampled_from(FORM_FIELDS), hostile_text, max_size=6),
        with_token=st.booleans(),
    )
    def one(values, query, form, with_token):
        url = _path(rule, values)
        if query:
            url += "?" + urllib.parse.urlencode(query)
        try:
            if method == "GET":
                response = client.get(url)
            else:
                if with_token and rule != "/logout":
                    form = {**form, "csrf_token": token}
                response = client.open(url, method=method, data=form)
        except Exception as exc:  # the app must answer, whatever it is sent
            findings.add(f"{role}: {method} {url[:160]!r} raised {type(exc).__name__}: {exc}")
            return
        _check(findings, role, method, url, response)

    one()


@pytest.mark.parametrize("role", ["visitor", "learner", "partner", "editor", "admin"])
def test_every_route_with_hostile_parameters_answers_without_500(app, world, role, beating_worker):
    emails, known = world
    findings = Findings()
    handler = _Errors(findings)
    logging.getLogger().addHandler(handler)
    try:
        client = _client(app, emails.get(role))
        token = csrf_token(client.get("/").get_data(as_text=True))
        rules = _rules(app)
        for rule, method, params in rules:
            fuzz_rule(client, token, role, findings, rule, method, params, known)
    finally:
        logging.getLogger().removeHandler(handler)
    assert len(rules) > 50
    assert not findings.lines, f"{len(findings.lines)} failures:\n" + "\n".join(findings.lines)


# -- what the fuzzing found (each failed before its fix) ---------------------------------


def test_an_admin_choosing_a_provider_that_does_not_exist_gets_404(client, session):
    register_user(session, "fuzz-admin@example.cn", PASSWORD, "admin", role=Role.ADMIN)
    session.commit()
    login(client, "fuzz-admin@example.cn", PASSWORD)
    for page in ("/partner/", "/partner/courses", "/partner/feedback"):
        assert client.get(f"{page}?provider=4242").status_code == 404, page


def test_a_column_slug_with_a_nul_byte_is_not_found(client, session):
    column_service.create_column(session, "fuzz-column", "专栏")
    session.commit()
    for slug in ("fuzz%00column", "a%00", "%00"):
        assert client.get(f"/columns/{slug}").status_code == 404, slug


def test_the_error_page_still_renders_after_a_failed_database_statement(app, session):
    """On PostgreSQL a failed statement aborts the transaction; the 500 page (which loads the
    signed-in user) must not fail again on it."""
    import sqlalchemy as sa

    from webapp.db import get_session

    def broken():
        get_session().execute(sa.text("SELECT * FROM no_such_table"))
        return "unreachable"

    app.add_url_rule("/fuzz-broken", "fuzz_broken", broken)
    register_user(session, "fuzz-learner@example.cn", PASSWORD, "学员")
    session.commit()
    client = app.test_client()
    login(client, "fuzz-learner@example.cn", PASSWORD)
    response = client.get("/fuzz-broken")
    assert response.status_code == 500
    assert "<main" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200

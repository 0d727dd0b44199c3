"""The open data API for institutions (issue 17): OAuth client credentials, scopes, limits,
the audit log, the catalogue change feed, statistics and consenting learners' records. Every
test runs on SQLite and PostgreSQL (the `app` fixture)."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from catalogue.models import Course, CourseStatus, Role
from catalogue.services.users import register_user
from insight.models.open_data import OpenDataCall, OpenDataConsent
from insight.models.rollups import DailyFigure
from insight.open_data import clients, consent
from tests.helpers import login, make_course, make_provider, page_token
from webapp.db import get_database

TOKEN_URL = "/api/v1/open/oauth/token"
ALL = ["catalogue:read", "statistics:read", "records:read"]


@pytest.fixture
def open_app(engine, tmp_path):
    """The app with no settling delay in the change feed (tests change courses between pages)."""
    from webapp import create_app

    application = create_app(
        {
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
            "OPEN_DATA_SETTLE_SECONDS": 0,
            "RATE_LIMIT_PREFIX": f"od-test-{tmp_path.name}",
        }
    )
    yield application
    get_database(application).engine.dispose()


def _register(app, scopes=ALL, rate=1000, quota=100_000, name="国家开放大学数据中心"):
    with get_database(app).sessions.begin() as s:
        issued = clients.register_client(
            s, clients.ClientData(name, list(scopes), rate, quota), created_by=None
        )
        return issued.client.id, issued.client.client_id, issued.secret


def _token(web, client_id, secret, scope=None, basic=True):
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    headers = {}
    if basic:
        raw = f"{client_id}:{secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
    else:
        data |= {"client_id": client_id, "client_secret": secret}
    return web.post(TOKEN_URL, data=data, headers=headers)


def _bearer(web, client_id, secret, scope=None):
    response = _token(web, client_id, secret, scope)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def _audit(app):
    with get_database(app).sessions() as s:
        return list(s.scalars(sa.select(OpenDataCall).order_by(OpenDataCall.id)))


# -- tokens ---------------------------------------------------------------------------------


def test_token_with_right_secret_by_basic_and_by_form(open_app):
    _pk, client_id, secret = _register(open_app)
    web = open_app.test_client()
    for basic in (True, False):
        response = _token(web, client_id, secret, basic=basic)
        assert response.status_code == 200
        body = response.get_json()
        assert body["token_type"].lower() == "bearer"
        assert body["expires_in"] == 3600
        assert set(body["scope"].split()) == set(ALL)
        assert "no-store" in response.headers["Cache-Control"]


def test_token_refused_for_wrong_secret_unknown_client_and_revoked(open_app):
    pk, client_id, secret = _register(open_app)
    web = open_app.test_client()
    wrong = _token(web, client_id, secret + "x")
    assert wrong.status_code == 401
    assert wrong.get_json()["error"]["code"] == "INVALID_CLIENT"
    assert _token(web, "odc_nobody", secret).status_code in (400, 401)
    with get_database(open_app).sessions.begin() as s:
        clients.revoke_client(s, pk)
    assert _token(web, client_id, secret).status_code in (400, 401)


def test_token_scope_beyond_the_client_is_refused(open_app):
    _pk, client_id, secret = _register(open_app, scopes=["catalogue:read"])
    web = open_app.test_client()
    response = _token(web, client_id, secret, scope="statistics:read")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "INVALID_SCOPE"
    assert _token(web, client_id, secret, scope="catalogue:read").status_code == 200


def test_secrets_and_tokens_are_stored_only_as_digests(open_app):
    _pk, client_id, secret = _register(open_app)
    token = _bearer(open_app.test_client(), client_id, secret)["Authorization"].split()[1]
    with get_database(open_app).engine.connect() as conn:
        dumped = " ".join(
            str(row)
            for table in ("open_data_clients", "open_data_tokens")
            for row in conn.execute(sa.text(f"SELECT * FROM {table}"))
        )
    assert secret not in dumped and token not in dumped


# -- bearer tokens, scopes ---------------------------------------------------------------------


def test_missing_and_bad_tokens_get_401_with_www_authenticate(open_app):
    web = open_app.test_client()
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic eA=="}):
        response = web.get("/api/v1/open/catalogue/changes", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["error"]["code"] in ("UNAUTHORIZED", "INVALID_TOKEN")


def test_expired_and_revoked_tokens_are_refused(open_app):
    pk, client_id, secret = _register(open_app)
    web = open_app.test_client()
    bearer = _bearer(web, client_id, secret)
    assert web.get("/api/v1/open/catalogue/changes", headers=bearer).status_code == 200
    with get_database(open_app).engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE open_data_tokens SET expires_at = :t"),
            {"t": datetime.now(UTC) - timedelta(seconds=1)},
        )
    assert web.get("/api/v1/open/catalogue/changes", headers=bearer).status_code == 401
    bearer = _bearer(web, client_id, secret)
    with get_database(open_app).sessions.begin() as s:
        clients.rotate_secret(s, pk)
    response = web.get("/api/v1/open/catalogue/changes", headers=bearer)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "INVALID_TOKEN"


def test_scope_refusal_is_403_with_a_code(open_app):
    _pk, client_id, secret = _register(open_app, scopes=["catalogue:read"])
    web = open_app.test_client()
    bearer = _bearer(web, client_id, secret)
    for path in ("/api/v1/open/statistics", "/api/v1/open/learners"):
        response = web.get(path, headers=bearer)
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "INSUFFICIENT_SCOPE"


def test_removing_a_scope_from_a_client_applies_to_tokens_already_issued(open_app):
    pk, client_id, secret = _register(open_app)
    web = open_app.test_client()
    bearer = _bearer(web, client_id, secret)
    assert web.get("/api/v1/open/statistics", headers=bearer).status_code == 200
    with get_database(open_app).sessions.begin() as s:
        clients.update_client(s, pk, clients.ClientData("X", ["catalogue:read"], 1000, 100_000))
    assert web.get("/api/v1/open/statistics", headers=bearer).status_code == 403


# -- limits and the audit log ----------------------------------------------------------------


def test_rate_limit_gives_429_with_retry_after(open_app):
    _pk, client_id, secret = _register(open_app, rate=5)
    web = open_app.test_client()
    bearer = _bearer(web, client_id, secret)  # the token call is the first of the five
    answers = [web.get("/api/v1/open/catalogue/changes", headers=bearer) for _ in range(6)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429]
    refused = answers[-1]
    assert refused.get_json()["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_daily_quota_gives_429_until_midnight(open_app):
    _pk, client_id, secret = _register(open_app, quota=3)
    web = open_app.test_client()
    bearer = _bearer(web, client_id, secret)
    answers = [web.get("/api/v1/open/catalogue/changes", headers=bearer) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 429, 429]
    assert answers[-1].get_json()["error"]["code"] == "QUOTA_EXCEEDED"
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 86_400


def test_every_call_is_audited_refused_ones_too(open_app):
    pk, client_id, secret = _register(open_app, scopes=["catalogue:read"], rate=4)
    web = open_app.test_client()
    web.get("/api/v1/open/catalogue/changes")  # no token: 401, no client
    _token(web, client_id, "wrong")  # 401 invalid_client (counts against the minute)
    bearer = _bearer(web, client_id, secret)
    web.get("/api/v1/open/catalogue/changes", headers=bearer)  # 200
    web.get("/api/v1/open/statistics", headers=bearer)  # 403 scope
    web.get("/api/v1/open/catalogue/changes", headers=bearer)  # 429
    rows = _audit(open_app)
    got = [(r.client_pk, r.endpoint.rsplit("/", 1)[-1], r.status, r.error_code) for r in rows]
    assert got == [
        (None, "changes", 401, "UNAUTHORIZED"),
        (pk, "token", 401, "INVALID_CLIENT"),
        (pk, "token", 200, ""),
        (pk, "changes", 200, ""),
        (pk, "statistics", 403, "INSUFFICIENT_SCOPE"),
        (pk, "changes", 429, "RATE_LIMITED"),
    ]


def test_limits_live_in_redis_when_configured(engine, tmp_path, redis_url):
    from webapp import create_app

    app = create_app(
        {
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
            "REDIS_URL": redis_url,
            "RATE_LIMIT_PREFIX": f"od-redis-{tmp_path.name}",
        }
    )
    try:
        _pk, client_id, secret = _register(app, quota=3)
        # Two apps over one Redis (two web processes): one quota.
        first, second = app.test_client(), app.test_client()
        bearer = _bearer(first, client_id, secret)
        assert first.get("/api/v1/open/catalogue/changes", headers=bearer).status_code == 200
        assert second.get("/api/v1/open/catalogue/changes", headers=bearer).status_code == 200
        assert second.get("/api/v1/open/catalogue/changes", headers=bearer).status_code == 429
    finally:
        get_database(app).engine.dispose()


# -- the catalogue change feed --------------------------------------------------------------


def _walk(web, bearer, cursor="", limit=3, between=None):
    seen, pages = [], 0
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = web.get("/api/v1/open/catalogue/changes" + query, headers=bearer)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        seen.extend(body["changes"])
        cursor = body["next_cursor"]
        pages += 1
        if not body["has_more"]:
            return seen, cursor
        if between is not None:
            between(pages)


def test_changes_walk_every_course_once_with_tombstones(open_app, session):
    provider = make_provider(session)
    ids = [make_course(session, provider.id, title=f"课程{i}").id for i in range(8)]
    draft = make_course(session, provider.id, publish=False).id
    session.execute(
        sa.update(Course)
        .where(Course.id == ids[0])
        .values(status=CourseStatus.WITHDRAWN, withdrawn_at=datetime.now(UTC))
    )
    session.commit()
    _pk, client_id, secret = _register(open_app)
    web = open_app.test_client()
    bearer = _bearer(web, client_id, secret)
    seen, cursor = _walk(web, bearer)
    assert sorted(c["id"] for c in seen) == sorted(ids)  # the never-published draft is not shown
    assert draft not in [c["id"] for c in seen]
    tomb = next(c for c in seen if c["id"] == ids[0])
    assert tomb["deleted"] is True and tomb["status"] == "withdrawn" and "title" not in tomb
    live = next(c for c in seen if c["id"] == ids[1])
    assert live["deleted"] is False and live["title"] == "课程1"
    # Nothing new since: the cursor gives an empty page and stays put.
    response = web.get(f"/api/v1/open/catalogue/changes?cursor={cursor}", headers=bearer)
    assert response.get_json() == {"changes": [], "next_cursor": cursor, "has_more": False}


def test_changes_walk_misses_nothing_while_courses_change_between_pages(open_app, session):
    provider = make_provider(session)
    ids = [make_course(session, provider.id, title=f"课程{i}").id for i in range(12)]
    session.commit()
    _pk, client_id, secret = _register(open_app)
    web = open_app.test_client()
    bearer = _bearer(web, client_id, secret)
    touched: list[int] = []

    def change_some(page: int) -> None:
        # After each page: retitle one course already read and one not yet read.
        with get_database(open_app).sessions.begin() as s:
            for course_id in (ids[page - 1], ids[-page]):
                s.execute(
                    sa.update(Course)
                    .where(Course.id == course_id)
                    .values(title=f"改{page}", updated_at=datetime.now(UTC))
                )
                touched.append(course_id)

    seen, _cursor = _walk(web, bearer, limit=4, between=change_some)
    seen_ids = [c["id"] for c in seen]
    assert set(seen_ids) == set(ids)  # nothing skipped
    for course_id in set(ids) - set(touched):
        assert seen_ids.count(course_id) == 1  # untouched courses exactly once
    # The walk ends on every course's latest state.
    latest = {c["id"]: c["title"] for c in seen}
    with get_database(open_app).sessions() as s:
        titles = dict(s.execute(sa.select(Course.id, Course.title)).all())
    assert latest == {i: titles[i] for i in ids}


def test_changes_etag_and_304(open_app, session):
    make_course(session)
    session.commit()
    _pk, client_id, secret = _register(open_app)
    web = open_app.test_client()
    bearer = _bearer(web, client_id, secret)
    first = web.get("/api/v1/open/catalogue/changes", headers=bearer)
    etag = first.headers["ETag"]
    again = web.get("/api/v1/open/catalogue/changes", headers={**bearer, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag


@pytest.mark.parametrize(
    "query, code",
    [
        ("cursor=notacursor", "INVALID_CURSOR"),
        ("cursor=eyJrIjoiY2VydHMiLCJpIjoxfQ", "INVALID_CURSOR"),  # another list's cursor
        ("limit=0", "INVALID_LIMIT"),
        ("limit=abc", "INVALID_LIMIT"),
    ],
)
def test_changes_bad_parameters_are_400(open_app, query, code):
    _pk, client_id, secret = _register(open_app)
    web = open_app.test_client()
    response = web.get(
        f"/api/v1/open/catalogue/changes?{query}", headers=_bearer(web, client_id, secret)
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


# -- statistics -----------------------------------------------------------------------------


def test_statistics_suppress_small_groups(open_app, session):
    day = date(2026, 11, 30)
    figures = {
        "": 140,
        "life_skills": 60,
        "hobbies": 45,
        "workplace": 20,
        "professional": 10,
        "elderly": 3,
        "continuing": 2,
    }
    for area, value in figures.items():
        session.add(DailyFigure(metric="events.complete", area=area, day=day, value=value))
    session.commit()
    _pk, client_id, secret = _register(open_app)
    web = open_app.test_client()
    bearer = _bearer(web, client_id, secret)
    response = web.get(
        "/api/v1/open/statistics/completions?from=2026-11&to=2026-11", headers=bearer
    )
    assert response.status_code == 200
    period = response.get_json()["periods"][0]
    shown = {g["area"]: g["value"] for g in period["groups"]}
    assert period["total"] == 140
    assert shown["elderly"] is None and shown["continuing"] is None
    # 3 + 2 < 10: the smallest shown cell goes too, or 140 - shown would give 5.
    assert shown["professional"] is None
    assert shown["life_skills"] == 60 and shown["workplace"] == 20
    elderly = web.get(
        "/api/v1/open/statistics/elderly-participation?from=2026-11&to=2026-11", headers=bearer
    ).get_json()
    assert elderly["periods"][0]["completions"] == {"value": None, "suppressed": True}
    bad = web.get("/api/v1/open/statistics/completions?from=2026-13", headers=bearer)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "INVALID_PERIOD"
    assert web.get("/api/v1/open/statistics/nope", headers=bearer).status_code == 404


# -- consenting learners' records -----------------------------------------------------------


def test_records_only_with_consent_and_withdrawal_stops_at_once(open_app, session):
    learner = register_user(session, "li@example.cn", "secret-Passw0rd!", "李", role=Role.LEARNER)
    other = register_user(session, "wang@example.cn", "secret-Passw0rd!", "王", role=Role.LEARNER)
    session.commit()
    pk, client_id, secret = _register(open_app)
    web = open_app.test_client()
    bearer = _bearer(web, client_id, secret)
    path = f"/api/v1/open/learners/{learner.id}/certificates"
    refused = web.get(path, headers=bearer)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "NO_CONSENT"
    with get_database(open_app).sessions.begin() as s:
        consent.grant(s, learner.id, pk)
    assert web.get(path, headers=bearer).get_json() == {
        "items": [],
        "next_cursor": "",
        "has_more": False,
    }
    assert web.get(f"/api/v1/open/learners/{learner.id}/credits", headers=bearer).status_code == 200
    listed = web.get("/api/v1/open/learners", headers=bearer).get_json()["items"]
    assert [i["learner_id"] for i in listed] == [learner.id]
    other_path = f"/api/v1/open/learners/{other.id}/credits"
    assert web.get(other_path, headers=bearer).status_code == 403
    with get_database(open_app).sessions.begin() as s:
        consent.withdraw(s, learner.id, pk)
    assert web.get(path, headers=bearer).status_code == 403
    assert web.get("/api/v1/open/learners", headers=bearer).get_json()["items"] == []


def test_consent_page_grants_and_withdraws_with_csrf(open_app, session):
    register_user(session, "li@example.cn", "secret-Passw0rd!", "李", role=Role.LEARNER)
    session.commit()
    pk, _client_id, _secret = _register(open_app, name="<b>开放大学</b>")
    _register(open_app, scopes=["catalogue:read"], name="只读目录机构")
    web = open_app.test_client()
    assert web.get("/me/data-sharing/").status_code == 302  # log-in first
    login(web, "li@example.cn", "secret-Passw0rd!")
    page = web.get("/me/data-sharing/").get_data(as_text=True)
    assert "&lt;b&gt;开放大学&lt;/b&gt;" in page and "只读目录机构" not in page
    assert web.post(f"/me/data-sharing/{pk}/grant").status_code == 400  # no CSRF token
    token = page_token(web)
    assert web.post(f"/me/data-sharing/{pk}/grant", data={"csrf_token": token}).status_code == 303
    with get_database(open_app).sessions() as s:
        row = s.scalar(sa.select(OpenDataConsent))
        assert row.client_pk == pk and row.withdrawn_at is None
    web.post(f"/me/data-sharing/{pk}/withdraw", data={"csrf_token": token})
    with get_database(open_app).sessions() as s:
        assert s.scalar(sa.select(OpenDataConsent)).withdrawn_at is not None
    assert web.post("/me/data-sharing/999999/grant", data={"csrf_token": token}).status_code == 303


def test_tokens_expired_over_a_day_are_purged_when_the_client_gets_a_new_one(open_app):
    _pk, client_id, secret = _register(open_app)
    web = open_app.test_client()
    for _ in range(3):
        _bearer(web, client_id, secret)
    with get_database(open_app).engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE open_data_tokens SET expires_at = :t"),
            {"t": datetime.now(UTC) - timedelta(days=2)},
        )
    bearer = _bearer(web, client_id, secret)
    with get_database(open_app).engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM open_data_tokens")).scalar() == 1
    assert web.get("/api/v1/open/statistics", headers=bearer).status_code == 200

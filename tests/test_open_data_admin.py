"""Administrators' pages of the open data API: registering clients (the secret shown once),
scopes and limits, rotation and revocation, the searchable call log; only admins, CSRF on every
form. Both databases."""

from __future__ import annotations

import base64
import re

import pytest
import sqlalchemy as sa

from catalogue.models import Role
from catalogue.services.users import register_user
from insight.models.open_data import OpenDataClient
from tests.helpers import csrf_token, login
from webapp.db import get_database

PASSWORD = "secret-Passw0rd!"


@pytest.fixture
def staff(app, session):
    """An admin and a learner and a support member, each signed in on a client."""
    out = {}
    for role in ("admin", "learner", "support"):
        register_user(session, f"{role}@example.cn", PASSWORD, role, role=Role(role))
    session.commit()
    for role in ("admin", "learner", "support"):
        out[role] = app.test_client()
        login(out[role], f"{role}@example.cn", PASSWORD)
    return out


def _register(web, **fields):
    token = csrf_token(web.get("/admin/api-clients/").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "name": "省学分银行",
        "contact_email": "data@example.cn",
        "scopes": ["catalogue:read", "statistics:read"],
        "rate_per_minute": "30",
        "daily_quota": "1000",
    }
    data.update(fields)
    return web.post("/admin/api-clients/", data=data)


def _secret(html: str) -> tuple[str, str]:
    client_id = re.search(r'id="client-id">([^<]+)<', html).group(1)
    secret = re.search(r'id="client-secret">([^<]+)<', html).group(1)
    return client_id, secret


def _token_status(app, client_id, secret) -> int:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return (
        app.test_client()
        .post(
            "/api/v1/open/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {raw}"},
        )
        .status_code
    )


def test_only_admins_reach_the_pages(app, staff):
    anonymous = app.test_client()
    for path in ("/admin/api-clients/", "/admin/api-clients/audit"):
        assert anonymous.get(path).status_code == 302
        assert staff["learner"].get(path).status_code == 403
        assert staff["support"].get(path).status_code == 403
        assert staff["admin"].get(path).status_code == 200
    assert staff["learner"].post("/admin/api-clients/", data={}).status_code in (400, 403)


def test_register_shows_the_secret_once_and_it_works(app, staff):
    web = staff["admin"]
    response = _register(web)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    client_id, secret = _secret(response.get_data(as_text=True))
    assert _token_status(app, client_id, secret) == 200
    listing = web.get("/admin/api-clients/").get_data(as_text=True)
    assert client_id in listing and secret not in listing
    with get_database(app).sessions() as s:
        client = s.scalar(sa.select(OpenDataClient))
    page = web.get(f"/admin/api-clients/{client.id}").get_data(as_text=True)
    assert secret not in page and "省学分银行" in page


def test_forms_need_csrf(app, staff):
    web = staff["admin"]
    response = web.post(
        "/admin/api-clients/",
        data={"name": "x", "rate_per_minute": "1", "daily_quota": "1"},
    )
    assert response.status_code == 400
    with get_database(app).sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(OpenDataClient)) == 0
    client_id, secret = _secret(_register(web).get_data(as_text=True))
    with get_database(app).sessions() as s:
        pk = s.scalar(sa.select(OpenDataClient.id))
    for action in ("rotate", "revoke"):
        assert web.post(f"/admin/api-clients/{pk}/{action}").status_code == 400
    assert _token_status(app, client_id, secret) == 200


def test_bad_input_is_shown_per_field(app, staff):
    response = _register(staff["admin"], name="", rate_per_minute="0", scopes=["nope"])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.count('class="field-error"') >= 2


def test_rotate_and_revoke(app, staff):
    web = staff["admin"]
    client_id, secret = _secret(_register(web).get_data(as_text=True))
    with get_database(app).sessions() as s:
        pk = s.scalar(sa.select(OpenDataClient.id))
    page = web.get(f"/admin/api-clients/{pk}").get_data(as_text=True)
    token = csrf_token(page)
    rotated = web.post(f"/admin/api-clients/{pk}/rotate", data={"csrf_token": token})
    assert rotated.status_code == 200
    same_id, new_secret = _secret(rotated.get_data(as_text=True))
    assert same_id == client_id and new_secret != secret
    assert _token_status(app, client_id, secret) == 401
    assert _token_status(app, client_id, new_secret) == 200
    revoked = web.post(f"/admin/api-clients/{pk}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 303
    assert _token_status(app, client_id, new_secret) in (400, 401)


def test_change_scopes_and_limits(app, staff):
    web = staff["admin"]
    _register(web)
    with get_database(app).sessions() as s:
        pk = s.scalar(sa.select(OpenDataClient.id))
    token = csrf_token(web.get(f"/admin/api-clients/{pk}").get_data(as_text=True))
    response = web.post(
        f"/admin/api-clients/{pk}",
        data={
            "csrf_token": token,
            "name": "省学分银行",
            "scopes": ["records:read"],
            "rate_per_minute": "7",
            "daily_quota": "70",
        },
    )
    assert response.status_code == 303
    with get_database(app).sessions() as s:
        client = s.get(OpenDataClient, pk)
        assert (client.scopes, client.rate_per_minute, client.daily_quota) == (
            "records:read",
            7,
            70,
        )


def test_call_log_filters_and_pages(app, staff):
    web = staff["admin"]
    client_id, secret = _secret(_register(web).get_data(as_text=True))
    with get_database(app).sessions() as s:
        pk = s.scalar(sa.select(OpenDataClient.id))
    api = app.test_client()
    for _ in range(3):
        api.get("/api/v1/open/catalogue/changes")  # 401, no client
    _token_status(app, client_id, secret)  # 200
    _token_status(app, client_id, "wrong")  # 401 for the client
    everything = web.get("/admin/api-clients/audit").get_data(as_text=True)
    assert everything.count("/api/v1/open/catalogue/changes") == 3
    mine = web.get(f"/admin/api-clients/audit?client={pk}").get_data(as_text=True)
    assert "/api/v1/open/catalogue/changes" not in mine and mine.count("oauth/token") == 2
    ok = web.get(f"/admin/api-clients/audit?client={pk}&status=2xx").get_data(as_text=True)
    assert ok.count("oauth/token") == 1
    path = web.get("/admin/api-clients/audit?endpoint=catalogue").get_data(as_text=True)
    assert path.count("/api/v1/open/catalogue/changes") == 3 and "oauth/token" not in path
    # Keyset pages: 5 rows, newest first; `before` gives the older ones.
    from insight.open_data import audit

    with get_database(app).sessions() as s:
        first = audit.search_calls(s, audit.AuditFilter(), limit=2)
        second = audit.search_calls(s, audit.AuditFilter(), before=first.older, limit=2)
        third = audit.search_calls(s, audit.AuditFilter(), before=second.older, limit=2)
    ids = [r.id for r in first.rows + second.rows + third.rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 5 and third.older is None
    # Odd filters are ignored rather than failing.
    odd = web.get("/admin/api-clients/audit?client=x&since=nope&before=-1&status=%25")
    assert odd.status_code == 200


# -- bad input: per-field errors, never a 500 ---------------------------------------------------


def _field_errors(html: str) -> dict[str, str]:
    """Each field's error text by the field's id (from _form.html's `<id>-error` paragraphs)."""
    return {
        m.group(1): re.sub(r"\s+", " ", m.group(2)).strip()
        for m in re.finditer(r'<p class="field-error" id="([a-z_]+)-error">(.*?)</p>', html, re.S)
    }


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"name": ""}, {"name"}),
        ({"name": "   "}, {"name"}),
        ({"name": "机" * 201}, {"name"}),
        ({"name": "x" * 100_000}, {"name"}),
        ({"name": "省学分\x00银行"}, {"name"}),
        ({"contact_email": "not-an-address"}, {"contact_email"}),
        ({"contact_email": "a@" + "b" * 300 + ".cn"}, {"contact_email"}),
        ({"scopes": []}, {"scopes"}),
        ({"scopes": ["catalogue:read", "admin:everything"]}, {"scopes"}),
        ({"scopes": ["x" * 5000]}, {"scopes"}),
        ({"rate_per_minute": "0"}, {"rate_per_minute"}),
        ({"rate_per_minute": "-5"}, {"rate_per_minute"}),
        ({"rate_per_minute": "100001"}, {"rate_per_minute"}),
        ({"rate_per_minute": "9" * 30}, {"rate_per_minute"}),
        ({"rate_per_minute": "9" * 5000}, {"rate_per_minute"}),
        ({"rate_per_minute": "2.5"}, {"rate_per_minute"}),
        ({"rate_per_minute": ""}, {"rate_per_minute"}),
        ({"daily_quota": "100000001"}, {"daily_quota"}),
        ({"daily_quota": "lots"}, {"daily_quota"}),
        (
            {"name": "", "scopes": ["nope"], "rate_per_minute": "0", "daily_quota": "0"},
            {"name", "scopes", "rate_per_minute", "daily_quota"},
        ),
    ],
    ids=lambda v: ",".join(sorted(v)) if isinstance(v, set) else None,
)
def test_each_bad_field_gets_its_own_error_and_nothing_is_saved(app, staff, fields, bad):
    response = _register(staff["admin"], **fields)
    assert response.status_code == 400
    errors = _field_errors(response.get_data(as_text=True))
    assert set(errors) == bad, errors
    assert all(errors.values()), errors
    with get_database(app).sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(OpenDataClient)) == 0


def test_a_duplicate_name_is_refused_on_registering_and_on_renaming(app, staff):
    web = staff["admin"]
    assert _register(web, name="省学分银行").status_code == 200
    again = _register(web, name="  省学分银行 ")
    assert again.status_code == 400
    assert set(_field_errors(again.get_data(as_text=True))) == {"name"}
    assert _register(web, name="Open University").status_code == 200
    assert _register(web, name="open university").status_code == 400  # letter case aside
    with get_database(app).sessions() as s:
        first, second = s.scalars(sa.select(OpenDataClient.id).order_by(OpenDataClient.id)).all()
    page = web.get(f"/admin/api-clients/{second}").get_data(as_text=True)
    renamed = web.post(
        f"/admin/api-clients/{second}",
        data={
            "csrf_token": csrf_token(page),
            "name": "省学分银行",
            "scopes": ["catalogue:read"],
            "rate_per_minute": "5",
            "daily_quota": "50",
        },
    )
    assert renamed.status_code == 400
    assert set(_field_errors(renamed.get_data(as_text=True))) == {"name"}
    # Saving a client under its own name is no duplicate; a revoked client frees its name.
    own = web.post(
        f"/admin/api-clients/{first}",
        data={
            "csrf_token": csrf_token(page),
            "name": "省学分银行",
            "scopes": ["catalogue:read"],
            "rate_per_minute": "5",
            "daily_quota": "50",
        },
    )
    assert own.status_code == 303
    web.post(f"/admin/api-clients/{first}/revoke", data={"csrf_token": csrf_token(page)})
    assert _register(web, name="省学分银行").status_code == 200


def test_bad_edits_are_refused_per_field(app, staff):
    web = staff["admin"]
    _register(web)
    with get_database(app).sessions() as s:
        pk = s.scalar(sa.select(OpenDataClient.id))
    token = csrf_token(web.get(f"/admin/api-clients/{pk}").get_data(as_text=True))
    response = web.post(
        f"/admin/api-clients/{pk}",
        data={
            "csrf_token": token,
            "name": "省学分银行",
            "scopes": ["records:write"],
            "rate_per_minute": "1e9",
            "daily_quota": "0",
        },
    )
    assert response.status_code == 400
    errors = _field_errors(response.get_data(as_text=True))
    assert set(errors) == {"scopes", "rate_per_minute", "daily_quota"}
    with get_database(app).sessions() as s:
        client = s.get(OpenDataClient, pk)
        assert (client.scopes, client.rate_per_minute) == ("catalogue:read statistics:read", 30)
    # Odd addresses and odd call-log filters answer, never fail.
    assert web.get("/admin/api-clients/99999999").status_code == 404
    odd = web.get("/admin/api-clients/audit?endpoint=%00%25_" + "x" * 500 + "&until=2026-13-40")
    assert odd.status_code == 200


def test_the_service_refuses_bad_data_with_stable_codes(session):
    from catalogue.errors import ValidationError
    from insight.open_data import clients

    clients.register_client(session, clients.ClientData("甲机构", ["catalogue:read"], 5, 50))
    cases = {
        "REQUIRED": clients.ClientData(" ", ["catalogue:read"], 5, 50),
        "TOO_LONG": clients.ClientData("x" * 201, ["catalogue:read"], 5, 50),
        "CONTROL_CHARACTERS": clients.ClientData("a\tb", ["catalogue:read"], 5, 50),
        "DUPLICATE_NAME": clients.ClientData("甲机构", ["catalogue:read"], 5, 50),
        "UNKNOWN_SCOPE": clients.ClientData("乙", ["catalogue:write"], 5, 50),
        "NO_SCOPE": clients.ClientData("乙", [], 5, 50),
        "OUT_OF_RANGE": clients.ClientData("乙", ["catalogue:read"], 0, 10**12),
        "INVALID_EMAIL": clients.ClientData("乙", ["catalogue:read"], 5, 50, "nobody"),
    }
    for code, data in cases.items():
        with pytest.raises(ValidationError) as caught:
            clients.register_client(session, data)
        assert code in {e.code for e in caught.value.errors}, code


# -- every change to a client is in the admin audit log ------------------------------------------


def _audit_rows(web, query: str = "") -> str:
    page = web.get("/admin/audit" + query)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_changes_to_clients_are_in_the_admin_audit_log_and_can_be_found(app, staff):
    from catalogue.models import AccountAudit, User

    web = staff["admin"]
    client_id, secret = _secret(_register(web).get_data(as_text=True))
    with get_database(app).sessions() as s:
        pk = s.scalar(sa.select(OpenDataClient.id))
    token = csrf_token(web.get(f"/admin/api-clients/{pk}").get_data(as_text=True))
    web.post(
        f"/admin/api-clients/{pk}",
        data={
            "csrf_token": token,
            "name": "省学分银行",
            "contact_email": "data@example.cn",
            "scopes": ["records:read"],
            "rate_per_minute": "7",
            "daily_quota": "1000",
        },
    )
    rotated = web.post(f"/admin/api-clients/{pk}/rotate", data={"csrf_token": token})
    _same, new_secret = _secret(rotated.get_data(as_text=True))
    web.post(f"/admin/api-clients/{pk}/revoke", data={"csrf_token": token})
    web.post(f"/admin/api-clients/{pk}/revoke", data={"csrf_token": token})  # already revoked

    with get_database(app).sessions() as s:
        admin_id = s.scalar(sa.select(User.id).where(User.email == "admin@example.cn"))
        entries = s.scalars(sa.select(AccountAudit).order_by(AccountAudit.id)).all()
        found = [(e.action, e.actor_id, e.channel, e.after["client"]) for e in entries]
        assert found == [
            ("api_client_register", admin_id, "web", client_id),
            ("api_client_update", admin_id, "web", client_id),
            ("api_client_rotate", admin_id, "web", client_id),
            ("api_client_revoke", admin_id, "web", client_id),
        ]
        update = entries[1]
        # Only what changed, before and after.
        assert update.before == {"scopes": "catalogue:read statistics:read", "rate_per_minute": 30}
        assert update.after == {
            "client": client_id,
            "name": "省学分银行",
            "scopes": "records:read",
            "rate_per_minute": 7,
        }
        assert entries[0].after["daily_quota"] == 1000 and entries[0].ip
        assert all(e.created_at is not None for e in entries)
        # No secret is ever written to the log.
        text = repr([(e.before, e.after) for e in entries])
        assert secret not in text and new_secret not in text

    everything = _audit_rows(web)
    assert everything.count(client_id) == 4 and "admin@example.cn" in everything
    assert secret not in everything and new_secret not in everything
    # Found by kind of change, by the client's ID, by the institution's name in Chinese.
    assert _audit_rows(web, "?what=api_clients").count(client_id) == 4
    assert _audit_rows(web, "?what=api_client_rotate").count(client_id) == 1
    assert _audit_rows(web, "?what=accounts").count(client_id) == 0
    assert _audit_rows(web, f"?q={client_id.upper()}").count(client_id) == 4
    assert _audit_rows(web, "?q=学分银").count(client_id) == 4
    assert _audit_rows(web, "?q=admin@example").count(client_id) == 4
    assert _audit_rows(web, "?q=某个不存在的机构").count(client_id) == 0
    # The client's page links to its changes.
    page = web.get(f"/admin/api-clients/{pk}").get_data(as_text=True)
    assert f"/admin/audit?what=api_clients&amp;q={client_id}" in page
    # Odd searches answer.
    for odd in ("?q=%25", "?q=_", "?q=%5C", "?q=%00", "?what=nope&q=" + "x" * 1000):
        assert web.get("/admin/audit" + odd).status_code == 200
    assert _audit_rows(web, "?q=%25").count(client_id) == 0


def test_scripts_that_pass_no_operator_write_no_entry_and_only_admins_may(session):
    from catalogue.errors import PermissionDenied
    from catalogue.models import AccountAudit
    from catalogue.services.audit import Operator
    from insight.open_data import clients

    data = clients.ClientData("丙机构", ["catalogue:read"], 5, 50)
    clients.register_client(session, data)
    assert session.scalar(sa.select(sa.func.count()).select_from(AccountAudit)) == 0
    support = Operator(user_id=None, role=Role.SUPPORT)
    with pytest.raises(PermissionDenied):
        clients.register_client(
            session, clients.ClientData("丁", ["catalogue:read"], 5, 50), by=support
        )
    cli = Operator.command_line("ops")
    issued = clients.register_client(
        session, clients.ClientData("丁", ["catalogue:read"], 5, 50), by=cli
    )
    entry = session.scalar(sa.select(AccountAudit))
    assert (entry.action, entry.channel, entry.os_user) == ("api_client_register", "cli", "ops")
    assert entry.after["client"] == issued.client.client_id
    # Saving without a change writes no entry.
    clients.update_client(
        session, issued.client.id, clients.ClientData("丁", ["catalogue:read"], 5, 50), by=cli
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(AccountAudit)) == 1

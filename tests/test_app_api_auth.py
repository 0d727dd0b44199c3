"""The app's sign-in: tokens issued for email and password, refused when wrong, revoked,
expired, after a password change or for a suspended account; the learner's /me/apps page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from catalogue.models import AppToken, User, utcnow
from catalogue.services import app_tokens
from catalogue.services.users import change_password, register_user
from tests.helpers import login, page_token

PASSWORD = "password-123"


@pytest.fixture
def make_app_with_limits(engine, session, tmp_path):
    """The app with a tight per-account log-in limit (2 attempts an hour)."""
    from webapp import create_app
    from webapp.db import get_database

    application = create_app(
        {
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
            "LOGIN_LIMIT_PER_ACCOUNT": "2 per hour",
        }
    )
    yield application, session
    get_database(application).engine.dispose()


def make_learner(session, email: str = "ann@example.cn", name: str = "Ann", **kw) -> int:
    """A verified learner account; returns its id (committed)."""
    uid = register_user(session, email, PASSWORD, name, **kw).id
    session.commit()
    return uid


def sign_in(client, email: str = "ann@example.cn", device: str = "Ann's phone") -> str:
    """Sign an app in through the API; returns the bearer token."""
    response = client.post(
        "/api/v1/auth/token", json={"email": email, "password": PASSWORD, "device_name": device}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    """The header an app sends."""
    return {"Authorization": f"Bearer {token}"}


def test_sign_in_issues_a_token_shown_once_and_stored_hashed(client, session):
    uid = make_learner(session)
    response = client.post(
        "/api/v1/auth/token",
        json={"email": "ANN@example.cn ", "password": PASSWORD, "device_name": "小米手机"},
    )
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["access_token"].startswith("lla_")
    assert body["user"] == {"id": uid, "display_name": "Ann"}
    assert body["expires_in"] == 90 * 24 * 3600 and body["expires_at"]
    rows = session.scalars(select(AppToken)).all()
    assert len(rows) == 1 and rows[0].device_name == "小米手机"
    assert body["access_token"] not in {rows[0].token_hash, rows[0].prefix}
    me = client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.get_json()["email"] == "ann@example.cn"


def test_wrong_password_unknown_account_and_bad_bodies_are_refused(client, session):
    make_learner(session)
    wrong = client.post(
        "/api/v1/auth/token",
        json={"email": "ann@example.cn", "password": "nope-nope-1", "device_name": "x"},
    )
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "INVALID_CREDENTIALS"
    nobody = client.post(
        "/api/v1/auth/token",
        json={"email": "bob@example.cn", "password": PASSWORD, "device_name": "x"},
    )
    assert nobody.status_code == 401
    assert nobody.get_json() == wrong.get_json()  # an unknown address reveals nothing
    for body, status, code in [
        ("not json", 400, "INVALID_JSON"),
        ("[1, 2]", 400, "INVALID_JSON"),
        ('{"email": "ann@example.cn", "password": "x"}', 422, "VALIDATION_ERROR"),
        ('{"email": 5, "password": "x", "device_name": "d"}', 422, "VALIDATION_ERROR"),
        ('{"email": "a@b.cn", "password": "x", "device_name": "' + "d" * 101 + '"}', 422, None),
    ]:
        response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
        assert response.status_code == status, body
        if code:
            assert response.get_json()["error"]["code"] == code
    huge = client.post(
        "/api/v1/auth/token", data="x" * (600 * 1024), content_type="application/json"
    )
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_suspended_and_unverified_accounts_get_a_code(client, session):
    uid = make_learner(session)
    make_learner(session, "new@example.cn", "New", verified=False)
    user = session.get(User, uid)
    user.is_active = False
    session.commit()
    body = {"email": "ann@example.cn", "password": PASSWORD, "device_name": "x"}
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "ACCOUNT_SUSPENDED"
    body["email"] = "new@example.cn"
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "EMAIL_NOT_VERIFIED"


def test_missing_invalid_revoked_and_expired_tokens_get_401_with_a_challenge(client, session):
    uid = make_learner(session)
    missing = client.get("/api/v1/me")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="lifelong"'
    assert missing.get_json()["error"]["code"] == "UNAUTHORIZED"
    for header in ("Bearer lla_made-up", "Bearer ", "Basic abc", "Bearer llp_partner"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="lifelong"')
    token = sign_in(client)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    # Signing out from the app revokes the token presented.
    assert client.delete("/api/v1/auth/token", headers=bearer(token)).status_code == 204
    refused = client.get("/api/v1/me", headers=bearer(token))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "TOKEN_REVOKED"
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    # An expired token.
    row, plain = app_tokens.issue_token(session, session.get(User, uid), "old")
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    expired = client.get("/api/v1/me", headers=bearer(plain))
    assert expired.status_code == 401 and expired.get_json()["error"]["code"] == "TOKEN_EXPIRED"


def test_a_password_change_or_suspension_ends_every_app_sign_in(client, session):
    uid = make_learner(session)
    token = sign_in(client)
    change_password(session, uid, PASSWORD, "another-pass-456")
    session.commit()
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "TOKEN_REVOKED"
    fresh = client.post(
        "/api/v1/auth/token",
        json={"email": "ann@example.cn", "password": "another-pass-456", "device_name": "x"},
    ).get_json()["access_token"]
    assert client.get("/api/v1/me", headers=bearer(fresh)).status_code == 200
    session.get(User, uid).is_active = False
    session.commit()
    gone = client.get("/api/v1/me", headers=bearer(fresh))
    assert gone.status_code == 401 and gone.get_json()["error"]["code"] == "ACCOUNT_UNAVAILABLE"


def test_sign_out_everywhere_on_the_site_ends_the_app_sign_ins_too(client, session):
    make_learner(session)
    token = sign_in(client)
    browser = client.application.test_client()
    login(browser, "ann@example.cn", PASSWORD)
    browser.get("/me/account")
    browser.post("/me/account/sign-out-everywhere", data={"csrf_token": page_token(browser)})
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "TOKEN_REVOKED"


def test_tokens_are_listed_and_revoked_per_learner_only(client, session):
    make_learner(session)
    make_learner(session, "bob@example.cn", "Bob")
    phone = sign_in(client, device="phone")
    tablet = sign_in(client, device="tablet")
    bob = sign_in(client, "bob@example.cn", device="bob's phone")
    listed = client.get("/api/v1/auth/tokens", headers=bearer(phone)).get_json()["items"]
    assert [(t["device_name"], t["current"], t["live"]) for t in listed] == [
        ("tablet", False, True),
        ("phone", True, True),
    ]
    assert all("access_token" not in t and len(t["prefix"]) == 10 for t in listed)
    tablet_id = listed[0]["id"]
    # Bob can neither see nor revoke Ann's sign-ins.
    bobs = client.get("/api/v1/auth/tokens", headers=bearer(bob)).get_json()["items"]
    assert [t["device_name"] for t in bobs] == ["bob's phone"]
    refused = client.delete(f"/api/v1/auth/tokens/{tablet_id}", headers=bearer(bob))
    assert refused.status_code == 404
    assert client.get("/api/v1/me", headers=bearer(tablet)).status_code == 200
    assert (
        client.delete(f"/api/v1/auth/tokens/{tablet_id}", headers=bearer(phone)).status_code == 204
    )
    assert client.get("/api/v1/me", headers=bearer(tablet)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(phone)).status_code == 200


def test_sign_in_shares_the_sites_log_in_limit(make_app_with_limits):
    app, session = make_app_with_limits
    client = app.test_client()
    make_learner(session)
    body = {"email": "ann@example.cn", "password": "wrong-wrong", "device_name": "x"}
    codes = [client.post("/api/v1/auth/token", json=body).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    limited = client.post("/api/v1/auth/token", json=body)
    assert limited.get_json()["error"]["code"] == "RATE_LIMITED"
    assert int(limited.headers["Retry-After"]) > 0
    # A right password from the app does not use up the allowance (refunded) - checked on a
    # fresh account.
    make_learner(session, "bob@example.cn", "Bob")
    good = {"email": "bob@example.cn", "password": PASSWORD, "device_name": "x"}
    assert [client.post("/api/v1/auth/token", json=good).status_code for _ in range(4)] == [201] * 4


def test_the_me_apps_page_lists_and_signs_out_apps(client, session):
    make_learner(session)
    token = sign_in(client, device="爷爷的平板 <b>")
    login(client, "ann@example.cn", PASSWORD)
    page = client.get("/me/apps").get_data(as_text=True)
    assert "爷爷的平板 &lt;b&gt;" in page and "爷爷的平板 <b>" not in page
    row = session.scalars(select(AppToken)).one()
    # Without the CSRF token nothing happens.
    assert client.post(f"/me/apps/{row.id}/revoke").status_code == 400
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    response = client.post(f"/me/apps/{row.id}/revoke", data={"csrf_token": page_token(client)})
    assert response.status_code == 302
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert client.get("/me/apps").status_code == 200
    second = sign_in(client, device="second")
    client.post("/me/apps/revoke-all", data={"csrf_token": page_token(client)})
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 401


def test_the_me_apps_page_needs_a_log_in(client):
    response = client.get("/me/apps")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_learner_keeps_at_most_twenty_live_sign_ins(session):
    uid = make_learner(session)
    user = session.get(User, uid)
    made = [app_tokens.issue_token(session, user, f"device {i}")[1] for i in range(22)]
    session.commit()
    verdicts = [app_tokens.verify_token(session, plain) for plain in made]
    assert verdicts[:2] == [app_tokens.Refusal.REVOKED] * 2  # the two oldest
    assert all(isinstance(v, app_tokens.Verified) for v in verdicts[2:])


def test_an_app_token_signs_in_nowhere_but_the_api(client, session):
    make_learner(session)
    token = sign_in(client)
    # Pages and other APIs do not take it: the visitor is not signed in there.
    page = client.get("/me/profile", headers=bearer(token))
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    partner = client.get("/api/v1/partner/uploads", headers=bearer(token))
    assert partner.status_code in (401, 404, 405)
    assert client.get("/me/apps", headers=bearer(token)).status_code == 302

"""Behind a TLS-terminating proxy: Secure cookies, HSTS, and the scheme from the proxy."""

from __future__ import annotations

import pytest

from catalogue.services.users import register_user
from tests.helpers import csrf_token
from webapp import create_app
from webapp.db import get_database

PASSWORD = "Https-pass-2026!"


@pytest.fixture
def make(engine, tmp_path):
    made = []

    def build(**settings):
        app = create_app(
            {
                "DATABASE_URL": engine.url.render_as_string(hide_password=False),
                "INSTANCE_PATH": str(tmp_path / "instance"),
                **settings,
            }
        )
        made.append(app)
        return app

    yield build
    for app in made:
        get_database(app).engine.dispose()


def _log_in(client, **headers):
    page = client.get("/login", headers=headers).get_data(as_text=True)
    return client.post(
        "/login",
        data={"email": "tls@example.cn", "password": PASSWORD, "csrf_token": csrf_token(page)},
        headers=headers,
    )


def _cookie_flags(response, name: str) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header.lower()
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def test_an_https_site_sends_hsts_and_secure_cookies(make, session):
    register_user(session, "tls@example.cn", PASSWORD, "加密")
    session.commit()
    app = make(SITE_URL="https://learn.example.cn", TRUSTED_PROXIES=1)
    client = app.test_client()
    # A browser posting a form over https sends its page as the referrer (CSRF checks it).
    proxy = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "203.0.113.7",
        "Referer": "https://localhost/",
    }
    home = client.get("/", headers=proxy)
    assert home.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    logged_in = _log_in(client, **proxy)
    assert logged_in.status_code == 302
    assert "; secure" in _cookie_flags(logged_in, "session")
    page = client.get("/", headers=proxy).get_data(as_text=True)
    caring = client.post("/caring", data={"csrf_token": csrf_token(page), "on": "1"}, headers=proxy)
    assert caring.status_code == 302
    assert "; secure" in _cookie_flags(caring, "caring")


def test_a_plain_http_site_sends_neither(make, session):
    register_user(session, "tls@example.cn", PASSWORD, "加密")
    session.commit()
    app = make()
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "; secure" not in _cookie_flags(_log_in(client), "session")


def test_https_can_be_set_without_a_site_url(make):
    app = make(HTTPS="1")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.test_client().get("/").headers["Strict-Transport-Security"]

"""Sign-up, log-in and log-out through the web, with CSRF protection."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from catalogue.models import OutgoingMail, User
from catalogue.services.users import register_user
from tests.helpers import csrf_token


def _signup(client, **overrides):
    token = csrf_token(client.get("/signup").get_data(as_text=True))
    data = {
        "email": "xiaoming@example.cn",
        "display_name": "小明",
        "password": "long-enough-pw",
        "confirm": "long-enough-pw",
        "preferred_language": "zh",
        "interest_areas": ["elderly", "hobbies"],
        "csrf_token": token,
    }
    data.update(overrides)
    return client.post("/signup", data=data)


def test_signup_mails_a_link_that_logs_in_and_hashes(client, session):
    response = _signup(client)
    assert response.status_code == 200
    assert "请查看邮箱" in response.get_data(as_text=True)
    assert "退出登录" not in client.get("/").get_data(as_text=True)
    user = session.scalar(select(User))
    assert user.interest_areas == ["elderly", "hobbies"]
    assert "long-enough-pw" not in user.password_hash
    assert user.email_verified_at is None
    mail = session.scalar(select(OutgoingMail).where(OutgoingMail.to_address == user.email))
    link = re.search(r"http://localhost(/verify/\S+)", mail.body).group(1)
    assert client.get(link).status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "小明" in home and "退出登录" in home


def test_signup_errors_are_shown_per_field(client, session):
    register_user(session, "taken@example.cn", "password-1", "已有")
    session.commit()
    response = _signup(client, email="taken@example.cn", confirm="different-pw")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "两次输入的密码不一致" in html
    # A taken address is not revealed (tests/test_account_security.py has the details).
    response = _signup(client, email="taken@example.cn")
    assert response.status_code == 200
    assert "该邮箱已注册账号" not in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_signup_without_csrf_is_refused(client, session):
    response = client.post(
        "/signup",
        data={
            "email": "x@example.cn",
            "display_name": "x",
            "password": "pw-123456",
            "confirm": "pw-123456",
        },
    )
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_login_logout(client, session):
    register_user(session, "a@example.cn", "password-1", "阿华")
    session.commit()
    page = client.get("/login?next=/areas/hobbies").get_data(as_text=True)
    wrong = client.post(
        "/login",
        data={"email": "a@example.cn", "password": "nope-nope", "csrf_token": csrf_token(page)},
    )
    assert wrong.status_code == 400
    assert "邮箱或密码不正确" in wrong.get_data(as_text=True)
    ok = client.post(
        "/login",
        data={
            "email": "A@example.cn",
            "password": "password-1",
            "next": "/areas/hobbies",
            "csrf_token": csrf_token(page),
        },
    )
    assert ok.status_code == 302 and ok.headers["Location"] == "/areas/hobbies"
    home = client.get("/").get_data(as_text=True)
    assert "阿华" in home
    # Log-out is a POST with a token: a plain link from another site cannot do it.
    refused = client.get("/logout")
    assert refused.status_code == 405 and "POST" in refused.headers["Allow"]  # RFC 9110
    client.post("/logout", data={"csrf_token": csrf_token(home)})
    assert "阿华" not in client.get("/").get_data(as_text=True)


def test_login_never_redirects_off_site(client, session):
    register_user(session, "a@example.cn", "password-1", "阿华")
    session.commit()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:x"):
        client.post("/logout", data={"csrf_token": token})
        token = csrf_token(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login",
            data={
                "email": "a@example.cn",
                "password": "password-1",
                "next": target,
                "csrf_token": token,
            },
        )
        assert response.headers["Location"] == "/", target
        token = csrf_token(client.get("/").get_data(as_text=True))


def test_language_preference_follows_the_account(client, session):
    register_user(session, "en@example.cn", "password-1", "Ann", preferred_language="en")
    session.commit()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post(
        "/login", data={"email": "en@example.cn", "password": "password-1", "csrf_token": token}
    )
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)

"""Limits on log-in and sign-up: per account and per IP, shared by every process, with the wait."""

from __future__ import annotations

import http.cookiejar
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from catalogue.models import OutgoingMail, RateLimitCounter, User
from catalogue.services.users import register_user
from tests.browser_support import serving
from tests.helpers import csrf_token
from webapp.limit_storage import DatabaseStorage

PASSWORD = "correct-horse-1"


@pytest.fixture
def redis_prefix(redis_url: str):
    """A key prefix of this test's own; its keys are deleted afterwards."""
    import redis

    prefix = f"lifelong-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def make_app(engine: sa.Engine, tmp_path: Path):
    """Build apps on the test database with extra settings; each is disposed afterwards."""
    from webapp import create_app
    from webapp.db import get_database

    apps = []

    def build(**config):
        application = create_app(
            {
                "DATABASE_URL": engine.url.render_as_string(hide_password=False),
                "INSTANCE_PATH": str(tmp_path / "instance"),
                "TESTING": True,
                **config,
            }
        )
        apps.append(application)
        return application

    yield build
    for application in apps:
        get_database(application).engine.dispose()


def _client(app, ip: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def _login(client, email: str, password: str, **headers):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, headers=headers
    )


def _signup(client, email: str, confirm: str = "long-enough-pw"):
    token = csrf_token(client.get("/signup").get_data(as_text=True))
    return client.post(
        "/signup",
        data={
            "email": email,
            "display_name": "小明",
            "password": "long-enough-pw",
            "confirm": confirm,
            "preferred_language": "zh",
            "csrf_token": token,
        },
    )


def _account(session, email: str = "learner@example.cn") -> str:
    register_user(session, email, PASSWORD, "学员")
    session.commit()
    return email


def _assert_told_to_wait(response, at_most_seconds: int) -> int:
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= at_most_seconds
    minutes = -(-wait // 60)
    assert f"请 {minutes} 分钟后再试" in response.get_data(as_text=True)
    return wait


# -- log-in ---------------------------------------------------------------------------


def test_fifty_wrong_passwords_then_the_right_one_is_refused_with_the_wait(client, session):
    email = _account(session)
    statuses = [_login(client, email, f"wrong-{i}").status_code for i in range(50)]
    # Five failures per account in 15 minutes reach the password check; the rest are refused.
    assert statuses == [400] * 5 + [429] * 45
    right = _login(client, email, PASSWORD)
    _assert_told_to_wait(right, 15 * 60)
    assert "学员" not in client.get("/").get_data(as_text=True)
    # The account's limit holds whatever address the attempts come from.
    _assert_told_to_wait(_login(_client(client.application, "192.0.2.9"), email, PASSWORD), 900)


def test_a_successful_login_does_not_count(client, session):
    email = _account(session)
    for _ in range(4):
        assert _login(client, email, "wrong-password").status_code == 400
    for _ in range(3):
        assert _login(client, email, PASSWORD).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client.get("/").text)})
    assert _login(client, email, "wrong-password").status_code == 400  # the fifth failure
    assert _login(client, email, PASSWORD).status_code == 429


def test_other_accounts_from_the_same_ip_hit_the_per_ip_limit(app, session):
    emails = [_account(session, f"learner{i}@example.cn") for i in range(5)]
    attacker = _client(app, "203.0.113.7")
    for email in emails[:4]:
        for _ in range(5):
            assert _login(attacker, email, "wrong-password").status_code == 400
    # 20 failures from this address: a fifth account is refused even with its right password.
    _assert_told_to_wait(_login(attacker, emails[4], PASSWORD), 15 * 60)
    assert _login(_client(app, "198.51.100.4"), emails[4], PASSWORD).status_code == 302


def test_the_account_key_is_the_normalised_email(client, session):
    email = _account(session)
    for variant in ("learner@example.cn", " LEARNER@example.cn", "Learner@Example.CN "):
        _login(client, variant, "wrong-password")
    for variant in ("LEARNER@EXAMPLE.CN", "learner@example.cn"):
        assert _login(client, variant, "wrong-password").status_code == 400
    assert _login(client, email, "wrong-password").status_code == 429


def test_api_clients_get_a_json_error_with_the_wait(client, session):
    email = _account(session)
    for _ in range(5):
        _login(client, email, "wrong-password")
    response = _login(client, email, PASSWORD, Accept="application/json")
    assert response.status_code == 429
    error = response.get_json()["error"]
    assert error["code"] == "RATE_LIMITED"
    assert 1 <= error["retry_after"] <= 900
    assert int(response.headers["Retry-After"]) == error["retry_after"]
    assert "分钟后再试" in error["message"]


def test_the_limited_page_speaks_english_too(client, session):
    email = _account(session)
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client.get("/").text)})
    for _ in range(5):
        _login(client, email, "wrong-password")
    response = _login(client, email, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts. Please try again in 15 minutes." in response.text


# -- sign-up --------------------------------------------------------------------------


def test_signups_from_one_ip_are_refused_after_the_limit(app, session):
    # Forms sent back for a correction do not count.
    for _ in range(3):
        refused = _signup(_client(app, "203.0.113.8"), "typo@example.cn", "mismatch")
        assert refused.status_code == 400
    statuses = [
        _signup(_client(app, "203.0.113.8"), f"new{i}@example.cn").status_code for i in range(8)
    ]
    assert statuses == [200] * 5 + [429] * 3  # 200: "check your mail", new address or not
    _assert_told_to_wait(_signup(_client(app, "203.0.113.8"), "late@example.cn"), 3600)
    assert session.scalar(select(func.count()).select_from(User)) == 5
    assert _signup(_client(app, "198.51.100.5"), "elsewhere@example.cn").status_code == 200


def _forgot(client, email: str):
    token = csrf_token(client.get("/password/forgot").get_data(as_text=True))
    return client.post("/password/forgot", data={"email": email, "csrf_token": token})


def test_password_reset_requests_are_limited_per_account_and_per_ip(app, session):
    """Each request mails a link: one inbox cannot be flooded, one address cannot probe."""
    email = _account(session)
    mails_before = session.scalar(select(func.count()).select_from(OutgoingMail))
    statuses = [_forgot(_client(app, f"198.51.100.{i}"), email).status_code for i in range(5)]
    assert statuses == [200] * 3 + [429] * 2
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(OutgoingMail)) == mails_before + 3
    _assert_told_to_wait(_forgot(_client(app, "198.51.100.9"), email), 3600)
    prober = _client(app, "203.0.113.44")
    probes = [_forgot(prober, f"nobody{i}@example.cn").status_code for i in range(12)]
    assert probes == [200] * 10 + [429] * 2


# -- study-group codes ------------------------------------------------------------------


def test_group_codes_are_limited_per_address_and_per_account(make_app, session):
    """Codes and links that match no group: GROUP_CODE_LIMIT_PER_IP from one address whatever
    the account, 30 an hour per account whatever the address; a found group costs nothing."""
    from catalogue.models import Role
    from records import groups as group_service

    app = make_app(GROUP_CODE_LIMIT_PER_IP="6 per hour")
    organiser = register_user(session, "org@example.cn", PASSWORD, "组织者", role=Role.ORGANISER)
    session.commit()
    actor = group_service.Organiser(organiser.id, Role.ORGANISER)
    code = group_service.create_group(session, actor, "社区学院").invite_code
    session.commit()
    emails = [_account(session, f"member{i}@example.cn") for i in range(4)]

    def signed_in(email: str, ip: str):
        client = _client(app, ip)
        assert _login(client, email, PASSWORD).status_code == 302
        return client

    shared = [signed_in(email, "203.0.113.20") for email in emails[:3]]
    for client in shared:
        for _ in range(3):
            assert client.get(f"/groups/join?code={code}").status_code == 200  # found: free
    for n, client in enumerate(shared):
        assert client.get(f"/groups/join?code=WRONG{n}A").status_code == 404
        assert client.get(f"/groups/join/no-such-link-{n}").status_code == 404
    # Six misses from this address between three accounts: a fourth account is refused there.
    late = signed_in(emails[3], "203.0.113.20")
    _assert_told_to_wait(late.get("/groups/join?code=WRONG9Z"), 3600)
    answer = late.get("/groups/join?code=WRONG9Z", headers={"Accept": "application/json"})
    assert answer.status_code == 429 and answer.get_json()["error"]["code"] == "RATE_LIMITED"
    # The same account from another address still looks codes up.
    elsewhere = signed_in(emails[3], "198.51.100.20")
    assert elsewhere.get("/groups/join?code=WRONG9Z").status_code == 404
    assert elsewhere.get(f"/groups/join?code={code}").status_code == 200


# -- what is not limited, and the client's address ------------------------------------


def test_an_unlimited_route_is_unaffected(client, session):
    email = _account(session)
    for _ in range(30):
        _login(client, email, "wrong-password")
    assert _login(client, email, PASSWORD).status_code == 429
    assert client.get("/").status_code == 200
    assert client.get("/login").status_code == 200  # only POSTs count
    token = csrf_token(client.get("/").text)
    for lang in ("en", "zh") * 30:
        assert client.post("/language", data={"lang": lang, "csrf_token": token}).status_code == 302


def test_a_global_post_limit_per_ip_when_configured(make_app):
    app = make_app(POST_LIMIT_PER_IP="3 per minute")
    client = _client(app)
    token = csrf_token(client.get("/").text)
    statuses = [
        client.post("/language", data={"lang": "zh", "csrf_token": token}).status_code
        for _ in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert client.get("/").status_code == 200
    assert _client(app, "198.51.100.6").post("/language", data={"lang": "zh"}).status_code != 429


def test_forwarded_addresses_count_only_behind_trusted_proxies(make_app, session):
    email = _account(session)
    direct = _client(make_app(LOGIN_LIMIT_PER_IP="3 per hour"))
    # Not configured: a forged X-Forwarded-For does not give a fresh address.
    for i in range(3):
        _login(direct, f"x{i}@example.cn", "wrong", **{"X-Forwarded-For": f"10.9.0.{i}"})
    assert _login(direct, email, PASSWORD, **{"X-Forwarded-For": "10.9.1.1"}).status_code == 429

    proxied = _client(make_app(LOGIN_LIMIT_PER_IP="3 per hour", TRUSTED_PROXIES="1"), "10.0.0.2")
    client_a, client_b = {"X-Forwarded-For": "198.51.100.77"}, {"X-Forwarded-For": "198.51.100.78"}
    for i in range(3):
        _login(proxied, f"y{i}@example.cn", "wrong", **client_a)
    assert _login(proxied, email, PASSWORD, **client_a).status_code == 429
    assert _login(proxied, email, PASSWORD, **client_b).status_code == 302


def test_a_bad_limit_setting_stops_the_app_from_starting(make_app):
    with pytest.raises(ValueError):
        make_app(LOGIN_LIMIT_PER_IP="lots")


# -- shared storage: across app instances, expiry -------------------------------------


def test_two_app_instances_share_the_counters_through_the_database(make_app, session):
    email = _account(session)
    first, second = _client(make_app()), _client(make_app())
    for client in (first, second, first, second, first):
        assert _login(client, email, "wrong-password").status_code == 400
    assert _login(second, email, PASSWORD).status_code == 429
    keys = session.scalars(select(RateLimitCounter.key)).all()
    assert len(keys) == 2  # one per account, one per address
    assert not any("learner" in key or "example" in key for key in keys)  # no addresses kept


def test_two_app_instances_share_the_counters_through_redis(
    make_app, session, redis_url, redis_prefix
):
    import redis

    email = _account(session)
    config = {"REDIS_URL": redis_url, "RATE_LIMIT_PREFIX": redis_prefix}
    first, second = _client(make_app(**config)), _client(make_app(**config))
    for client in (first, second, first, second, first):
        assert _login(client, email, "wrong-password").status_code == 400
    _assert_told_to_wait(_login(second, email, PASSWORD), 900)
    # The counters are in Redis, not in the database.
    assert session.scalar(select(func.count()).select_from(RateLimitCounter)) == 0
    keys = [k.decode() for k in redis.Redis.from_url(redis_url).scan_iter(f"*{redis_prefix}*")]
    assert len(keys) == 2
    assert not any("learner" in key or "example" in key for key in keys)


@pytest.mark.parametrize("storage", ["database", "redis"])
def test_counters_expire(make_app, session, request, storage):
    config = {"LOGIN_LIMIT_PER_ACCOUNT": "2 per 2 seconds"}
    if storage == "redis":
        config.update(
            REDIS_URL=request.getfixturevalue("redis_url"),
            RATE_LIMIT_PREFIX=request.getfixturevalue("redis_prefix"),
        )
    email = _account(session)
    client = _client(make_app(**config))
    assert [_login(client, email, "wrong").status_code for _ in range(3)] == [400, 400, 429]
    wait = _assert_told_to_wait(_login(client, email, PASSWORD), 3)
    time.sleep(wait + 0.2)
    assert _login(client, email, PASSWORD).status_code == 302


# -- the real server, many attempts at once ------------------------------------------


def _attempt(base: str, email: str, start: threading.Barrier) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login", timeout=30) as page:
        token = csrf_token(page.read().decode())
    body = urllib.parse.urlencode({"email": email, "password": "wrong", "csrf_token": token})
    start.wait(timeout=30)
    try:
        with opener.open(f"{base}/login", data=body.encode(), timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("storage", ["database", "redis"])
def test_concurrent_attempts_on_the_real_server_are_counted_exactly(
    make_app, session, request, storage
):
    config = {"LOGIN_LIMIT_PER_ACCOUNT": "7 per hour", "LOGIN_LIMIT_PER_IP": "1000 per hour"}
    if storage == "redis":
        config.update(
            REDIS_URL=request.getfixturevalue("redis_url"),
            RATE_LIMIT_PREFIX=request.getfixturevalue("redis_prefix"),
        )
    email = _account(session)
    attempts = 24
    start = threading.Barrier(attempts)
    results: list[int] = []
    with serving(make_app(**config)) as base:
        threads = [
            threading.Thread(target=lambda: results.append(_attempt(base, email, start)))
            for _ in range(attempts)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    # Exactly the limit reached the password check; every other attempt was refused.
    assert Counter(results) == {400: 7, 429: attempts - 7}


# -- the database storage itself ------------------------------------------------------


def test_database_storage_counts_windows_and_gives_back(engine):
    storage = DatabaseStorage("lifelong+db://", engine=engine)
    assert storage.check()
    assert storage.get("k") == 0
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("k", 60, amount=2) == 5
    assert 55 < storage.get_expiry("k") - time.time() <= 60
    assert storage.decr("k") == 4
    storage.clear("k")
    assert storage.get("k") == 0
    assert storage.decr("k") == 0  # nothing to give back: no negative counts
    long_key = "LIMITER/x/" + "a" * 600
    assert storage.incr(long_key, 60) == 1 and storage.get(long_key) == 1
    assert storage.reset() == 1


def test_database_storage_starts_a_new_window_after_expiry(engine):
    storage = DatabaseStorage("lifelong+db://", engine=engine)
    assert storage.incr("k", 1) == 1
    assert storage.incr("k", 1) == 2
    time.sleep(1.1)
    assert storage.get("k") == 0
    assert storage.incr("k", 1) == 1  # the ended row is reused for a fresh window


def test_database_storage_loses_no_concurrent_increment(engine):
    storage = DatabaseStorage("lifelong+db://", engine=engine)
    seen: list[int] = []

    def hit_many():
        seen.extend(storage.incr("shared", 3600) for _ in range(25))

    threads = [threading.Thread(target=hit_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert storage.get("shared") == 200
    assert sorted(seen) == list(range(1, 201))  # every increment saw a distinct count


def test_ended_windows_are_purged(engine, session):
    from datetime import UTC, datetime

    from catalogue.services import rate_limits

    now = datetime.now(UTC)
    rate_limits.hit(session, "old", timedelta(seconds=1), now - timedelta(hours=1))
    rate_limits.hit(session, "live", timedelta(hours=1), now)
    assert rate_limits.purge_ended(session, now) == 1
    session.commit()
    assert session.scalars(select(RateLimitCounter.key)).all() == ["live"]


def test_an_unreachable_redis_answers_503_not_500(make_app, session):
    email = _account(session)
    client = _client(make_app(REDIS_URL="redis://127.0.0.1:1/0"))
    response = _login(client, email, PASSWORD)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert "服务繁忙" in response.text
    assert client.get("/").status_code == 200  # pages that count nothing still work


def test_the_decorator_limits_any_route_even_one_added_later(app):
    from flask import Blueprint

    from webapp import limits as rate

    extra = Blueprint("extra_for_test", __name__)

    @extra.route("/reset-request-for-test", methods=["GET", "POST"])
    @rate.limited(rate.per_ip("test-reset-ip", "2 per hour"))
    def reset_request():
        return "ok"

    app.register_blueprint(extra)
    client = _client(app)
    token = csrf_token(client.get("/login").text)
    posts = [
        client.post("/reset-request-for-test", data={"csrf_token": token}).status_code
        for _ in range(3)
    ]
    assert posts == [200, 200, 429]
    assert client.get("/reset-request-for-test").status_code == 200  # GETs are not counted
    other = _client(app, "198.51.100.9")
    token = csrf_token(other.get("/login").text)
    assert other.post("/reset-request-for-test", data={"csrf_token": token}).status_code == 200

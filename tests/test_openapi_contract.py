"""The running site keeps the contract its OpenAPI description states (schemathesis).

`lifelong start` on SQLite and PostgreSQL with a small demo catalogue; schemathesis 4 (its CLI,
as CI would run it) generates requests for every operation of `/api/v1/openapi.json` in its
examples, coverage (boundary and invalid values), fuzzing and stateful (following the
description's links) phases, deterministically and with a bounded number of examples, and
checks that nothing answers a server error, and that status codes, content types and bodies
are as described. Operations that need credentials get real ones obtained by this test: a
partner API token, a learner's app token (signing in through the API) and an open-data OAuth
client (client credentials), each applied only where the description asks for that scheme.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.live_site import LiveSite, create_user, lifelong_batch, site_env
from bench.live_site import live_site as running_site
from catalogue.db import make_engine, make_session_factory

pytestmark = pytest.mark.slow

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
MAX_EXAMPLES = 25  # per operation and phase: the run stays within a few minutes
PHASES = "examples,coverage,fuzzing,stateful"
LEARNER = ("contract@example.cn", "contract-test-" + secrets.token_urlsafe(8))


@pytest.fixture
def site(fresh_database_url: str, tmp_path: Path) -> Iterator[LiveSite]:
    """The demo site, a learner to sign in as, no limits on the test's own address."""
    env = site_env(
        tmp_path / "instance",
        fresh_database_url,
        DEMO_COURSES="200",
        DEMO_LEARNERS="20",
        ASSISTANT_LIMIT_PER_IP="",
        # Generated sign-ins with wrong passwords would otherwise lock the test's own address
        # out of signing in (the limits themselves are tested in tests/test_rate_limits.py).
        LOGIN_LIMIT_PER_IP="100000 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="100000 per minute",
    )
    email, password = LEARNER
    lifelong_batch(env, ["init-db"], create_user(email, "契约测试", password))
    with running_site(env, tmp_path / "server.log") as live:
        yield live


def _spec(site: LiveSite) -> dict:
    import urllib.request

    with urllib.request.urlopen(site.base + "/api/v1/openapi.json", timeout=30) as answer:
        return json.loads(answer.read())


def _partner_token(database_url: str) -> str:
    """A live API token of the first provider (made as the partner portal makes one)."""
    from catalogue.models import Provider
    from catalogue.services.tokens import create_token

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            provider_id = session.scalar(sa.select(Provider.id).order_by(Provider.id).limit(1))
            _token, plain = create_token(session, provider_id, "contract test")
            session.commit()
    finally:
        engine.dispose()
    return plain


def _open_data_client(database_url: str, scopes: list[str]) -> tuple[str, str]:
    """An institution's OAuth client with every scope (registered as an administrator does)."""
    from insight.open_data.clients import ClientData, register_client

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            issued = register_client(
                session,
                ClientData("契约测试机构", scopes, rate_per_minute=100_000, daily_quota=1_000_000),
                None,
            )
            session.commit()
            return issued.client.client_id, issued.secret
    finally:
        engine.dispose()


def _toml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _config(site: LiveSite, spec: dict) -> str:
    """schemathesis's configuration: credentials per security scheme of the description."""
    schemes = spec.get("components", {}).get("securitySchemes", {})
    lines = []
    if "partnerToken" in schemes:
        lines += [
            "[auth.openapi.partnerToken]",
            f"bearer = {_toml(_partner_token(site.database_url))}",
        ]
    if "appToken" in schemes and "/api/v1/auth/token" in spec["paths"]:
        # Signs in again whenever the token stops working (a generated call may revoke it).
        email, password = LEARNER
        payload = {"email": email, "password": password, "device_name": "schemathesis"}
        lines += [
            "[auth.dynamic.openapi.appToken]",
            'path = "/api/v1/auth/token"',
            f"payload = {{ {', '.join(f'{k} = {_toml(v)}' for k, v in payload.items())} }}",
            'extract_selector = "/access_token"',
        ]
    if "openData" in schemes:
        flow = schemes["openData"]["flows"]["clientCredentials"]
        client_id, secret = _open_data_client(site.database_url, sorted(flow["scopes"]))
        payload = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
        }
        lines += [
            "[auth.dynamic.openapi.openData]",
            f"path = {_toml(flow['tokenUrl'])}",
            f"payload = {{ {', '.join(f'{k} = {_toml(v)}' for k, v in payload.items())} }}",
            'payload_content_type = "application/x-www-form-urlencoded"',
            'extract_selector = "/access_token"',
        ]
    return "\n".join(lines) + "\n"


def _operations(spec: dict) -> dict[str, list[str]]:
    """'METHOD /path' → the security schemes it needs."""
    found = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "delete", "patch"}:
                schemes = [name for req in operation.get("security", []) for name in req]
                found[f"{method.upper()} {path}"] = schemes
    return found


def test_the_site_keeps_the_contract_of_its_openapi_description(site: LiveSite, tmp_path: Path):
    spec = _spec(site)
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(site, spec), encoding="utf-8")
    reports = tmp_path / "reports"
    command = [
        sys.executable, "-c", "from schemathesis.cli import schemathesis; schemathesis()",
        "--config-file", str(config),
        "run", site.base + "/api/v1/openapi.json",
        "--checks", ",".join(CHECKS),
        "--phases", PHASES,
        "--max-examples", str(MAX_EXAMPLES),
        "--generation-deterministic",
        # One worker: with two threads, hypothesis's ast.parse of filter lambdas hit
        # CPython 3.11's "AST constructor recursion depth mismatch" race (gh-106905).
        "--workers", "1",
        "--request-timeout", "60",
        "--no-color",
        "--report", "json",
        "--report-dir", str(reports),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    output = done.stdout + done.stderr
    report_files = sorted(reports.glob("*.json"))
    assert report_files, output[-6000:]
    report = json.loads(report_files[-1].read_text(encoding="utf-8"))
    assert report["failures"] == [], output[-12000:]
    assert report["errors"] == [], output[-12000:]
    assert done.returncode == 0, output[-12000:]
    operations = _operations(spec)
    # Every operation was tested: none skipped, none that schemathesis could not generate for.
    counts = report["operations"]
    # (schemathesis may leave out an operation it uses to fetch a token: the sign-in endpoint.)
    token_operations = {"POST /api/v1/auth/token", "POST /api/v1/open/oauth/token"} & set(
        operations
    )
    assert counts["tested"] == counts["total"], counts
    assert len(operations) - len(token_operations) <= counts["total"] <= len(operations), counts
    assert counts["errored"] == 0 and counts["skipped"] == 0, counts
    # The credentials worked: every scheme the description uses was applied, and some call of
    # each scheme was accepted (a 2xx), so the authenticated operations were really exercised.
    warnings = report["warnings"]
    # (A sign-in endpoint answering generated credentials with 401 only is as it should be.)
    assert set(warnings["missing_auth"]) <= token_operations, warnings["missing_auth"]
    assert warnings["unused_openapi_auth"] == [], warnings
    assert not report["auth"]["reauth_broke"], report["auth"]
    accepted = {
        operation: sum(phase.get("accepted", 0) for phase in rates.values())
        for operation, rates in report["valid_rates"].items()
    }
    used = {scheme for schemes in operations.values() for scheme in schemes}
    for scheme in used:
        mine = [op for op, schemes in operations.items() if scheme in schemes]
        assert any(accepted.get(op, 0) > 0 for op in mine), (scheme, accepted)
    # No request reached the server's unhandled-error path.
    assert "unhandled error" not in site.log_tail(200_000), site.log_tail()

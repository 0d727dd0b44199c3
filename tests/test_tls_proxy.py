"""TLS at the proxy, for real: nginx with the repository's configuration (deploy/render-nginx)
in front of `lifelong start`; over https the site sends HSTS and Secure cookies, believes the
proxy's scheme and client address, and plain http is sent to https.

Needs Debian's nginx and openssl: skipped with the reason without them, a failure in CI
(`.ci/run` installs nginx-light).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bench.live_site import create_user, free_port, lifelong_batch, live_site, site_env

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _need(program: str) -> str:
    found = shutil.which(program) or (
        f"/usr/sbin/{program}" if Path(f"/usr/sbin/{program}").exists() else None
    )
    if found:
        return found
    reason = f"{program} is not installed (apt-get install nginx-light openssl)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; CI must run the TLS proxy test (.ci/run installs it)")
    pytest.skip(reason)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def proxied(fresh_database_url: str, tmp_path: Path):
    nginx, openssl = _need("nginx"), _need("openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    env = site_env(
        tmp_path / "instance",
        fresh_database_url,
        DEMO_COURSES="300",
        DEMO_LEARNERS="30",
        HTTPS="1",
        TRUSTED_PROXIES="1",
    )
    password = secrets.token_urlsafe(12)
    lifelong_batch(env, ["init-db"], create_user("tls@example.cn", "加密", password))
    with live_site(env, tmp_path / "server.log") as site:
        https_port, http_port = free_port(), free_port()
        upstream = site.base.removeprefix("http://")
        rendered = subprocess.run(
            [sys.executable, str(ROOT / "deploy" / "render-nginx"), "--server-name", "localhost",
             "--cert", str(cert), "--key", str(key), "--upstream", upstream,
             "--https-port", str(https_port), "--http-port", str(http_port),
             "--listen", "127.0.0.1"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        prefix = tmp_path / "nginx"
        prefix.mkdir()
        (prefix / "lifelong.conf").write_text(rendered)
        (prefix / "nginx.conf").write_text(
            f"""user root;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/lifelong.conf;
}}
"""
        )
        check = subprocess.run(
            [nginx, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
            capture_output=True, text=True,
        )  # fmt: skip
        assert check.returncode == 0, check.stderr
        proxy = subprocess.Popen(
            [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]
        )
        try:
            context = ssl.create_default_context(cafile=str(cert))
            base = f"https://localhost:{https_port}"
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(base + "/livez", timeout=5, context=context).read()
                    break
                except (urllib.error.URLError, OSError):
                    time.sleep(0.3)
            yield {
                "base": base,
                "http": f"http://localhost:{http_port}",
                "context": context,
                "password": password,
                "site": site,
            }
        finally:
            proxy.terminate()
            proxy.wait(10)


def test_over_https_the_site_sends_hsts_and_secure_cookies(proxied):
    context = proxied["context"]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context),
        urllib.request.HTTPCookieProcessor(jar),
        _NoRedirect(),
    )
    base = proxied["base"]
    with opener.open(base + "/login", timeout=30) as answer:
        assert answer.status == 200
        assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        token = CSRF.search(answer.read().decode()).group(1)
    form = urllib.parse.urlencode(
        {"email": "tls@example.cn", "password": proxied["password"], "csrf_token": token}
    ).encode()
    request = urllib.request.Request(
        base + "/login", data=form, headers={"Referer": base + "/login"}
    )
    try:
        answer = opener.open(request, timeout=30)
    except urllib.error.HTTPError as redirect:  # the redirect after a log-in
        answer = redirect
    assert answer.status == 302, answer.read()[:500]
    cookies = answer.headers.get_all("Set-Cookie")
    session = [c for c in cookies if c.startswith("session=")]
    assert session and "secure" in session[0].lower() and "httponly" in session[0].lower()
    # The redirect stays on https (the scheme came from the proxy), and the session works.
    assert not answer.headers["Location"].startswith("http://")
    with opener.open(base + "/me/account", timeout=30) as mine:
        assert mine.status == 200 and "tls@example.cn" in mine.read().decode()


def test_plain_http_is_sent_to_https(proxied):
    opener = urllib.request.build_opener(_NoRedirect())
    with pytest.raises(urllib.error.HTTPError) as moved:
        opener.open(proxied["http"] + "/courses?x=1", timeout=10)
    assert moved.value.code == 301
    assert moved.value.headers["Location"].startswith("https://localhost:")
    assert moved.value.headers["Location"].endswith("/courses?x=1")

"""`lifelong start` in its own process on a free loopback port: the site as the README runs it.

Used by the benchmarks and the tests that drive the real server (threaded web server and jobs
worker, each its own process) with many clients at once.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 420  # demo catalogue, index and server on a busy 2-core machine


class SiteDidNotStart(RuntimeError):
    """`lifelong start` exited or did not answer in time; the message ends with its log."""


@dataclass
class LiveSite:
    """A running `lifelong start` process and how to reach it."""

    base: str
    env: dict[str, str]
    process: subprocess.Popen
    log: Path
    # (e-mail, password) of accounts the caller created for its clients.
    learners: list[tuple[str, str]] = field(default_factory=list)

    @property
    def database_url(self) -> str:
        """The site's database."""
        return self.env["DATABASE_URL"]

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the server's (and its worker's) output."""
        return self.log.read_text(errors="replace")[-chars:]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(instance: Path, database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment plus the settings of a site in `instance`."""
    return {
        **os.environ,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "PYTHONFAULTHANDLER": "1",
        "PYTHONUNBUFFERED": "1",
        **{k: str(v) for k, v in settings.items()},
    }


def lifelong(env: Mapping[str, str], *args: str, timeout: float = 300) -> str:
    """Run a `lifelong` command with that environment; returns its output (raises on failure)."""
    return _python(env, ["-m", "webapp", *args], f"lifelong {' '.join(args)}", timeout)


def lifelong_batch(env: Mapping[str, str], *commands: Sequence[str], timeout: float = 600) -> str:
    """Run several `lifelong` commands, in order, in one process (one start-up for all);
    returns their output (raises on the first failure)."""
    batch = json.dumps([list(c) for c in commands])
    return _python(env, ["-m", "bench.lifelong_batch"], "lifelong batch", timeout, batch, ROOT)


def _python(
    env: Mapping[str, str],
    args: list[str],
    what: str,
    timeout: float,
    stdin: str | None = None,
    cwd: Path | None = None,
) -> str:
    """Run this Python with `args`; its output, or RuntimeError with everything it printed."""
    done = subprocess.run(
        [sys.executable, *args],
        input=stdin,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def create_user(email: str, name: str, password: str, *extra: str) -> list[str]:
    """The arguments of `lifelong create-user` for one account (extra: --role, --provider)."""
    return ["create-user", "--email", email, "--display-name", name, "--password", password,
            *extra]  # fmt: skip


@contextmanager
def live_site(
    env: Mapping[str, str], log: Path, start_timeout: float = START_TIMEOUT
) -> Iterator[LiveSite]:
    """Start `lifelong start` with that environment, wait until it answers, stop it after."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "webapp", "start", "--port", str(port)],
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    site = LiveSite(f"http://127.0.0.1:{port}", dict(env), process, log)
    try:
        _wait_until_up(site, start_timeout)
        yield site
    finally:
        stop(site)


def stop(site: LiveSite) -> None:
    """SIGTERM the site's process group (site and worker), SIGKILL if it does not stop."""
    if site.process.poll() is not None:
        return
    os.killpg(site.process.pid, signal.SIGTERM)
    try:
        site.process.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(site.process.pid, signal.SIGKILL)
        site.process.wait(10)


def _wait_until_up(site: LiveSite, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if site.process.poll() is not None:
            raise SiteDidNotStart(f"lifelong start exited early:\n{site.log_tail()}")
        try:
            with urllib.request.urlopen(site.base + "/search?q=", timeout=10) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    raise SiteDidNotStart(f"the site did not come up in {timeout:g} s:\n{site.log_tail()}")

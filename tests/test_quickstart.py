"""The README's quick start: two commands, and `start` really serves the demo site."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```[a-z]*\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the quick start has exactly one code block"
    return [line for line in blocks[0].splitlines() if line.strip()]


def test_readme_has_two_commands_and_ci_runs_the_second():
    run, test = _quick_start_commands()
    assert "lifelong start" in run
    assert "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode("utf-8")


@pytest.mark.slow
def test_start_sets_up_and_serves_the_demo_site(fresh_database_url, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": fresh_database_url,
        "DEMO_COURSES": "300",
        "DEMO_LEARNERS": "30",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "webapp", "start", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        address = f"http://127.0.0.1:{port}/"
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if address in line:
                break
        assert any(address in line for line in lines), "".join(lines)
        # Healthy once the worker beats and the index is built: the production server.
        status, body, server = 0, "", ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(address + "healthz", timeout=5) as response:
                    status, body = response.status, response.read().decode()
                    server = response.headers.get("Server", "")
                    break
            except urllib.error.HTTPError as refused:  # 503 until the worker's first beat
                status, body = refused.code, refused.read().decode()
            except OSError:
                pass
            time.sleep(0.2)
        assert status == 200 and '"ok"' in body, body
        assert server.startswith("gunicorn"), server
        status, home = _get(address)
        assert status == 200 and "终身学习平台" in home
        course_ids = re.findall(r'href="/courses/(\d+)"', home)
        assert course_ids
        status, course = _get(f"{address}courses/{course_ids[0]}")
        assert status == 200 and 'class="lessons"' in course
        worker = int(re.search(r"Jobs worker started \(pid (\d+)\)", "".join(lines)).group(1))
        os.kill(worker, 0)  # running beside the site
    finally:
        proc.terminate()
        proc.wait(timeout=40)
    for _ in range(100):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the jobs worker outlived the site")


def test_the_worker_stops_when_the_site_is_killed(fresh_database_url, tmp_path):
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": fresh_database_url,
        "DEMO_COURSES": "50",
        "DEMO_LEARNERS": "10",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "webapp", "start", "--port", str(_free_port())],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = None
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker is None:
            line = proc.stdout.readline()
            if not line:
                break
            found = re.search(r"Jobs worker started \(pid (\d+)\)", line)
            if found:
                worker = int(found.group(1))
        assert worker is not None
    finally:
        proc.kill()  # no chance to stop its child
        proc.wait(timeout=10)
    for _ in range(100):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError("the jobs worker outlived a killed site")

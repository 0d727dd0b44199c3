"""The supervisor of `lifelong start`: real child processes, restarted with back-off, stopped
gracefully, killed when they do not stop, and never outliving it."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from webapp.supervisor import Child, Supervisor


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


def _wait(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_a_child_that_dies_is_restarted_after_a_back_off_that_doubles():
    crashing = Child("crasher", _python("raise SystemExit(3)"), os.environ)
    said: list[str] = []
    supervisor = Supervisor(
        [crashing], say=said.append, first_backoff=0.2, max_backoff=0.5, steady_after=60
    )
    supervisor.start(crashing)
    starts = [time.monotonic()]
    try:
        while crashing.restarts < 3:
            before = crashing.restarts
            supervisor.check()
            if crashing.restarts > before:
                starts.append(time.monotonic())
            time.sleep(0.01)
    finally:
        supervisor.stop_all()
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # Waits of 0.2, 0.4, then 0.5 (the cap), each after the child's own short life.
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4 and gaps[2] >= 0.5
    assert gaps[1] > gaps[0]
    assert crashing.exits[:3] == [3, 3, 3]
    assert any("exited with 3" in line and "restarting it in" in line for line in said)


def test_a_child_that_ran_steadily_starts_its_back_off_again():
    child = Child(
        "steady", _python("import time; time.sleep(0.3); raise SystemExit(1)"), os.environ
    )
    supervisor = Supervisor([child], say=lambda _m: None, first_backoff=0.1, steady_after=0.2)
    child.backoff = 8.0  # as if it had crashed often before
    supervisor.start(child)
    try:
        assert _wait(lambda: child.process.poll() is not None)
        supervisor.check()
        assert child.restart_at is not None and child.restart_at - time.monotonic() < 0.5
    finally:
        supervisor.stop_all()


def test_stop_all_gives_children_sigterm_then_kills_the_stubborn(tmp_path: Path):
    polite = Child(
        "polite",
        _python(
            f"""
            import signal, sys, time
            def bye(*_):
                open({str(tmp_path / "polite")!r}, "w").write("stopped")
                sys.exit(0)
            signal.signal(signal.SIGTERM, bye)
            print("ready", flush=True)
            time.sleep(60)
            """
        ),
        os.environ,
    )
    stubborn = Child(
        "stubborn",
        _python(
            """
            import signal, time
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            time.sleep(60)
            """
        ),
        os.environ,
    )
    said: list[str] = []
    supervisor = Supervisor([polite, stubborn], say=said.append, stop_timeout=1.5)
    for child in (polite, stubborn):
        supervisor.start(child)
    time.sleep(0.8)  # both have installed their handlers
    began = time.monotonic()
    supervisor.stop_all()
    took = time.monotonic() - began
    assert (tmp_path / "polite").read_text() == "stopped"
    assert polite.process.returncode == 0
    assert stubborn.process.returncode == -signal.SIGKILL
    assert 1.4 <= took < 10
    assert any("stubborn did not stop" in line for line in said)


def test_children_do_not_outlive_a_killed_supervisor(tmp_path: Path):
    """SIGKILL the supervisor: its children get SIGTERM from the kernel and go."""
    pids = tmp_path / "pids"
    script = f"""
        import os, sys, time
        from webapp.supervisor import Child, Supervisor
        child = Child("sleeper", [sys.executable, "-c", "import time; time.sleep(120)"], os.environ)
        supervisor = Supervisor([child], say=lambda m: None)
        supervisor.start(child)
        open({str(pids)!r}, "w").write(str(child.pid))
        time.sleep(120)
    """
    parent = subprocess.Popen(_python(script), cwd=Path(__file__).resolve().parents[1])
    try:
        assert _wait(lambda: pids.exists() and pids.read_text().strip(), 30)
        child_pid = int(pids.read_text())
        os.kill(child_pid, 0)
    finally:
        parent.kill()
        parent.wait(10)

    def gone() -> bool:
        try:
            os.kill(child_pid, 0)
        except ProcessLookupError:
            return True
        # A zombie is gone too: it has exited and waits for init to reap it.
        status = Path(f"/proc/{child_pid}/status")
        return status.exists() and "zombie" in status.read_text()

    assert _wait(gone, 10), "the child outlived its killed supervisor"

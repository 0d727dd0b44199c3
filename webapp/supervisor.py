"""`lifelong start`'s process supervisor: the web server and the jobs worker as child processes.

Each child is restarted when it dies, after a back-off that doubles from 1 s up to a minute
(and starts again from 1 s once a child has run for a minute). On SIGTERM or Ctrl+C every child
gets SIGTERM (the web server finishes the requests in flight, the worker its current batch) and
has `stop_timeout` seconds before SIGKILL. On Linux the children also get SIGTERM if the
supervisor itself is killed outright (PR_SET_PDEATHSIG), so nothing outlives it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0
STEADY_AFTER = 60.0  # a child that ran this long starts its back-off again from FIRST_BACKOFF
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux for SIGTERM when the parent dies."""
    name = ctypes.util.find_library("c")
    if name and sys.platform.startswith("linux"):
        ctypes.CDLL(name, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    """A command the supervisor keeps running."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    backoff: float | None = None  # the next restart's delay (the supervisor's first at start)
    restart_at: float | None = None
    restarts: int = 0
    exits: list[int] = field(default_factory=list)

    @property
    def pid(self) -> int | None:
        """The running process's id."""
        return self.process.pid if self.process is not None else None


class Supervisor:
    """Starts children, restarts those that die (with back-off), stops them all on request."""

    def __init__(
        self,
        children: Sequence[Child],
        *,
        say: Callable[[str], None] = print,
        stop_timeout: float = 60.0,
        poll: float = 0.5,
        first_backoff: float = FIRST_BACKOFF,
        max_backoff: float = MAX_BACKOFF,
        steady_after: float = STEADY_AFTER,
    ) -> None:
        self.children = list(children)
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.steady_after = steady_after
        self.say = say
        self.stop_timeout = stop_timeout
        self.poll = poll
        self._stopping = False

    def start(self, child: Child) -> None:
        """Start (or restart) one child."""
        child.process = subprocess.Popen(
            list(child.argv), env=dict(child.env), preexec_fn=_die_with_parent
        )
        child.started = time.monotonic()
        child.restart_at = None
        if child.backoff is None:
            child.backoff = self.first_backoff
        self.say(f"{child.name} started (pid {child.process.pid}).")

    def check(self, now: float | None = None) -> None:
        """Notice children that exited and restart them when their back-off has passed."""
        now = time.monotonic() if now is None else now
        for child in self.children:
            if child.process is None or self._stopping:
                continue
            code = child.process.poll()
            if code is None:
                continue
            if child.restart_at is None:
                ran = now - child.started
                if ran >= self.steady_after:
                    child.backoff = self.first_backoff
                child.exits.append(code)
                child.restart_at = now + child.backoff
                self.say(
                    f"{child.name} (pid {child.process.pid}) exited with {code} after "
                    f"{ran:.0f} s; restarting it in {child.backoff:.0f} s."
                )
                child.backoff = min(self.max_backoff, child.backoff * 2)
            elif now >= child.restart_at:
                child.restarts += 1
                self.start(child)

    def run(self, started: Callable[[], None] | None = None) -> None:
        """Start every child (then call `started`) and supervise them until SIGTERM, SIGINT
        or `stop()`."""

        def _stop(*_args) -> None:
            self._stopping = True

        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            for child in self.children:
                self.start(child)
            if started is not None:
                started()
            while not self._stopping:
                self.check()
                time.sleep(self.poll)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.stop_all()

    def stop(self) -> None:
        """Ask `run()` to stop its children and return."""
        self._stopping = True

    def stop_all(self) -> None:
        """SIGTERM every running child; SIGKILL those still running after `stop_timeout`."""
        self._stopping = True
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        for child in running:
            child.process.terminate()
        deadline = time.monotonic() + self.stop_timeout
        for child in running:
            try:
                child.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{child.name} did not stop in {self.stop_timeout:.0f} s; killing it.")
                child.process.kill()
                child.process.wait(10)

"""Brackets every request for the process's garbage-collector gate (jobs/gc_gate.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from werkzeug.wsgi import ClosingIterator

from jobs.gc_gate import GcGate


class GcGateMiddleware:
    """WSGI middleware: a request is work in flight from its first byte in until the server
    has sent its last byte out (streamed bodies included)."""

    def __init__(self, wsgi_app: Callable, gate: GcGate) -> None:
        self.wsgi_app = wsgi_app
        self.gate = gate

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Serve one request inside the gate."""
        self.gate.enter()
        try:
            body = self.wsgi_app(environ, start_response)
        except BaseException:
            self.gate.leave()
            raise
        return ClosingIterator(body, [self.gate.leave])

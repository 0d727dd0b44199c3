"""Times every request (issue 17): WSGI middleware that counts each request's server time per
Flask endpoint and status class into the process's in-memory histogram
(insight/response_times.py), which a thread adds to the database every
RESPONSE_TIMES_FLUSH_SECONDS (60 by default) and once more when the process exits.

The time runs from the request's first byte in (inside the garbage-collection gate's
middleware) until the server has sent its body's last byte, as gunicorn's access log counts it.
Recording never fails a request: an error while counting is logged and the answer goes out.

Under TESTING the flush thread and the exit flush are off unless RESPONSE_TIMES_FLUSH_SECONDS is
set (config or environment); 0 turns them off anywhere. Then flush by hand (`flush(app)`).
"""

from __future__ import annotations

import atexit
import logging
import time
from collections.abc import Callable, Iterable

from flask import Flask, current_app
from werkzeug.wsgi import ClosingIterator

from insight.response_times import Flusher, Recorder
from webapp.db import get_database
from webapp.settings import get_settings

log = logging.getLogger(__name__)

EXTENSION = "response_times"
DEFAULT_FLUSH_SECONDS = 60.0


class ResponseTimesMiddleware:
    """WSGI middleware: time the request, note its status and endpoint, count it on close."""

    def __init__(self, wsgi_app: Callable, recorder: Recorder, on_first: Callable[[], None]):
        self.wsgi_app = wsgi_app
        self.recorder = recorder
        self._on_first = on_first
        self._started = False

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Serve one request and count its time when its body is closed."""
        began = time.perf_counter()
        if not self._started:
            self._started = True
            self._on_first()
        answered: list = []  # [status, endpoint] once the app starts its answer

        def starting(status: str, headers, exc_info=None):
            # Flask calls this before it ends the request context, so its request (and the
            # matched rule) is still in the environ here, not after.
            request = environ.get("werkzeug.request")
            rule = getattr(request, "url_rule", None)
            answered[:] = [status, rule.endpoint if rule is not None else None]
            return start_response(status, headers, exc_info)

        def done() -> None:
            self._count(answered, began)

        try:
            body = self.wsgi_app(environ, starting)
        except BaseException:
            done()
            raise
        return ClosingIterator(body, [done])

    def _count(self, answered: list, began: float) -> None:
        seconds = time.perf_counter() - began
        try:
            status, endpoint = answered if answered else ("500", None)
            self.recorder.record(endpoint, int(str(status)[:3]), seconds)
        except Exception:  # counting must never fail the request
            log.exception("response times: could not count a request")


def get_recorder(app: Flask | None = None) -> Recorder:
    """The app's (its process's) response-time recorder."""
    return (app or current_app).extensions[EXTENSION]["recorder"]


def flush(app: Flask | None = None) -> int:
    """Write the app's counted response times now; returns how many requests were written."""
    app = app or current_app
    return get_recorder(app).flush(get_database(app).sessions)


def init_app(app: Flask) -> None:
    """Wrap the app's WSGI callable (call it before the outermost middleware is added)."""
    recorder = Recorder()
    configured = get_settings(app).response_times_flush_seconds
    # 0 turns the thread and the exit flush off: flush by hand.
    interval = DEFAULT_FLUSH_SECONDS if configured is None else configured
    background = configured is not None or not app.config.get("TESTING")
    flusher = Flusher(recorder, get_database(app).sessions, interval)

    def first_request() -> None:
        # In the serving process, after any fork: the thread and the exit hook are its own.
        if background and interval > 0 and flusher.start():
            atexit.register(flusher.stop)

    app.extensions[EXTENSION] = {"recorder": recorder, "flusher": flusher}
    app.wsgi_app = ResponseTimesMiddleware(app.wsgi_app, recorder, first_request)

"""What timing every request costs (webapp/response_times.py): the middleware around a bare WSGI
app and around the site's real app (GET /livez, no database), per request, in one thread and in
8 threads at once (the lock), then one flush of a busy hour's histogram into SQLite.

    .venv/bin/python bench/response_times_overhead.py [--requests 200000]

Prints the median of 5 rounds of each (CPU time of the thread for one thread, wall time for 8);
the overhead is the difference with and without it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from werkzeug.test import EnvironBuilder, run_wsgi_app

from insight.response_times import Recorder
from webapp.response_times import ResponseTimesMiddleware


def bare_app(environ, start_response):
    """The cheapest WSGI app: a fixed answer."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def _serve(app, environ: dict) -> None:
    body = app(environ, lambda status, headers, exc_info=None: None)
    for _chunk in body:
        pass
    if hasattr(body, "close"):
        body.close()


def _per_request_us(app, environ: dict, n: int, threads: int = 1) -> float:
    """Microseconds per request over n requests split across threads: CPU time of the thread
    for one thread (a shared machine's other load does not count), wall time for several."""
    if threads == 1:
        began = time.thread_time()
        for _ in range(n):
            _serve(app, dict(environ))
        return (time.thread_time() - began) / n * 1e6
    each = n // threads

    def work() -> None:
        for _ in range(each):
            _serve(app, dict(environ))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    began = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return (time.perf_counter() - began) / (each * threads) * 1e6


def _median(fn, rounds: int = 5) -> float:
    return statistics.median(fn() for _ in range(rounds))


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200_000)
    args = parser.parse_args()
    n = args.requests
    environ = EnvironBuilder(path="/livez").get_environ()

    recorder = Recorder()
    timed = ResponseTimesMiddleware(bare_app, recorder, lambda: None)
    for threads in (1, 8):
        plain = _median(lambda t=threads: _per_request_us(bare_app, environ, n, t))
        wrapped = _median(lambda t=threads: _per_request_us(timed, environ, n, t))
        print(
            f"bare WSGI app, {threads} thread(s): {plain:.2f} µs without, {wrapped:.2f} µs "
            f"with: +{wrapped - plain:.2f} µs a request"
        )

    with tempfile.TemporaryDirectory() as folder:
        from webapp import create_app
        from webapp.db import get_database

        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{folder}/bench.db",
                "INSTANCE_PATH": folder,
                "RESPONSE_TIMES_FLUSH_SECONDS": 0,  # no thread: the bench flushes by hand
            }
        )
        from catalogue.db import upgrade_database

        upgrade_database(get_database(app).engine)
        site = app.wsgi_app  # the gate's middleware around ours around Flask
        inner = site.wsgi_app.wsgi_app  # Flask without ours
        m = max(n // 50, 1_000)

        def flask_us(wsgi) -> float:  # CPU time of this thread per request
            began = time.thread_time()
            for _ in range(m):
                _app_iter, _status, _headers = run_wsgi_app(wsgi, dict(environ), buffered=True)
            return (time.thread_time() - began) / m * 1e6

        flask_us(site)  # warm up
        plain = _median(lambda: flask_us(inner))
        wrapped = _median(lambda: flask_us(site.wsgi_app))
        print(
            f"site app GET /livez: {plain:.1f} µs without, {wrapped:.1f} µs with: "
            f"+{wrapped - plain:.1f} µs a request ({100 * (wrapped - plain) / plain:.1f} %)"
        )

        # A flush of a busy process's minute: 200 endpoints × 3 status classes × 10 buckets.
        busy = Recorder()
        for e in range(200):
            for s in (200, 404, 500):
                for b in range(10):
                    busy.record(f"bp.view_{e}", s, 0.001 * 1.4**b)
        sessions = get_database(app).sessions
        began = time.perf_counter()
        written = busy.flush(sessions)
        print(
            f"flush of {written} requests in 6,000 rows into SQLite: "
            f"{(time.perf_counter() - began) * 1000:.0f} ms (in the flush thread, not a request)"
        )
        get_database(app).engine.dispose()


if __name__ == "__main__":
    main()

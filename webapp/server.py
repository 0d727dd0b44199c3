"""The production web server: gunicorn with threaded workers, each serving `create_app()`.

`lifelong serve` runs it in the foreground; `lifelong start` runs it as a supervised child
process beside the jobs worker (webapp/supervisor.py). Each gunicorn worker process builds its
own app after the fork (nothing is preloaded: no database connection, index reader or model
crosses a fork) and starts its garbage-collection gate (jobs/gc_gate.py), because its requests
run in threads. On SIGTERM gunicorn stops accepting, lets requests in flight finish for up to
WEB_GRACEFUL_TIMEOUT seconds, then stops.
"""

from __future__ import annotations

import os
from typing import Any

from webapp.settings import Settings


def server_options(settings: Settings, host: str, port: int) -> dict[str, Any]:
    """gunicorn's settings for this site."""
    return {
        "bind": f"{host}:{port}",
        "workers": settings.web_workers,
        "worker_class": "gthread",
        "threads": settings.web_threads,
        "timeout": settings.web_timeout,
        "graceful_timeout": settings.web_graceful_timeout,
        "keepalive": 5,
        "errorlog": "-",
        "accesslog": "-" if os.environ.get("WEB_ACCESS_LOG") else None,
        # gunicorn's default line, then the time the request took in milliseconds.
        "access_log_format": '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms',
        "proc_name": "lifelong-web",
        # gunicorn's runtime control socket lives in the home folder, one per user: two sites
        # on one machine would share it. Not used: stop and restart through the supervisor.
        "control_socket_disable": True,
        "post_fork": _post_fork,
        "post_worker_init": _post_worker_init,
        # A worker that leaks stays bounded: it is replaced after this many requests (with
        # jitter, so the workers are not replaced at once).
        "max_requests": 20_000,
        "max_requests_jitter": 2_000,
    }


def _post_fork(_server, _worker) -> None:
    # Requests run in threads in this process: collect only between them.
    from jobs.gc_gate import process_gate

    process_gate().start()


# A new worker reads the search index's arrays before it takes requests, for at most this long.
WARM_BEFORE_SERVING_SECONDS = 300


def _post_worker_init(worker) -> None:
    # The worker's app is loaded: read the search index's arrays before taking requests (at
    # 630,000 courses about 11 s), so no learner waits for them: at start the site answers
    # once they are read, and a worker that replaces one (max_requests) joins while the other
    # serves. It tells the arbiter it is alive meanwhile; past the bound it serves anyway and
    # the reading goes on in the background (requests that need an array wait for that one
    # reading, never read it again: search/store.py LRUCache).
    import time

    from webapp.search_index import warm_in_background

    reading = warm_in_background(worker.wsgi)
    deadline = time.monotonic() + WARM_BEFORE_SERVING_SECONDS
    while reading.is_alive() and time.monotonic() < deadline:
        worker.notify()
        reading.join(1.0)


def serve(settings: Settings, host: str, port: int) -> None:
    """Run the production server in the foreground until it is stopped (SIGTERM, Ctrl+C)."""
    from gunicorn.app.base import BaseApplication

    options = server_options(settings, host, port)

    class _Lifelong(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self):
            from webapp import create_app

            return create_app()

    _Lifelong().run()

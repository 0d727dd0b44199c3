"""The home page under many requests at once, on the real server (`lifelong start`: gunicorn,
2 workers × 8 threads): visitors in Chinese and in English, and signed-in learners with a
history (their feed, shelves in their languages). Prints latency per kind and what failed.

    .venv/bin/python bench/home_languages.py [--database URL] [--threads 12 --requests 25]

Without --database it uses a fresh SQLite file. The demo catalogue (DEMO_COURSES, default
2,000 here) and a model trained on it are made first. Run it from a checkout to measure that
checkout's code (`lifelong` runs as `python -m webapp` in the current directory).
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.live_site import create_user, lifelong, lifelong_batch, live_site, site_env
from catalogue.db import make_engine
from tests.test_concurrency import Browser

KINDS = ("visitor-zh", "visitor-en", "learner")


def prepare(env: dict[str, str], learners: int) -> list[tuple[str, str]]:
    """Accounts with the history of a demo learner each (copied events)."""
    accounts = [(f"home{n}@example.cn", secrets.token_urlsafe(12)) for n in range(learners)]
    lifelong_batch(
        env, *(create_user(email, f"学员{n}", pw) for n, (email, pw) in enumerate(accounts))
    )
    engine = make_engine(env["DATABASE_URL"])
    try:
        with engine.begin() as conn:
            for n, (email, _password) in enumerate(accounts):
                user = conn.scalar(sa.text("SELECT id FROM users WHERE email = :e"), {"e": email})
                source = conn.scalar(
                    sa.text(
                        "SELECT user_id FROM events GROUP BY user_id HAVING count(*) >= 20 "
                        "ORDER BY user_id LIMIT 1 OFFSET :n"
                    ),
                    {"n": n},
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO events (user_id, course_id, lesson_id, kind, value, "
                        "created_at) SELECT :u, course_id, lesson_id, kind, value, created_at "
                        "FROM events WHERE user_id = :s"
                    ),
                    {"u": user, "s": source},
                )
    finally:
        engine.dispose()
    return accounts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database")
    parser.add_argument("--courses", default="5000")
    parser.add_argument("--learners", default="2000")
    parser.add_argument("--threads", type=int, default=12)
    parser.add_argument("--requests", type=int, default=25)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="home-"))
    url = args.database or f"sqlite:///{folder / 'site.db'}"
    env = site_env(folder / "instance", url, DEMO_COURSES=args.courses, DEMO_LEARNERS=args.learners)
    lifelong(env, "init-db")
    with live_site(env, folder / "server.log") as site:
        trained = json.loads(lifelong(env, "recommender", "train"))
        print(f"model {trained['version']}: promoted {trained['promoted']}, {trained['reason']}")
        accounts = prepare(env, args.threads // 3 + 1)
        timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
        outcomes: Counter = Counter()
        failures: list[str] = []
        lock = threading.Lock()

        def client(n: int) -> None:
            kind = KINDS[n % len(KINDS)]
            me = Browser(site.base, outcomes, failures)
            if kind == "visitor-en":
                me.post("/language", {"lang": "en", "next": "/"})
            if kind == "learner":
                email, password = accounts[n // len(KINDS)]
                me.request("GET", "/login")
                me.post("/login", {"email": email, "password": password, "next": "/"})
                if 'id="for-you-heading"' not in me.request("GET", "/"):
                    failures.append(f"{email}: no feed on the home page (not signed in?)")
            for _ in range(args.requests):
                started = time.perf_counter()
                me.request("GET", "/")
                with lock:
                    timings[kind].append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    total = sum(len(t) for t in timings.values())
    print(f"{args.threads} clients, {total} home pages in {elapsed:.1f} s "
          f"({total / elapsed:.1f}/s); outcomes {dict(outcomes)}")  # fmt: skip
    for kind, values in timings.items():
        values.sort()
        p95 = values[int(0.95 * (len(values) - 1))]
        print(f"  {kind:11s} n={len(values):4d} median {statistics.median(values):6.0f} ms  "
              f"p95 {p95:6.0f} ms")  # fmt: skip
    if failures:
        print("failures:", *failures[:20], sep="\n  ")


if __name__ == "__main__":
    main()

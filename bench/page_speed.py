"""Benchmark: server-side render time of the home, course and search pages on the demo catalogue.

.venv/bin/python bench/page_speed.py                       # 5,000 courses, 2,000 learners
.venv/bin/python bench/page_speed.py --requests 500 --instance /tmp/lifelong-pages

Sets up an instance folder the way `lifelong start` does (SQLite, the generated demo catalogue,
the search index, a trained model), then requests each page through the whole Flask stack
(routing, sessions, CSRF, database, index, model, templates) with the test client, as a visitor
and as a learner with a history, and prints p50/p95/p99 per page. Pages must answer 200.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from figures import peak_rss_mb, percentiles
from search_benchmark import query_mix
from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

from catalogue.demo import generate_demo
from catalogue.models import Course, CourseStatus, Event, User
from jobs.tasks import recommender_train
from recommender.artefacts import ModelStore
from search.indexer import rebuild
from webapp import create_app
from webapp.commands import catalogue_is_empty, init_database
from webapp.db import get_database
from webapp.settings import get_settings

PASSWORD = "bench-password-1"


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, default=Path("/tmp/lifelong-page-bench"))
    parser.add_argument("--courses", type=int, default=5000)
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=300, help="per page and visitor kind")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def prepare(app, courses: int, learners: int) -> None:
    """Database, demo data, index and model, each only if missing."""
    with app.app_context():
        init_database()
        if catalogue_is_empty():
            started = time.perf_counter()
            generate_demo(get_database().engine, courses=courses, learners=learners, seed=20261126)
            print(f"demo data generated in {time.perf_counter() - started:.0f} s")
        store = app.extensions["lifelong.search"].store
        if not store.is_current_schema():
            count = rebuild(get_database().sessions, store)
            print(f"indexed {count:,} courses")
        settings = get_settings()
        if ModelStore(settings.model_dir).current() is None:
            report = recommender_train(settings.job_context())
            print(f"model {report['version']} trained, promoted: {report['promoted']}")


def learner_with_history(app) -> str:
    """The email of the demo learner with the most events, given a password to log in with."""
    with app.app_context(), get_database().sessions() as session:
        user_id = session.scalar(
            select(Event.user_id).group_by(Event.user_id).order_by(func.count().desc()).limit(1)
        )
        email = session.scalar(select(User.email).where(User.id == user_id))
        session.execute(
            update(User)
            .where(User.id == user_id)
            .values(password_hash=generate_password_hash(PASSWORD))
        )
        session.commit()
    return email


def course_ids(app, count: int, rng: random.Random) -> list[int]:
    """Random published course ids."""
    with app.app_context(), get_database().sessions() as session:
        ids = session.scalars(select(Course.id).where(Course.status == CourseStatus.PUBLISHED))
        ids = list(ids)
    return [rng.choice(ids) for _ in range(count)]


def search_urls(count: int, seed: int) -> list[str]:
    """The search benchmark's query mix as search-page addresses."""
    urls = []
    for request in query_mix(count, seed):
        args = {"q": request.text, **request.filters}
        if request.sort != "relevance":
            args["sort"] = request.sort
        if request.page > 1:
            args["page"] = request.page
        urls.append("/search?" + urlencode(args))
    return urls


def timed(client, urls: list[str]) -> list[float]:
    """Milliseconds per request; every page must answer 200."""
    samples = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        response.get_data()
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return samples


def main() -> int:
    """Prepare the instance, then time the pages."""
    args = parse_args()
    args.instance.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{args.instance / 'lifelong.db'}",
            "INSTANCE_PATH": str(args.instance),
        }
    )
    prepare(app, args.courses, args.learners)
    rng = random.Random(args.seed)
    n = args.requests
    pages = {
        "home": ["/"] * n,
        "course": [f"/courses/{cid}" for cid in course_ids(app, n, rng)],
        "search": search_urls(n, args.seed),
    }
    visitor = app.test_client()
    learner = app.test_client()
    email = learner_with_history(app)
    form = learner.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    login = learner.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    if login.status_code != 302:
        print("could not log the learner in", file=sys.stderr)
        return 1
    for client in (visitor, learner):  # warm-up: templates, index arrays, model, caches
        for urls in pages.values():
            timed(client, urls[:20])
    print(f"{args.courses:,} courses, {args.learners:,} learners; {n} requests per row")
    for kind, client in (("visitor", visitor), ("learner", learner)):
        for name, urls in pages.items():
            print(f"{name:7s} {kind:8s} {percentiles(timed(client, urls))}")
    print(f"peak RSS {peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

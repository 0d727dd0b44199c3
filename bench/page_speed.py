"""Benchmark: server-side render time of every learner page, on SQLite or PostgreSQL.

.venv/bin/python bench/page_speed.py                       # 5,000 courses, 2,000 learners
.venv/bin/python bench/page_speed.py --instance /work/scale/site \
    --db sqlite:////work/scale/full.db --requests 300       # the full-scale database
.venv/bin/python bench/page_speed.py --instance /work/scale/site \
    --db postgresql://postgres@127.0.0.1:5432/lifelong_full --requests 300

Sets up an instance folder the way `lifelong start` does (the database, the generated demo
catalogue when it is empty, the search index, a trained model; each only if missing: a database
made by `bench/generate_catalogue.py` and `bench/copy_to_postgres.py` is used as it is, and both
databases of the same data can share one instance folder's index and model). It then gives the
learner with the longest history notes, and the most popular courses discussions, when they have
none, and requests every learner page through the whole Flask stack (routing, sessions, CSRF,
database, index, model, templates; the test client, so no network), as a visitor and as that
learner, printing p50/p95/p99 per page. Every page must answer 200.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from figures import peak_rss_mb, percentiles
from search_benchmark import query_mix
from sqlalchemy import func, insert, select, update
from werkzeug.security import generate_password_hash

from catalogue.demo import generate_demo
from catalogue.models import (
    Area,
    Comment,
    Course,
    CourseStats,
    CourseStatus,
    Event,
    Note,
    User,
    utcnow,
)
from jobs.gc_gate import process_gate
from jobs.tasks import recommender_train
from recommender.artefacts import ModelStore
from search.indexer import rebuild
from webapp import create_app
from webapp.commands import catalogue_is_empty, init_database
from webapp.db import get_database
from webapp.settings import get_settings

PASSWORD = "bench-password-1"
PER_PAGE = 24  # webapp.views.pages.PER_PAGE
NOTES = 400  # the learner's notes, over 80 courses
DISCUSSED = 200  # popular courses given a discussion
THREADS = 60  # top-level comments per discussed course, each with two replies


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, default=Path("/tmp/lifelong-page-bench"))
    parser.add_argument("--db", help="database URL (default: lifelong.db in the instance)")
    parser.add_argument("--courses", type=int, default=5000)
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=300, help="per page and visitor kind")
    parser.add_argument("--pages", help="comma-separated page names to time (default: all)")
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
            started = time.perf_counter()
            count = rebuild(get_database().sessions, store)
            print(f"indexed {count:,} courses in {time.perf_counter() - started:.0f} s")
        settings = get_settings()
        if ModelStore(settings.model_dir).current() is None:
            report = recommender_train(settings.job_context())
            print(f"model {report['version']} trained, promoted: {report['promoted']}")


def learner_with_history(app) -> tuple[int, str]:
    """The demo learner with the most events (id, email), given a password to log in with."""
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
    return user_id, email


def seed_writing(app, learner_id: int, rng: random.Random) -> list[int]:
    """Notes for the learner and discussions on popular courses, unless already there;
    returns the discussed courses."""
    with app.app_context(), get_database().sessions() as session:
        discussed = list(
            session.scalars(
                select(Course.id)
                .join(CourseStats)
                .where(Course.status == CourseStatus.PUBLISHED)
                .order_by(CourseStats.popularity.desc(), Course.id.desc())
                .limit(DISCUSSED)
            )
        )
        top_user = session.scalar(select(func.max(User.id))) or 1
        now = utcnow()
        if not session.scalar(
            select(func.count()).select_from(Note).where(Note.user_id == learner_id)
        ):
            noted = discussed[:80]
            session.execute(
                insert(Note),
                [
                    {
                        "user_id": learner_id,
                        "course_id": noted[i % len(noted)],
                        "body": f"笔记 {i}: 复习要点与练习计划 note {i}",
                        "created_at": now - timedelta(minutes=i),
                        "updated_at": now - timedelta(minutes=i),
                    }
                    for i in range(NOTES)
                ],
            )
        if not session.scalar(select(func.count()).select_from(Comment)):
            for course_id in discussed:
                tops = [
                    {
                        "course_id": course_id,
                        "user_id": rng.randint(1, top_user),
                        "body": f"这门课很实用，第 {t} 讲讲得清楚。Very practical.",
                        "created_at": now - timedelta(hours=t),
                        "updated_at": now - timedelta(hours=t),
                    }
                    for t in range(THREADS)
                ]
                session.execute(insert(Comment), tops)
                ids = session.scalars(
                    select(Comment.id).where(
                        Comment.course_id == course_id, Comment.parent_id.is_(None)
                    )
                ).all()
                session.execute(
                    insert(Comment),
                    [
                        {
                            "course_id": course_id,
                            "parent_id": parent,
                            "user_id": rng.randint(1, top_user),
                            "body": "同意，谢谢分享。",
                            "created_at": now,
                            "updated_at": now,
                        }
                        for parent in ids
                        for _ in range(2)
                    ],
                )
        session.commit()
    return discussed


def published(app) -> tuple[list[int], dict[str, int]]:
    """Published course ids, and each area's number of published courses."""
    with app.app_context(), get_database().sessions() as session:
        ids = list(
            session.scalars(select(Course.id).where(Course.status == CourseStatus.PUBLISHED))
        )
        counts = dict(
            session.execute(
                select(Course.area, func.count())
                .where(Course.status == CourseStatus.PUBLISHED)
                .group_by(Course.area)
            ).all()
        )
    return ids, {str(Area(a).value): n for a, n in counts.items()}


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


def area_urls(count: int, counts: dict[str, int], sort: str, rng: random.Random) -> list[str]:
    """Area listings under one sort: a third first pages, a third deep pages, a third last."""
    urls = []
    areas = [a for a, n in counts.items() if n]
    for i in range(count):
        area = rng.choice(areas)
        last = max(1, -(-counts[area] // PER_PAGE))
        page = (1, rng.randint(2, max(2, last - 1)) if last > 2 else 1, last)[i % 3]
        urls.append(f"/areas/{area}?" + urlencode({"sort": sort, "page": page}))
    return urls


def channel_urls(path: str, count: int, counts: dict[str, int], rng: random.Random) -> list[str]:
    """A channel's listing: half unfiltered, half by area, under its sorts."""
    urls = []
    for i in range(count):
        args = {}
        if i % 2:
            args["area"] = rng.choice(list(counts))
        if i % 3 == 1:
            args["sort"] = "popular"
        urls.append(path + ("?" + urlencode(args) if args else ""))
    return urls


def timed(client, urls: list[str]) -> list[float]:
    """Milliseconds per request; every page must answer 200."""
    samples = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        response.get_data()
        response.close()  # as a server does once the body is sent: the request has left
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return samples


def log_in(app, email: str):
    """A test client signed in as the learner."""
    client = app.test_client()
    page = client.get("/login")
    form = page.get_data(as_text=True)
    page.close()  # every response is closed, as a server does: the GC gate waits for them
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    login = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    login.close()
    if login.status_code != 302:
        raise SystemExit("could not log the learner in")
    return client


def main() -> int:
    """Prepare the instance, then time the pages."""
    args = parse_args()
    args.instance.mkdir(parents=True, exist_ok=True)
    url = args.db or f"sqlite:///{args.instance / 'lifelong.db'}"
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(args.instance),
        }
    )
    prepare(app, args.courses, args.learners)
    # As in a gunicorn worker (webapp/server.py): the garbage collector runs only between
    # requests, and a request that arrives during a collection waits for it (timed here).
    process_gate().start()
    rng = random.Random(args.seed)
    n = args.requests
    learner_id, email = learner_with_history(app)
    discussed = seed_writing(app, learner_id, rng)
    ids, counts = published(app)
    public = {
        "home": ["/"] * n,
        "area-newest": area_urls(n, counts, "newest", rng),
        "area-popular": area_urls(n, counts, "popular", rng),
        "course": [f"/courses/{rng.choice(ids)}" for _ in range(n)],
        "course-discussed": [f"/courses/{rng.choice(discussed)}" for _ in range(n)],
        "search": search_urls(n, args.seed),
        "micro": channel_urls("/micro", n, counts, rng),
        "reading": channel_urls("/reading", n, counts, rng),
    }
    personal = {"my-learning": ["/me/learning"] * n, "notes": ["/me/notes"] * n}
    # The learner's course pages are other courses than the visitor's: both start cold.
    personal["course"] = [f"/courses/{rng.choice(ids)}" for _ in range(n)]
    wanted = set(args.pages.split(",")) if args.pages else set(public) | set(personal)
    visitor = app.test_client()
    learner = log_in(app, email)
    runs = [("visitor", visitor, public), ("learner", learner, {**public, **personal})]
    for _, client, pages in runs:  # warm-up: templates, index arrays, model, caches
        for name, urls in pages.items():
            if name in wanted:
                timed(client, urls[:10])
    print(
        f"{len(ids):,} published courses, {url.split('://')[0]}; {n} requests per row",
        flush=True,
    )
    for kind, client, pages in runs:
        for name, urls in pages.items():
            if name in wanted:
                print(f"{name:16s} {kind:8s} {percentiles(timed(client, urls))}", flush=True)
    print(f"peak RSS {peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

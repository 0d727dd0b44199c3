"""Benchmark: the profile page (/me/profile) with 1,000,000 learners' learning days.

.venv/bin/python bench/records_profile.py --learners 1000000 --days-per-learner 12

Builds a fresh PostgreSQL database (migrated to head): the learners, 200 courses, and
`learning_days` for every learner (`--days-per-learner` random days in the last 120, one course
each, in one INSERT .. SELECT over generate_series), plus one measured learner with a full year
of learning in 12 courses, a goal, course events and notes. Then the page is fetched through the
real app (Flask test client, signed in through the login form) and its server-side time printed
as p50/p95/p99, with the plans of the page's learning_days queries (they must use the primary
key, not scan the table). The database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from figures import peak_rss_mb, percentiles

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import records.models  # noqa: F401
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Area, EventKind, utcnow
from catalogue.services.activity import record_event
from catalogue.services.courses import CourseData, LessonData, create_course
from catalogue.services.providers import create_provider
from catalogue.services.users import register_user
from records import learning_time, profile

ADMIN = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NAME = "lifelong_bench_profile"
PASSWORD = "bench-profile-2026"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def build(url: str, learners: int, days_per_learner: int, courses: int) -> int:
    """Fill the database; returns the measured learner's id."""
    engine = make_engine(url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    areas = list(Area)
    with sessions() as session:
        provider = create_provider(session, "基准测试大学", "university").id
        course_ids = [
            create_course(
                session,
                provider,
                CourseData(
                    external_id=f"bench-{i}",
                    title=f"课程 {i}",
                    area=areas[i % len(areas)],
                    subjects=[f"主题{i % 17}", f"主题{i % 5}"],
                    lessons=[LessonData(title=f"第{j}讲", duration_seconds=600) for j in range(4)],
                ),
                publish=True,
            ).id
            for i in range(courses)
        ]
        session.commit()
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (email, password_hash, display_name, role, preferred_language,"
                " caring_mode, text_size, interest_areas, is_active, created_at, digest_mail,"
                " reminders) SELECT 'l' || i || '@bench.cn', 'x', '学员' || i, 'learner', 'zh',"
                " false, 'large', '[]', true, now(), false, 'off'"
                " FROM generate_series(1, :n) AS i"
            ),
            {"n": learners},
        )
    print(f"{learners:,} learners in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    first, last = min(course_ids), max(course_ids)
    with engine.begin() as conn:
        # Each learner: `days` distinct days in the last 120 (a stride walk), one course a day.
        conn.execute(
            sa.text(
                "INSERT INTO learning_days (user_id, course_id, day, seconds)"
                " SELECT u.id, :first + ((u.id * 7 + k) % (:last - :first + 1)),"
                " current_date - ((u.id + k * 9) % 120), 60 + (u.id * 31 + k * 17) % 3000"
                " FROM users u CROSS JOIN generate_series(0, :days - 1) AS k"
                " ON CONFLICT DO NOTHING"
            ),
            {"first": first, "last": last, "days": days_per_learner},
        )
        conn.execute(sa.text("ANALYZE users"))
        conn.execute(sa.text("ANALYZE learning_days"))
        rows = conn.execute(sa.text("SELECT count(*) FROM learning_days")).scalar()
    print(f"{rows:,} learning_days rows in {time.perf_counter() - started:.0f} s", flush=True)
    with sessions() as session:
        me = register_user(session, "me@bench.cn", PASSWORD, "被测学员").id
        now = utcnow()
        zone = learning_time.zone_of(None)
        for back in range(365):
            for k in range(2):
                learning_time.add_time(
                    session, me, course_ids[(back + k) % 12], 600 + back % 900,
                    now - timedelta(days=back), zone,
                )  # fmt: skip
        for course_id in course_ids[:12]:
            record_event(session, me, course_id, EventKind.START)
        for course_id in course_ids[:4]:
            record_event(session, me, course_id, EventKind.COMPLETE)
        profile.set_goal(session, me, "3", True)
        session.commit()
    engine.dispose()
    return me


def explain(url: str, user_id: int) -> None:
    """Print the plans of the page's learning_days queries."""
    engine = make_engine(url)
    queries = {
        "per day (12 weeks)": "SELECT day, sum(seconds) FROM learning_days WHERE user_id = :u"
        " AND day >= current_date - 84 AND day <= current_date GROUP BY day",
        "per course": "SELECT course_id, sum(seconds) FROM learning_days WHERE user_id = :u"
        " GROUP BY course_id",
        "streak days": "SELECT DISTINCT day FROM learning_days WHERE user_id = :u"
        " AND day >= current_date - 400 AND day <= current_date AND seconds > 0",
    }
    with engine.connect() as conn:
        for name, query in queries.items():
            plan = conn.execute(sa.text("EXPLAIN " + query), {"u": user_id}).scalars().all()
            print(f"plan, {name}:")
            for line in plan:
                print("   ", line)
    engine.dispose()


def measure(url: str, requests: int) -> list[float]:
    """Server-side milliseconds of GET /me/profile, signed in as the measured learner."""
    from webapp import create_app

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": "/tmp/bench-profile-instance"})
    client = app.test_client()
    token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post(
        "/login", data={"email": "me@bench.cn", "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 302, answer.status_code
    samples = []
    for i in range(requests + 10):
        started = time.perf_counter()
        page = client.get("/me/profile")
        elapsed = (time.perf_counter() - started) * 1000
        assert page.status_code == 200, page.status_code
        if i >= 10:  # warm-up
            samples.append(elapsed)
    return samples


def main() -> None:
    """Build, explain, measure, drop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--days-per-learner", type=int, default=12)
    parser.add_argument("--courses", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{NAME}"'))
    url = admin.url.set(database=NAME).render_as_string(hide_password=False)
    try:
        me = build(url, args.learners, args.days_per_learner, args.courses)
        explain(url, me)
        samples = measure(url, args.requests)
        print(f"GET /me/profile, {len(samples)} requests: {percentiles(samples)}")
        print(f"peak memory {peak_rss_mb():.0f} MB")
    finally:
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()

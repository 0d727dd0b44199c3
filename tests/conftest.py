"""Shared fixtures: every database test runs against SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Area
from tests.helpers import empty_tables

BACKENDS = ("sqlite", "postgresql")
PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _weight(item: pytest.Item) -> int:
    name = item.path.name
    if item.get_closest_marker("slow") or name in _LONG_FILES:
        return 0
    return 1 if name.startswith("test_browser_") else 2


_LONG_FILES = {"test_openapi_contract.py", "test_production_server.py"}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files that start live sites first, then the browser files, then the rest (a stable
    sort: a file's tests keep their order), so the two test processes do not end the run
    with one of them alone on a long file."""
    items.sort(key=_weight)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> None:
    """Passwords hashed at a low scrypt cost (N = 2**10) in this process: the tests check that
    passwords are hashed, salted and checked, not scrypt's work factor, and a hash keeps its
    own parameters. Servers the live tests start keep the production cost."""
    from catalogue.services import users

    users.PASSWORD_METHOD = "scrypt:1024:8:1"


@pytest.fixture(scope="session", autouse=True)
def _shared_matcher_cache(tmp_path_factory) -> None:
    """One first-matcher cache for this run's live sites (assistant/first_matcher.py), shared
    by both test processes: the first `lifelong start` fits the assistant's matcher and the
    others adopt it. Fresh each run, so every run fits at least once."""
    if "ASSISTANT_MATCHER_CACHE" in os.environ:
        return
    base = tmp_path_factory.getbasetemp()
    run = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    os.environ["ASSISTANT_MATCHER_CACHE"] = str(run / "assistant-matchers")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public data sets beside the checkout; skips when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture
def redis_url() -> str:
    """The test Redis (TEST_REDIS_URL, default the local one); skips when unreachable, fails
    under CI."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {url}: {exc}"
        if _in_ci():
            pytest.fail(message + " (CI must run the tests that use Redis)")
        pytest.skip(message)
    finally:
        client.close()
    return url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test run, dropped at the end."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc.orig}"
        if _in_ci():
            pytest.fail(message + " (CI must run every database test on PostgreSQL)")
        pytest.skip(message)
    name = f"lifelong_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An extra, empty and unmigrated database on the same backend as `database_url`."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"lifelong_fresh_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory) -> str:
    """URL of a migrated test database, once per backend."""
    if request.param == "sqlite":
        # One file per test process: a worker switches between the backends at every test
        # file, and a migrated file is only checked again (the tests empty it as they go).
        url = f"sqlite:///{tmp_path_factory.getbasetemp() / 'test.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    upgrade_database(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """An engine on the migrated test database; every table is emptied afterwards."""
    eng = make_engine(database_url)
    try:
        yield eng
    finally:
        empty_tables(eng)
        eng.dispose()


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    """A session on the test database."""
    with make_session_factory(engine)() as s:
        yield s


@pytest.fixture
def app(engine: sa.Engine, tmp_path: Path):
    """The Flask app on the test database, with CSRF protection on as in production."""
    from webapp import create_app
    from webapp.db import get_database

    application = create_app(
        {
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
        }
    )
    yield application
    get_database(application).engine.dispose()


@pytest.fixture
def run_app_job(app):
    """Run one of the jobs worker's jobs once on the app's database, as the worker does;
    `run(job_id)` returns its figures (and fails the test unless it succeeded)."""
    from jobs.registry import get_job
    from jobs.runner import run_job
    from webapp.db import get_database
    from webapp.settings import get_settings

    def run(job_id: str) -> dict:
        outcome, figures = run_job(
            get_job(job_id),
            get_settings(app).job_context(),
            get_database(app).sessions,
            trigger="test",
        )
        assert outcome.value == "succeeded", figures
        return figures

    return run


@pytest.fixture
def apply_uploads(run_app_job):
    """Run the jobs worker's uploads-apply job once, as the worker does; returns its figures."""
    return lambda: run_app_job("uploads-apply")


@pytest.fixture
def beating_worker(app):
    """A real jobs-worker heartbeat for the app's database while the test runs, so that
    `/healthz` speaks of a healthy site (its failures are tested in tests/test_health.py)."""
    from jobs.heartbeat import Heartbeat
    from webapp.db import get_database

    heartbeat = Heartbeat(get_database(app).sessions, list, interval=1.0)
    heartbeat.start()
    yield heartbeat
    heartbeat.stop()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of the app's commands."""
    return app.test_cli_runner()


# -- browser tests (tests/browser_support.py) ------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    from tests.browser_support import launch_browser

    playwright, chromium = launch_browser()
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def site(app, session):
    """(base URL, course ids): a few courses, indexed, served on a loopback port."""
    from search.indexer import rebuild
    from tests.browser_support import serving
    from tests.helpers import make_course, make_provider
    from webapp.db import get_database

    provider = make_provider(session, "上海老年大学").id
    courses = {
        "taiji": make_course(
            session,
            provider,
            title="太极拳入门",
            subtitle="跟着老师一招一式学太极",
            description="从站桩开始，循序渐进。\n适合零基础的长辈。",
            subjects=["太极拳", "健身"],
            lessons=3,
        ).id,
        "phone": make_course(session, provider, title="老年人智能手机入门", lessons=2).id,
        "excel": make_course(
            session, provider, title="Excel for the office", area=Area.WORKPLACE, language="en"
        ).id,
    }
    session.commit()
    rebuild(get_database(app).sessions, app.extensions["lifelong.search"].store)
    with serving(app) as base:
        yield base, courses


# -- Spark training backend (tests/spark_support.py) -----------------------------------


@pytest.fixture(scope="module")
def spark():
    """One local[2] SparkSession for the module; its JVM is ended (and checked gone) after."""
    from tests.spark_support import shared_session

    with shared_session() as session:
        yield session


# -- the service desk ------------------------------------------------------------------


@pytest.fixture(scope="session")
def trained_matcher():
    """The assistant's question matcher trained once on the shipped knowledge (C and the
    threshold fixed at the values cross-validation chose, as `lifelong start` does)."""
    from assistant.knowledge import load_articles, load_questions
    from assistant.matcher import train_matcher
    from assistant.nightly import FIRST_START

    return train_matcher(load_articles(), load_questions(), settings=FIRST_START)


@pytest.fixture
def desk_app(app, trained_matcher):
    """The app with the trained matcher promoted in its model directory."""
    store = app.extensions["lifelong.assistant"].store
    store.promote(store.write(trained_matcher, {"metrics": {}, "trained_at": "test"}))
    return app

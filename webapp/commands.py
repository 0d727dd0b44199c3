"""Operator commands: `lifelong init-db`, `demo`, `create-user`, `refresh-stats`, `start`;
the command groups (`catalogue`, `index`, `recommender`, `jobs`, `backup`, `provider`) come from
their own modules."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from assistant.first_matcher import first_matcher
from catalogue.db import upgrade_database
from catalogue.errors import ServiceError, ValidationError
from catalogue.models import Course, Role
from catalogue.services.account_admin import record_account_created
from catalogue.services.activity import refresh_course_stats
from catalogue.services.providers import get_provider_by_name
from catalogue.services.users import register_user
from search.indexer import rebuild
from search.replication import Publication, discard_partial, follow_once
from search.store import IndexStore
from webapp.assistant_commands import assistant_cli
from webapp.backup_commands import backup_cli
from webapp.catalogue_commands import catalogue_cli
from webapp.certificates_commands import certificates_cli
from webapp.db import get_database, get_session
from webapp.index_commands import index_cli
from webapp.jobs_commands import PARENT_ENV, jobs_cli, worker_command
from webapp.provider_commands import command_line_operator, provider_cli
from webapp.recommender_commands import recommender_cli
from webapp.server import serve
from webapp.settings import DEFAULT_JOB_SITE_URL, Settings, get_settings
from webapp.supervisor import Child, Supervisor


def _echo_progress(stage: str, done: int, total: int) -> None:
    click.echo(f"  {stage}: {done:,}/{total:,}", err=True)


def init_database() -> None:
    """Create or upgrade the schema."""
    upgrade_database(get_database().engine)


def catalogue_is_empty() -> bool:
    """Whether the database holds no course yet."""
    with get_database().sessions() as session:
        return not session.scalar(select(func.count()).select_from(Course))


def generate_demo_data(courses: int, learners: int, seed: int) -> None:
    """Fill the database with the generated demo catalogue, learners and activity."""
    from catalogue.demo.generator import generate_demo

    summary = generate_demo(
        get_database().engine,
        courses=courses,
        learners=learners,
        seed=seed,
        progress=_echo_progress,
    )
    click.echo(
        f"Generated {summary.courses:,} courses, {summary.lessons:,} lessons, "
        f"{summary.learners:,} learners and {summary.events:,} events "
        f"in {summary.elapsed_seconds:.1f} s."
    )


def seed_records_demo() -> None:
    """The learning record's demo data (records/demo.py), signed with the site's key."""
    from records.demo import seed_demo
    from webapp.credentials import get_signer

    settings = get_settings()
    documents = Path(current_app.instance_path) / "credit-documents"
    with get_database().sessions() as session:
        seed_demo(session, get_signer(), settings.site_url or DEFAULT_JOB_SITE_URL, documents)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the database tables, or upgrade them to the newest schema."""
    init_database()
    click.echo("Database is up to date.")


@click.command("demo")
@with_appcontext
@click.option("--courses", type=click.IntRange(1, 2_000_000), default=None)
@click.option("--learners", type=click.IntRange(0, 5_000_000), default=None)
@click.option("--seed", type=int, default=20261126, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when courses exist already.")
def demo_command(courses: int | None, learners: int | None, seed: int, if_empty: bool) -> None:
    """Generate the demo catalogue, learners and their activity."""
    init_database()
    if if_empty and not catalogue_is_empty():
        click.echo("The catalogue has courses already; nothing generated.")
        return
    settings = get_settings()
    generate_demo_data(
        courses or settings.demo_courses,
        settings.demo_learners if learners is None else learners,
        seed,
    )
    seed_records_demo()


@click.command("refresh-stats")
@with_appcontext
def refresh_stats_command() -> None:
    """Recompute course popularity from the activity log."""
    with get_database().sessions() as session:
        rows = refresh_course_stats(session)
        session.commit()
    click.echo(f"Refreshed popularity of {rows:,} courses.")


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--display-name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value)
@click.option("--provider", "provider_name", help="Provider name, for partner accounts.")
@click.password_option()
def create_user_command(
    email: str, display_name: str, role: str, provider_name: str | None, password: str
) -> None:
    """Create an account of any role (the password is asked for, never echoed)."""
    with get_database().sessions() as session:
        try:
            provider_id = None
            if provider_name:
                provider_id = get_provider_by_name(session, provider_name).id
            user = register_user(
                session, email, password, display_name, role=Role(role), provider_id=provider_id
            )
            record_account_created(session, command_line_operator(), user)
            session.commit()
        except ValidationError as exc:
            for error in exc.errors:
                click.echo(f"error: {error.field}: {error.message} ({error.code})", err=True)
            sys.exit(2)
        except ServiceError as exc:
            click.echo(f"error: {exc.message} ({exc.code})", err=True)
            sys.exit(2)
    click.echo(f"Created {user.role.value} account {user.email} (id {user.id}).")


@click.command("start")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
def start_command(host: str, port: int) -> None:
    """Set everything up that is missing (database, demo data, index), then serve the site
    with the production web server and the jobs worker, each a supervised process."""
    app = current_app._get_current_object()
    settings = get_settings()
    click.echo(f"Instance folder: {settings.instance_path}")
    init_database()
    store = app.extensions["lifelong.search"].store
    if settings.index_follow is not None:
        # A read-only host: the writer's host makes the data and the index; this one copies.
        copy_published_index(store, settings.index_follow)
    else:
        if catalogue_is_empty():
            click.echo(f"Generating the demo catalogue ({settings.demo_courses:,} courses)…")
            generate_demo_data(settings.demo_courses, settings.demo_learners, 20261126)
            click.echo("Adding the demo learning record (certificate, credits, group, event)…")
            seed_records_demo()
        if not store.is_current_schema():
            click.echo("Building the search index…")
            count = rebuild(get_database().sessions, store)
            click.echo(f"Indexed {count:,} courses.")
        if app.extensions["lifelong.assistant"].store.current() is None:
            click.echo(
                "Preparing the assistant's question matcher (under a minute the first time)…"
            )
            first = first_matcher(
                get_session(),
                app.extensions["lifelong.assistant"].store,
                settings.assistant_matcher_cache,
            )
            click.echo(f"Assistant's question matcher: {first.message}.")
    # Nothing of this process's app is used by the children: they build their own.
    get_database().engine.dispose()
    env = child_env()
    python = [sys.executable, "-m", "webapp"]
    web = Child("Web server", [*python, "serve", "--host", host, "--port", str(port)], env)
    if settings.index_follow is not None:
        second = Child("Index follower", [*python, "index", "follow"], env)
    else:
        second = Child("Jobs worker", [*python, "worker"], env)
    supervisor = Supervisor(
        [web, second],
        say=click.echo,
        stop_timeout=settings.web_graceful_timeout + 30,
    )
    supervisor.run(
        started=lambda: click.echo(
            f"Lifelong Learning is running at http://{host}:{port}/  "
            f"({settings.web_workers} web processes × {settings.web_threads} threads; "
            "Ctrl+C to stop)"
        )
    )
    click.echo("Stopped.")


def copy_published_index(store: IndexStore, follow: Path) -> None:
    """On a read-only host: copy the newest publication now, if the index is not a copy of
    it, so the site starts with an index (the follower keeps it current afterwards)."""
    publication = Publication(follow)
    if publication.pointer() is None:
        click.echo(
            f"No index has been published in {follow} yet: searches answer INDEX_MISSING "
            "until the writer's host publishes one."
        )
        return
    with store.writer_lock():
        discard_partial(store)
    click.echo(f"Copying the search index published in {follow}…")
    done = follow_once(store, publication)
    if done is not None:
        click.echo(
            f"Copied publication {done.manifest.seq} ({done.manifest.documents:,} courses) "
            f"in {done.seconds:.1f} s."
        )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
def serve_command(host: str, port: int) -> None:
    """Serve the site with the production web server only (no setup, no jobs worker)."""
    settings = Settings.load()
    try:
        import gunicorn  # noqa: F401
    except ImportError:  # not on Unix: the development server, said out loud
        from werkzeug.serving import run_simple

        from webapp import create_app

        click.echo("gunicorn is not available here; serving with Werkzeug's development server.")
        run_simple(host, port, create_app(), threaded=True)
        return
    serve(settings, host, port)


def child_env() -> dict[str, str]:
    """This process's environment with its settings, for the processes it starts."""
    settings = get_settings()
    replication = {}
    if settings.index_publish_dir is not None:
        replication["INDEX_PUBLISH_DIR"] = str(settings.index_publish_dir)
    if settings.index_follow is not None:
        replication["INDEX_FOLLOW"] = str(settings.index_follow)
    return {
        **os.environ,
        **replication,
        "INSTANCE_PATH": str(settings.instance_path),
        "DATABASE_URL": settings.database_url,
        "INDEX_DIR": str(settings.index_dir),
        "MODEL_DIR": str(settings.model_dir),
        "UPLOAD_DIR": str(settings.upload_dir),
        "JOBS_TIMEZONE": settings.jobs_timezone,
        "PYTHONUNBUFFERED": "1",  # their lines reach the log as they are written
        PARENT_ENV: str(os.getpid()),
    }


def init_app(app: Flask) -> None:
    """Register the commands on the app's CLI."""
    for command in (
        init_db_command,
        demo_command,
        refresh_stats_command,
        create_user_command,
        start_command,
        serve_command,
        catalogue_cli,
        provider_cli,
        index_cli,
        recommender_cli,
        assistant_cli,
        jobs_cli,
        worker_command,
        backup_cli,
        certificates_cli,
    ):
        app.cli.add_command(command)

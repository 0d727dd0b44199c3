"""`lifelong backup …`: back up the database, the search index and the models, and restore."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from jobs.backup import BackupError, create_backup, plan_restore, read_backup, restore_backup
from webapp.db import get_database
from webapp.recommendations import get_models
from webapp.search_index import get_search
from webapp.settings import get_settings

backup_cli = AppGroup("backup", help="Backups of the database, the search index and the models.")


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@backup_cli.command("create")
@click.argument("dest", type=click.Path(path_type=Path))
def create_command(dest: Path) -> None:
    """Write a consistent backup to DEST, a new folder (the site may keep running)."""
    try:
        manifest = create_backup(get_database().engine, get_search().store, get_models(), dest)
    except (BackupError, OSError, SQLAlchemyError) as exc:
        _fail(str(exc))
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    click.echo(f"Backed up to {dest} ({size / 1e6:,.1f} MB):")
    click.echo(f"  database: {manifest.database_kind}, schema revision {manifest.schema_revision}")
    click.echo(f"  search index: {manifest.index_generation or 'none built yet'}")
    click.echo(
        f"  models: current {manifest.model_current or 'none'}, "
        f"previous {manifest.model_previous or 'none'}"
    )


@backup_cli.command("verify")
@click.argument("src", type=click.Path(path_type=Path))
def verify_command(src: Path) -> None:
    """Check a backup in SRC (manifest, every file's checksum) without restoring it."""
    try:
        manifest = read_backup(src)
    except (BackupError, OSError) as exc:
        _fail(str(exc))
    click.echo(
        f"{src}: a complete backup of {manifest.created_at} ({len(manifest.files)} files, "
        f"{manifest.database_kind} database at schema revision {manifest.schema_revision})."
    )


@backup_cli.command("restore")
@click.argument("src", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the live data.")
@click.option("--force", is_flag=True, help="Restore even while a jobs worker is running.")
def restore_command(src: Path, yes: bool, force: bool) -> None:
    """Replace the database, the search index and the models with the backup in SRC."""
    engine = get_database().engine
    try:
        plan = plan_restore(src, engine, force=force)
    except (BackupError, OSError, SQLAlchemyError) as exc:
        _fail(str(exc))
    manifest = plan.manifest
    settings = get_settings()
    click.echo(
        f"Backup of {manifest.created_at}: {manifest.database_kind} database at schema "
        f"revision {manifest.schema_revision}, index {manifest.index_generation or 'none'}, "
        f"model {manifest.model_current or 'none'}."
    )
    if plan.worker:
        click.echo("Warning: a jobs worker is running (--force).", err=True)
    if not yes:
        click.confirm(
            f"Replace the database ({engine.url.render_as_string(hide_password=True)}), "
            f"the index in {settings.index_dir} and the models in {settings.model_dir}?",
            abort=True,
        )
    try:
        report = restore_backup(plan, engine, get_search().store, get_models())
    except (BackupError, OSError, SQLAlchemyError) as exc:
        _fail(str(exc))
    click.echo(f"Restored the database (schema revision {report.schema_revision}).")
    if report.migrated_from:
        click.echo(f"  migrated from schema revision {report.migrated_from}")
    if report.index_generation:
        click.echo(f"  search index: {report.index_generation} is live")
    if report.model_current:
        click.echo(f"  models: {report.model_current} is current")
    for note in report.notes:
        click.echo(f"Note: {note}")

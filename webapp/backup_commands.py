"""`lifelong backup …`: back up the database, the search index, the models, the certificate
signing keys and the credit documents, and restore."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from jobs.backup import (
    BackupError,
    Manifest,
    create_backup,
    plan_restore,
    read_backup,
    restore_backup,
)
from webapp.db import get_database
from webapp.recommendations import get_models
from webapp.search_index import get_search
from webapp.settings import Settings, get_settings

backup_cli = AppGroup("backup", help="Backups of the database, the search index and the models.")


def _folders(settings: Settings) -> dict[str, Path]:
    """The key directory and the credit documents' folder of these settings."""
    return {
        "key_dir": settings.certificate_key_dir or settings.instance_path / "certificate-keys",
        "documents_dir": settings.instance_path / "credit-documents",
    }


def _holds(manifest: Manifest) -> str:
    """What the backup says about its keys and documents."""
    keys = (
        f"signing keys: current {manifest.key_current}, {len(manifest.key_ids)} public"
        if manifest.has_keys
        else "no signing keys"
    )
    documents = (
        f"{manifest.document_count} credit documents"
        if manifest.has_documents
        else "no credit documents"
    )
    return f"{keys}; {documents}"


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@backup_cli.command("create")
@click.argument("dest", type=click.Path(path_type=Path))
def create_command(dest: Path) -> None:
    """Write a consistent backup to DEST, a new folder (the site may keep running)."""
    try:
        manifest = create_backup(
            get_database().engine,
            get_search().store,
            get_models(),
            dest,
            **_folders(get_settings()),
        )
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
    click.echo(f"  {_holds(manifest)}")


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
        f"{manifest.database_kind} database at schema revision {manifest.schema_revision}; "
        f"{_holds(manifest)})."
    )


@backup_cli.command("restore")
@click.argument("src", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the live data.")
@click.option("--force", is_flag=True, help="Restore even while a jobs worker is running.")
def restore_command(src: Path, yes: bool, force: bool) -> None:
    """Replace the database, the search index and the models with the backup in SRC."""
    engine = get_database().engine
    settings = get_settings()
    folders = _folders(settings)
    try:
        plan = plan_restore(src, engine, force=force, key_dir=folders["key_dir"])
    except (BackupError, OSError, SQLAlchemyError) as exc:
        _fail(str(exc))
    manifest = plan.manifest
    click.echo(
        f"Backup of {manifest.created_at}: {manifest.database_kind} database at schema "
        f"revision {manifest.schema_revision}, index {manifest.index_generation or 'none'}, "
        f"model {manifest.model_current or 'none'}; {_holds(manifest)}."
    )
    if plan.worker:
        click.echo("Warning: a jobs worker is running (--force).", err=True)
    if plan.replaces_key:
        click.echo(
            f"Warning: the backup's signing key {manifest.key_current} replaces the current key "
            f"{plan.replaces_key} in {folders['key_dir']} (its public key is kept).",
            err=True,
        )
    if not yes:
        also = []
        if manifest.has_keys:
            also.append(f"the signing keys in {folders['key_dir']}")
        if manifest.has_documents:
            also.append(f"the credit documents in {folders['documents_dir']}")
        click.confirm(
            f"Replace the database ({engine.url.render_as_string(hide_password=True)}), "
            f"the index in {settings.index_dir}, the models in {settings.model_dir}"
            + "".join(f", {part}" for part in also)
            + "?",
            abort=True,
        )
    try:
        report = restore_backup(
            plan,
            engine,
            get_search().store,
            get_models(),
            **folders,
            replace_key=True,  # shown above and confirmed (or --yes)
        )
    except (BackupError, OSError, SQLAlchemyError) as exc:
        _fail(str(exc))
    click.echo(f"Restored the database (schema revision {report.schema_revision}).")
    if report.migrated_from:
        click.echo(f"  migrated from schema revision {report.migrated_from}")
    if report.index_generation:
        click.echo(f"  search index: {report.index_generation} is live")
    if report.model_current:
        click.echo(f"  models: {report.model_current} is current")
    if report.key_current:
        click.echo(f"  signing keys: {report.key_current} is current")
    if report.documents is not None:
        click.echo(f"  credit documents: {report.documents}")
    for note in report.notes:
        click.echo(f"Note: {note}")

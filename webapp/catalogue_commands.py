"""`lifelong catalogue import`: apply a partner file from a shell, as the portal would."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from catalogue.errors import NotFound, ValidationError
from catalogue.ingest import service as ingest
from catalogue.ingest.problems import FileRejected
from catalogue.models import Area, Role, UploadPolicy, UploadStatus
from catalogue.services.providers import get_provider_by_name
from webapp.db import get_database
from webapp.settings import get_settings

catalogue_cli = AppGroup("catalogue", help="Partner catalogue files.")


def _summary(upload, report: Path | None) -> dict:
    return {
        "upload_id": upload.id,
        "status": upload.status.value,
        "rows": upload.total_rows,
        **upload.summary(),
        "error": {"code": upload.error_code, "message": upload.error_message}
        if upload.error_code
        else None,
        "report": str(report) if report else None,
    }


@catalogue_cli.command("import")
@click.option("--provider", "provider_name", required=True, help="The provider's exact name.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--policy", type=click.Choice([p.value for p in UploadPolicy]), default="valid_rows")
@click.option("--full-sync", is_flag=True, help="Withdraw the provider's courses not in FILE.")
@click.option("--default-area", type=click.Choice([a.value for a in Area]))
@click.option("--encoding", help="The file's text encoding, when detection cannot tell.")
@click.option("--mapping", "mapping_json", help='JSON object: {"your column": "field", …}')
@click.option(
    "--language",
    help="The language of every course in FILE (zh, en, …); default: detected per course.",
)
@click.option(
    "--no-infer-area",
    is_flag=True,
    help="Give rows without an area the default area instead of inferring one.",
)
@click.option("--json-path", help="Where a JSON file's course list is (e.g. data.list).")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the error report (default: upload-<id>-errors.csv).",
)
def import_command(
    provider_name: str,
    file: Path,
    policy: str,
    full_sync: bool,
    default_area: str | None,
    encoding: str | None,
    mapping_json: str | None,
    language: str | None,
    no_infer_area: bool,
    json_path: str | None,
    report_path: Path | None,
) -> None:
    """Import FILE into a provider's catalogue and print the summary as JSON."""
    settings = get_settings()
    database = get_database()
    options = ingest.UploadOptions(
        policy=UploadPolicy(policy),
        full_sync=full_sync,
        default_area=Area(default_area) if default_area else None,
        encoding=encoding,
        language=language,
        infer_area=not no_infer_area,
        json_path=json_path,
    )
    operator = ingest.Actor(user_id=None, role=Role.ADMIN)
    limits = settings.upload_limits()
    try:
        mapping = json.loads(mapping_json) if mapping_json else None
    except ValueError:
        raise click.UsageError("--mapping must be a JSON object") from None
    with database.sessions() as session:
        try:
            provider = get_provider_by_name(session, provider_name)
        except NotFound as exc:
            raise click.UsageError(exc.message) from None
        with file.open("rb") as stream:
            try:
                upload = ingest.receive_upload(
                    session,
                    operator,
                    provider.id,
                    file.name,
                    stream,
                    settings.upload_dir,
                    channel="cli",
                    options=options,
                    limits=limits,
                )
            except ValidationError as exc:
                raise click.UsageError(exc.message) from None
        try:
            if upload.status == UploadStatus.RECEIVED:
                if mapping is not None:
                    ingest.configure_upload(
                        session, upload, mapping=mapping, upload_dir=settings.upload_dir
                    )
                ingest.queue_upload(session, upload)
        except FileRejected as exc:
            session.rollback()
            click.echo(json.dumps({"error": {"code": exc.code, "message": exc.message}}))
            sys.exit(2)
        session.commit()
        upload_id = upload.id
    if upload.status == UploadStatus.QUEUED:

        def progress(done: int, total: int) -> None:
            click.echo(f"  {done:,}/{total:,} rows", err=True)

        upload = ingest.run_upload(
            database.sessions, upload_id, settings.upload_dir, progress=progress
        )
    report = None
    with database.sessions() as session:
        upload = ingest.get_upload(session, operator, upload_id)
        if upload.rejected:
            report = report_path or Path(f"upload-{upload_id}-errors.csv")
            with report.open("w", encoding="utf-8-sig", newline="") as out:
                ingest.write_error_report(session, upload, out)
        click.echo(json.dumps(_summary(upload, report), ensure_ascii=False, indent=2))
    if upload.status != UploadStatus.APPLIED:
        sys.exit(1)

"""Helpers for driving uploads through the real ingestion service in tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import Engine

from catalogue.db import make_session_factory
from catalogue.ingest import service as ingest
from catalogue.models import Role

ADMIN = ingest.Actor(user_id=None, role=Role.ADMIN)


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    """A CSV file's bytes."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def run_file(
    engine: Engine,
    provider_id: int,
    data: bytes,
    upload_dir: Path,
    *,
    filename: str = "catalogue.csv",
    options: ingest.UploadOptions = ingest.UploadOptions(),
    limits: ingest.Limits = ingest.Limits(),
    progress=None,
):
    """Receive, queue and apply a file synchronously; returns the finished upload."""
    sessions = make_session_factory(engine)
    with sessions() as session:
        upload = ingest.receive_upload(
            session,
            ADMIN,
            provider_id,
            filename,
            io.BytesIO(data),
            upload_dir,
            channel="cli",
            options=options,
            limits=limits,
        )
        if upload.status.value == "rejected":
            session.commit()
            return upload
        ingest.queue_upload(session, upload)
        session.commit()
        upload_id = upload.id
    return ingest.run_upload(sessions, upload_id, upload_dir, progress=progress)

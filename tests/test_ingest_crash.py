"""SIGKILL in the middle of applying an upload loses nothing and applies nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.demo.files import write_catalogue_file
from catalogue.ingest.service import fail_interrupted_uploads
from catalogue.models import Course, IndexOutbox, StagedCourse, Upload, UploadStatus
from catalogue.services.providers import create_provider


def test_killed_import_leaves_the_catalogue_untouched(fresh_database_url, tmp_path):
    engine = make_engine(fresh_database_url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    with sessions() as session:
        create_provider(session, "国家开放大学", "university")
        session.commit()
    source = tmp_path / "catalogue.csv"
    write_catalogue_file(source, 30_000)
    env = {
        **os.environ,
        "DATABASE_URL": fresh_database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "webapp",
            "catalogue",
            "import",
            "--provider",
            "国家开放大学",
            "--default-area",
            "continuing",
            str(source),
        ],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        applied = 0
        while applied < 5000 and time.monotonic() < deadline:
            line = proc.stderr.readline()
            assert line, "the import ended before it could be killed"
            if line.strip().endswith("rows"):
                applied = int(line.split("/")[0].replace(",", ""))
        assert applied >= 5000, "no progress seen"
        # Thousands of rows are staged now (invisible to readers): kill it there.
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Course)) == 0
        assert session.scalar(select(func.count()).select_from(IndexOutbox)) == 0
        assert session.scalar(select(Upload.status)) == UploadStatus.RUNNING
        assert fail_interrupted_uploads(session) == 1
        session.commit()
        upload = session.scalar(select(Upload))
        assert (upload.status, upload.error_code) == (UploadStatus.FAILED, "INTERRUPTED")
        # The rows it had staged are removed at start.
        assert session.scalar(select(func.count()).select_from(StagedCourse)) == 0
    engine.dispose()

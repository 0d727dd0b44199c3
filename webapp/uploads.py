"""Partner uploads as the web processes see them: where files are kept, how large they may be.

The web processes receive, preview and queue uploads. The jobs worker applies them (the
`uploads-apply` job, jobs/registry.py) in its own process, so parsing a large file never
competes with the requests of a web process for its interpreter; its progress reaches the
portal through the upload's row (`processed_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from catalogue.ingest.service import Limits
from webapp.settings import Settings

EXTENSION = "lifelong.uploads"


@dataclass(frozen=True)
class UploadDesk:
    """Where received files go and the size limits they must keep."""

    upload_dir: Path
    limits: Limits

    @property
    def max_upload_mb(self) -> int:
        """The file size limit in whole megabytes, for the forms."""
        return self.limits.max_bytes // (1024 * 1024)


def init_app(app: Flask, settings: Settings) -> UploadDesk:
    """Create the app's upload desk."""
    desk = UploadDesk(upload_dir=settings.upload_dir, limits=settings.upload_limits())
    app.extensions[EXTENSION] = desk
    return desk


def get_uploads() -> UploadDesk:
    """The current app's upload desk."""
    return current_app.extensions[EXTENSION]

"""What a job needs to run: where the database, the index and the models live.

Plain paths and URLs, not open objects, so that a job can also run in a child process.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class JobContext:
    """The locations a job works on."""

    database_url: str
    index_dir: Path
    model_dir: Path

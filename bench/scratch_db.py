"""An empty database for one benchmark run, dropped afterwards."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ADMIN = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def scratch_database(name: str, postgres: bool) -> Iterator[str]:
    """The URL of a fresh database: PostgreSQL database `name` (made anew) on the test server,
    else an SQLite file in a temporary folder; both are removed when the block ends."""
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as folder:
        if not postgres:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
            return
        admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
        drop = sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        try:
            with admin.connect() as conn:
                conn.execute(drop)
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            yield admin.url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(drop)
            admin.dispose()

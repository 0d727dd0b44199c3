"""Copies of the database that are consistent while the site runs, and putting one back.

SQLite: the online backup API, read inside one read transaction (in WAL mode writers go on
meanwhile), restored with the same API into the live file in one write transaction.
PostgreSQL: `pg_dump --format=custom` from a snapshot exported by a REPEATABLE READ transaction;
restored by `pg_restore --clean --if-exists --no-owner` whose script `psql` applies in one
transaction, after dropping every table of ours: a failed restore changes nothing, and a backup
of an older schema leaves no table of a newer one behind for the migrations to trip on. (Tables
that are not ours, in the same database, are left alone.)

The password never appears on a command line: the client programs get the URL without it and
the password in PGPASSWORD.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url

from catalogue.models import Base

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
KINDS = (SQLITE, POSTGRESQL)
# The name of the database copy inside a backup, by kind.
DATABASE_FILES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}
# Where Debian and Ubuntu put the PostgreSQL client programs of each major version.
CLIENT_DIRS = "/usr/lib/postgresql/*/bin"
# How long a restore waits for the locks of requests in flight before giving up.
LOCK_TIMEOUT = "60s"


class BackupError(RuntimeError):
    """A backup that cannot be made or restored; the message says why and what to do."""


def database_kind(engine: Engine) -> str:
    """`sqlite` or `postgresql`: the kind of database behind an engine."""
    kind = engine.dialect.name
    if kind not in KINDS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {kind}")
    return kind


def find_client(name: str, search: Sequence[str | Path] | None = None) -> Path:
    """A PostgreSQL client program (pg_dump, pg_restore, psql): on PATH, else the newest one
    in /usr/lib/postgresql/*/bin."""
    if search is None:
        found = shutil.which(name)
        if found:
            return Path(found)
        search = sorted(Path("/").glob(CLIENT_DIRS.lstrip("/")), key=_major, reverse=True)
    for folder in search:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(
        f"{name} is not installed: install the PostgreSQL client programs "
        f"(Debian: apt-get install postgresql-client) or put {name} on PATH"
    )


def _major(folder: Path) -> int:
    match = re.search(r"/(\d+)/bin$", folder.as_posix())
    return int(match.group(1)) if match else 0


def libpq_target(url: str | URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment carrying it in
    PGPASSWORD (so that no password shows in the process list)."""
    parsed = make_url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    without = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )  # (URL.set cannot take a value away)
    return without.render_as_string(hide_password=False), env


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("only a SQLite database in a file can be backed up")
    return Path(database)


@dataclass(frozen=True)
class DatabaseSnapshot:
    """A pinned, consistent view of the database: its schema revision, and how to copy it."""

    kind: str
    revision: str | None
    _dump: Callable[[Path], None]

    def dump(self, dest: Path) -> None:
        """Write the pinned view to a file (SQLite database file, or pg_dump custom archive)."""
        self._dump(dest)


@contextlib.contextmanager
def pinned_snapshot(engine: Engine) -> Iterator[DatabaseSnapshot]:
    """Pin what the database holds now; `dump` copies exactly that, however long it takes and
    whatever is written meanwhile. Pinning is quick, so it can be done under another lock."""
    if database_kind(engine) == SQLITE:
        path = _sqlite_path(engine)
        if not path.is_file():
            raise BackupError(f"there is no database at {path} (run: lifelong init-db)")
        source = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            source.execute("BEGIN")  # the first read below starts the read transaction
            has_version = source.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            revision = (
                source.execute("SELECT version_num FROM alembic_version").fetchone()
                if has_version
                else None
            )
            yield DatabaseSnapshot(
                SQLITE, revision[0] if revision else None, lambda dest: _sqlite_copy(source, dest)
            )
        finally:
            source.close()
        return
    pg_dump = find_client("pg_dump")
    url = engine.url
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            revision = None
            if connection.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL")):
                revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
            snapshot_id = connection.scalar(text("SELECT pg_export_snapshot()"))
            yield DatabaseSnapshot(
                POSTGRESQL, revision, lambda dest: _pg_dump(pg_dump, url, snapshot_id, dest)
            )


def _sqlite_copy(source: sqlite3.Connection, dest: Path) -> None:
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        # One self-contained file, with no write-ahead log beside it.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def _pg_dump(pg_dump: Path, url: URL, snapshot_id: str, dest: Path) -> None:
    uri, env = libpq_target(url)
    command = [
        str(pg_dump),
        "--format=custom",
        f"--snapshot={snapshot_id}",
        "--no-password",
        f"--file={dest}",
        f"--dbname={uri}",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(f"pg_dump failed: {_tail(done.stderr)}")


def restore_database(engine: Engine, source: Path, kind: str) -> None:
    """Replace everything in the database with a copy made by `DatabaseSnapshot.dump`, in one
    transaction (the schema revision comes back with it; migrate afterwards)."""
    if kind != database_kind(engine):
        raise BackupError(
            f"the backup holds a {kind} database but the site uses {database_kind(engine)}"
        )
    if kind == SQLITE:
        _sqlite_restore(_sqlite_path(engine), source)
    else:
        _pg_restore(engine, source)


def check_restore_clients(kind: str) -> None:
    """Fail early, before anything changes, when a client program a restore needs is missing."""
    if kind == POSTGRESQL:
        find_client("pg_restore")
        find_client("psql")


def _sqlite_restore(target: Path, source: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(target, timeout=60)
        try:
            # Copies every page and commits once: other connections see the old database
            # or the restored one, never a mixture.
            reader.backup(writer)
        finally:
            writer.close()
    except sqlite3.Error as exc:
        raise BackupError(f"restoring the SQLite database failed: {exc}") from exc
    finally:
        reader.close()


def _pg_restore(engine: Engine, source: Path) -> None:
    pg_restore, psql = find_client("pg_restore"), find_client("psql")
    inspector = inspect(engine)
    schema = inspector.default_schema_name
    quote = engine.dialect.identifier_preparer.quote
    # Every table of ours, also those a newer migration than the backup's made: restored to
    # the backup's revision, the database must not hold them when it is migrated again.
    ours = {*Base.metadata.tables, "alembic_version"}
    drops = "".join(
        f"DROP TABLE IF EXISTS {quote(schema)}.{quote(table)} CASCADE;\n"
        for table in inspector.get_table_names()
        if table in ours
    )
    prelude = f"SET client_min_messages = warning;\nSET lock_timeout = '{LOCK_TIMEOUT}';\n{drops}"
    uri, env = libpq_target(engine.url)
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        applying = subprocess.Popen(
            [
                str(psql),
                "--no-psqlrc",
                "--quiet",
                "--no-password",
                "--set=ON_ERROR_STOP=1",
                f"--dbname={uri}",
                "--file=-",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        reading = subprocess.Popen(
            [
                str(pg_restore),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--file=-",
                str(source),
            ],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
        )
        assert applying.stdin is not None and reading.stdout is not None
        complete = False
        try:
            # One transaction, committed only when pg_restore read the whole backup: a
            # damaged archive or a failing statement (psql stops at the first) changes nothing.
            applying.stdin.write(f"BEGIN;\n{prelude}".encode())
            while chunk := reading.stdout.read(1 << 20):
                applying.stdin.write(chunk)
            complete = reading.wait() == 0
            if complete:
                applying.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:  # psql stopped at an error; its message says which
            pass
        finally:
            with contextlib.suppress(BrokenPipeError):
                applying.stdin.close()
            reading.stdout.close()
            if reading.poll() is None:
                reading.kill()
            reading.wait()
            applying.wait()
        if applying.returncode:
            psql_errors.seek(0)
            raise BackupError(
                "restoring the PostgreSQL database failed, nothing was changed: "
                + _tail(psql_errors.read().decode("utf-8", "replace"))
            )
        if not complete:
            restore_errors.seek(0)
            raise BackupError(
                "pg_restore could not read the backup, nothing was changed: "
                + _tail(restore_errors.read().decode("utf-8", "replace"))
            )


def _tail(output: str, limit: int = 2000) -> str:
    output = (output or "").strip()
    return output[-limit:] if output else "(no message)"

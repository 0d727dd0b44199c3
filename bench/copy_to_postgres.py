"""Benchmark helper: copy a generated SQLite database into a fresh PostgreSQL database.

.venv/bin/python bench/copy_to_postgres.py --sqlite /work/scale/full.db \
    --db postgresql://postgres@127.0.0.1:5432/lifelong_full

Generating 30 million events through the demo generator takes about half an hour on SQLite;
copying them with COPY takes a fraction of that, so the full-scale PostgreSQL database is made
from the SQLite one: same rows, same ids. The target database is dropped and created, migrated
to the newest schema, each table is loaded with COPY (secondary indexes dropped during the load
and built after it, foreign-key triggers off since the source already satisfied them), the id
sequences are moved past the copied ids, and the tables are analysed and vacuumed.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

import psycopg
from figures import peak_rss_mb
from sqlalchemy import make_url

from catalogue.db import make_engine, upgrade_database
from catalogue.models import Base

BATCH = 50_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", type=Path, required=True)
    parser.add_argument("--db", required=True, help="the PostgreSQL database to (re)create")
    return parser.parse_args(argv)


def libpq_dsn(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as a libpq connection string."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def recreate_database(url: str) -> None:
    """Drop and create the target database (connecting to the server's `postgres` database)."""
    parsed = make_url(url)
    name = parsed.database
    admin = libpq_dsn(parsed.set(database="postgres").render_as_string(hide_password=False))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def secondary_indexes(conn: psycopg.Connection, table: str) -> list[tuple[str, str]]:
    """(name, definition) of a table's indexes that back no constraint."""
    return conn.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        (table,),
    ).fetchall()


def copy_table(source: sqlite3.Connection, target: psycopg.Connection, table: str) -> int:
    """COPY every row of one table; returns the number of rows."""
    columns = [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]
    names = ", ".join(f'"{c}"' for c in columns)
    rows = 0
    cursor = source.execute(f'SELECT {names} FROM "{table}"')
    with target.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        while batch := cursor.fetchmany(BATCH):
            for row in batch:
                copy.write_row(row)
            rows += len(batch)
    return rows


def move_sequences(conn: psycopg.Connection) -> None:
    """Set every serial id sequence past the largest copied id."""
    owned = conn.execute(
        """
        SELECT s.relname, t.relname, a.attname FROM pg_class s
        JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'a'
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE s.relkind = 'S'
        """
    ).fetchall()
    for sequence, table, column in owned:
        conn.execute(
            f'SELECT setval(\'"{sequence}"\', COALESCE((SELECT max("{column}") FROM "{table}"), 0)'
            " + 1, false)"
        )


def main(argv: list[str] | None = None) -> int:
    """Create, migrate and load the PostgreSQL database; print what each table took."""
    args = parse_args(argv)
    if not args.sqlite.exists():
        print(f"{args.sqlite} does not exist", file=sys.stderr)
        return 1
    started = time.perf_counter()
    recreate_database(args.db)
    engine = make_engine(args.db)
    upgrade_database(engine)
    engine.dispose()
    source = sqlite3.connect(args.sqlite)
    source_tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master")}
    with psycopg.connect(libpq_dsn(args.db)) as target:
        target.execute("SET session_replication_role = replica")  # no foreign-key triggers
        target.execute("SET TIME ZONE 'UTC'")  # SQLite's timestamps are UTC wall-clock text
        target.execute("SET maintenance_work_mem = '1GB'")
        for table in Base.metadata.sorted_tables:
            if table.name not in source_tables:
                continue
            table_started = time.perf_counter()
            indexes = secondary_indexes(target, table.name)
            for name, _ in indexes:
                target.execute(f'DROP INDEX "{name}"')
            rows = copy_table(source, target, table.name)
            for _, definition in indexes:
                target.execute(definition)
            target.commit()
            elapsed = time.perf_counter() - table_started
            print(f"{table.name:28s} {rows:>12,} rows {elapsed:8.1f} s", flush=True)
        move_sequences(target)
        target.commit()
    with psycopg.connect(libpq_dsn(args.db), autocommit=True) as target:
        vacuum_started = time.perf_counter()
        target.execute("VACUUM ANALYZE")
        print(f"vacuum analyze {time.perf_counter() - vacuum_started:.1f} s")
    print(f"elapsed seconds: {time.perf_counter() - started:.1f}")
    print(f"peak RSS MB: {peak_rss_mb():,.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: ingest a generated partner catalogue file end to end and print the figures.

.venv/bin/python bench/ingest.py --rows 100000 --format csv
.venv/bin/python bench/ingest.py --rows 100000 --db postgresql://postgres@127.0.0.1:5432/bench

Writes the file with the demo generator, then receives (store + detect format, encoding,
row count), applies (parse, validate, bulk insert, outbox) and re-applies it (every row
unchanged) through the real ingestion service, on a fresh database.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from figures import peak_rss_mb

from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.demo.files import write_catalogue_file
from catalogue.ingest import service as ingest
from catalogue.models import Base, Role
from catalogue.services.providers import create_provider

OPERATOR = ingest.Actor(user_id=None, role=Role.ADMIN)


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "jsonl", "json", "xlsx"], default="csv")
    parser.add_argument("--encoding", default="utf-8")
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    return parser.parse_args()


def fresh_engine(url: str | None, workdir: Path) -> sa.Engine:
    """A migrated, empty database."""
    engine = make_engine(url or f"sqlite:///{workdir / 'bench.db'}")
    if url:
        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade_database(engine)
    return engine


def run_once(sessions, provider_id: int, path: Path, upload_dir: Path):
    """Receive and apply a file; returns the upload and the two phase timings."""
    start = time.perf_counter()
    with sessions() as session, path.open("rb") as stream:
        upload = ingest.receive_upload(
            session,
            OPERATOR,
            provider_id,
            path.name,
            stream,
            upload_dir,
            channel="cli",
            limits=ingest.Limits(max_bytes=2**31, max_rows=10_000_000),
        )
        ingest.queue_upload(session, upload)
        session.commit()
        upload_id = upload.id
    received = time.perf_counter()
    upload = ingest.run_upload(sessions, upload_id, upload_dir)
    return upload, received - start, time.perf_counter() - received


def main() -> None:
    """Run the benchmark and print its figures."""
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lifelong-ingest-"))
    try:
        path = workdir / f"catalogue.{args.format}"
        start = time.perf_counter()
        write_catalogue_file(path, args.rows, fmt=args.format, encoding=args.encoding)
        written = time.perf_counter() - start
        size = path.stat().st_size
        engine = fresh_engine(args.db, workdir)
        sessions = make_session_factory(engine)
        with sessions() as session:
            provider_id = create_provider(session, "基准测试大学", "university").id
            session.commit()
        rss_before = peak_rss_mb()
        first, receive_s, apply_s = run_once(sessions, provider_id, path, workdir / "up")
        again, receive2_s, apply2_s = run_once(sessions, provider_id, path, workdir / "up")
        print(
            f"file: {args.rows:,} rows, {args.format}, {args.encoding}, "
            f"{size / 1e6:.1f} MB (written in {written:.1f} s)"
        )
        print(f"database: {engine.dialect.name}")
        print(f"first upload: {first.status.value} {first.summary()}")
        print(f"  receive (store, format, encoding, count): {receive_s:.1f} s")
        print(f"  apply: {apply_s:.1f} s = {args.rows / apply_s:,.0f} rows/s")
        print(f"  end to end: {args.rows / (receive_s + apply_s):,.0f} rows/s")
        print(f"re-upload: {again.status.value} {again.summary()}")
        print(
            f"  receive {receive2_s:.1f} s, apply {apply2_s:.1f} s = "
            f"{args.rows / apply2_s:,.0f} rows/s"
        )
        print(f"peak RSS: {peak_rss_mb():.0f} MB (before the uploads: {rss_before:.0f} MB)")
        engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: publishing the index for read-only hosts and copying it (search/replication.py).

.venv/bin/python bench/index_replication.py --url sqlite:////tmp/repl-bench.db --courses 50000

The database at --url is migrated and, when it has no courses, filled by the demo generator.
In --workdir it then times: a full rebuild published to a publication folder (the writer's
side), a follower's first copy of it (every file new), and --rounds of a sync of --changes
renamed courses (its publication and the follower's copy of only the new files). Sizes and
times are printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from pathlib import Path

from sqlalchemy import select

from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.demo import generate_demo
from catalogue.models import Course
from catalogue.services.courses import CourseData, update_course
from search import indexer
from search.replication import Publication, follow_once
from search.store import IndexStore


def _rename(sessions, ids: list[int], round_no: int) -> None:
    with sessions() as session:
        for course_id in ids:
            course = session.get(Course, course_id)
            data = CourseData(
                external_id=course.external_id,
                title=f"{course.title.split(' #')[0]} #{round_no}",
                area=getattr(course.area, "value", course.area),
            )
            update_course(session, course_id, data)
        session.commit()


def main() -> None:
    """Fill the database if empty, then time publishing and copying."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="sqlite:////tmp/repl-bench.db")
    parser.add_argument("--courses", type=int, default=50_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/repl-bench"))
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    engine = make_engine(args.url)
    upgrade_database(engine)
    sessions = make_session_factory(engine)
    with sessions() as session:
        empty = session.scalar(select(Course.id).limit(1)) is None
    if empty:
        generate_demo(engine, courses=args.courses, learners=0)
    shutil.rmtree(args.workdir, ignore_errors=True)
    publication = Publication(args.workdir / "publication")
    writer = IndexStore(args.workdir / "writer")
    replica = IndexStore(args.workdir / "replica")

    began = time.perf_counter()
    documents = indexer.rebuild(sessions, writer, procs=2)
    rebuilt = time.perf_counter() - began
    writer.publish_to = publication.root
    began = time.perf_counter()
    indexer.catch_up(writer)  # a local index newer than any publication: published whole
    published = time.perf_counter() - began
    manifest = publication.current()
    first = follow_once(replica, publication)

    with sessions() as session:
        ids = list(session.scalars(select(Course.id).order_by(Course.id).limit(args.changes)))
    syncs, copies, copied_bytes, copied_files = [], [], [], []
    for round_no in range(1, args.rounds + 1):
        _rename(sessions, ids, round_no)
        began = time.perf_counter()
        indexer.sync_all(sessions, writer)
        syncs.append(time.perf_counter() - began)
        done = follow_once(replica, publication)
        copies.append(done.seconds)
        copied_bytes.append(done.copied_bytes)
        copied_files.append(done.copied_files)

    print(
        json.dumps(
            {
                "documents": documents,
                "index_bytes": manifest.size,
                "index_files": len(manifest.files),
                "rebuild_seconds": round(rebuilt, 2),
                "publish_whole_seconds": round(published, 2),
                "first_copy_seconds": round(first.seconds, 2),
                "sync_of_changes": args.changes,
                "sync_and_publish_seconds_median": round(statistics.median(syncs), 3),
                "incremental_copy_seconds_median": round(statistics.median(copies), 3),
                "incremental_copied_bytes_median": int(statistics.median(copied_bytes)),
                "incremental_copied_files_median": int(statistics.median(copied_files)),
                "files_linked_last_round": done.linked_files,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

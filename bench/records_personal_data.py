"""How long a large account's personal-data archive and deletion take, and the archive's Python
memory: one learner with N view events (default 200,000) on a fresh SQLite database.

    .venv/bin/python -m bench.records_personal_data [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

import assistant.models  # noqa: F401 (the desk's tables join Base.metadata)
import records.models  # noqa: F401 (the learning record's too)
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.models import Event
from catalogue.services.users import register_user
from records import personal_data
from tests.helpers import make_course, make_provider


def main(events: int = 200_000) -> None:
    """Print the archive's time, size and peak traced memory, and the deletion's time."""
    folder = tempfile.mkdtemp()
    engine = make_engine(f"sqlite:///{folder}/bench.db")
    upgrade_database(engine)
    with make_session_factory(engine)() as session:
        provider = make_provider(session).id
        courses = [make_course(session, provider, lessons=1).id for _ in range(50)]
        user = register_user(session, "big@example.cn", "password-123", "Big")
        session.flush()
        now = datetime.now(UTC)
        rows = [
            {
                "user_id": user.id,
                "course_id": courses[i % 50],
                "kind": "view",
                "created_at": now - timedelta(minutes=i),
            }
            for i in range(events)
        ]
        session.execute(sa.insert(Event.__table__), rows)
        session.commit()
        started = time.perf_counter()
        archive = personal_data.build_archive(session, user.id)
        took = time.perf_counter() - started
        size = archive.seek(0, 2)
        archive.close()
        session.rollback()
        tracemalloc.start()
        personal_data.build_archive(session, user.id).close()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        session.rollback()
        started = time.perf_counter()
        personal_data.delete_account(session, user.id)
        session.commit()
        deletion = time.perf_counter() - started
        print(
            f"{events} events: archive {took:.1f} s, {size / 1e6:.1f} MB zip, "
            f"peak traced memory {peak / 1e6:.1f} MB; deletion {deletion:.1f} s"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)

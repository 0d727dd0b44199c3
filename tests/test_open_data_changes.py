"""The catalogue change feed's service (insight/open_data/changes.py): the keyset walk over
(updated_at, id) across runs of equal stamps, the record and tombstone shapes, and no course
skipped when transactions commit out of order (PostgreSQL). Runs on SQLite and PostgreSQL;
the API around it is tested in tests/test_open_data_api.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from catalogue.db import make_session_factory
from catalogue.models import Course, CourseStatus
from catalogue.models.base import utcnow
from insight.open_data.changes import course_changes
from tests.helpers import make_course, make_provider

NO_SETTLE = timedelta(0)


def _walk(session, cursor=None, limit=2):
    """Every page after the cursor; the changes and the last cursor."""
    seen = []
    while True:
        page = course_changes(session, cursor, limit, settle=NO_SETTLE)
        session.rollback()
        seen.extend(page.changes)
        cursor = page.next_cursor
        if not page.has_more:
            return seen, cursor


def test_walk_crosses_runs_of_equal_stamps_in_id_order(session):
    provider = make_provider(session)
    ids = [make_course(session, provider.id, title=f"课程{i}").id for i in range(9)]
    session.commit()
    one = datetime(2026, 11, 30, 8, 0, 0, 123456, tzinfo=UTC)
    # Seven courses stamped with one instant (an upload's batch), two before and after it.
    stamps = {ids[0]: one - timedelta(seconds=1), ids[8]: one + timedelta(seconds=1)}
    stamps |= dict.fromkeys(ids[1:8], one)
    for course_id, stamp in stamps.items():
        session.execute(sa.update(Course).where(Course.id == course_id).values(updated_at=stamp))
    session.commit()
    for limit in (1, 2, 3, 7, 500):
        seen, _cursor = _walk(session, limit=limit)
        assert [c["id"] for c in seen] == ids, limit  # each once, by (updated_at, id)
    assert {c["updated_at"] for c in seen[1:8]} == {one.isoformat()}


def test_record_and_tombstone_shapes(session):
    provider = make_provider(session, name="开放大学")
    live = make_course(session, provider.id, title="书法入门", subjects=["书法", "楷书"]).id
    gone = make_course(session, provider.id, title="旧课").id
    session.execute(
        sa.update(Course)
        .where(Course.id == gone)
        .values(status=CourseStatus.WITHDRAWN, withdrawn_at=utcnow())
    )
    session.commit()
    seen, _cursor = _walk(session)
    by_id = {c["id"]: c for c in seen}
    record = by_id[live]
    assert record["deleted"] is False and record["title"] == "书法入门"
    assert record["subjects"] == ["书法", "楷书"]
    assert record["provider"] == {"id": provider.id, "name": "开放大学"}
    assert record["area"] == "elderly" and record["status"] == "published"
    assert datetime.fromisoformat(record["updated_at"]).tzinfo is not None
    assert set(by_id[gone]) == {"id", "deleted", "status", "withdrawn_at", "updated_at"}
    assert by_id[gone]["deleted"] is True and by_id[gone]["withdrawn_at"] is not None


def test_settle_holds_back_the_newest_changes(session):
    provider = make_provider(session)
    course = make_course(session, provider.id).id
    session.commit()
    page = course_changes(session, None, 10, settle=timedelta(seconds=60))
    assert page.changes == [] and page.next_cursor == ""
    later = utcnow() + timedelta(seconds=61)
    page = course_changes(session, None, 10, settle=timedelta(seconds=60), now=later)
    assert [c["id"] for c in page.changes] == [course]


def test_a_change_committed_after_a_later_one_is_not_skipped(engine, session):
    """Transaction A stamps course a, then B stamps course b and commits first. A client reading
    between the two commits must not get a cursor past a's stamp, or a is never shown."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: its changes commit in stamp order")
    provider = make_provider(session)
    a, b, c = (make_course(session, provider.id, title=t).id for t in ("甲", "乙", "丙"))
    session.commit()
    _seen, cursor = _walk(session)  # the client has read everything
    sessions = make_session_factory(engine)
    with sessions() as slow, sessions() as reader:
        slow.execute(
            sa.update(Course).where(Course.id == a).values(title="甲改", updated_at=utcnow())
        )  # A: stamped, not committed
        with sessions.begin() as fast:
            fast.execute(
                sa.update(Course).where(Course.id == b).values(title="乙改", updated_at=utcnow())
            )
        # B is committed and newer than A's stamp: shown now, its cursor would pass A's course.
        page = course_changes(reader, cursor, 10, settle=NO_SETTLE)
        reader.rollback()
        assert page.changes == [] and page.next_cursor == cursor
        slow.commit()
        seen, _end = _walk(reader, cursor)
    assert [(x["id"], x["title"]) for x in seen] == [(a, "甲改"), (b, "乙改")]
    assert c not in [x["id"] for x in seen]

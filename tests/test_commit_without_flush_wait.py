"""Rows worth less than a disk wait (search log, page views) are committed without waiting for
PostgreSQL's WAL flush, for their own transaction only; they are stored all the same."""

from __future__ import annotations

from sqlalchemy import event, func, select, text

from catalogue.models import SearchQuery
from catalogue.services.search_admin import record_query


def test_the_row_is_stored_and_only_its_transaction_is_relaxed(session, engine):
    seen: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert record_query(session, "太极拳", {}, 3, None)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert session.scalar(select(func.count()).select_from(SearchQuery)) == 1
    relaxed = [s for s in seen if "synchronous_commit" in s]
    if engine.dialect.name == "postgresql":
        assert relaxed == ["SET LOCAL synchronous_commit TO OFF"]
        # LOCAL: the next transaction on the connection waits for the flush again.
        assert session.execute(text("SHOW synchronous_commit")).scalar_one() == "on"
    else:
        assert relaxed == []

"""A busy database never turns a learner's write into a 500 that loses what was typed,
and the partner API does not write on every token check."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from catalogue.models import ApiToken, Note
from catalogue.services.tokens import create_token
from catalogue.services.users import register_user
from tests.helpers import login, make_course, make_provider, page_token


def test_a_locked_database_answers_503_with_the_typed_note_kept(app, client, session, engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("a write lock held across the whole database exists on SQLite only")
    course = make_course(session, make_provider(session).id)
    register_user(session, "ann@example.cn", "password-123", "Ann")
    session.commit()
    login(client, "ann@example.cn", "password-123")
    token = page_token(client)
    typed = "今天学会了<云手>，明天复习"
    blocker = sqlite3.connect(engine.url.database, timeout=1)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the busy timeout
        answer = client.post(
            f"/courses/{course.id}/notes", data={"csrf_token": token, "body": typed}
        )
    finally:
        blocker.rollback()
        blocker.close()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"]
    page = answer.get_data(as_text=True)
    assert "今天学会了&lt;云手&gt;，明天复习" in page  # kept, escaped, ready to send again
    assert f'action="/courses/{course.id}/notes"' in page
    # Sending the kept form again stores the note.
    again = client.post(f"/courses/{course.id}/notes", data={"csrf_token": token, "body": typed})
    assert again.status_code == 302
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Note).where(Note.body == typed)) == 1


def test_a_token_check_records_its_use_at_most_once_a_minute(client, session):
    provider = make_provider(session)
    token, plain = create_token(session, provider.id, "feed")
    session.commit()
    auth = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/partner/uploads/999999", headers=auth).status_code == 404
    session.expire_all()
    first = session.get(ApiToken, token.id).last_used_at
    assert first is not None
    for _ in range(3):
        assert client.get("/api/v1/partner/uploads/999999", headers=auth).status_code == 404
    session.expire_all()
    assert session.get(ApiToken, token.id).last_used_at == first

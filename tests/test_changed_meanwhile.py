"""A write that loses a race with another transaction (what it refers to was deleted a moment
before) answers 409 with a clear message, never a 500; the session stays usable."""

from __future__ import annotations

from sqlalchemy import insert

from catalogue.models import LessonPosition
from catalogue.services.users import register_user
from tests.helpers import make_course
from webapp.db import get_session


def _racing_write():
    """What a learner's request meets when the partner deleted the lesson a moment before."""
    db = get_session()
    db.execute(
        insert(LessonPosition).values(
            user_id=1, lesson_id=987654321, course_id=987654321, position_seconds=5
        )
    )
    db.commit()
    return "saved"


def test_a_write_about_something_deleted_meanwhile_is_a_409(app, session):
    make_course(session)
    register_user(session, "learner@example.com", "password-123", "学员")
    session.commit()
    app.add_url_rule("/courses/0/race", "race", _racing_write)
    app.add_url_rule("/api/v1/race", "api_race", _racing_write)
    client = app.test_client()
    page = client.get("/courses/0/race")
    assert page.status_code == 409
    assert "请刷新页面" in page.get_data(as_text=True)
    api = client.get("/api/v1/race")
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "CHANGED_MEANWHILE"
    assert client.get("/").status_code == 200, "the next request on the thread still works"

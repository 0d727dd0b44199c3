"""Special events on the site: only editors and administrators run a column as an event and see
the list of events with counts; learners sign up on the column page (CSRF, twice is once) and
see their progress; every user string is escaped; bad input is a clear answer, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from catalogue.models import Lesson, Role, utcnow
from catalogue.services import columns as column_service
from catalogue.services.activity import record_event
from catalogue.services.users import register_user
from records import special_events as events
from records.models.certificates import Certificate
from records.models.events import EventSignup, SpecialEvent
from tests.helpers import csrf_token, login, make_course, page_token

PASSWORD = "events-pass-2026"
NASTY = '<script>alert("x")</script>'


def _client(app, session, name, role=Role.LEARNER, lang=None):
    user = register_user(session, f"{name}@example.cn", PASSWORD, name, role=role)
    session.commit()
    client = app.test_client()
    login(client, f"{name}@example.cn", PASSWORD)
    if lang:
        _speak(client, lang)
    return client, user.id


def _speak(client, lang):
    """The interface in this language (the session's choice, as the language switch keeps)."""
    with client.session_transaction() as kept:
        kept["lang"] = lang


def _column(session, title="茶文化节", slug="tea-event"):
    course = make_course(session, title="普洱茶入门", lessons=3)
    column = column_service.create_column(session, slug, title)
    column_service.set_column_courses(session, column.id, [course.id])
    column_service.publish_column(session, column.id)
    session.commit()
    return column, course


def _running_event(session, column, **fields):
    now = utcnow()
    event = events.save_event(
        session,
        column.id,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=7),
        signup_open=True,
        rule="lessons",
        threshold=2,
        certificate_title_zh="茶文化节参与证书",
        certificate_title_en="Tea festival",
        **fields,
    )
    session.commit()
    return event


def test_only_editors_and_admins_run_events(app, client, session):
    column, _course = _column(session)
    pages = ("/editor/events/", f"/editor/events/column/{column.id}")
    for page in pages:
        assert client.get(page).status_code == 302  # to the log-in page
    learner, _ = _client(app, session, "mei")
    for page in pages:
        assert learner.get(page).status_code == 403
    token = page_token(learner)
    assert learner.post(pages[1], data={"csrf_token": token}).status_code == 403
    for role in (Role.EDITOR, Role.ADMIN):
        staff, _ = _client(app, session, role.value, role)
        for page in pages:
            assert staff.get(page).status_code == 200
        assert staff.get("/editor/events/column/999999").status_code == 404


def test_an_editor_turns_a_column_into_an_event_with_times_in_the_site_zone(app, session):
    column, _course = _column(session)
    editor, editor_id = _client(app, session, "ed", Role.EDITOR)
    column_page = editor.get(f"/editor/columns/{column.id}").get_data(as_text=True)
    assert f"/editor/events/column/{column.id}" in column_page
    form = editor.get(f"/editor/events/column/{column.id}").get_data(as_text=True)
    fields = {
        "csrf_token": csrf_token(form),
        "starts_at": "2026-12-01T08:00",
        "ends_at": "2026-12-08T08:00",
        "signup_open": "y",
        "rule": "lessons",
        "threshold": "3",
        "certificate_title_zh": "茶文化节参与证书",
        "certificate_title_en": "Tea festival",
    }
    bad = editor.post(
        f"/editor/events/column/{column.id}", data=fields | {"ends_at": "2026-11-01T08:00"}
    )
    assert bad.status_code == 400 and "结束" in bad.get_data(as_text=True)
    for broken in ({"threshold": "0"}, {"threshold": "many"}, {"rule": "sometimes"},
                   {"starts_at": "yesterday"}, {"certificate_title_zh": ""}):  # fmt: skip
        assert (
            editor.post(f"/editor/events/column/{column.id}", data=fields | broken).status_code
            == 400
        )
    no_token = editor.post(f"/editor/events/column/{column.id}", data=fields | {"csrf_token": ""})
    assert no_token.status_code == 400
    assert session.scalar(select(func.count(SpecialEvent.id))) == 0
    saved = editor.post(f"/editor/events/column/{column.id}", data=fields)
    assert saved.status_code == 302
    event = session.scalars(select(SpecialEvent)).one()
    # Typed in Beijing time, stored in UTC.
    assert event.starts_at.astimezone(UTC) == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    assert (event.threshold, event.created_by_id) == (3, editor_id)
    listing = editor.get("/editor/events/").get_data(as_text=True)
    assert "茶文化节" in listing and "2026-12-01 08:00" in listing


def test_learners_sign_up_once_with_a_token_and_see_progress_and_counts(app, client, session):
    column, course = _column(session)
    event = _running_event(session, column)
    _speak(client, "en")
    anonymous = client.get("/columns/tea-event").get_data(as_text=True)
    assert 'id="special-event"' in anonymous and "Log in to sign up" in anonymous
    learner, mei = _client(app, session, "mei", lang="en")
    page = learner.get("/columns/tea-event").get_data(as_text=True)
    assert "Sign up for this event" in page and "Signed up: 0" in page
    url = f"/events/{event.id}/signup"
    assert learner.post(url, data={}).status_code == 400  # no CSRF token
    assert client.post(url, data={}).status_code in (302, 400)  # a visitor: no sign-up
    token = csrf_token(page)
    assert learner.post(url, data={"csrf_token": token}).status_code == 302
    assert learner.post(url, data={"csrf_token": token}).status_code == 302  # twice is once
    assert learner.post("/events/999999/signup", data={"csrf_token": token}).status_code == 404
    assert session.scalar(select(func.count()).select_from(EventSignup)) == 1
    first = session.scalars(
        select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.id)
    ).first()
    record_event(session, mei, course.id, "progress", value=0.3, lesson_id=first)
    session.commit()
    page = learner.get("/columns/tea-event").get_data(as_text=True)
    assert 'value="50"' in page and "Your progress: 1 of 2 lessons" in page
    events.count_progress(session, event)
    session.commit()
    assert events.counts(session, [event.id])[event.id] == events.EventCounts(1, 1, 0)
    # The second lesson reaches the threshold: the next look at the page issues the
    # certificate, once, and links to it.
    second = session.scalars(
        select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.id)
    ).all()[1]
    record_event(session, mei, course.id, "progress", value=0.6, lesson_id=second)
    session.commit()
    page = learner.get("/columns/tea-event").get_data(as_text=True)
    learner.get("/columns/tea-event")
    [certificate] = session.scalars(select(Certificate)).all()
    assert (certificate.user_id, certificate.event_id) == (mei, event.id)
    assert f'href="/me/certificates/{certificate.code}"' in page
    assert learner.get(f"/me/certificates/{certificate.code}").status_code == 200
    assert (
        learner.get(f"/events/{event.id}")
        .headers["Location"]
        .endswith("/columns/tea-event#special-event")
    )
    assert learner.get("/events/999999").status_code == 404
    # Closed sign-up: a clear message, no new sign-up.
    event.signup_open = False
    session.commit()
    other, _ = _client(app, session, "wang", lang="en")
    closed = other.post(url, data={"csrf_token": page_token(other)}, follow_redirects=True)
    assert closed.status_code == 200
    assert "Sign-up for this event is closed." in closed.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(EventSignup)) == 1


def test_every_user_string_is_escaped(app, session):
    column, _course = _column(session, title=NASTY, slug="nasty")
    event = _running_event(session, column)
    event.certificate_title_zh = NASTY
    session.commit()
    editor, _ = _client(app, session, "ed", Role.EDITOR)
    learner, _ = _client(app, session, "mei")
    for client, page in (
        (editor, "/editor/events/"),
        (editor, f"/editor/events/column/{column.id}"),
        (learner, "/columns/nasty"),
    ):
        html = client.get(page).get_data(as_text=True)
        assert NASTY not in html and "&lt;script&gt;" in html, page

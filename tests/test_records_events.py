"""Special events (issue 16): a column run as an event; sign-up, the window's boundaries, the
participation threshold (lessons finished, or minutes of learning), counts, and a certificate
once per learner and event."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from catalogue.errors import Conflict, NotFound, ValidationError
from catalogue.models import Lesson, utcnow
from catalogue.services import columns as column_service
from catalogue.services.activity import record_event
from catalogue.services.users import register_user
from records import special_events as events
from records.models.certificates import Certificate, CertificateKind
from records.models.events import EventSignup, ParticipationRule, SpecialEvent
from records.models.learning_time import LearningDay
from records.signing import load_signer, public_keys, verify_document
from tests.helpers import make_course

START = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
END = datetime(2026, 12, 8, 0, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


BASE = "https://learn.example.cn"


class Issued:
    """The real certificate issuer (signed credentials), remembering to whom it was called."""

    def __init__(self, signer) -> None:
        self.real = events.certificate_issuer(signer, BASE)
        self.calls: list[tuple[int, int]] = []

    def __call__(self, session, user_id: int, event: SpecialEvent) -> int:
        self.calls.append((user_id, event.id))
        return self.real(session, user_id, event)


@pytest.fixture
def signer(tmp_path):
    return load_signer(tmp_path / "keys")


def _world(session, *, lessons=4, publish=True, **event_fields):
    course = make_course(session, title="普洱茶入门", lessons=lessons)
    other = make_course(session, title="不在专题里的课", lessons=2)
    column = column_service.create_column(session, "tea-event", "茶文化节")
    column_service.set_column_courses(session, column.id, [course.id])
    if publish:
        column_service.publish_column(session, column.id)
    fields = {
        "starts_at": START,
        "ends_at": END,
        "signup_open": True,
        "rule": "lessons",
        "threshold": 2,
        "certificate_title_zh": "茶文化节参与证书",
        "certificate_title_en": "Tea festival: certificate of participation",
    } | event_fields
    event = events.save_event(session, column.id, **fields)
    session.commit()
    return event, course, other


def _learner(session, name):
    user = register_user(session, f"{name}@example.cn", "events-pass-2026", name)
    session.commit()
    return user.id


def _lessons(session, course_id):
    return list(
        session.scalars(select(Lesson.id).where(Lesson.course_id == course_id).order_by(Lesson.id))
    )


def _finish(session, user_id, course_id, lesson_id, at):
    record_event(session, user_id, course_id, "progress", value=0.5, lesson_id=lesson_id, at=at)


def test_only_lessons_finished_inside_the_window_count(session):
    event, course, other = _world(session)
    mei = _learner(session, "mei")
    one, two, three, four = _lessons(session, course.id)
    _finish(session, mei, course.id, one, START - timedelta(seconds=1))  # before: no
    _finish(session, mei, course.id, two, START)  # the first instant: yes
    _finish(session, mei, course.id, two, START + timedelta(hours=1))  # same lesson: once
    _finish(session, mei, course.id, three, END - timedelta(microseconds=1))  # last: yes
    _finish(session, mei, course.id, four, END)  # the end is outside
    _finish(session, mei, other.id, _lessons(session, other.id)[0], START + timedelta(days=1))
    record_event(session, mei, course.id, "view", at=START + timedelta(days=1))  # not a lesson
    session.commit()
    assert events.learner_progress(session, event, mei) == 2


def test_sign_up_is_idempotent_and_refused_when_closed_ended_or_unpublished(session):
    now = START + timedelta(days=1)
    event, _course, _other = _world(session)
    mei = _learner(session, "mei")
    assert events.sign_up(session, event.id, mei, now) is True
    assert events.sign_up(session, event.id, mei, now) is False
    session.commit()
    assert session.scalar(select(func.count()).select_from(EventSignup)) == 1
    with pytest.raises(Conflict) as ended:
        events.sign_up(session, event.id, mei, END)
    assert ended.value.code == "SIGNUP_CLOSED"
    assert events.sign_up(session, event.id, mei, START - timedelta(days=3)) is False  # early
    event.signup_open = False
    session.commit()
    with pytest.raises(Conflict):
        events.sign_up(session, event.id, _learner(session, "wang"), now)
    with pytest.raises(NotFound):
        events.sign_up(session, 999_999, mei, now)
    column_service.unpublish_column(session, event.column_id)
    event.signup_open = True
    session.commit()
    with pytest.raises(NotFound):
        events.sign_up(session, event.id, mei, now)


def test_threshold_certificate_once_per_learner_and_counts(session, signer, tmp_path):
    event, course, _other = _world(session)
    mei, wang, zhou, li = (_learner(session, n) for n in ("mei", "wang", "zhou", "li"))
    one, two, *_rest = _lessons(session, course.id)
    during = START + timedelta(days=2)
    for learner in (mei, wang, zhou):
        events.sign_up(session, event.id, learner, during)
    _finish(session, mei, course.id, one, during)
    _finish(session, mei, course.id, two, during)
    _finish(session, wang, course.id, one, during)
    _finish(session, li, course.id, one, during)  # learns but never signs up
    _finish(session, li, course.id, two, during)
    session.commit()
    issued = Issued(signer)
    late = during + timedelta(hours=1)

    first = events.standing(session, event, mei, issue=issued, now=late)
    session.commit()
    again = events.standing(session, event, mei, issue=issued, now=late)
    session.commit()
    assert (first.progress, first.reached, first.certified) == (2, True, True)
    assert again.certified and again.certificate_id == first.certificate_id
    certificate = session.get(Certificate, first.certificate_id)
    assert first.certificate_code == certificate.code
    assert (certificate.kind, certificate.event_id, certificate.user_id) == (
        CertificateKind.EVENT,
        event.id,
        mei,
    )
    assert certificate.title_zh == "茶文化节参与证书"
    document = json.loads(certificate.credential)
    assert verify_document(document, public_keys(tmp_path / "keys")).ok
    halfway = events.standing(session, event, wang, issue=issued, now=late)
    session.commit()
    assert (halfway.progress, halfway.percent, halfway.certified) == (1, 50, False)
    assert events.standing(session, event, li, issue=issued, now=late).signed_up is False
    assert issued.calls == [(mei, event.id)]
    assert events.counts(session, [event.id])[event.id] == events.EventCounts(3, 2, 1)

    # The periodic run counts everybody in one UPDATE and certifies nobody twice.
    _finish(session, wang, course.id, two, during + timedelta(days=1))
    session.commit()
    figures = events.run_events(session, issued, now=END + timedelta(minutes=5))
    assert figures == {"changed": 1, "certified": 1, "closed": 1}  # wang's progress
    assert issued.calls == [(mei, event.id), (wang, event.id)]
    assert session.scalar(select(func.count(Certificate.id))) == 2
    assert events.run_events(session, issued, now=END + timedelta(hours=1))["changed"] == 0
    assert events.counts(session, [event.id])[event.id] == events.EventCounts(3, 2, 2)
    [(listed, column, numbers)] = events.list_events(session)
    assert (listed.id, column.slug, numbers.signed_up) == (event.id, "tea-event", 3)
    assert events.counts(session, [event.id, 424242])[424242] == events.EventCounts()


def test_set_based_count_agrees_with_each_learners_count(session):
    event, course, _other = _world(session, threshold=3)
    lessons = _lessons(session, course.id)
    learners = [_learner(session, f"l{i}") for i in range(6)]
    for i, learner in enumerate(learners):
        events.sign_up(session, event.id, learner, START)
        for lesson in lessons[: i % 5]:
            _finish(session, learner, course.id, lesson, START + timedelta(hours=i))
    session.commit()
    # Only the rows whose progress changed are written (four learners learnt something).
    assert events.count_progress(session, event, now=START + timedelta(days=1)) == 4
    session.commit()
    assert events.count_progress(session, event, now=START + timedelta(days=2)) == 0
    session.commit()
    stored = dict(session.execute(select(EventSignup.user_id, EventSignup.progress)).all())
    assert stored == {u: events.learner_progress(session, event, u) for u in learners}
    assert events.counts(session, [event.id])[event.id].participating == 4


def test_minutes_count_the_event_days_in_the_site_zone(session, signer):
    # 1 Dec 00:00 UTC is 08:00 in Shanghai; the window's last instant is 8 Dec 07:59:59.
    event, course, other = _world(session, rule="minutes", threshold=30)
    mei = _learner(session, "mei")
    events.sign_up(session, event.id, mei, START)
    for course_id, day, seconds in (
        (course.id, date(2026, 11, 30), 900),  # the day before: no
        (course.id, date(2026, 12, 1), 600),
        (course.id, date(2026, 12, 8), 600),  # the last local day: yes
        (course.id, date(2026, 12, 9), 900),  # after: no
        (other.id, date(2026, 12, 3), 900),  # not the column's course: no
    ):
        session.add(LearningDay(user_id=mei, course_id=course_id, day=day, seconds=seconds))
    session.commit()
    assert events.local_days(event, SHANGHAI) == (date(2026, 12, 1), date(2026, 12, 8))
    assert events.learner_progress(session, event, mei, SHANGHAI) == 1200
    issued = Issued(signer)
    mine = events.standing(session, event, mei, issue=issued, zone=SHANGHAI, now=START)
    assert (mine.progress, mine.threshold, mine.certified) == (1200, 1800, False)
    session.add(LearningDay(user_id=mei, course_id=course.id, day=date(2026, 12, 4), seconds=600))
    session.commit()
    assert events.standing(session, event, mei, issue=issued, zone=SHANGHAI, now=START).certified


def test_bad_settings_are_refused_with_every_problem(session):
    event, _course, _other = _world(session)
    with pytest.raises(ValidationError) as refused:
        events.save_event(
            session,
            event.column_id,
            starts_at=END,
            ends_at=START,
            signup_open=True,
            rule="sometimes",
            threshold=0,
            certificate_title_zh="",
            certificate_title_en="x" * 201,
        )
    codes = {(e.field, e.code) for e in refused.value.errors}
    assert codes >= {
        ("ends_at", "BAD_WINDOW"),
        ("rule", "BAD_RULE"),
        ("threshold", "BAD_THRESHOLD"),
        ("certificate_title_zh", "REQUIRED"),
        ("certificate_title_en", "TOO_LONG"),
    }
    with pytest.raises(ValidationError):
        events.save_event(
            session, event.column_id, starts_at=None, ends_at=None, signup_open=True,
            rule=ParticipationRule.LESSONS, threshold=None,
            certificate_title_zh="a", certificate_title_en="b",
        )  # fmt: skip
    with pytest.raises(NotFound):
        events.save_event(
            session, 999_999, starts_at=START, ends_at=END, signup_open=True, rule="lessons",
            threshold=1, certificate_title_zh="a", certificate_title_en="b",
        )  # fmt: skip
    session.rollback()
    # Saving again changes the one event of the column.
    changed = events.save_event(
        session, event.column_id, starts_at=START, ends_at=END + timedelta(days=1),
        signup_open=False, rule="lessons", threshold=5,
        certificate_title_zh="新", certificate_title_en="New",
    )  # fmt: skip
    session.commit()
    assert changed.id == event.id and session.scalar(select(func.count(SpecialEvent.id))) == 1


def test_seed_demo_runs_an_event_now_once(session):
    _learner(session, "mei")
    course = make_course(session)
    column = column_service.create_column(session, "demo-col", "示范专题")
    column_service.set_column_courses(session, column.id, [course.id])
    column_service.publish_column(session, column.id)
    session.commit()
    event = events.seed_demo(session)
    session.commit()
    assert event is not None and events.state(event) == "running"
    assert events.seed_demo(session) is None
    assert events.counts(session, [event.id])[event.id].signed_up == 1
    assert events.state(event, utcnow() + timedelta(days=30)) == "ended"


def test_the_special_events_job_certifies_with_the_sites_key(app, session):
    from jobs.registry import get_job
    from jobs.runner import run_job
    from webapp.db import get_database
    from webapp.settings import get_settings

    now = utcnow()
    event, course, _other = _world(
        session, starts_at=now - timedelta(days=2), ends_at=now + timedelta(days=5)
    )
    mei = _learner(session, "mei")
    events.sign_up(session, event.id, mei, now - timedelta(days=1))
    one, two, *_rest = _lessons(session, course.id)
    _finish(session, mei, course.id, one, now - timedelta(hours=3))
    _finish(session, mei, course.id, two, now - timedelta(hours=2))
    session.commit()
    context = get_settings(app).job_context()
    outcome, figures = run_job(
        get_job("special-events"), context, get_database(app).sessions, trigger="test"
    )
    assert outcome.value == "succeeded", figures
    assert figures["certified"] == 1
    session.expire_all()
    certificate = session.scalars(select(Certificate).where(Certificate.user_id == mei)).one()
    assert certificate.event_id == event.id
    keys = public_keys(context.certificate_key_dir)
    assert verify_document(json.loads(certificate.credential), keys).ok

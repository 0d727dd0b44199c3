"""The demo site's learning record: `lifelong demo` adds a learner with a verifiable
certificate, credits and a pending recognition request, a study group with warnings and a
running special event (records/demo.py)."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from catalogue.models import Role, User, utcnow
from records.certificates import DEMO_EMAIL
from records.credits import check_ledger
from records.groups import Organiser, member_table
from records.models.certificates import Certificate
from records.models.credits import RecognitionRequest, RecognitionStatus
from records.models.events import EventSignup, SpecialEvent
from records.models.groups import GroupMember, StudyGroup
from records.models.learning_time import LearningDay
from records.signing import public_keys, verify_document
from webapp.settings import get_settings


def test_demo_adds_the_learning_record_once(app, runner, session):
    for _ in range(2):  # a second run adds nothing twice
        result = runner.invoke(args=["demo", "--courses", "120", "--learners", "30"])
        assert result.exit_code == 0, result.output
    learner = session.scalars(select(User).where(User.email == DEMO_EMAIL)).one()
    [certificate] = session.scalars(select(Certificate).where(Certificate.user_id == learner.id))
    keys = public_keys(get_settings(app).certificate_key_dir)
    assert verify_document(json.loads(certificate.credential), keys).ok
    assert (
        session.scalar(
            select(func.sum(LearningDay.seconds)).where(LearningDay.user_id == learner.id)
        )
        > 3600
    )
    requests = session.scalars(
        select(RecognitionRequest).where(RecognitionRequest.user_id == learner.id)
    ).all()
    assert [r.status for r in requests] == [RecognitionStatus.PENDING]
    assert check_ledger(session) == []
    registrar = session.scalar(select(User).where(User.role == Role.REGISTRAR))
    assert registrar is not None

    [group] = session.scalars(select(StudyGroup)).all()
    organiser = session.get(User, group.organiser_id)
    assert organiser.role == Role.ORGANISER
    members = session.scalar(
        select(func.count()).select_from(GroupMember).where(GroupMember.group_id == group.id)
    )
    assert members >= 10
    table = member_table(
        session, Organiser(organiser.id, organiser.role), group.id, utcnow().date()
    )
    warned = {w for row in table.rows for w in row.warnings}
    assert {"inactive", "overdue"} <= warned

    [event] = session.scalars(select(SpecialEvent)).all()
    now = utcnow()
    assert event.starts_at <= now < event.ends_at
    assert (
        session.scalar(
            select(func.count()).select_from(EventSignup).where(EventSignup.event_id == event.id)
        )
        > 0
    )

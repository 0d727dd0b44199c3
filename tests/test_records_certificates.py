"""Certificates: completion rules, issuing (idempotent, concurrent), the credential,
revocation with the audit log, event certificates, the demo."""

from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from catalogue.db import make_session_factory
from catalogue.errors import NotFound, PermissionDenied, ValidationError
from catalogue.models import AccountAudit, Role
from catalogue.models.awards import CompletionRule, CourseAward
from catalogue.services import engagement
from catalogue.services.audit import Operator
from catalogue.services.users import register_user
from records import certificates as certs
from records.models.certificates import Certificate, CertificateKind
from records.models.credits import CreditEntry
from records.models.learning_time import LearningDay
from records.signing import Signer, load_signer, public_keys, rotate_key, verify_document
from tests.helpers import make_course

BASE = "https://learn.example.cn"


@pytest.fixture
def signer(tmp_path) -> Signer:
    return load_signer(tmp_path / "keys")


def _learner(session, name="王老师", email=None):
    return register_user(
        session, email or f"{name}-{id(session)}@example.cn", "pass-word-123", name
    )


def _finish(session, user_id, course, count=None):
    for lesson in list(course.lessons)[:count]:
        engagement.finish_lesson(session, user_id, course.id, lesson.id)


def test_all_lessons_rule_issues_once_with_a_verifiable_credential(session, signer, tmp_path):
    course = make_course(session, title="老年人智能手机入门", lessons=3)
    user = _learner(session)
    session.commit()
    _finish(session, user.id, course, 2)
    assert certs.issue_if_complete(session, user.id, course.id, signer, BASE) is None
    _finish(session, user.id, course)
    cert = certs.issue_if_complete(session, user.id, course.id, signer, BASE)
    session.commit()
    assert cert is not None and cert.kind == CertificateKind.COURSE
    assert certs.issue_if_complete(session, user.id, course.id, signer, BASE).id == cert.id
    assert session.scalar(select(func.count()).select_from(Certificate)) == 1
    assert certs.normalise_code(certs.display_code(cert.code).lower()) == cert.code
    document = certs.credential_of(cert)
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"{BASE}/verify/{cert.code}"
    subject = document["credentialSubject"]
    assert subject["achievement"]["name"] == "老年人智能手机入门"
    assert subject["identifier"][0]["identityHash"] == "王老师"
    assert verify_document(document, public_keys(tmp_path / "keys")).ok
    check = certs.check(session, cert.code, public_keys(tmp_path / "keys"))
    assert check.valid and not check.revoked


def test_share_rule(session, signer):
    course = make_course(session, lessons=5)
    session.add(CourseAward(course_id=course.id, completion=CompletionRule.SHARE, share=0.6))
    user = _learner(session)
    session.commit()
    _finish(session, user.id, course, 2)
    assert not certs.is_complete(session, user.id, course.id)
    _finish(session, user.id, course, 3)
    assert certs.is_complete(session, user.id, course.id)
    assert certs.issue_if_complete(session, user.id, course.id, signer, BASE) is not None


def test_minutes_rule_counts_measured_learning_time_not_lessons(session, signer):
    course = make_course(session, lessons=2)
    session.add(
        CourseAward(
            course_id=course.id,
            completion=CompletionRule.MINUTES,
            minimum_minutes=30,
            credits=Decimal("1.5"),
        )
    )
    user = _learner(session)
    session.commit()
    _finish(session, user.id, course)  # every lesson, but not the time
    assert certs.issue_if_complete(session, user.id, course.id, signer, BASE) is None
    session.add(
        LearningDay(user_id=user.id, course_id=course.id, day=date(2026, 5, 1), seconds=1000)
    )
    session.add(
        LearningDay(user_id=user.id, course_id=course.id, day=date(2026, 5, 2), seconds=799)
    )
    session.flush()
    assert not certs.is_complete(session, user.id, course.id)
    session.add(LearningDay(user_id=user.id, course_id=course.id, day=date(2026, 5, 3), seconds=1))
    session.flush()
    cert = certs.issue_if_complete(session, user.id, course.id, signer, BASE)
    assert cert is not None
    document = certs.credential_of(cert)
    assert document["credentialSubject"]["creditsEarned"] == 1.5
    session.flush()
    entries = session.scalars(select(CreditEntry).where(CreditEntry.user_id == user.id)).all()
    assert [(e.certificate_id, e.credits) for e in entries] == [(cert.id, Decimal("1.50"))]
    assert "30" in document["credentialSubject"]["achievement"]["criteria"]["narrative"]


def test_two_sessions_finishing_at_once_make_one_certificate(engine, session, signer):
    course = make_course(session, lessons=1)
    user = _learner(session)
    session.commit()
    _finish(session, user.id, course)
    session.commit()
    factory = make_session_factory(engine)
    barrier = threading.Barrier(4)
    codes, errors = [], []

    def issue():
        with factory() as own:
            try:
                barrier.wait()
                cert = certs.issue_if_complete(own, user.id, course.id, signer, BASE)
                own.commit()
                codes.append(cert.code)
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(set(codes)) == 1 and len(codes) == 4
    assert session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_revocation_by_admin_or_registrar_is_audited(session, signer, tmp_path):
    course = make_course(session, lessons=1)
    user = _learner(session)
    registrar = register_user(
        session, "registrar@example.cn", "pass-word-123", "教务", role=Role.REGISTRAR
    )
    session.commit()
    _finish(session, user.id, course)
    cert = certs.issue_if_complete(session, user.id, course.id, signer, BASE)
    session.commit()
    learner = Operator(user_id=user.id, role=Role.LEARNER, ip="127.0.0.1")
    with pytest.raises(PermissionDenied):
        certs.revoke(session, cert.code, "x", learner)
    by = Operator(user_id=registrar.id, role=Role.REGISTRAR, ip="127.0.0.1")
    with pytest.raises(ValidationError):
        certs.revoke(session, cert.code, "   ", by)
    with pytest.raises(NotFound):
        certs.revoke(session, "NOPE", "reason", by)
    certs.revoke(session, certs.display_code(cert.code), "成绩作弊 <b>", by)
    session.commit()
    check = certs.check(session, cert.code, public_keys(tmp_path / "keys"))
    assert check.revoked and not check.valid and check.verdict.ok
    assert check.certificate.revoked_reason == "成绩作弊 <b>"
    entry = session.scalar(select(AccountAudit).where(AccountAudit.action == "certificate_revoke"))
    assert entry.actor_id == registrar.id and entry.target_id == user.id
    first = check.certificate.revoked_at
    certs.revoke(session, cert.code, "again", by)
    assert check.certificate.revoked_at == first


def test_event_certificate_and_old_keys_after_rotation(session, tmp_path):
    keys = tmp_path / "keys"
    signer = load_signer(keys)
    user = _learner(session)
    session.commit()
    first = certs.issue_event_certificate(
        session, user.id, 7, "全民阅读周", "Reading week", signer, BASE
    )
    session.commit()
    again = certs.issue_event_certificate(
        session, user.id, 7, "全民阅读周", "Reading week", signer, BASE
    )
    assert again.id == first.id and first.kind == CertificateKind.EVENT
    rotate_key(keys)
    newer = load_signer(keys)
    second = certs.issue_event_certificate(session, user.id, 8, "科普月", "", newer, BASE)
    session.commit()
    assert second.key_id != first.key_id and second.title_en == "科普月"
    for cert in (first, second):
        assert certs.check(session, cert.code, public_keys(keys)).valid
    with pytest.raises(NotFound):
        certs.issue_event_certificate(session, 999999, 1, "x", "x", newer, BASE)
    assert [c.id for c in certs.for_user(session, user.id)] == [second.id, first.id]


def test_lookups_refuse_bad_and_foreign_codes(session, signer):
    course = make_course(session, lessons=1)
    user = _learner(session)
    other = _learner(session, "李四", "li@example.cn")
    session.commit()
    _finish(session, user.id, course)
    cert = certs.issue_if_complete(session, user.id, course.id, signer, BASE)
    session.commit()
    for code in ("", "x" * 5000, "../../etc", "ABCD-ABCD-ABCD-ABCD"):
        with pytest.raises(NotFound):
            certs.get_by_code(session, code)
    assert certs.get_for_holder(session, cert.code, user.id).id == cert.id
    with pytest.raises(NotFound):
        certs.get_for_holder(session, cert.code, other.id)


def test_seed_demo_is_idempotent(session, signer, tmp_path):
    make_course(session, lessons=2)
    session.commit()
    certs.seed_demo(session, signer, BASE)
    certs.seed_demo(session, signer, BASE)
    session.commit()
    held = session.scalars(select(Certificate)).all()
    assert len(held) == 1
    assert verify_document(json.loads(held[0].credential), public_keys(tmp_path / "keys")).ok

"""The credit ledger: appends chain by SHA-256 per learner, awards are idempotent, corrections
are new entries, and the integrity check finds rows changed, removed or inserted directly in
the database (SQLite and PostgreSQL); concurrent appends for one learner never fork."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from catalogue.db import make_session_factory
from catalogue.errors import PermissionDenied
from catalogue.models import Role
from catalogue.models.awards import CompletionRule, CourseAward, OutcomeType
from catalogue.services.audit import Operator
from catalogue.services.users import register_user
from records.credits import (
    Provenance,
    account,
    accrue_for_certificate,
    append_entry,
    balances,
    check_ledger,
    correct_entry,
)
from records.models.credits import CreditEntry, EntryKind
from tests.helpers import make_course


@dataclass
class FakeCertificate:
    """Only the fields of B's Certificate that accrual reads (its model is built elsewhere)."""

    id: int
    user_id: int
    course_id: int | None
    revoked_at: datetime | None = None


def _learner(session, name: str = "learner"):
    return register_user(session, f"{name}@example.cn", "password-123", name)


def _course_with_credits(session, credits: str = "2.50", outcome=OutcomeType.VOCATIONAL):
    course = make_course(session, title="电工基础")
    session.add(
        CourseAward(
            course_id=course.id,
            completion=CompletionRule.SHARE,
            share=0.8,
            credits=Decimal(credits),
            outcome_type=outcome,
        )
    )
    session.flush()
    return course


def _add(session, user_id: int, credits: str, title: str = "x") -> CreditEntry:
    return append_entry(
        session, user_id, EntryKind.AWARD, credits, OutcomeType.TRAINING, Provenance(title=title)
    )


def test_accrual_is_once_and_carries_provenance(session):
    learner = _learner(session)
    course = _course_with_credits(session)
    session.commit()
    first = accrue_for_certificate(session, FakeCertificate(7, learner.id, course.id))
    again = accrue_for_certificate(session, FakeCertificate(8, learner.id, course.id))
    session.commit()
    assert first is not None and again.id == first.id
    assert first.credits == Decimal("2.50") and first.kind == EntryKind.AWARD
    assert first.certificate_id == 7 and first.course_id == course.id
    assert first.provider_name and "share of lessons >= 80%" in first.rule
    assert balances(session, learner.id)[OutcomeType.VOCATIONAL] == Decimal("2.50")
    assert check_ledger(session) == []


def test_no_credits_no_course_or_revoked_accrue_nothing(session):
    learner = _learner(session)
    plain = make_course(session)
    course = _course_with_credits(session)
    session.commit()
    assert accrue_for_certificate(session, FakeCertificate(1, learner.id, plain.id)) is None
    assert accrue_for_certificate(session, FakeCertificate(2, learner.id, None)) is None
    revoked = FakeCertificate(3, learner.id, course.id, revoked_at=datetime.now(UTC))
    assert accrue_for_certificate(session, revoked) is None
    assert account(session, learner.id).entries == []


def test_chain_links_and_correction_is_a_new_entry(session):
    learner = _learner(session)
    registrar = register_user(session, "reg@example.cn", "password-123", "reg", role=Role.REGISTRAR)
    session.commit()
    a = _add(session, learner.id, "3")
    b = _add(session, learner.id, "1.5")
    session.commit()
    assert (a.seq, b.seq) == (1, 2) and b.prev_hash == a.entry_hash
    with pytest.raises(PermissionDenied):
        correct_entry(session, a.id, "-1", "wrong", Operator(learner.id, Role.LEARNER))
    fix = correct_entry(
        session, a.id, "-1", "entered twice", Operator(registrar.id, Role.REGISTRAR)
    )
    session.commit()
    assert fix.kind == EntryKind.CORRECTION and fix.corrects_id == a.id and fix.seq == 3
    assert session.get(CreditEntry, a.id).credits == Decimal("3.00")  # untouched
    assert account(session, learner.id).total == Decimal("3.50")
    assert check_ledger(session) == []


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        ("UPDATE credit_entries SET credits = 99 WHERE seq = 2 AND user_id = :u", "hash_mismatch"),
        ("UPDATE credit_entries SET title = 'forged' WHERE seq = 1 AND user_id = :u", None),
        ("DELETE FROM credit_entries WHERE seq = 2 AND user_id = :u", "seq_gap"),
        ("DELETE FROM credit_entries WHERE seq = 3 AND user_id = :u", "head_mismatch"),
    ],
)
def test_tampering_in_the_database_is_found(session, engine, statement, problem):
    learner, other = _learner(session, "a"), _learner(session, "b")
    session.commit()
    for credits in ("1", "2", "3"):
        _add(session, learner.id, credits)
        _add(session, other.id, credits)
    session.commit()
    assert check_ledger(session) == []
    with engine.begin() as conn:
        conn.execute(sa.text(statement), {"u": learner.id})
    session.expire_all()
    breaks = check_ledger(session)
    assert breaks, "the tampering went unnoticed"
    assert {b.user_id for b in breaks} == {learner.id}  # the other learner's chain holds
    if problem:
        assert problem in {b.problem for b in breaks}
    assert check_ledger(session, user_id=other.id) == []


def test_rewriting_one_hash_does_not_hide_an_edit(session, engine):
    learner = _learner(session)
    session.commit()
    for credits in ("1", "2", "3"):
        _add(session, learner.id, credits)
    session.commit()
    # A forger changes the credits and recomputes only that row's hash: the next link breaks.
    entry = session.scalars(sa.select(CreditEntry).where(CreditEntry.seq == 2)).one()
    from records.credits import compute_hash

    entry.credits = Decimal("50")
    forged = compute_hash(entry, entry.prev_hash)
    session.rollback()
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE credit_entries SET credits = 50, entry_hash = :h WHERE seq = 2"),
            {"h": forged},
        )
    session.expire_all()
    assert {b.problem for b in check_ledger(session)} >= {"link_mismatch"}


def test_deleting_an_account_keeps_other_chains_intact(session):
    a, b = _learner(session, "a"), _learner(session, "b")
    session.commit()
    _add(session, a.id, "1")
    _add(session, b.id, "2")
    session.commit()
    session.execute(sa.delete(type(a)).where(type(a).id == a.id))
    session.commit()
    assert check_ledger(session) == []
    assert len(account(session, b.id).entries) == 1


def test_concurrent_appends_for_one_learner_do_not_fork(session, engine):
    learner = _learner(session)
    session.commit()
    sessions = make_session_factory(engine)
    threads, errors = 8, []
    per_thread = 5 if engine.dialect.name == "postgresql" else 2
    barrier = threading.Barrier(threads)

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with sessions() as s:
                    _add(s, learner.id, "1", title=f"t{n}-{i}")
                    s.commit()
        except Exception as exc:
            errors.append(repr(exc))

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    session.expire_all()
    entries = account(session, learner.id).entries
    assert [e.seq for e in entries] == list(range(1, threads * per_thread + 1))
    assert check_ledger(session) == []


def test_seed_demo_is_idempotent_and_leaves_a_pending_request(session, tmp_path):
    from catalogue.models import User
    from records.credits import DEMO_REGISTRAR_EMAIL, seed_demo
    from records.models.credits import RecognitionRequest

    for title in ("甲", "乙", "丙", "丁", "戊"):
        make_course(session, title=title)
    learner = _learner(session)
    session.commit()
    for _ in range(2):
        seed_demo(session, tmp_path / "docs", registrar_password="registrar-pass-1")
        session.commit()
    registrar = session.scalars(sa.select(User).where(User.email == DEMO_REGISTRAR_EMAIL)).one()
    assert registrar.role == Role.REGISTRAR
    awards = session.scalars(sa.select(CourseAward)).all()
    assert len(awards) == 4 and {a.outcome_type for a in awards} == set(OutcomeType)
    (request,) = session.scalars(sa.select(RecognitionRequest)).all()
    assert request.user_id == learner.id and request.status.value == "pending"
    assert (tmp_path / "docs" / request.document_key).read_bytes().startswith(b"%PDF")

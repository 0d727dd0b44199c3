"""The credit bank's ledger: append-only entries per learner, chained by SHA-256, the integrity
check that finds edited, removed or inserted rows, course credits accrued for certificates,
corrections as new entries, and the learner's balances.

Each entry's hash is SHA-256 over the canonical JSON of its fields followed by the previous
entry's hash (GENESIS_HASH for the first). The chain is per learner, so deleting one account
removes one whole chain and leaves the others intact. Appends lock the learner's chain head
(`credit_accounts`, SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers), and the
unique (user_id, seq) constraint is the backstop: two appends can never share a place."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalogue.errors import FieldError, NotFound, PermissionDenied, ValidationError
from catalogue.models import Course, Provider, Role
from catalogue.models.awards import CompletionRule, CourseAward, OutcomeType
from catalogue.models.base import utcnow
from catalogue.services import audit
from records.models.credits import GENESIS_HASH, CreditAccount, CreditEntry, EntryKind

CENT = Decimal("0.01")
HASHED_FIELDS = (
    "user_id",
    "seq",
    "kind",
    "credits",
    "outcome_type",
    "title",
    "source_key",
    "course_id",
    "provider_id",
    "provider_name",
    "certificate_id",
    "recognition_id",
    "corrects_id",
    "rule",
    "note",
    "recorded_by",
    "recorded_by_role",
    "created_at",
)
STAFF_ROLES = (Role.REGISTRAR, Role.ADMIN)
APPEND_ATTEMPTS = 5


def money(value: Decimal | float | int | str) -> Decimal:
    """A credit amount rounded to hundredths."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _canonical_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "credits":
        return str(money(value))
    if name == "created_at":
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, Decimal | float):
        return str(value)
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def canonical_form(entry: CreditEntry) -> str:
    """The entry's hashed fields as canonical JSON (sorted keys, no spaces, UTF-8 text)."""
    data = {name: _canonical_value(name, getattr(entry, name)) for name in HASHED_FIELDS}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(entry: CreditEntry, prev_hash: str) -> str:
    """SHA-256 (hex) of the entry's canonical form followed by the previous entry's hash."""
    return hashlib.sha256((canonical_form(entry) + prev_hash).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Provenance:
    """Where an entry comes from and who recorded it."""

    title: str
    rule: str = ""
    note: str = ""
    source_key: str | None = None
    course_id: int | None = None
    provider_id: int | None = None
    provider_name: str = ""
    certificate_id: int | None = None
    recognition_id: int | None = None
    corrects_id: int | None = None
    recorded_by: int | None = None
    recorded_by_role: str = "system"


def _lock_head(session: Session, user_id: int) -> CreditAccount:
    stmt = select(CreditAccount).where(CreditAccount.user_id == user_id).with_for_update()
    account = session.scalars(stmt).one_or_none()
    if account is not None:
        return account
    try:
        with session.begin_nested():
            session.add(CreditAccount(user_id=user_id, seq=0, head_hash=GENESIS_HASH))
    except IntegrityError:
        pass  # another transaction made it first; lock theirs
    return session.scalars(stmt.execution_options(populate_existing=True)).one()


def _by_source(session: Session, user_id: int, source_key: str | None) -> CreditEntry | None:
    if source_key is None:
        return None
    return session.scalars(
        select(CreditEntry).where(
            CreditEntry.user_id == user_id, CreditEntry.source_key == source_key
        )
    ).one_or_none()


def append_entry(
    session: Session,
    user_id: int,
    kind: EntryKind,
    credits: Decimal | int | str,
    outcome_type: OutcomeType,
    provenance: Provenance,
) -> CreditEntry:
    """Append one entry at the end of the learner's chain (in the caller's transaction).

    An entry with a `source_key` the learner's ledger already holds is not added again: the
    existing one is returned."""
    for _attempt in range(APPEND_ATTEMPTS):
        if session.get_bind().dialect.name == "sqlite":
            # Take SQLite's write lock before reading the head (waits for the busy timeout),
            # so a concurrent writer cannot leave this transaction on a stale snapshot.
            session.execute(
                update(CreditAccount)
                .where(CreditAccount.user_id == user_id)
                .values(seq=CreditAccount.seq)
                .execution_options(synchronize_session=False)
            )
        existing = _by_source(session, user_id, provenance.source_key)
        if existing is not None:
            return existing
        try:
            with session.begin_nested():
                account = _lock_head(session, user_id)
                existing = _by_source(session, user_id, provenance.source_key)
                if existing is not None:
                    return existing
                entry = CreditEntry(
                    user_id=user_id,
                    seq=account.seq + 1,
                    kind=kind,
                    credits=money(credits),
                    outcome_type=OutcomeType(outcome_type),
                    created_at=utcnow(),
                    prev_hash=account.head_hash,
                    **provenance.__dict__,
                )
                entry.entry_hash = compute_hash(entry, account.head_hash)
                session.add(entry)
                account.seq = entry.seq
                account.head_hash = entry.entry_hash
                session.flush()
            return entry
        except IntegrityError:
            session.expire_all()  # someone appended at the same place: read the head again
    raise RuntimeError(f"could not append to the credit ledger of user {user_id}")


# -- accrual and corrections -----------------------------------------------------------


def describe_rule(award: CourseAward) -> str:
    """The course's completion rule and credit value as one stable line of text."""
    if award.completion == CompletionRule.SHARE and award.share:
        rule = f"completion: share of lessons >= {round(award.share * 100)}%"
    elif award.completion == CompletionRule.MINUTES and award.minimum_minutes:
        rule = f"completion: at least {award.minimum_minutes} minutes of learning"
    else:
        rule = "completion: all lessons"
    return f"{rule}; {money(award.credits)} credits ({award.outcome_type.value})"


def accrue_for_certificate(session: Session, certificate: Any) -> CreditEntry | None:
    """Award the course's credits for a course certificate, once per learner and course.

    None for certificates without a course, revoked ones, and courses worth no credits."""
    course_id = getattr(certificate, "course_id", None)
    if course_id is None or getattr(certificate, "revoked_at", None) is not None:
        return None
    award = session.get(CourseAward, course_id)
    if award is None or money(award.credits) <= 0:
        return None
    course = session.get(Course, course_id)
    if course is None:
        return None
    provider = session.get(Provider, course.provider_id)
    return append_entry(
        session,
        certificate.user_id,
        EntryKind.AWARD,
        award.credits,
        award.outcome_type,
        Provenance(
            title=course.title[:300],
            rule=describe_rule(award),
            source_key=f"course:{course_id}",
            course_id=course_id,
            provider_id=course.provider_id,
            provider_name=provider.name if provider else "",
            certificate_id=getattr(certificate, "id", None),
        ),
    )


def correct_entry(
    session: Session,
    entry_id: int,
    delta: Decimal | str,
    note: str,
    operator: audit.Operator,
) -> CreditEntry:
    """Correct an entry with a new one of `delta` credits (e.g. -2.00), registrars only; the
    correction is in the audit log too."""
    if operator.role not in STAFF_ROLES:
        raise PermissionDenied("only registrars may correct the credit ledger")
    target = session.get(CreditEntry, entry_id)
    if target is None:
        raise NotFound(f"credit entry {entry_id}")
    if not note.strip():
        raise ValidationError([FieldError("note", "REQUIRED", "a correction needs a reason")])
    entry = append_entry(
        session,
        target.user_id,
        EntryKind.CORRECTION,
        delta,
        target.outcome_type,
        Provenance(
            title=target.title,
            rule=f"correction of entry #{target.seq}",
            note=note.strip()[:2000],
            course_id=target.course_id,
            provider_id=target.provider_id,
            provider_name=target.provider_name,
            corrects_id=target.id,
            recorded_by=operator.user_id,
            recorded_by_role=operator.role.value,
        ),
    )
    audit.record(
        session,
        operator,
        "credit_correction",
        target_id=target.user_id,
        after={"entry": entry.id, "corrects": target.id, "credits": str(entry.credits)},
    )
    return entry


def get_entry(session: Session, entry_id: int) -> CreditEntry:
    """One ledger entry (NotFound when absent)."""
    entry = session.get(CreditEntry, entry_id)
    if entry is None:
        raise NotFound(f"credit entry {entry_id}")
    return entry


# -- reading -----------------------------------------------------------------------------


@dataclass
class Account:
    """A learner's credit account: balances by outcome type and the entries, oldest first."""

    entries: list[CreditEntry]
    balances: dict[OutcomeType, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        """All credits of every outcome type."""
        return money(sum(self.balances.values(), Decimal("0")))


def account(session: Session, user_id: int) -> Account:
    """The learner's ledger and balances."""
    entries = list(
        session.scalars(
            select(CreditEntry).where(CreditEntry.user_id == user_id).order_by(CreditEntry.seq)
        )
    )
    balances = {t: Decimal("0.00") for t in OutcomeType}
    for entry in entries:
        balances[entry.outcome_type] = money(balances[entry.outcome_type] + entry.credits)
    return Account(entries=entries, balances=balances)


def balances(session: Session, user_id: int) -> dict[OutcomeType, Decimal]:
    """The learner's credits by outcome type (every type, zero when none), in one query."""
    rows = session.execute(
        select(CreditEntry.outcome_type, func.sum(CreditEntry.credits))
        .where(CreditEntry.user_id == user_id)
        .group_by(CreditEntry.outcome_type)
    )
    result = {t: Decimal("0.00") for t in OutcomeType}
    for outcome, total in rows:
        result[OutcomeType(outcome)] = money(total or 0)
    return result


# -- integrity -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerBreak:
    """One place where a learner's chain does not hold."""

    user_id: int
    seq: int | None
    entry_id: int | None
    problem: str  # hash_mismatch | link_mismatch | seq_gap | head_mismatch | missing_head


def _check_chain(
    user_id: int, entries: Iterable[CreditEntry], head: CreditAccount | None
) -> list[LedgerBreak]:
    breaks: list[LedgerBreak] = []
    prev_hash, expected_seq = GENESIS_HASH, 1
    last_seq, last_hash = 0, GENESIS_HASH
    for entry in entries:
        if entry.seq != expected_seq:
            breaks.append(LedgerBreak(user_id, entry.seq, entry.id, "seq_gap"))
        if entry.prev_hash != prev_hash:
            breaks.append(LedgerBreak(user_id, entry.seq, entry.id, "link_mismatch"))
        if compute_hash(entry, entry.prev_hash) != entry.entry_hash:
            breaks.append(LedgerBreak(user_id, entry.seq, entry.id, "hash_mismatch"))
        prev_hash, expected_seq = entry.entry_hash, entry.seq + 1
        last_seq, last_hash = entry.seq, entry.entry_hash
    if head is None:
        if last_seq:
            breaks.append(LedgerBreak(user_id, None, None, "missing_head"))
    elif head.seq != last_seq or head.head_hash != last_hash:
        breaks.append(LedgerBreak(user_id, head.seq, None, "head_mismatch"))
    return breaks


def check_ledger(session: Session, user_id: int | None = None) -> list[LedgerBreak]:
    """Recompute every chain (or one learner's) and list where it breaks; [] when intact."""
    heads_stmt = select(CreditAccount)
    entries_stmt = select(CreditEntry).order_by(CreditEntry.user_id, CreditEntry.seq)
    if user_id is not None:
        heads_stmt = heads_stmt.where(CreditAccount.user_id == user_id)
        entries_stmt = entries_stmt.where(CreditEntry.user_id == user_id)
    heads = {h.user_id: h for h in session.scalars(heads_stmt)}
    breaks: list[LedgerBreak] = []
    current: int | None = None
    chain: list[CreditEntry] = []
    seen: set[int] = set()
    for entry in session.scalars(entries_stmt.execution_options(yield_per=1000)):
        if entry.user_id != current:
            if current is not None:
                breaks += _check_chain(current, chain, heads.get(current))
            current, chain = entry.user_id, []
            seen.add(entry.user_id)
        chain.append(entry)
    if current is not None:
        breaks += _check_chain(current, chain, heads.get(current))
    for uid, head in heads.items():
        if uid not in seen:
            breaks += _check_chain(uid, [], head)
    return breaks


# -- demo data ------------------------------------------------------------------------------

DEMO_REGISTRAR_EMAIL = "registrar-demo@example.org"
DEMO_CREDITS = (
    ("2.00", OutcomeType.VOCATIONAL, CompletionRule.ALL_LESSONS, None, None),
    ("1.50", OutcomeType.TRAINING, CompletionRule.SHARE, 0.8, None),
    ("1.00", OutcomeType.CULTURE, CompletionRule.MINUTES, None, 30),
    ("3.00", OutcomeType.ACADEMIC, CompletionRule.ALL_LESSONS, None, None),
)


def _demo_document() -> bytes:
    """A one-page PDF standing in for another institution's certificate."""
    import io

    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=landscape(A5))
    page.setFont("STSong-Light", 22)
    page.drawString(60, 300, "上海开放大学 结业证书（示例）")
    page.setFont("STSong-Light", 14)
    page.drawString(60, 250, "计算机应用基础  4 学分  2025年6月30日")
    page.save()
    return out.getvalue()


def seed_demo(
    session: Session,
    documents: Path,
    registrar_password: str | None = None,
    learner_email: str | None = None,
) -> None:
    """Demo credit bank: credits on the first four published courses without settings, a demo
    registrar (registrar-demo@example.org; a random password unless one is given), and one
    pending recognition request (with a PDF document stored under `documents`, a folder) of
    the learner `learner_email` (else the first learner account). Idempotent."""
    import secrets
    from datetime import date

    from catalogue.models import CourseStatus, User
    from catalogue.services.users import register_user
    from records import recognition
    from records.models.credits import RecognitionRequest

    if session.scalar(select(User.id).where(User.email == DEMO_REGISTRAR_EMAIL)) is None:
        register_user(
            session,
            DEMO_REGISTRAR_EMAIL,
            registrar_password or secrets.token_urlsafe(16),
            "李老师（学分银行）",
            role=Role.REGISTRAR,
        )
    if session.scalar(select(func.count()).select_from(CourseAward)) == 0:
        courses = session.scalars(
            select(Course.id)
            .where(Course.status == CourseStatus.PUBLISHED)
            .order_by(Course.id)
            .limit(len(DEMO_CREDITS))
        ).all()
        for course_id, (credits, outcome, rule, share, minutes) in zip(
            courses, DEMO_CREDITS, strict=False
        ):
            session.add(
                CourseAward(
                    course_id=course_id,
                    credits=Decimal(credits),
                    outcome_type=outcome,
                    completion=rule,
                    share=share,
                    minimum_minutes=minutes,
                )
            )
    learner_filter = User.email == learner_email if learner_email else User.role == Role.LEARNER
    learner = session.scalars(select(User).where(learner_filter).order_by(User.id).limit(1)).first()
    if learner is None:
        session.flush()
        return
    if session.scalar(
        select(RecognitionRequest.id).where(RecognitionRequest.user_id == learner.id)
    ):
        session.flush()
        return
    recognition.submit(
        session,
        learner.id,
        recognition.Claim(
            institution="上海开放大学",
            title="计算机应用基础",
            achieved_on=date(2025, 6, 30),
            credits_claimed=Decimal("4"),
            outcome_type=OutcomeType.ACADEMIC,
        ),
        recognition.Document("结业证书.pdf", _demo_document()),
        recognition.DocumentStore(Path(documents)),
    )
    session.flush()

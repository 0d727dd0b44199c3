"""Recognition of outcomes from elsewhere: a learner asks (with a PDF, JPEG or PNG document,
its type checked by its first bytes, stored outside the static folder), a registrar accepts
with a conversion rule (a ratio of the claimed credits, or a fixed number) — a ledger entry —
or refuses with a reason. Every step goes into the operator audit log; the learner is
notified of the decision."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from catalogue.errors import FieldError, NotFound, PermissionDenied, ValidationError
from catalogue.models import Role, User
from catalogue.models.awards import OutcomeType
from catalogue.models.base import utcnow
from catalogue.services import audit, notifications
from records.credits import STAFF_ROLES, Provenance, append_entry, money
from records.models.credits import (
    ConversionKind,
    CreditEntry,
    EntryKind,
    RecognitionRequest,
    RecognitionStatus,
)

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_CREDITS = Decimal("200")
MAX_RATIO = Decimal("1")
# The first bytes of each accepted document type, and the type it is served as.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


@dataclass(frozen=True)
class Document:
    """An uploaded document, read into memory (it is at most MAX_DOCUMENT_BYTES)."""

    filename: str
    data: bytes


def sniff(data: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) of a PDF, PNG or JPEG by its first bytes; None for others."""
    for magic, mime, ext in SIGNATURES:
        if data.startswith(magic):
            return mime, ext
    return None


class DocumentStore:
    """Documents on disk under one folder (outside the static files), by unguessable key."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def save(self, data: bytes, ext: str) -> str:
        """Write the bytes under a new random key and return the key."""
        self.root.mkdir(parents=True, exist_ok=True)
        key = f"{secrets.token_hex(16)}.{ext}"
        path = self.root / key
        with open(path, "xb") as out:
            out.write(data)
        path.chmod(0o600)
        return key

    def read(self, key: str) -> bytes:
        """The bytes stored under a key (NotFound when absent or the key is malformed)."""
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise NotFound("document")
        path = self.root / key
        if not path.is_file():
            raise NotFound("document")
        return path.read_bytes()

    def delete(self, key: str) -> bool:
        """Remove a stored document; False when it was not there."""
        if not key or "/" in key or "\\" in key or key.startswith("."):
            return False
        path = self.root / key
        if not path.is_file():
            return False
        path.unlink()
        return True

    def stored(self) -> list[str]:
        """Every stored document's key."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_file())


def purge_documents(session: Session, user_id: int, store: DocumentStore) -> int:
    """Delete the files of a learner's requests (before their account is deleted); returns
    how many were removed."""
    keys = session.scalars(
        select(RecognitionRequest.document_key).where(RecognitionRequest.user_id == user_id)
    )
    return sum(store.delete(key) for key in keys)


def sweep_documents(session: Session, store: DocumentStore) -> int:
    """Delete stored files that no request refers to any more (e.g. after an account was
    deleted); returns how many."""
    known = set(session.scalars(select(RecognitionRequest.document_key)))
    return sum(store.delete(key) for key in store.stored() if key not in known)


@dataclass(frozen=True)
class Claim:
    """What the learner states about an outcome from elsewhere."""

    institution: str
    title: str
    achieved_on: date
    credits_claimed: Decimal
    outcome_type: OutcomeType


def _check_claim(claim: Claim, document: Document) -> tuple[str, str]:
    errors: list[FieldError] = []
    if not claim.institution.strip() or len(claim.institution) > 200:
        errors.append(FieldError("institution", "REQUIRED", "institution is required (≤ 200)"))
    if not claim.title.strip() or len(claim.title) > 300:
        errors.append(FieldError("title", "REQUIRED", "title is required (≤ 300)"))
    if claim.achieved_on > date.today():
        errors.append(FieldError("achieved_on", "FUTURE_DATE", "the date is in the future"))
    if not Decimal("0") <= claim.credits_claimed <= MAX_CREDITS:
        errors.append(FieldError("credits_claimed", "OUT_OF_RANGE", "credits out of range"))
    kind = None
    if not document.data:
        errors.append(FieldError("document", "EMPTY", "the document is empty"))
    elif len(document.data) > MAX_DOCUMENT_BYTES:
        errors.append(FieldError("document", "TOO_LARGE", "the document is too large"))
    else:
        kind = sniff(document.data)
        if kind is None:
            errors.append(FieldError("document", "BAD_TYPE", "not a PDF, JPEG or PNG file"))
    if errors:
        raise ValidationError(errors)
    assert kind is not None
    return kind


def _operator_for(user: User, ip: str = "") -> audit.Operator:
    return audit.Operator(user_id=user.id, role=Role(user.role), ip=ip)


def submit(
    session: Session,
    user_id: int,
    claim: Claim,
    document: Document,
    store: DocumentStore,
    *,
    ip: str = "",
) -> RecognitionRequest:
    """File a learner's request; raises ValidationError listing every problem."""
    mime, ext = _check_claim(claim, document)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id}")
    key = store.save(document.data, ext)
    name = Path(document.filename or f"document.{ext}").name[:200] or f"document.{ext}"
    request = RecognitionRequest(
        user_id=user_id,
        institution=claim.institution.strip(),
        title=claim.title.strip(),
        achieved_on=claim.achieved_on,
        credits_claimed=money(claim.credits_claimed),
        outcome_type=claim.outcome_type,
        document_name=name,
        document_key=key,
        document_type=mime,
        document_size=len(document.data),
    )
    session.add(request)
    session.flush()
    audit.record(
        session,
        _operator_for(user, ip),
        "recognition_submit",
        target_id=user_id,
        after={
            "request_id": request.id,
            "title": request.title,
            "claimed": str(money(claim.credits_claimed)),
        },
    )
    return request


def mine(session: Session, user_id: int) -> list[RecognitionRequest]:
    """The learner's requests, newest first."""
    return list(
        session.scalars(
            select(RecognitionRequest)
            .where(RecognitionRequest.user_id == user_id)
            .order_by(RecognitionRequest.id.desc())
        )
    )


def queue(session: Session, limit: int = 200) -> list[tuple[RecognitionRequest, User]]:
    """The registrar's queue: pending requests oldest first, then the latest decided ones."""
    pending_first = case((RecognitionRequest.status == RecognitionStatus.PENDING, 0), else_=1)
    rows = session.execute(
        select(RecognitionRequest, User)
        .join(User, User.id == RecognitionRequest.user_id)
        .order_by(
            pending_first,
            case(
                (RecognitionRequest.status == RecognitionStatus.PENDING, RecognitionRequest.id),
                else_=-RecognitionRequest.id,
            ),
        )
        .limit(limit)
    )
    return [(r, u) for r, u in rows]


def _require_staff(role: Role) -> None:
    if role not in STAFF_ROLES:
        raise PermissionDenied("only registrars may review recognition requests")


def get_for(session: Session, request_id: int, user_id: int, role: Role) -> RecognitionRequest:
    """A request as its learner or a registrar may see it; NotFound for anyone else."""
    request = session.get(RecognitionRequest, request_id)
    if request is None or (request.user_id != user_id and role not in STAFF_ROLES):
        raise NotFound(f"recognition request {request_id}")
    return request


def _locked(session: Session, request_id: int) -> RecognitionRequest:
    """The request, locked for this transaction (a no-op UPDATE: PostgreSQL's row lock,
    SQLite's write lock), read afresh: two registrars deciding at once decide once."""
    locked = session.execute(
        update(RecognitionRequest)
        .where(RecognitionRequest.id == request_id)
        .values(status=RecognitionRequest.status)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not locked:
        raise NotFound(f"recognition request {request_id}")
    return session.scalars(
        select(RecognitionRequest)
        .where(RecognitionRequest.id == request_id)
        .execution_options(populate_existing=True)
    ).one()


def convert(claimed: Decimal, conversion: ConversionKind, value: Decimal) -> tuple[Decimal, str]:
    """The credits granted and the rule as text: a ratio of the claim, or a fixed number."""
    if conversion == ConversionKind.RATIO:
        if not Decimal("0") < value <= MAX_RATIO:
            raise ValidationError([FieldError("value", "OUT_OF_RANGE", "ratio must be in (0, 1]")])
        granted = money(claimed * value)
        return granted, f"ratio {value.normalize():f} × {money(claimed)} claimed = {granted}"
    if not Decimal("0") < value <= MAX_CREDITS:
        raise ValidationError([FieldError("value", "OUT_OF_RANGE", "credits out of range")])
    granted = money(value)
    return granted, f"fixed {granted} credits"


def accept(
    session: Session,
    request_id: int,
    operator: audit.Operator,
    conversion: ConversionKind,
    value: Decimal | str,
    note: str = "",
) -> CreditEntry:
    """Accept a pending request with a conversion rule: a recognition entry in the ledger, the
    audit log, and the learner notified."""
    _require_staff(operator.role)
    request = _locked(session, request_id)
    if request.status != RecognitionStatus.PENDING:
        raise ValidationError([FieldError("status", "DECIDED", "the request is already decided")])
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError([FieldError("value", "NOT_A_NUMBER", "not a number")]) from exc
    granted, rule = convert(request.credits_claimed, ConversionKind(conversion), amount)
    if operator.user_id == request.user_id:
        raise PermissionDenied("a registrar may not decide their own request")
    entry = append_entry(
        session,
        request.user_id,
        EntryKind.RECOGNITION,
        granted,
        request.outcome_type,
        Provenance(
            title=request.title,
            rule=rule,
            note=note.strip()[:2000],
            source_key=f"recognition:{request.id}",
            provider_name=request.institution,
            recognition_id=request.id,
            recorded_by=operator.user_id,
            recorded_by_role=operator.role.value,
        ),
    )
    request.status = RecognitionStatus.ACCEPTED
    request.decided_at = utcnow()
    request.decided_by = operator.user_id
    request.conversion = ConversionKind(conversion)
    request.conversion_value = amount
    request.rule_text = rule
    request.credits_granted = granted
    request.entry_id = entry.id
    audit.record(
        session,
        operator,
        "recognition_accept",
        target_id=request.user_id,
        before={"request_id": request.id, "status": "pending"},
        after={"status": "accepted", "rule": rule, "credits": str(granted), "entry": entry.id},
    )
    notifications.notify(
        session,
        request.user_id,
        notifications.CREDIT_RECOGNITION,
        request_id=request.id,
        title=request.title,
        accepted=True,
        credits=str(granted),
    )
    return entry


def refuse(session: Session, request_id: int, operator: audit.Operator, reason: str) -> None:
    """Refuse a pending request with a reason: the audit log, and the learner notified."""
    _require_staff(operator.role)
    reason = reason.strip()
    if not reason or len(reason) > 2000:
        raise ValidationError([FieldError("reason", "REQUIRED", "a reason is required")])
    request = _locked(session, request_id)
    if request.status != RecognitionStatus.PENDING:
        raise ValidationError([FieldError("status", "DECIDED", "the request is already decided")])
    if operator.user_id == request.user_id:
        raise PermissionDenied("a registrar may not decide their own request")
    request.status = RecognitionStatus.REFUSED
    request.decided_at = utcnow()
    request.decided_by = operator.user_id
    request.refusal_reason = reason
    audit.record(
        session,
        operator,
        "recognition_refuse",
        target_id=request.user_id,
        before={"request_id": request.id, "status": "pending"},
        after={"status": "refused", "reason": reason},
    )
    notifications.notify(
        session,
        request.user_id,
        notifications.CREDIT_RECOGNITION,
        request_id=request.id,
        title=request.title,
        accepted=False,
    )

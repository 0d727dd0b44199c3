"""Learners' consents that an institution's client reads their certificates and credit records,
and what a client reads through them. Withdrawing stops access at the next call: every read
checks the consent row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import NotFound, PermissionDenied
from catalogue.models import User
from catalogue.models.base import utcnow
from insight.models.open_data import OpenDataClient, OpenDataConsent
from insight.open_data.clients import live_clients_with_scope
from insight.open_data.cursors import decode_cursor, encode_cursor
from insight.open_data.scopes import RECORDS_READ
from records.models.certificates import Certificate
from records.models.credits import CreditEntry

MAX_LIMIT = 200


class NoConsent(PermissionDenied):
    """The learner has not consented (or has withdrawn) to this client reading their records."""

    code = "NO_CONSENT"


@dataclass(frozen=True)
class ConsentView:
    """One record-reading institution on a learner's consent page."""

    client_pk: int
    name: str
    granted_at: datetime | None


def consent_page(session: Session, user_id: int) -> list[ConsentView]:
    """Every live client that may ask for records, with the learner's live consent if any."""
    clients = live_clients_with_scope(session, RECORDS_READ)
    granted = {
        row.client_pk: row.granted_at
        for row in session.scalars(
            select(OpenDataConsent).where(
                OpenDataConsent.user_id == user_id, OpenDataConsent.withdrawn_at.is_(None)
            )
        )
    }
    return [ConsentView(c.id, c.name, granted.get(c.id)) for c in clients]


def _record_reader(session: Session, client_pk: int) -> OpenDataClient:
    client = session.get(OpenDataClient, client_pk)
    if client is None or client.revoked_at is not None or RECORDS_READ not in client.scopes.split():
        raise NotFound("no such institution reads learning records")
    return client


def grant(session: Session, user_id: int, client_pk: int) -> OpenDataConsent:
    """The learner lets the client read their certificates and credits (flushes)."""
    _record_reader(session, client_pk)
    row = session.scalar(
        select(OpenDataConsent).where(
            OpenDataConsent.user_id == user_id, OpenDataConsent.client_pk == client_pk
        )
    )
    if row is None:
        row = OpenDataConsent(user_id=user_id, client_pk=client_pk, granted_at=utcnow())
        session.add(row)
    elif row.withdrawn_at is not None:
        row.granted_at, row.withdrawn_at = utcnow(), None
    session.flush()
    return row


def withdraw(session: Session, user_id: int, client_pk: int) -> None:
    """The learner withdraws the consent; the client's next read is refused (flushes)."""
    row = session.scalar(
        select(OpenDataConsent).where(
            OpenDataConsent.user_id == user_id,
            OpenDataConsent.client_pk == client_pk,
            OpenDataConsent.withdrawn_at.is_(None),
        )
    )
    if row is not None:
        row.withdrawn_at = utcnow()
        session.flush()


def has_consent(session: Session, user_id: int, client_pk: int) -> bool:
    """Whether the learner's consent to the client is in force."""
    return (
        session.scalar(
            select(OpenDataConsent.id).where(
                OpenDataConsent.user_id == user_id,
                OpenDataConsent.client_pk == client_pk,
                OpenDataConsent.withdrawn_at.is_(None),
            )
        )
        is not None
    )


def _require(session: Session, user_id: int, client_pk: int) -> None:
    if not has_consent(session, user_id, client_pk):
        raise NoConsent("this learner has not consented to your institution reading their records")


@dataclass(frozen=True)
class Page:
    """A page of JSON items and the cursor after it ("" when nothing more)."""

    items: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


def _page(kind: str, items: list[Any], limit: int, key, shape) -> Page:
    more = len(items) > limit
    items = items[:limit]
    cursor = encode_cursor(kind, i=key(items[-1])) if more else ""
    return Page([shape(item) for item in items], cursor, more)


def _after(kind: str, cursor: str | None) -> int:
    return decode_cursor(kind, cursor, {"i": int})["i"] if cursor else 0


def consenting_learners(session: Session, client_pk: int, cursor: str | None, limit: int) -> Page:
    """Learners whose consent to the client is in force, by user id."""
    limit = max(1, min(limit, MAX_LIMIT))
    rows = session.execute(
        select(OpenDataConsent.user_id, User.display_name, OpenDataConsent.granted_at)
        .join(User, User.id == OpenDataConsent.user_id)
        .where(
            OpenDataConsent.client_pk == client_pk,
            OpenDataConsent.withdrawn_at.is_(None),
            OpenDataConsent.user_id > _after("learners", cursor),
        )
        .order_by(OpenDataConsent.user_id)
        .limit(limit + 1)
    ).all()
    return _page(
        "learners",
        rows,
        limit,
        lambda r: r.user_id,
        lambda r: {
            "learner_id": r.user_id,
            "display_name": r.display_name,
            "consented_at": r.granted_at.isoformat(),
        },
    )


def certificates(
    session: Session, client_pk: int, user_id: int, cursor: str | None, limit: int
) -> Page:
    """A consenting learner's certificates, oldest first (NoConsent otherwise)."""
    _require(session, user_id, client_pk)
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(
        session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id, Certificate.id > _after("certs", cursor))
            .order_by(Certificate.id)
            .limit(limit + 1)
        )
    )
    return _page(
        "certs",
        rows,
        limit,
        lambda c: c.id,
        lambda c: {
            "id": c.id,
            "code": c.code,
            "kind": c.kind.value,
            "course_id": c.course_id,
            "title_zh": c.title_zh,
            "title_en": c.title_en,
            "provider_name": c.provider_name,
            "issued_at": c.issued_at.isoformat(),
            "revoked": c.revoked_at is not None,
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
        },
    )


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def credits(session: Session, client_pk: int, user_id: int, cursor: str | None, limit: int) -> Page:
    """A consenting learner's credit ledger entries in ledger order (NoConsent otherwise)."""
    _require(session, user_id, client_pk)
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(
        session.scalars(
            select(CreditEntry)
            .where(CreditEntry.user_id == user_id, CreditEntry.seq > _after("credits", cursor))
            .order_by(CreditEntry.seq)
            .limit(limit + 1)
        )
    )
    return _page(
        "credits",
        rows,
        limit,
        lambda e: e.seq,
        lambda e: {
            "seq": e.seq,
            "kind": e.kind.value,
            "credits": _money(e.credits),
            "outcome_type": e.outcome_type.value,
            "title": e.title,
            "course_id": e.course_id,
            "provider_name": e.provider_name,
            "created_at": e.created_at.isoformat(),
            "entry_hash": e.entry_hash,
        },
    )

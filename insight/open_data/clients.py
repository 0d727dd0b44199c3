"""Institutions' API clients: registration by administrators, the secret shown once, scopes and
limits, rotation and revocation. Each change made by an administrator (an `Operator`) writes its
entry in the admin audit log (catalogue.services.audit) in the caller's transaction."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from catalogue.errors import FieldError, NotFound, ValidationError
from catalogue.models.base import utcnow
from catalogue.services import audit
from catalogue.services.audit import Operator
from catalogue.services.validation import CONTROL_CHARACTERS
from insight.models.open_data import OpenDataClient, OpenDataToken
from insight.open_data.scopes import join_scopes, parse_scopes, unknown_scopes

CLIENT_ID_PREFIX = "odc_"
MAX_RATE_PER_MINUTE = 100_000
MAX_DAILY_QUOTA = 100_000_000


def digest(secret: str) -> str:
    """The stored form of a secret or token: its SHA-256 (they are 256-bit random strings)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    """A fresh client secret (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class ClientData:
    """What an administrator sets on a client."""

    name: str
    scopes: list[str]
    rate_per_minute: int
    daily_quota: int
    contact_email: str = ""


@dataclass(frozen=True)
class Issued:
    """A client and its secret in clear: shown once, never stored."""

    client: OpenDataClient
    secret: str


MAX_NAME = 200
MAX_EMAIL = 254


def _validate(session: Session, data: ClientData, client_pk: int | None = None) -> ClientData:
    """The data cleaned, or ValidationError naming every bad field (field, stable code)."""
    problems: list[FieldError] = []
    name = (data.name or "").strip()
    if not name:
        problems.append(FieldError("name", "REQUIRED", "the institution's name is required"))
    elif len(name) > MAX_NAME:
        problems.append(FieldError("name", "TOO_LONG", f"at most {MAX_NAME} characters"))
    elif CONTROL_CHARACTERS.search(name):
        problems.append(FieldError("name", "CONTROL_CHARACTERS", "no control characters"))
    elif _name_taken(session, name, client_pk):
        problems.append(FieldError("name", "DUPLICATE_NAME", "another active client has this name"))
    bad = unknown_scopes(" ".join(data.scopes))
    if bad:
        shown = ", ".join(scope[:40] for scope in bad[:5])
        problems.append(FieldError("scopes", "UNKNOWN_SCOPE", f"unknown scopes: {shown}"))
    elif not parse_scopes(" ".join(data.scopes)):
        problems.append(FieldError("scopes", "NO_SCOPE", "choose at least one scope"))
    if not 1 <= data.rate_per_minute <= MAX_RATE_PER_MINUTE:
        problems.append(
            FieldError("rate_per_minute", "OUT_OF_RANGE", f"1 to {MAX_RATE_PER_MINUTE}")
        )
    if not 1 <= data.daily_quota <= MAX_DAILY_QUOTA:
        problems.append(FieldError("daily_quota", "OUT_OF_RANGE", f"1 to {MAX_DAILY_QUOTA}"))
    email = (data.contact_email or "").strip()
    if len(email) > MAX_EMAIL or CONTROL_CHARACTERS.search(email) or (email and "@" not in email):
        problems.append(FieldError("contact_email", "INVALID_EMAIL", "not an e-mail address"))
    if problems:
        raise ValidationError(problems)
    return ClientData(
        name, parse_scopes(" ".join(data.scopes)), data.rate_per_minute, data.daily_quota, email
    )


def _name_taken(session: Session, name: str, client_pk: int | None) -> bool:
    """Whether another unrevoked client has this name (letter case aside)."""
    stmt = select(OpenDataClient.id).where(
        func.lower(OpenDataClient.name) == name.lower(), OpenDataClient.revoked_at.is_(None)
    )
    if client_pk is not None:
        stmt = stmt.where(OpenDataClient.id != client_pk)
    return session.scalar(stmt.limit(1)) is not None


def _settings(client: OpenDataClient) -> dict[str, Any]:
    """What an administrator sets on a client, as the admin audit log records it."""
    return {
        "name": client.name,
        "contact_email": client.contact_email or "",
        "scopes": client.scopes,
        "rate_per_minute": client.rate_per_minute,
        "daily_quota": client.daily_quota,
    }


def _audit(
    session: Session,
    by: Operator | None,
    action: str,
    client: OpenDataClient,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One admin audit entry for a change to a client (none for scripts that pass no operator).

    Entries name the client by its public client_id, never by its secret."""
    if by is None:
        return
    audit.record(
        session,
        by,
        action,
        before=before,
        after={"client": client.client_id, **(after or {})},
    )


def register_client(
    session: Session, data: ClientData, created_by: int | None = None, by: Operator | None = None
) -> Issued:
    """Register a client; the secret comes back once. Audited when `by` is given (an
    administrator). Flushes, does not commit."""
    if by is not None:
        by.require_admin()
        created_by = by.user_id if created_by is None else created_by
    data = _validate(session, data)
    secret = new_secret()
    client = OpenDataClient(
        client_id=CLIENT_ID_PREFIX + secrets.token_hex(12),
        secret_hash=digest(secret),
        name=data.name,
        contact_email=data.contact_email,
        scopes=join_scopes(data.scopes),
        rate_per_minute=data.rate_per_minute,
        daily_quota=data.daily_quota,
        created_by=created_by,
    )
    session.add(client)
    session.flush()
    _audit(session, by, "api_client_register", client, after=_settings(client))
    return Issued(client, secret)


def update_client(
    session: Session, client_pk: int, data: ClientData, by: Operator | None = None
) -> OpenDataClient:
    """Change a client's name, scopes and limits (audited with the fields before and after
    when `by` is given). Tokens already issued keep their scopes only as far as the client still
    holds them (checked on every call)."""
    if by is not None:
        by.require_admin()
    client = get_client(session, client_pk)
    data = _validate(session, data, client.id)
    old = _settings(client)
    client.name = data.name
    client.contact_email = data.contact_email
    client.scopes = join_scopes(data.scopes)
    client.rate_per_minute = data.rate_per_minute
    client.daily_quota = data.daily_quota
    session.flush()
    new = _settings(client)
    changed = [key for key in new if new[key] != old[key]]
    if changed:
        _audit(
            session,
            by,
            "api_client_update",
            client,
            before={key: old[key] for key in changed},
            after={"name": client.name} | {key: new[key] for key in changed},
        )
    return client


def rotate_secret(session: Session, client_pk: int, by: Operator | None = None) -> Issued:
    """A new secret for the client (the old one stops working at once; tokens are revoked)."""
    if by is not None:
        by.require_admin()
    client = get_client(session, client_pk)
    secret = new_secret()
    now = utcnow()
    client.secret_hash = digest(secret)
    client.secret_rotated_at = now
    ended = _revoke_tokens(session, client.id, now)
    session.flush()
    _audit(
        session,
        by,
        "api_client_rotate",
        client,
        after={"name": client.name, "tokens_revoked": ended},
    )
    return Issued(client, secret)


def revoke_client(session: Session, client_pk: int, by: Operator | None = None) -> OpenDataClient:
    """Revoke a client: its secret and every token it holds stop working at once."""
    if by is not None:
        by.require_admin()
    client = get_client(session, client_pk)
    now = utcnow()
    was_revoked = client.revoked_at is not None
    if not was_revoked:
        client.revoked_at = now
    ended = _revoke_tokens(session, client.id, now)
    session.flush()
    if not was_revoked:
        _audit(
            session,
            by,
            "api_client_revoke",
            client,
            before={"revoked": False},
            after={"name": client.name, "revoked": True, "tokens_revoked": ended},
        )
    return client


def _revoke_tokens(session: Session, client_pk: int, now: datetime) -> int:
    """Revoke the client's live tokens; how many there were."""
    result = session.execute(
        update(OpenDataToken)
        .where(OpenDataToken.client_pk == client_pk, OpenDataToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)


def get_client(session: Session, client_pk: int) -> OpenDataClient:
    """A client by its row id; NotFound otherwise."""
    client = session.get(OpenDataClient, client_pk)
    if client is None:
        raise NotFound("no such API client")
    return client


def find_client(session: Session, client_id: str) -> OpenDataClient | None:
    """A client by its public client_id (revoked ones included), or None."""
    if not client_id or len(client_id) > 48:
        return None
    return session.scalar(select(OpenDataClient).where(OpenDataClient.client_id == client_id))


def check_secret(client: OpenDataClient, secret: str | None) -> bool:
    """Whether the secret is the client's (constant-time; a revoked client never matches)."""
    if client.revoked_at is not None or not secret:
        return False
    return hmac.compare_digest(client.secret_hash, digest(secret))


def list_clients(session: Session) -> list[OpenDataClient]:
    """Every client, live ones first, then by name."""
    return list(
        session.scalars(
            select(OpenDataClient).order_by(
                OpenDataClient.revoked_at.is_not(None), OpenDataClient.name, OpenDataClient.id
            )
        )
    )


def live_clients_with_scope(session: Session, scope: str) -> list[OpenDataClient]:
    """Unrevoked clients holding a scope (the learner's consent page lists the record readers)."""
    return [
        client
        for client in session.scalars(
            select(OpenDataClient)
            .where(OpenDataClient.revoked_at.is_(None))
            .order_by(func.lower(OpenDataClient.name), OpenDataClient.id)
        )
        if scope in client.scopes.split()
    ]

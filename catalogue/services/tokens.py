"""Per-partner API tokens for automated catalogue feeds. Only a hash of each token is kept."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from catalogue.errors import Collector, NotFound
from catalogue.models import ApiToken, Provider, utcnow
from catalogue.services.validation import text_field

log = logging.getLogger(__name__)
TOKEN_PREFIX = "llp_"
USE_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session, provider_id: int, name: str, *, created_by_id: int | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for a provider; the plain token is returned once and never stored."""
    errors = Collector()
    label = text_field(errors, "name", name, max_len=100, required=True)
    errors.raise_if_any()
    if session.get(Provider, provider_id) is None:
        raise NotFound(f"provider {provider_id} does not exist")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        provider_id=provider_id,
        created_by_id=created_by_id,
        name=label,
        prefix=plain[: len(TOKEN_PREFIX) + 6],
        token_hash=_hash(plain),
    )
    session.add(token)
    session.flush()
    return token, plain


def authenticate_token(session: Session, plain: str) -> ApiToken | None:
    """The live token matching this secret, or None; reads only (see record_token_use)."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(plain)))
    if token is None or token.revoked_at is not None:
        return None
    return token


def record_token_use(session: Session, token_id: int, every: timedelta = USE_EVERY) -> bool:
    """Note a token's use, at most once per `every`; returns whether anything was written.

    Run it in its own short transaction: a feed polling every second writes once a minute.
    """
    now = utcnow()
    result = session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < now - every),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return bool(result.rowcount)


def list_tokens(session: Session, provider_id: int) -> list[ApiToken]:
    """A provider's tokens, newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.provider_id == provider_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, provider_id: int, token_id: int) -> ApiToken:
    """Revoke one of the provider's tokens."""
    token = session.get(ApiToken, token_id)
    if token is None or token.provider_id != provider_id:
        raise NotFound(f"token {token_id} does not exist")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token


def note_token_use(sessions: sessionmaker[Session], token_id: int) -> None:
    """Record a token's use in its own short transaction; a failure is logged, never raised."""
    try:
        with sessions.begin() as session:
            record_token_use(session, token_id)
    except SQLAlchemyError:
        log.warning("could not record the use of API token %s", token_id, exc_info=True)

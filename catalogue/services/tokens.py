"""Per-partner API tokens for automated catalogue feeds. Only a hash of each token is kept."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import Collector, NotFound
from catalogue.models import ApiToken, Provider, utcnow
from catalogue.services.validation import text_field

TOKEN_PREFIX = "llp_"


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
    """The live token matching this secret, or None; records its use."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(plain)))
    if token is None or token.revoked_at is not None:
        return None
    token.last_used_at = utcnow()
    session.flush()
    return token


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

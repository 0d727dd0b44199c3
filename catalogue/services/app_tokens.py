"""Learners' access tokens for the mobile app: issue, verify, list, revoke.

A token is shown once, when it is issued; only its SHA-256 is stored. It dies when the learner
revokes it (or signs it out from the app), when it expires, when the account is suspended, or
when the account's password changes (the token remembers a fingerprint of the password hash).
"""

from __future__ import annotations

import enum
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from catalogue.errors import Collector, NotFound
from catalogue.models import AppToken, User, utcnow
from catalogue.services.users import password_fingerprint
from catalogue.services.validation import text_field

log = logging.getLogger(__name__)

TOKEN_PREFIX = "lla_"
TOKEN_LIFETIME = timedelta(days=90)
USE_EVERY = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200
# A learner's live sign-ins at most; the oldest is revoked when a new one would pass it.
MAX_LIVE_TOKENS = 20


class Refusal(enum.StrEnum):
    """Why a presented token was not accepted."""

    UNKNOWN = "TOKEN_INVALID"
    REVOKED = "TOKEN_REVOKED"
    EXPIRED = "TOKEN_EXPIRED"
    ACCOUNT = "ACCOUNT_UNAVAILABLE"


@dataclass(frozen=True)
class Verified:
    """A live token and its account."""

    token: AppToken
    user: User


def _hash(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def looks_like_token(plain: str) -> bool:
    """Whether a bearer secret has the shape of an app token (partners' tokens do not)."""
    return plain.startswith(TOKEN_PREFIX) and len(plain) <= MAX_TOKEN_LENGTH


def issue_token(
    session: Session,
    user: User,
    device_name: object,
    *,
    lifetime: timedelta = TOKEN_LIFETIME,
    now: datetime | None = None,
) -> tuple[AppToken, str]:
    """Issue a token for a signed-in learner's device; the plain token is returned once."""
    errors = Collector()
    name = text_field(errors, "device_name", device_name, max_len=100, required=True)
    errors.raise_if_any()
    moment = now or utcnow()
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AppToken(
        user_id=user.id,
        device_name=name,
        prefix=plain[: len(TOKEN_PREFIX) + 6],
        token_hash=_hash(plain),
        password_fingerprint=password_fingerprint(user),
        created_at=moment,
        expires_at=moment + lifetime,
    )
    session.add(token)
    session.flush()
    _trim(session, user.id, moment)
    return token, plain


def _trim(session: Session, user_id: int, now: datetime) -> None:
    """Revoke the oldest live tokens beyond MAX_LIVE_TOKENS."""
    live = list(
        session.scalars(
            select(AppToken.id)
            .where(
                AppToken.user_id == user_id,
                AppToken.revoked_at.is_(None),
                AppToken.expires_at > now,
            )
            .order_by(AppToken.created_at.desc(), AppToken.id.desc())
        )
    )
    extra = live[MAX_LIVE_TOKENS:]
    if extra:
        session.execute(
            update(AppToken)
            .where(AppToken.id.in_(extra))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        session.flush()


def verify_token(
    session: Session, plain: str, *, now: datetime | None = None
) -> Verified | Refusal:
    """The live token matching this secret with its account, or why it is refused (reads only)."""
    if not plain or not looks_like_token(plain):
        return Refusal.UNKNOWN
    row = session.execute(
        select(AppToken, User)
        .join(User, User.id == AppToken.user_id)
        .where(AppToken.token_hash == _hash(plain))
    ).first()
    if row is None:
        return Refusal.UNKNOWN
    token, user = row
    if token.revoked_at is not None:
        return Refusal.REVOKED
    if token.expires_at <= (now or utcnow()):
        return Refusal.EXPIRED
    if not user.is_active or user.email_verified_at is None:
        return Refusal.ACCOUNT
    if token.password_fingerprint != password_fingerprint(user):
        return Refusal.REVOKED  # the password changed since: every app signs in again
    return Verified(token, user)


def record_use(session: Session, token_id: int, every: timedelta = USE_EVERY) -> bool:
    """Note a token's use, at most once per `every`; returns whether anything was written."""
    now = utcnow()
    result = session.execute(
        update(AppToken)
        .where(
            AppToken.id == token_id,
            (AppToken.last_used_at.is_(None)) | (AppToken.last_used_at < now - every),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return bool(result.rowcount)


def note_use(sessions: sessionmaker[Session], token_id: int) -> None:
    """Record a token's use in its own short transaction; a failure is logged, never raised."""
    try:
        with sessions.begin() as session:
            record_use(session, token_id)
    except SQLAlchemyError:
        log.warning("could not record the use of app token %s", token_id, exc_info=True)


def is_live(token: AppToken, now: datetime | None = None) -> bool:
    """Whether the token is neither revoked nor expired."""
    return token.revoked_at is None and token.expires_at > (now or utcnow())


def list_tokens(session: Session, user_id: int, *, limit: int = 100) -> list[AppToken]:
    """The learner's app sign-ins, newest first (revoked and expired ones too)."""
    return list(
        session.scalars(
            select(AppToken)
            .where(AppToken.user_id == user_id)
            .order_by(AppToken.created_at.desc(), AppToken.id.desc())
            .limit(limit)
        )
    )


def revoke_token(session: Session, user_id: int, token_id: int) -> AppToken:
    """Revoke one of the learner's tokens (NotFound for anyone else's)."""
    token = session.get(AppToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound(f"app sign-in {token_id} does not exist")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token


def revoke_all(session: Session, user_id: int) -> int:
    """Revoke every live token of the learner; returns how many."""
    result = session.execute(
        update(AppToken)
        .where(AppToken.user_id == user_id, AppToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return result.rowcount

"""The open data API's tables (issue 17): institutions' OAuth clients, their access tokens, the
learners' consents and the audit log of every call.

Secrets and tokens are stored only as SHA-256 digests: both are 256-bit random strings made
here, so a fast digest is as safe as a password hash and costs nothing per request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, BigIntPK, utcnow
from catalogue.models.courses import Course

# The change feed reads courses in (updated_at, id) order; this index on catalogue's table is
# declared here, with the feed that needs it (migration 0034 creates it).
Index("ix_courses_updated_at_id", Course.updated_at, Course.id)


class OpenDataClient(Base):
    """An institution's API client: `client_id` is public, the secret is kept as a digest."""

    __tablename__ = "open_data_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(48), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # Space-separated OAuth scopes (insight/open_data/scopes.py).
    scopes: Mapped[str] = mapped_column(String(200), default="")
    rate_per_minute: Mapped[int] = mapped_column(Integer)
    daily_quota: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    secret_rotated_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class OpenDataToken(Base):
    """A bearer access token issued to a client (the token itself is never stored)."""

    __tablename__ = "open_data_tokens"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_pk: Mapped[int] = mapped_column(
        ForeignKey("open_data_clients.id", ondelete="CASCADE"), index=True
    )
    scopes: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None] = mapped_column()


class OpenDataConsent(Base):
    """A learner's consent that a client reads their certificates and credit records.

    Withdrawn consents keep their row (`withdrawn_at` set) as a record of what was allowed when;
    granting again clears it."""

    __tablename__ = "open_data_consents"
    __table_args__ = (UniqueConstraint("user_id", "client_pk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_pk: Mapped[int] = mapped_column(
        ForeignKey("open_data_clients.id", ondelete="CASCADE"), index=True
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column()


class OpenDataCall(Base):
    """One call of the open data API, refused ones included: who, what, the answer, how many
    rows it returned."""

    __tablename__ = "open_data_audit"
    __table_args__ = (Index("ix_open_data_audit_client_at", "client_pk", "at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Null when the call named no known client (a bad token, unknown credentials).
    client_pk: Mapped[int | None] = mapped_column(
        ForeignKey("open_data_clients.id", ondelete="SET NULL")
    )
    method: Mapped[str] = mapped_column(String(8))
    endpoint: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column(Integer)
    error_code: Mapped[str] = mapped_column(String(40), default="")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    ip: Mapped[str] = mapped_column(String(64), default="")

"""Server-side log-in sessions, the outgoing-mail outbox and the account audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, BigIntPK, utcnow


class UserSession(Base):
    """One log-in on one device; the browser's signed cookie holds only its random id.

    Deleting the row ends that session even for a copied cookie.
    """

    __tablename__ = "user_sessions"

    # SHA-256 of the random token kept in the cookie, hex: a database leak yields no cookie.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutgoingMail(Base):
    """A mail the site sends: queued here, sent by the mail job when SMTP is configured."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # What the mail is for ("verify", "reset", "signup_attempt"), for the admin's list.
    kind: Mapped[str] = mapped_column(String(32))
    # "queued", "sent" or "failed" (after the last attempt).
    status: Mapped[str] = mapped_column(String(8), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class AccountAudit(Base):
    """What staff or an operator did to an account or a provider: who (a signed-in admin, or
    the command line and its OS user), what, to whom, when, from where, before and after."""

    __tablename__ = "account_audit"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The provider the change concerns (a provider's own change, or an account attached to it).
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("providers.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(32))
    # "web" (a signed-in admin) or "cli" (the `lifelong` command line; actor_id is empty).
    channel: Mapped[str] = mapped_column(String(8), default="web")
    # The operating-system user who ran the command (command line only).
    os_user: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    # The changed fields before and after, e.g. {"role": "learner"} -> {"role": "partner"}.
    before: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

"""Learners' access tokens for the mobile app: one per signed-in device, revocable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, utcnow


class AppToken(Base):
    """One app sign-in on one device; only the token's SHA-256 is stored.

    A token dies when it is revoked, when it expires, or when the account's password changes
    (`password_fingerprint` no longer matches the account's).
    """

    __tablename__ = "app_tokens"
    __table_args__ = (Index("ix_app_tokens_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    device_name: Mapped[str] = mapped_column(String(100))
    # The first characters of the token, so a learner can tell their sign-ins apart.
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    password_fingerprint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

"""Accounts of learners, partners, editors, support staff and admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, str_enum, utcnow
from catalogue.models.enums import Role
from catalogue.models.providers import Provider


class User(Base):
    """A person with an account; partners belong to exactly one provider."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(role = 'partner') = (provider_id IS NOT NULL)", name="partner_has_provider"
        ),
        # The learning-reminders job reads only the accounts that asked for reminders.
        Index("ix_users_reminders_id", "reminders", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"), default=Role.LEARNER)
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("providers.id", ondelete="RESTRICT"), index=True
    )
    preferred_language: Mapped[str] = mapped_column(String(8), default="zh")
    caring_mode: Mapped[bool] = mapped_column(Boolean, default=False)
    # Caring mode's text size on every device of the account: "large" or "larger".
    text_size: Mapped[str] = mapped_column(String(8), default="large", server_default="large")
    # An IANA zone name the learner chose; None: the browser's zone, else the site's.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    interest_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()
    # None until the owner follows the link mailed at sign-up; such accounts cannot log in.
    email_verified_at: Mapped[datetime | None] = mapped_column()
    # Set by an editor: the user may no longer post comments.
    muted_at: Mapped[datetime | None] = mapped_column()
    # A daily e-mail listing the unread notifications not mailed before (docs/mail.md).
    digest_mail: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Learning reminders by e-mail: "off", "daily" or "weekly"; when the last one was queued.
    reminders: Mapped[str] = mapped_column(String(8), default="off", server_default="off")
    reminded_at: Mapped[datetime | None] = mapped_column()

    provider: Mapped[Provider | None] = relationship()

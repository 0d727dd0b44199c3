"""Notifications: what happened that a person should know of (a reply, an upload's outcome)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, BigIntPK, utcnow


class Notification(Base):
    """One notification for one account; `data` holds what its text needs (ids, titles)."""

    __tablename__ = "notifications"
    # A person's unread count and list: by account, newest first.
    __table_args__ = (
        Index("ix_notifications_user_read_id", "user_id", "read_at", "id"),
        # The daily digest: unread notifications not mailed yet, account by account.
        Index("ix_notifications_digest", "read_at", "mailed_at", "user_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
    # When the daily digest mail listed it (None: not yet); a merged notification that
    # changes while unread is cleared again, so the next digest tells of the change.
    mailed_at: Mapped[datetime | None] = mapped_column()

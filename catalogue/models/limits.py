"""Shared counters of the log-in and sign-up limits when no Redis is configured."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base

MAX_KEY_LENGTH = 255


class RateLimitCounter(Base):
    """Hits of one limit key in its current fixed window; a stale row is reused, then purged."""

    __tablename__ = "rate_limit_counters"
    __table_args__ = (Index("ix_rate_limit_counters_expires_at", "expires_at"),)

    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()

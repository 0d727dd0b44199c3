"""Certificates: what a learner earned (a course completed, a special event taken part in),
with the signed credential as issued and its revocation."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, BigIntPK, str_enum, utcnow


class CertificateKind(enum.StrEnum):
    """What a certificate certifies."""

    COURSE = "course"
    EVENT = "event"


class Certificate(Base):
    """One certificate; `code` is its public, unguessable name (/verify/<code>)."""

    __tablename__ = "certificates"
    __table_args__ = (
        # One course certificate per learner and course, one event certificate per event
        # (NULLs are distinct, so the two kinds do not collide).
        UniqueConstraint("user_id", "course_id"),
        UniqueConstraint("user_id", "event_id"),
        Index("ix_certificates_user_issued", "user_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[CertificateKind] = mapped_column(str_enum(CertificateKind, "certificate_kind"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(Integer)
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    provider_name: Mapped[str] = mapped_column(String(200), default="")
    holder_name: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info={"export": False}
    )
    credential: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(64))

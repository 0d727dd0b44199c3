"""Tables of the credit bank: each learner's append-only ledger of credit entries (a hash chain
per learner, its head in `credit_accounts`) and recognition requests for outcomes from elsewhere.

Provenance columns of an entry (course, provider, certificate, who) are plain numbers with name
snapshots, not foreign keys: deleting a course or a registrar's account must not change a
hashed row. Only the learner's own account deletion removes their entries (CASCADE)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.awards import OutcomeType
from catalogue.models.base import Base, BigIntPK, str_enum, utcnow

GENESIS_HASH = "0" * 64


class EntryKind(enum.StrEnum):
    """Why credits entered the ledger."""

    AWARD = "award"  # a course completed on the platform
    RECOGNITION = "recognition"  # an outcome from elsewhere, accepted by a registrar
    CORRECTION = "correction"  # a new entry that corrects an earlier one


class RecognitionStatus(enum.StrEnum):
    """Where a recognition request stands."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"


class ConversionKind(enum.StrEnum):
    """How a registrar converts claimed credits: a ratio of them, or a fixed number."""

    RATIO = "ratio"
    FIXED = "fixed"


class CreditAccount(Base):
    """A learner's chain head: the last sequence number and hash (locked while appending)."""

    __tablename__ = "credit_accounts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, default=0)
    head_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)


class CreditEntry(Base):
    """One append-only ledger entry; `entry_hash` = SHA-256(canonical fields + prev_hash)."""

    __tablename__ = "credit_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "seq"),
        # One award per learner and course, one entry per accepted request (idempotence).
        UniqueConstraint("user_id", "source_key", name="uq_credit_entries_user_id_source_key"),
        CheckConstraint("seq > 0", name="seq_positive"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind, "credit_entry_kind"))
    credits: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    outcome_type: Mapped[OutcomeType] = mapped_column(str_enum(OutcomeType, "outcome_type"))
    title: Mapped[str] = mapped_column(String(300))
    source_key: Mapped[str | None] = mapped_column(String(64))
    course_id: Mapped[int | None] = mapped_column(Integer)
    provider_id: Mapped[int | None] = mapped_column(Integer)
    provider_name: Mapped[str] = mapped_column(String(200), default="")
    certificate_id: Mapped[int | None] = mapped_column(BigInteger)
    recognition_id: Mapped[int | None] = mapped_column(BigInteger)
    corrects_id: Mapped[int | None] = mapped_column(BigInteger)
    rule: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(Integer, info={"export": False})
    recorded_by_role: Mapped[str] = mapped_column(String(16), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class RecognitionRequest(Base):
    """A learner's request to recognise an outcome from elsewhere, with its document."""

    __tablename__ = "credit_recognitions"
    __table_args__ = (
        CheckConstraint("credits_claimed >= 0", name="claimed_non_negative"),
        Index("ix_credit_recognitions_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    institution: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    achieved_on: Mapped[date] = mapped_column(Date)
    credits_claimed: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    outcome_type: Mapped[OutcomeType] = mapped_column(str_enum(OutcomeType, "outcome_type"))
    document_name: Mapped[str] = mapped_column(String(200))
    document_key: Mapped[str] = mapped_column(String(64), info={"export": False})
    document_type: Mapped[str] = mapped_column(String(32))
    document_size: Mapped[int] = mapped_column(Integer)
    status: Mapped[RecognitionStatus] = mapped_column(
        str_enum(RecognitionStatus, "recognition_status"), default=RecognitionStatus.PENDING
    )
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), info={"export": False}
    )
    conversion: Mapped[ConversionKind | None] = mapped_column(
        str_enum(ConversionKind, "conversion_kind")
    )
    conversion_value: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    rule_text: Mapped[str] = mapped_column(Text, default="")
    credits_granted: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    entry_id: Mapped[int | None] = mapped_column(BigInteger)

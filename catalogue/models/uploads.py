"""Partner catalogue uploads, their per-row errors, saved column mappings and API tokens."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, BigIntPK, str_enum, utcnow
from catalogue.models.enums import (
    Area,
    CourseFormat,
    CourseStatus,
    Level,
    UploadPolicy,
    UploadStatus,
)
from catalogue.models.providers import Provider


class Upload(Base):
    """One file a partner sent, what it was found to hold, and what applying it did."""

    __tablename__ = "uploads"
    __table_args__ = (Index("ix_uploads_provider_created", "provider_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(8))  # web, api or cli
    # The partner's file name is shown, never used as a path; the file lives under stored_name.
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str | None] = mapped_column(String(8))
    encoding: Mapped[str | None] = mapped_column(String(16))
    policy: Mapped[UploadPolicy] = mapped_column(
        str_enum(UploadPolicy, "upload_policy"), default=UploadPolicy.VALID_ROWS
    )
    full_sync: Mapped[bool] = mapped_column(Boolean, default=False)
    default_area: Mapped[Area | None] = mapped_column(str_enum(Area, "upload_default_area"))
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The language of every course in the file, when the partner states it (else detected).
    language: Mapped[str | None] = mapped_column(String(8))
    # Whether rows without an area get one inferred from their subjects and title.
    infer_area: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Where a JSON file's course array is ("data.list"); None: the one array of objects.
    json_path: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[UploadStatus] = mapped_column(
        str_enum(UploadStatus, "upload_status"), default=UploadStatus.RECEIVED
    )
    total_rows: Mapped[int | None] = mapped_column(Integer)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()

    provider: Mapped[Provider] = relationship()

    @property
    def is_finished(self) -> bool:
        """Whether the upload reached a final state."""
        return self.status in (UploadStatus.APPLIED, UploadStatus.REJECTED, UploadStatus.FAILED)

    def summary(self) -> dict[str, int]:
        """The outcome counts."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "withdrawn": self.withdrawn,
            "rejected": self.rejected,
        }


class UploadError(Base):
    """One rejected row of an upload: its row number, a named code, the column and value."""

    __tablename__ = "upload_errors"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    column: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[str | None] = mapped_column(String(500))
    message: Mapped[str] = mapped_column(String(500))


class ColumnMapping(Base):
    """A provider's saved mapping from its column names to our course fields."""

    __tablename__ = "column_mappings"

    provider_id: Mapped[int] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True
    )
    mapping: Mapped[dict[str, str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ApiToken(Base):
    """A partner's token for automated feeds; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class StagedCourse(Base):
    """One valid row of a running upload, written in short batches and invisible to readers.

    The upload's final short "switch" transaction copies these into `courses` (creating,
    updating, withdrawing) and writes the index outbox; then they are deleted.
    """

    __tablename__ = "upload_staged_courses"
    __table_args__ = (Index("ix_upload_staged_courses_upload_key", "upload_id", "external_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"))
    # What the switch does with the row: "create", "update" or None (unchanged).
    action: Mapped[str | None] = mapped_column(String(8))
    external_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    subtitle: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    area: Mapped[Area] = mapped_column(str_enum(Area, "staged_course_area"))
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    format: Mapped[CourseFormat] = mapped_column(str_enum(CourseFormat, "staged_course_format"))
    level: Mapped[Level] = mapped_column(str_enum(Level, "staged_course_level"))
    language: Mapped[str] = mapped_column(String(16))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    lesson_count: Mapped[int] = mapped_column(Integer)
    cover_url: Mapped[str | None] = mapped_column(String(1000))
    source_url: Mapped[str | None] = mapped_column(String(1000))
    is_free: Mapped[bool] = mapped_column(Boolean)
    price_cents: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[CourseStatus] = mapped_column(str_enum(CourseStatus, "staged_course_status"))
    source_hash: Mapped[str] = mapped_column(String(64))
    # Whether the file gave this course's lessons (then they are in upload_staged_lessons and
    # replace the course's); without, the course keeps the lessons it has.
    has_lessons: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Whether the file gave the course's completion rule and credits (then they replace its
    # course_awards row); without, the course keeps its settings (migration 0028).
    has_award: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    award_completion: Mapped[str | None] = mapped_column(String(16))
    award_share: Mapped[float | None] = mapped_column(Float)
    award_minutes: Mapped[int | None] = mapped_column(Integer)
    award_credits: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    award_outcome: Mapped[str | None] = mapped_column(String(16))


class StagedLesson(Base):
    """One lesson of a staged course, applied by the same switch as its course."""

    __tablename__ = "upload_staged_lessons"
    __table_args__ = (
        Index("ix_upload_staged_lessons_upload_key", "upload_id", "external_id", "position"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    # Values of MediaType and BodyFormat, checked when the row was parsed.
    media_type: Mapped[str] = mapped_column(String(16))
    duration_seconds: Mapped[int] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(String(1000))
    captions_url: Mapped[str | None] = mapped_column(String(1000))
    body: Mapped[str | None] = mapped_column(Text)
    body_format: Mapped[str | None] = mapped_column(String(16))

"""Courses of providers under review, waiting for an editor's decision before learners see them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, str_enum, utcnow
from catalogue.models.courses import Course
from catalogue.models.enums import ReviewKind, ReviewStatus


class CourseReview(Base):
    """One submission of a course for publication: a new course, or changes to a live one.

    A new course waits as a draft; changes to a published course wait in `proposed` (the
    course service's validated values, lessons included) while learners keep seeing the
    course as it was. The editor's decision and reason are kept and shown to the partner.
    """

    __tablename__ = "course_reviews"
    __table_args__ = (
        Index("ix_course_reviews_status_submitted", "status", "submitted_at", "id"),
        Index("ix_course_reviews_course_status", "course_id", "status"),
        Index("ix_course_reviews_provider_submitted", "provider_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    kind: Mapped[ReviewKind] = mapped_column(str_enum(ReviewKind, "review_kind"))
    status: Mapped[ReviewStatus] = mapped_column(
        str_enum(ReviewStatus, "review_status"), default=ReviewStatus.PENDING
    )
    proposed: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
    # The title as submitted, so the queue lists it without reading `proposed`.
    title: Mapped[str] = mapped_column(String(300))

    course: Mapped[Course] = relationship(lazy="joined", innerjoin=True)

    @property
    def is_pending(self) -> bool:
        """Whether an editor has yet to decide."""
        return self.status == ReviewStatus.PENDING

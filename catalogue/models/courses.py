"""Courses, their lessons and their aggregated popularity figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, str_enum, utcnow
from catalogue.models.enums import Area, BodyFormat, CourseFormat, CourseStatus, Level, MediaType
from catalogue.models.providers import Provider


class Course(Base):
    """A course in the catalogue, identified by its provider and the provider's own id."""

    __tablename__ = "courses"
    __table_args__ = (
        UniqueConstraint("provider_id", "external_id"),
        CheckConstraint("duration_minutes >= 0", name="duration_non_negative"),
        CheckConstraint("lesson_count >= 0", name="lesson_count_non_negative"),
        CheckConstraint("price_cents IS NULL OR price_cents >= 0", name="price_non_negative"),
        # Ending with the id, so "newest first" (published_at, id) is read in index order.
        Index("ix_courses_status_area_published", "status", "area", "published_at", "id"),
        Index("ix_courses_status_published", "status", "published_at", "id"),
        Index("ix_courses_status_duration", "status", "duration_minutes"),
        # Reading published courses in id order, batch after batch (the index rebuild): without
        # it SQLite picks a status index and sorts every published course for each batch.
        Index("ix_courses_status_id", "status", "id"),
        # An area listing "most popular first", deep pages included, read from the index alone.
        Index("ix_courses_status_area_popularity", "status", "area", "popularity", "id"),
        Index("ix_courses_status_popularity", "status", "popularity", "id"),
        # "Newest" and "most popular" in one language (the learner's), of one area or all,
        # read in index order however rare that language is (recommender/languages.py).
        Index("ix_courses_status_language_published", "status", "language", "published_at", "id"),
        Index("ix_courses_status_language_popularity", "status", "language", "popularity", "id"),
        Index(
            "ix_courses_status_area_language_published",
            "status",
            "area",
            "language",
            "published_at",
            "id",
        ),
        Index(
            "ix_courses_status_area_language_popularity",
            "status",
            "area",
            "language",
            "popularity",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="RESTRICT"))
    external_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    subtitle: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    area: Mapped[Area] = mapped_column(str_enum(Area, "course_area"))
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    format: Mapped[CourseFormat] = mapped_column(str_enum(CourseFormat, "course_format"))
    level: Mapped[Level] = mapped_column(str_enum(Level, "course_level"), default=Level.ALL)
    language: Mapped[str] = mapped_column(String(16), default="zh")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=0)
    lesson_count: Mapped[int] = mapped_column(Integer, default=0)
    cover_url: Mapped[str | None] = mapped_column(String(1000))
    source_url: Mapped[str | None] = mapped_column(String(1000))
    is_free: Mapped[bool] = mapped_column(Boolean, default=True)
    price_cents: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[CourseStatus] = mapped_column(
        str_enum(CourseStatus, "course_status"), default=CourseStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column()
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    # Fingerprint of the partner data last applied, so re-uploading an unchanged row is a no-op.
    source_hash: Mapped[str | None] = mapped_column(String(64))
    # course_stats.popularity, copied by each popularity refresh (0 until the first), so that
    # listings can sort by it with an index over (status, area, popularity).
    popularity: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")

    provider: Mapped[Provider] = relationship(lazy="joined", innerjoin=True)
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course",
        order_by="Lesson.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    stats: Mapped[CourseStats | None] = relationship(
        uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_micro(self) -> bool:
        """True for "5-minute" micro-courses."""
        return 0 < self.duration_minutes <= 5


class Lesson(Base):
    """One lesson or resource of a course, in order."""

    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("course_id", "position"),
        CheckConstraint("duration_seconds >= 0", name="duration_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[MediaType] = mapped_column(str_enum(MediaType, "lesson_media_type"))
    duration_seconds: Mapped[int] = mapped_column(Integer, default=0)
    url: Mapped[str | None] = mapped_column(String(1000))
    # Subtitles (WebVTT) for a video or audio lesson; the page also shows them as a transcript.
    captions_url: Mapped[str | None] = mapped_column(String(1000))
    # A reading lesson's text as the partner gave it (BodyFormat), cleaned when shown.
    body: Mapped[str | None] = mapped_column(Text, deferred=True)
    body_format: Mapped[BodyFormat | None] = mapped_column(str_enum(BodyFormat, "body_format"))

    course: Mapped[Course] = relationship(back_populates="lessons")


class CourseStats(Base):
    """Activity totals per course, refreshed from the events table; drives "most popular"."""

    __tablename__ = "course_stats"
    __table_args__ = (Index("ix_course_stats_popularity", "popularity"),)

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    views: Mapped[int] = mapped_column(Integer, default=0)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    saves: Mapped[int] = mapped_column(Integer, default=0)
    starts: Mapped[int] = mapped_column(Integer, default=0)
    completions: Mapped[int] = mapped_column(Integer, default=0)
    popularity: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

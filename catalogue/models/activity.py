"""The append-only activity log the recommender trains on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, BigIntPK, str_enum, utcnow
from catalogue.models.enums import EventKind


class Event(Base):
    """One learner action on a course; rows are only ever appended, never updated."""

    __tablename__ = "events"
    __table_args__ = (
        # The nightly training scan reads a time window in id order.
        Index("ix_events_created_at_id", "created_at", "id"),
        Index("ix_events_user_created", "user_id", "created_at"),
        Index("ix_events_course_kind", "course_id", "kind"),
        # A study group's member table: each member's progress in each assigned course, read
        # from the index alone (records/groups.py; migration 0029).
        Index("ix_events_user_course_kind", "user_id", "course_id", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    lesson_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("lessons.id", ondelete="SET NULL")
    )
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, "event_kind"))
    value: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonPosition(Base):
    """Where a learner stopped in a lesson (seconds from its start): one row per learner and
    lesson, overwritten as they go, so "resume where I left off" is one lookup and the
    append-only events table is not flooded by player updates."""

    __tablename__ = "lesson_positions"
    __table_args__ = (Index("ix_lesson_positions_user_course", "user_id", "course_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position_seconds: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

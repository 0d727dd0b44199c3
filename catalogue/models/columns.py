"""Thematic columns (专题): curated, ordered lists of courses with a publish window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, str_enum, utcnow
from catalogue.models.courses import Course
from catalogue.models.enums import ColumnStatus


class ThematicColumn(Base):
    """An editor-curated special section."""

    __tablename__ = "thematic_columns"
    __table_args__ = (Index("ix_thematic_columns_window", "status", "publish_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    cover_url: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[ColumnStatus] = mapped_column(
        str_enum(ColumnStatus, "column_status"), default=ColumnStatus.DRAFT
    )
    publish_from: Mapped[datetime | None] = mapped_column()
    publish_until: Mapped[datetime | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    entries: Mapped[list[ColumnCourse]] = relationship(
        order_by="ColumnCourse.position", cascade="all, delete-orphan", passive_deletes=True
    )


class ColumnCourse(Base):
    """A course's place in a thematic column."""

    __tablename__ = "column_courses"

    column_id: Mapped[int] = mapped_column(
        ForeignKey("thematic_columns.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)

    course: Mapped[Course] = relationship()


class ColumnFollow(Base):
    """A learner follows a column: they hear of the courses editors add to it."""

    __tablename__ = "column_follows"
    # A column's followers, for the notification when a course is added (the primary key
    # serves "the columns I follow").
    __table_args__ = (Index("ix_column_follows_column_id_user_id", "column_id", "user_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    column_id: Mapped[int] = mapped_column(
        ForeignKey("thematic_columns.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

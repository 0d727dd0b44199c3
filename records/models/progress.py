"""Each learner's standing in each course they have progressed in, kept by the database as
progress and completion events are written (migration 0031 installs the trigger), so a study
group's member table reads one row per member and course instead of scanning events."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base


class CourseProgress(Base):
    """A learner's best progress in a course (1.0 once completed) and whether they completed
    it. Written only by the `course_progress_from_events` trigger on `events`: progress only
    grows, as the events it summarises are only ever appended."""

    __tablename__ = "course_progress"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)

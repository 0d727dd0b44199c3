"""Study groups (issue 16): an organiser's group, its consenting members, the courses it
assigns with due dates, and its notices."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, BigIntPK, utcnow

# What a member agrees to share when joining (shown on the consent page, stored with the
# membership so a later change of scope can ask again).
CONSENT_SCOPE = "progress,last_activity,certificates:v1"


class StudyGroup(Base):
    """A group an organiser runs; learners join by its link or its short code."""

    __tablename__ = "study_groups"
    __table_args__ = (
        CheckConstraint("inactive_days BETWEEN 1 AND 365", name="inactive_days_range"),
        Index("ix_study_groups_organiser_id", "organiser_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    # The short code typed by learners and the long token of the invitation link; both None
    # while the invitation is revoked, both replaced when it is regenerated.
    invite_code: Mapped[str | None] = mapped_column(String(16), unique=True, info={"export": False})
    invite_token: Mapped[str | None] = mapped_column(
        String(43), unique=True, info={"export": False}
    )
    # A member with no learning for this many days gets the "inactive" warning.
    inactive_days: Mapped[int] = mapped_column(Integer, default=14)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupMember(Base):
    """A learner in a group, with the consent they gave; `left_at` set: sharing stopped."""

    __tablename__ = "group_members"
    __table_args__ = (Index("ix_group_members_user_id", "user_id", "group_id"),)

    group_id: Mapped[int] = mapped_column(
        ForeignKey("study_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    consent_scope: Mapped[str] = mapped_column(String(64))
    consented_at: Mapped[datetime] = mapped_column(default=utcnow)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column()


class GroupAssignment(Base):
    """A course the group's members are asked to take, by a date (or none)."""

    __tablename__ = "group_assignments"
    __table_args__ = (
        Index("ix_group_assignments_group_course", "group_id", "course_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("study_groups.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupNotice(Base):
    """A notice the organiser posted to the group's members."""

    __tablename__ = "group_notices"
    __table_args__ = (Index("ix_group_notices_group_id", "group_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("study_groups.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

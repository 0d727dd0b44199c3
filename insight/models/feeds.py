"""Click-through of the recommendation lists (issue 17; docs/insight.md, "Feed click-through").

`feed_impressions`: one row per list of recommended courses rendered for a signed-in learner
(not one per course): the surface, the model version that served it, how many courses it
showed. `feed_clicks`: a course opened from such a list, at most once per list and course. Both
are the learner's personal data (records/personal_data.py): in their archive, deleted with the
account (clicks go with their list). Impressions are pruned a few days after the rollup job
has counted them (insight/feed_rollups.py), so the table holds days, not years.

`insight_feed_days`: the rollup, per local day, surface and model version: lists, courses
shown, clicks (a click counts on the day of the list it came from).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, BigIntPK, str_enum, utcnow


class FeedSurface(enum.StrEnum):
    """Where a list of recommended courses is shown."""

    HOME = "home"  # "For you" on the home page
    COURSE = "course"  # "Learners who liked this also liked" on a course page
    API_FEED = "api_feed"  # /api/v1/feed (the app)
    API_SIMILAR = "api_similar"  # /api/v1/courses/<id>/similar (the app)


class FeedImpression(Base):
    """One list of recommended courses shown to a learner: `items` courses, in order, served
    by `model_version` ("" when no model was in use) on `surface`."""

    __tablename__ = "feed_impressions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    # Indexed for the person's archive and the deletion of their account.
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, info={"personal": "owner"}
    )
    surface: Mapped[FeedSurface] = mapped_column(str_enum(FeedSurface, "feed_surface"))
    model_version: Mapped[str] = mapped_column(String(40), default="")
    items: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedClick(Base):
    """A course opened from a list (its `position` in it, 0 = first): at most one row per
    list and course, so opening it again or reloading the page counts nothing more."""

    __tablename__ = "feed_clicks"
    __table_args__ = (UniqueConstraint("impression_id", "course_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    impression_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("feed_impressions.id", ondelete="CASCADE")
    )
    course_id: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedDay(Base):
    """Recommendation lists of one local day, surface and model version ("" = none): how many
    were shown (`lists`), the courses in them (`items`) and the courses opened from them
    (`clicks`, counted on the list's day). Kept by the rollup job (insight/feed_rollups.py)."""

    __tablename__ = "insight_feed_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    surface: Mapped[str] = mapped_column(String(16), primary_key=True)
    model_version: Mapped[str] = mapped_column(String(40), primary_key=True)
    lists: Mapped[int] = mapped_column(BigInteger, default=0)
    items: Mapped[int] = mapped_column(BigInteger, default=0)
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)

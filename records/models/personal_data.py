"""Personal-data archives (issue 16): a learner's request for the copy of everything the site
holds about them, built by the jobs worker when the account is large
(records/personal_archives.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, utcnow

PENDING, READY = "pending", "ready"
# The folder under the instance folder that keeps the built archives, as `<file_key>.zip`.
ARCHIVE_FOLDER = "personal-data-archives"


class PersonalDataArchive(Base):
    """A learner's archive: asked for (pending) or built (ready, until it expires). One row per
    learner (the primary key), so a second request while one is pending adds nothing. The file
    is `<instance>/personal-data-archives/<file_key>.zip`; the key is chosen at the request, so
    a deletion of the account always knows which file to remove. The archive itself is not
    part of the archive (`info={"export": False}` on the table)."""

    __tablename__ = "personal_data_archives"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'ready')", name="status_known"),
        Index("ix_personal_data_archives_status", "status", "requested_at"),
        {"info": {"export": False}},
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    file_key: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)

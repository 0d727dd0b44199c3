"""The index outbox: written in the same transaction as every catalogue change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, BigIntPK, str_enum, utcnow
from catalogue.models.enums import OutboxOp


class IndexOutbox(Base):
    """A course the search indexer must (re)index or remove; consumed in id order."""

    __tablename__ = "index_outbox"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    # No foreign key: a delete must outlive the course row it refers to.
    course_id: Mapped[int] = mapped_column(Integer, index=True)
    op: Mapped[OutboxOp] = mapped_column(str_enum(OutboxOp, "outbox_op"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

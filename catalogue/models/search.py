"""What the search needs from the database: logged queries and editors' synonyms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, BigIntPK, utcnow


class SearchQuery(Base):
    """One search as typed, with its outcome; no user is recorded."""

    __tablename__ = "search_queries"
    __table_args__ = (Index("ix_search_queries_created", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(String(200))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    results: Mapped[int] = mapped_column(Integer)
    relaxed: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SynonymGroup(Base):
    """Terms an editor declared equivalent for search (手机 ↔ 智能手机)."""

    __tablename__ = "search_synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[list[str]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

"""A page of query results with the total count."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items, 1-based."""

    items: Sequence[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        """Whether a previous page exists."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a next page exists."""
        return self.page < self.pages


def clamp_page(page: int, per_page: int) -> tuple[int, int]:
    """Bring page and page size into the allowed range."""
    return max(1, page), min(max(1, per_page), MAX_PER_PAGE)


def paginate(session: Session, stmt: Select, page: int, per_page: int) -> Page:
    """Run a select for one page and count the total."""
    page, per_page = clamp_page(page, per_page)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


def paginate_rows(session: Session, stmt: Select, page: int, per_page: int) -> Page:
    """`paginate` for a select of several columns: the page's items are row tuples."""
    page, per_page = clamp_page(page, per_page)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=[tuple(r) for r in rows], page=page, per_page=per_page, total=total or 0)

"""The recent failed requests of signed-in people, for the support console's learner context."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assistant.models import RequestError

KEEP_PER_ACCOUNT = 20


def record(
    session: Session, user_id: int, method: str, path: str, status: int, code: str | None
) -> None:
    """Keep one failed request (and only the newest `KEEP_PER_ACCOUNT` of that account)."""
    session.add(
        RequestError(
            user_id=user_id,
            method=method[:8],
            path=path[:300],
            status=status,
            code=(code or None) and code[:64],
        )
    )
    session.flush()
    cutoff = session.scalars(
        select(RequestError.id)
        .where(RequestError.user_id == user_id)
        .order_by(RequestError.id.desc())
        .offset(KEEP_PER_ACCOUNT)
        .limit(1)
    ).first()
    if cutoff is not None:
        session.execute(
            delete(RequestError).where(RequestError.user_id == user_id, RequestError.id <= cutoff)
        )
    session.commit()


def recent(session: Session, user_id: int, limit: int = 10) -> list[RequestError]:
    """An account's newest failed requests, newest first."""
    return list(
        session.scalars(
            select(RequestError)
            .where(RequestError.user_id == user_id)
            .order_by(RequestError.id.desc())
            .limit(limit)
        )
    )

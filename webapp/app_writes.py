"""Writes of the app API that two devices of one learner may race on."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

T = TypeVar("T")


class StillConflicting(Exception):
    """The write clashed with a concurrent one twice in a row."""


def twice_on_duplicate(session: Session, work: Callable[[], T]) -> T:
    """Run `work` and commit; when a concurrent transaction inserted the same row first (the
    first position of a lesson saved from a phone and a tablet at once), roll back and run it
    once more, now updating that row. Raises StillConflicting if the second try clashes too."""
    for attempt in (1, 2):
        try:
            result = work()
            session.commit()
            return result
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise StillConflicting from None
    raise AssertionError("unreachable")

"""Recording recommendation lists shown and the courses opened from them (docs/insight.md,
"Feed click-through").

A list rendered for a signed-in learner is one `feed_impressions` row (not one per course),
committed without waiting for the disk (catalogue.db.commit_without_flush_wait). Each course's
link in it carries `?rec=<ref>`: a short opaque reference naming the list and the position,
signed (HMAC-SHA256, 48 bits) together with the course it links to. Opening the course page
with it adds one `feed_clicks` row per list and course (a reload or a second visit adds
nothing) when the signature holds, the list is the same learner's, at most CLICK_WINDOW old,
and the position is within it; anything else is ignored, never an error. So a learner can only
count their own clicks, at most one per course actually shown to them.

Visitors' lists are not recorded: nothing personal to tie them to, and crawlers would write
a row per page they fetch.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from catalogue.db import commit_without_flush_wait
from catalogue.models import utcnow
from insight.course_stats import dialect_insert
from insight.models.feeds import FeedClick, FeedImpression, FeedSurface

# A link older than this no longer counts (a bookmarked or shared page).
CLICK_WINDOW = timedelta(days=1)
# Longest list recorded (the app's API serves at most 50); a position is one byte.
MAX_ITEMS = 255
SIGNATURE_BYTES = 6
_SALT = b"lifelong feed click v1\x00"
_REF = re.compile(r"[A-Za-z0-9_-]{11,20}")


def signing_key(secret: str | bytes) -> bytes:
    """The key references are signed with, derived from the site's secret key."""
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hashlib.sha256(_SALT + raw).digest()


def _signature(key: bytes, impression_id: int, position: int, course_id: int) -> bytes:
    message = f"{impression_id}.{position}.{course_id}".encode("ascii")
    return hmac.new(key, message, hashlib.sha256).digest()[:SIGNATURE_BYTES]


def make_ref(key: bytes, impression_id: int, position: int, course_id: int) -> str:
    """The link parameter for the course at `position` of the list `impression_id`."""
    ident = impression_id.to_bytes(8, "big").lstrip(b"\x00") or b"\x00"
    raw = bytes([position]) + _signature(key, impression_id, position, course_id) + ident
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Ref:
    """A checked reference: the list and the position in it."""

    impression_id: int
    position: int


def read_ref(key: bytes, ref: str | None, course_id: int) -> Ref | None:
    """The list and position a link parameter names for this course; None for anything that is
    not a reference this site signed for this course."""
    if not ref or not _REF.fullmatch(ref):
        return None
    try:
        raw = base64.urlsafe_b64decode(ref + "=" * (-len(ref) % 4))
    except (binascii.Error, ValueError):
        return None
    if not 1 + SIGNATURE_BYTES + 1 <= len(raw) <= 1 + SIGNATURE_BYTES + 8:
        return None
    position, signature = raw[0], raw[1 : 1 + SIGNATURE_BYTES]
    impression_id = int.from_bytes(raw[1 + SIGNATURE_BYTES :], "big")
    if impression_id <= 0 or impression_id >= 2**63:
        return None
    expected = _signature(key, impression_id, position, course_id)
    if not hmac.compare_digest(signature, expected):
        return None
    return Ref(impression_id, position)


def record_impression(
    session: Session,
    key: bytes,
    user_id: int,
    surface: FeedSurface,
    model_version: str | None,
    course_ids: Sequence[int],
) -> list[str | None] | None:
    """Record that the learner was shown these courses, in this order, and commit; each
    course's link parameter (None past MAX_ITEMS), or None (nothing recorded) for an empty
    list or a busy database."""
    if not course_ids:
        return None
    shown = list(course_ids)[:MAX_ITEMS]
    try:
        impression_id = session.scalar(
            FeedImpression.__table__.insert()
            .values(
                user_id=user_id,
                surface=surface,
                model_version=(model_version or "")[:40],
                items=len(shown),
                created_at=utcnow(),
            )
            .returning(FeedImpression.__table__.c.id)
        )
        commit_without_flush_wait(session)
    except (OperationalError, IntegrityError):
        # Busy (SQLite during a long write), or the account deleted a moment before.
        session.rollback()
        return None
    return [make_ref(key, impression_id, i, cid) for i, cid in enumerate(shown)] + [
        None for _ in course_ids[len(shown) :]
    ]


def record_click(
    session: Session, key: bytes, ref: str | None, course_id: int, user_id: int | None
) -> bool:
    """Count the course opened from a list (once per list and course) and commit; False when
    the reference is not valid for this learner and course, too old, already counted, or the
    database is busy."""
    if user_id is None:
        return False
    found = read_ref(key, ref, course_id)
    if found is None:
        return False
    now = utcnow()
    try:
        shown = session.execute(
            select(FeedImpression.user_id, FeedImpression.items, FeedImpression.created_at).where(
                FeedImpression.id == found.impression_id
            )
        ).first()
        if (
            shown is None
            or shown.user_id != user_id
            or found.position >= shown.items
            or now - shown.created_at > CLICK_WINDOW
        ):
            return False
        inserted = session.execute(
            dialect_insert(session)(FeedClick)
            .values(
                impression_id=found.impression_id,
                course_id=course_id,
                position=found.position,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["impression_id", "course_id"])
        ).rowcount
        commit_without_flush_wait(session)
    except (OperationalError, IntegrityError):
        session.rollback()
        return False
    return bool(inserted)

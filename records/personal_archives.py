"""Personal-data archives built by the jobs worker (PIPL art. 45, docs/records.md).

A small account's archive is built inside the request (`records.personal_data.build_archive`,
well under a second); a large one never is: the learner asks (`request_archive`, one row per
learner, so asking again while it is pending adds nothing), the `personal-data-archives` job
builds it into `<instance>/personal-data-archives/<key>.zip` (`run`), notifies the learner, and
the owner downloads it until it expires (`ARCHIVE_DAYS`), when the job removes file and row.

Files and rows stay consistent whatever happens first: the key (so the file's name) is chosen
at the request; the job writes a temporary file, renames it to the final name, and only then
marks the row ready with a conditional update (same user, same key, still pending). If the row
went meanwhile (the account was deleted), the job removes its own file; if the row went after
it was marked, the deletion knows the key and removes the file after its commit.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as lite_insert
from sqlalchemy.orm import Session, sessionmaker

from catalogue.errors import NotFound
from catalogue.models import Event, utcnow
from catalogue.services import notifications
from records import personal_data
from records.models.personal_data import ARCHIVE_FOLDER, PENDING, READY, PersonalDataArchive
from records.personal_data import archive_path

log = logging.getLogger(__name__)

ARCHIVE_DAYS = 7
# Accounts with at most this many activity events get their archive at once, in the request
# (200,000 events took 16 s on SQLite, so 5,000 take well under a second); larger ones are
# built by the job. Events are by far the largest of a person's tables.
IMMEDIATE_MAX_EVENTS = 5_000
# Archives one run of the job builds at most (it runs again seconds later).
PER_RUN = 20


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive times (stored as UTC)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def is_small(session: Session, user_id: int, limit: int | None = None) -> bool:
    """Whether the account's archive is quick enough to build in the request (a bounded
    count: at most `limit` + 1 index entries are read whatever the account's size)."""
    limit = IMMEDIATE_MAX_EVENTS if limit is None else limit
    first = select(Event.id).where(Event.user_id == user_id).limit(limit + 1).subquery()
    return (session.scalar(select(func.count()).select_from(first)) or 0) <= limit


@dataclass(frozen=True)
class Archive:
    """A learner's archive as the page shows it."""

    status: str
    key: str
    requested_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None
    size_bytes: int | None

    @property
    def ready(self) -> bool:
        return self.status == READY


def _shown(row: PersonalDataArchive) -> Archive:
    return Archive(
        row.status,
        row.file_key,
        _aware(row.requested_at),
        _aware(row.ready_at),
        _aware(row.expires_at),
        row.size_bytes,
    )


def current(session: Session, user_id: int, now: datetime | None = None) -> Archive | None:
    """The learner's pending or ready archive (an expired one the job has not removed yet
    counts as none)."""
    row = session.get(PersonalDataArchive, user_id, populate_existing=True)
    if row is None:
        return None
    archive = _shown(row)
    if archive.ready and archive.expires_at is not None and archive.expires_at <= (now or utcnow()):
        return None
    return archive


@dataclass(frozen=True)
class Requested:
    """What asking did: `queued` False when one was already pending; `replaced` the key of a
    ready archive the new request replaces (the caller removes its file after commit)."""

    archive: Archive
    queued: bool
    replaced: str | None = None


def request_archive(session: Session, user_id: int, now: datetime | None = None) -> Requested:
    """Ask for an archive (in the caller's transaction). While one is pending, nothing more is
    queued; a ready (or expired) one is replaced by a new request. Safe when two requests race:
    the insert yields on the primary key, the replacement is conditional on the old key."""
    now = now or utcnow()
    table = PersonalDataArchive.__table__
    key = secrets.token_hex(16)
    fresh = {
        "status": PENDING,
        "file_key": key,
        "requested_at": now,
        "ready_at": None,
        "expires_at": None,
        "size_bytes": None,
    }
    row = session.get(PersonalDataArchive, user_id, populate_existing=True)
    if row is None:
        upsert = pg_insert if session.get_bind().dialect.name == "postgresql" else lite_insert
        stmt = (
            upsert(table)
            .values(user_id=user_id, **fresh)
            .on_conflict_do_nothing()
            .returning(table.c.user_id)
        )
        # RETURNING, not rowcount: psycopg reports -1 for an insert that did nothing.
        inserted = session.execute(stmt).scalar() is not None
        row = session.get(PersonalDataArchive, user_id, populate_existing=True)
        if row is None:  # the account is gone
            raise NotFound(f"user {user_id} does not exist")
        return Requested(_shown(row), queued=bool(inserted))
    if row.status == PENDING:
        return Requested(_shown(row), queued=False)
    old = row.file_key
    changed = session.execute(
        update(table)
        .where(table.c.user_id == user_id, table.c.file_key == old, table.c.status == READY)
        .values(**fresh)
    ).rowcount
    row = session.get(PersonalDataArchive, user_id, populate_existing=True)
    if row is None:
        raise NotFound(f"user {user_id} does not exist")
    return Requested(_shown(row), queued=bool(changed), replaced=old if changed else None)


def ready_file(
    session: Session, user_id: int, key: str, file_root: Path, now: datetime | None = None
) -> Path:
    """The owner's ready, unexpired archive with this key; NotFound for anything else
    (another person's key included: the lookup is by the owner's id)."""
    archive = current(session, user_id, now)
    if archive is None or not archive.ready or not secrets.compare_digest(archive.key, key):
        raise NotFound("no such archive")
    path = archive_path(file_root, archive.key)
    if not path.is_file():
        raise NotFound("no such archive")
    return path


def remove(paths: list[Path]) -> None:
    """Remove archive files (missing ones are fine)."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            Path(path).unlink()


def _expire(sessions: sessionmaker, file_root: Path, now: datetime) -> int:
    table = PersonalDataArchive.__table__
    with sessions() as session:
        gone = session.execute(
            delete(table)
            .where(table.c.status == READY, table.c.expires_at <= now)
            .returning(table.c.file_key)
        ).scalars()
        keys = list(gone)
        session.commit()
    remove([archive_path(file_root, key) for key in keys])
    return len(keys)


def _build_one(
    sessions: sessionmaker, user_id: int, key: str, file_root: Path, now: datetime
) -> str:
    """Build one archive; "built", or "gone" when the account or the request went."""
    folder = Path(file_root) / ARCHIVE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    final = archive_path(file_root, key)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (renamed or removed below)
        dir=folder, prefix=f".{key}.", suffix=".part", delete=False
    )
    partial = Path(handle.name)
    try:
        with handle, sessions() as session:
            try:
                personal_data.write_archive(session, user_id, handle, file_root)
            except NotFound:
                return "gone"
            finally:
                session.rollback()
        size = partial.stat().st_size
        partial.replace(final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    table = PersonalDataArchive.__table__
    with sessions() as session:
        marked = session.execute(
            update(table)
            .where(table.c.user_id == user_id, table.c.file_key == key, table.c.status == PENDING)
            .values(
                status=READY,
                ready_at=now,
                expires_at=now + timedelta(days=ARCHIVE_DAYS),
                size_bytes=size,
            )
        ).rowcount
        if marked:
            notifications.notify(
                session,
                user_id,
                notifications.PERSONAL_DATA_READY,
                expires_at=(now + timedelta(days=ARCHIVE_DAYS)).isoformat(),
            )
        session.commit()
    if not marked:  # the request (the account) went while it was being built
        remove([final])
        return "gone"
    return "built"


def run(
    sessions: sessionmaker,
    file_root: Path,
    *,
    now: Callable[[], datetime] = utcnow,
    should_stop: Callable[[], bool] = lambda: False,
    per_run: int = PER_RUN,
) -> dict[str, Any]:
    """The job: remove expired archives, then build the pending ones, oldest first."""
    figures = {"expired": _expire(sessions, file_root, now()), "built": 0, "gone": 0, "failed": 0}
    table = PersonalDataArchive.__table__
    with sessions() as session:
        pending = session.execute(
            select(table.c.user_id, table.c.file_key)
            .where(table.c.status == PENDING)
            .order_by(table.c.requested_at, table.c.user_id)
            .limit(per_run)
        ).all()
        session.rollback()
    for user_id, key in pending:
        if should_stop():
            break
        try:
            figures[_build_one(sessions, user_id, key, file_root, now())] += 1
        except Exception:  # one bad archive must not stop the others; it is tried again
            log.exception("personal-data archive of user %s failed", user_id)
            figures["failed"] += 1
    return figures

"""Partner uploads from receipt to applied catalogue: store, inspect, preview, run, report.

Applying an upload never holds a write lock for long: valid rows are staged in short
transactions, then one short switch transaction applies the course changes, their outbox rows
and the upload's outcome together or not at all (see catalogue/ingest/apply.py).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from catalogue.errors import FieldError, NotFound, PermissionDenied, ValidationError
from catalogue.ingest import mapping as mapping_rules
from catalogue.ingest.apply import clear_staged, stage_rows, switch
from catalogue.ingest.decoding import detect_encoding
from catalogue.ingest.lessons import GROUPED, group_lesson_rows
from catalogue.ingest.problems import FileRejected, RowError
from catalogue.ingest.readers import Table, count_rows, open_table, sniff_format
from catalogue.ingest.rows import ParsedRow, RowDefaults, RowParser, RowReading
from catalogue.ingest.values import parse_language
from catalogue.models import (
    Area,
    ColumnMapping,
    CourseReview,
    Provider,
    ProviderStatus,
    ReviewStatus,
    Role,
    StagedCourse,
    Upload,
    UploadError,
    UploadPolicy,
    UploadStatus,
    utcnow,
)
from catalogue.services import notifications

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024
PROGRESS_EVERY = 1000
ERROR_BATCH = 2000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Limits:
    """How large an upload may be."""

    max_bytes: int = 200 * 1024 * 1024
    max_rows: int = 1_000_000


@dataclass(frozen=True)
class Actor:
    """Who is acting: a partner for one provider, or an admin for any."""

    user_id: int | None
    role: Role
    provider_id: int | None = None

    def may_act_for(self, provider_id: int) -> bool:
        """Whether this actor may see and change the provider's catalogue."""
        return self.role == Role.ADMIN or (
            self.role == Role.PARTNER and self.provider_id == provider_id
        )


@dataclass(frozen=True)
class UploadOptions:
    """The partner's choices for applying an upload."""

    policy: UploadPolicy = UploadPolicy.VALID_ROWS
    full_sync: bool = False
    default_area: Area | None = None
    encoding: str | None = None
    # The language of every course in the file (an ISO 639-1 code); None: per row, from the
    # language column or detected from the text.
    language: str | None = None
    # Rows without an area get one inferred from their subjects and title (else the default).
    infer_area: bool = True
    # Where a JSON file's course array is ("result.list"); None: found in the file.
    json_path: str | None = None


@dataclass(frozen=True)
class PreviewRow:
    """One row of the preview, with the mapping applied."""

    number: int
    fields: dict[str, Any]
    errors: list[RowError]
    reading: RowReading = field(default_factory=RowReading)


@dataclass(frozen=True)
class Preview:
    """The first rows of an upload as they would be applied."""

    headers: list[str]
    mapping: dict[str, str]
    rows: list[PreviewRow]
    ignored: list[str] = field(default_factory=list)
    first_values: dict[str, Any] = field(default_factory=dict)
    # Each ignored column → the column used for the field it names (None: not a field name).
    ignored_for: dict[str, str | None] = field(default_factory=dict)
    # JSON: the path of the course array read, and every array of objects found.
    json_path: str | None = None
    json_arrays: list[tuple[str, int]] = field(default_factory=list)


def _check_actor(actor: Actor, provider_id: int) -> None:
    if not actor.may_act_for(provider_id):
        raise PermissionDenied("you may only upload to your own provider's catalogue")


def check_not_suspended(session: Session, actor: Actor, provider_id: int) -> None:
    """PermissionDenied (PROVIDER_SUSPENDED) when a partner acts for a suspended provider;
    administrators and the command line still may (to correct or withdraw its catalogue)."""
    if actor.role != Role.PARTNER:
        return
    status = session.scalar(select(Provider.status).where(Provider.id == provider_id))
    if status == ProviderStatus.SUSPENDED:
        raise PermissionDenied(
            "this provider is suspended: its partners cannot upload until an administrator "
            "lifts the suspension",
            code="PROVIDER_SUSPENDED",
        )


_SAFE_NAME = re.compile(r"[^\w.\- ()\u4e00-\u9fff]+")


def display_name(filename: str | None) -> str:
    """The partner's file name reduced to something safe to show (never used as a path)."""
    base = re.split(r"[\\/]", filename or "")[-1]
    return _SAFE_NAME.sub("_", base).strip()[:255] or "upload"


def receive_upload(
    session: Session,
    actor: Actor,
    provider_id: int,
    filename: str | None,
    stream: BinaryIO,
    upload_dir: Path,
    *,
    channel: str,
    options: UploadOptions = UploadOptions(),
    limits: Limits = Limits(),
) -> Upload:
    """Store a file under a random name and inspect it; rejected files are recorded, not kept."""
    _check_actor(actor, provider_id)
    if session.get(Provider, provider_id) is None:
        raise NotFound(f"provider {provider_id} does not exist")
    check_not_suspended(session, actor, provider_id)
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored = uuid.uuid4().hex
    path = upload_dir / stored
    digest, size, too_large = hashlib.sha256(), 0, False
    with path.open("wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limits.max_bytes:
                too_large = True
                break
            digest.update(chunk)
            out.write(chunk)
    upload = Upload(
        provider_id=provider_id,
        uploaded_by_id=actor.user_id,
        channel=channel,
        filename=display_name(filename),
        stored_name=stored,
        size_bytes=size,
        sha256=digest.hexdigest(),
        policy=options.policy,
        full_sync=options.full_sync,
        default_area=options.default_area,
        language=_language_option(options.language),
        infer_area=options.infer_area,
        json_path=_json_path_option(options.json_path),
        status=UploadStatus.RECEIVED,
    )
    session.add(upload)
    try:
        if too_large:
            mb = limits.max_bytes // (1024 * 1024)
            raise FileRejected(f"the file is larger than {mb} MB", code="FILE_TOO_LARGE")
        _inspect(session, upload, path, options.encoding, limits)
    except FileRejected as exc:
        path.unlink(missing_ok=True)
        upload.status = UploadStatus.REJECTED
        upload.error_code = exc.code
        upload.error_message = exc.message
        upload.finished_at = utcnow()
    session.flush()
    return upload


def _language_option(value: str | None) -> str | None:
    """A file's stated language as an ISO 639-1 code; None for auto-detection."""
    if value is None or not str(value).strip() or str(value).strip().casefold() == "auto":
        return None
    try:
        return parse_language(value)
    except ValueError as exc:
        raise ValidationError(
            [FieldError("language", "BAD_LANGUAGE", f"unknown language {value!r}")]
        ) from exc


def _json_path_option(value: str | None) -> str | None:
    text = (value or "").strip()
    if len(text) > 300:
        raise ValidationError([FieldError("json_path", "TOO_LONG", "at most 300 characters")])
    return text or None


def _inspect(
    session: Session, upload: Upload, path: Path, declared: str | None, limits: Limits
) -> None:
    upload.format = sniff_format(path, upload.filename)
    if upload.format != "xlsx":
        upload.encoding = detect_encoding(path, declared)
    if upload.format != "json":
        upload.json_path = None
    upload.total_rows = count_rows(
        path,
        upload.format,
        encoding=upload.encoding,
        max_rows=limits.max_rows,
        json_path=upload.json_path,
    )
    with _open(upload, path) as table:
        headers = table.headers
        if upload.format == "json":
            upload.json_path = table.json_path
    saved = saved_mapping(session, upload.provider_id)
    chosen = mapping_rules.validate_mapping(headers, saved) if saved else {}
    upload.mapping = chosen or mapping_rules.auto_mapping(headers)


def saved_mapping(session: Session, provider_id: int) -> dict[str, str] | None:
    """The provider's saved column mapping, if any."""
    row = session.get(ColumnMapping, provider_id)
    return dict(row.mapping) if row else None


def save_mapping(session: Session, provider_id: int, mapping: Mapping[str, str]) -> None:
    """Remember a column mapping for the provider's next uploads."""
    row = session.get(ColumnMapping, provider_id)
    if row is None:
        session.add(ColumnMapping(provider_id=provider_id, mapping=dict(mapping)))
    else:
        row.mapping = dict(mapping)
    session.flush()


def get_upload(session: Session, actor: Actor, upload_id: int) -> Upload:
    """An upload the actor may see; others' uploads are reported as missing."""
    upload = session.get(Upload, upload_id)
    if upload is None or not actor.may_act_for(upload.provider_id):
        raise NotFound(f"upload {upload_id} does not exist")
    return upload


def list_uploads(session: Session, provider_id: int, limit: int = 50) -> list[Upload]:
    """A provider's most recent uploads."""
    return list(
        session.scalars(
            select(Upload)
            .where(Upload.provider_id == provider_id)
            .order_by(Upload.created_at.desc(), Upload.id.desc())
            .limit(limit)
        )
    )


def _path(upload: Upload, upload_dir: Path) -> Path:
    path = upload_dir / upload.stored_name
    if not path.exists():
        raise FileRejected("the uploaded file is no longer stored", code="FILE_GONE")
    return path


def _defaults(upload: Upload) -> RowDefaults:
    return RowDefaults(
        area=upload.default_area,
        language=upload.language,
        infer_area=True if upload.infer_area is None else upload.infer_area,
    )


def _open(upload: Upload, path: Path) -> contextlib.AbstractContextManager[Table]:
    """The upload's file as a table, read as the upload says (encoding, JSON path)."""
    return open_table(path, upload.format, encoding=upload.encoding, json_path=upload.json_path)


def preview_upload(session: Session, upload: Upload, upload_dir: Path, rows: int = 10) -> Preview:
    """The first rows with the upload's mapping applied and their problems."""
    mapping = dict(upload.mapping or {})
    sample: list[PreviewRow] = []
    with _open(upload, _path(upload, upload_dir)) as table:
        headers = list(table.headers)
        parser = RowParser(mapping, _defaults(upload), headers)
        first_values: dict[str, Any] = {}
        for raw in group_lesson_rows(table.rows, mapping):
            _parsed, errors = parser.parse(raw)
            fields = parser.fields(raw.values)
            if GROUPED in raw.values:
                fields["lesson_count"] = raw.values[GROUPED]
            sample.append(PreviewRow(raw.number, fields, errors, parser.last_reading))
            first_values = first_values or dict(raw.values)
            if len(sample) >= rows:
                break
        json_path, json_arrays = table.json_path, list(table.json_arrays)
    ignored_for = mapping_rules.ignored_columns(headers, mapping)
    return Preview(
        headers,
        mapping,
        sample,
        list(ignored_for),
        first_values,
        ignored_for,
        json_path,
        json_arrays,
    )


def configure_upload(
    session: Session,
    upload: Upload,
    *,
    mapping: Mapping[str, str] | None = None,
    options: UploadOptions | None = None,
    save_for_provider: bool = False,
    upload_dir: Path,
) -> Upload:
    """Change an upload's mapping or options before it runs."""
    if upload.status != UploadStatus.RECEIVED:
        raise FileRejected("this upload has already been applied", code="ALREADY_APPLIED")
    if options is not None:
        upload.policy = options.policy
        upload.full_sync = options.full_sync
        upload.default_area = options.default_area
        upload.language = _language_option(options.language)
        upload.infer_area = options.infer_area
        wanted = _json_path_option(options.json_path) if upload.format == "json" else None
        if wanted is not None and wanted != upload.json_path:
            path = _path(upload, upload_dir)
            with _open_path(upload, path, wanted) as table:
                headers = table.headers
            upload.json_path = wanted
            upload.total_rows = count_rows(
                path, upload.format, encoding=upload.encoding, json_path=wanted
            )
            # The columns are those of the other array: the posted mapping named the old ones.
            upload.mapping = mapping_rules.auto_mapping(headers)
            mapping = None
    if mapping is not None:
        with _open(upload, _path(upload, upload_dir)) as table:
            upload.mapping = mapping_rules.validate_mapping(table.headers, mapping)
        if save_for_provider:
            save_mapping(session, upload.provider_id, upload.mapping)
    session.flush()
    return upload


def _open_path(
    upload: Upload, path: Path, json_path: str
) -> contextlib.AbstractContextManager[Table]:
    return open_table(path, upload.format, encoding=upload.encoding, json_path=json_path)


def queue_upload(session: Session, upload: Upload, actor: Actor | None = None) -> Upload:
    """Mark a received (or failed) upload as waiting to be applied (for `actor`, when given:
    a partner of a suspended provider is refused)."""
    if actor is not None:
        check_not_suspended(session, actor, upload.provider_id)
    if upload.status not in (UploadStatus.RECEIVED, UploadStatus.FAILED):
        raise FileRejected("this upload has already been applied", code="ALREADY_APPLIED")
    if "title" not in (upload.mapping or {}).values():
        raise FileRejected("no column is mapped to the course title", code="NO_TITLE_COLUMN")
    upload.status = UploadStatus.QUEUED
    upload.error_code = upload.error_message = None
    session.flush()
    return upload


class _Rows:
    """Parses a file's rows, collecting errors and reporting progress as it goes."""

    def __init__(self, upload: Upload, path: Path, progress: Progress | None) -> None:
        self.upload = upload
        self.path = path
        self.progress = progress
        self.errors: list[RowError] = []
        self.rejected_rows = 0

    def __iter__(self) -> Iterator[ParsedRow]:
        total = self.upload.total_rows or 0
        done = 0
        mapping = dict(self.upload.mapping or {})
        with _open(self.upload, self.path) as table:
            parser = RowParser(mapping, _defaults(self.upload), table.headers)
            for raw in group_lesson_rows(table.rows, mapping):
                parsed, errors = parser.parse(raw)
                done += max(1, len(raw.values.get(GROUPED) or ()))
                if errors:
                    self.errors.extend(errors)
                    self.rejected_rows += 1
                elif parsed is not None:
                    yield parsed
                if self.progress and done % PROGRESS_EVERY == 0:
                    self.progress(done, total)
        if self.progress:
            self.progress(done, total)


class UploadInterrupted(Exception):
    """Raised by a progress callback to stop an upload between rows (its process is stopping);
    the upload goes back to the queue with nothing applied."""


def run_upload(
    sessions: sessionmaker[Session],
    upload_id: int,
    upload_dir: Path,
    *,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> Upload:
    """Validate, stage and apply a queued upload; returns the finished upload.

    Only short transactions write: the staging batches and the final switch, which applies
    the course changes, their outbox rows and the upload's outcome together or not at all.
    `timings`, when given, receives the switch transaction's length ("switch_seconds").
    """
    with sessions() as session:
        upload = session.get(Upload, upload_id)
        if upload is None:
            raise NotFound(f"upload {upload_id} does not exist")
        upload.status = UploadStatus.RUNNING
        upload.started_at = utcnow()
        upload.processed_rows = 0
        session.execute(delete(UploadError).where(UploadError.upload_id == upload_id))
        session.commit()
    try:
        clear_staged(sessions, upload_id)
        with sessions() as session:
            upload = session.get(Upload, upload_id)
            session.expunge(upload)
        rows = _stage(sessions, upload, _path(upload, upload_dir), progress)
        _write_errors(sessions, upload_id, rows.errors)
        with sessions() as session:
            upload = session.get(Upload, upload_id)
            if rows.rejected_rows and upload.policy == UploadPolicy.ALL_OR_NOTHING:
                _finish(session, upload, rows, UploadStatus.REJECTED)
            else:
                began = time.perf_counter()
                counts = switch(session, upload_id, upload.provider_id, full_sync=upload.full_sync)
                upload.created, upload.updated = counts.created, counts.updated
                upload.unchanged, upload.withdrawn = counts.unchanged, counts.withdrawn
                _finish(session, upload, rows, UploadStatus.APPLIED)
            session.commit()
            if upload.status == UploadStatus.APPLIED:
                took = time.perf_counter() - began
                log.info("upload %s switched in %.3f s", upload_id, took)
                if timings is not None:
                    timings["switch_seconds"] = took
        clear_staged(sessions, upload_id)
        return upload
    except FileRejected as exc:
        _discard_staged(sessions, upload_id)
        return _finish_failed(sessions, upload_id, exc.code, exc.message)
    except UploadInterrupted:
        _discard_staged(sessions, upload_id)
        return _requeue(sessions, upload_id)
    except Exception as exc:
        # Nothing reached the catalogue: only the switch writes it, in one transaction.
        _discard_staged(sessions, upload_id)
        _finish_failed(sessions, upload_id, "INTERNAL_ERROR", f"{type(exc).__name__}: {exc}")
        raise


def _requeue(sessions: sessionmaker[Session], upload_id: int) -> Upload:
    with sessions() as session:
        session.execute(
            update(Upload)
            .where(Upload.id == upload_id)
            .values(status=UploadStatus.QUEUED, started_at=None, processed_rows=0)
        )
        failed = session.get(Upload, upload_id)
        if failed is not None:
            _tell_uploader(session, failed)
        session.commit()
        return failed


def _discard_staged(sessions: sessionmaker[Session], upload_id: int) -> None:
    # Leftovers are invisible, and the next start removes them.
    with contextlib.suppress(Exception):
        clear_staged(sessions, upload_id)


def _stage(
    sessions: sessionmaker[Session], upload: Upload, path: Path, progress: Progress | None
) -> _Rows:
    if upload.policy == UploadPolicy.ALL_OR_NOTHING:
        check = _Rows(upload, path, progress)
        for _row in check:
            pass
        if check.rejected_rows:
            return check
    rows = _Rows(upload, path, progress)
    stage_rows(sessions, upload.id, rows)
    return rows


def _write_errors(sessions: sessionmaker[Session], upload_id: int, errors: list[RowError]) -> None:
    """Record the row errors, a batch per short transaction (they describe the file only)."""
    for start in range(0, len(errors), ERROR_BATCH):
        with sessions.begin() as session:
            session.execute(
                insert(UploadError),
                [
                    {
                        "upload_id": upload_id,
                        "row": e.row,
                        "code": e.code,
                        "column": e.column,
                        "value": e.value,
                        "message": e.message,
                    }
                    for e in errors[start : start + ERROR_BATCH]
                ],
            )


def _finish(session: Session, upload: Upload, rows: _Rows, status: UploadStatus) -> None:
    upload.rejected = rows.rejected_rows
    upload.processed_rows = upload.total_rows or 0
    upload.status = status
    if status == UploadStatus.REJECTED:
        upload.error_code = "ROWS_REJECTED"
        upload.error_message = (
            f"{rows.rejected_rows} rows have errors; nothing was applied (all-or-nothing)"
        )
    upload.finished_at = utcnow()
    _tell_uploader(session, upload)
    session.flush()


def _tell_uploader(session: Session, upload: Upload) -> None:
    """The partner who sent the file hears how it ended (they may have left the page)."""
    if upload.uploaded_by_id is None:
        return
    notifications.notify(
        session,
        upload.uploaded_by_id,
        notifications.UPLOAD_DONE,
        upload_id=upload.id,
        filename=upload.filename,
        status=upload.status.value,
        created=upload.created,
        updated=upload.updated,
        rejected=upload.rejected,
        waiting=session.scalar(
            select(func.count())
            .select_from(CourseReview)
            .where(CourseReview.upload_id == upload.id, CourseReview.status == ReviewStatus.PENDING)
        )
        or 0,
    )


def _finish_failed(
    sessions: sessionmaker[Session], upload_id: int, code: str, message: str
) -> Upload:
    with sessions() as session:
        session.execute(
            update(Upload)
            .where(Upload.id == upload_id)
            .values(
                status=UploadStatus.FAILED,
                error_code=code,
                error_message=message[:2000],
                finished_at=utcnow(),
            )
        )
        failed = session.get(Upload, upload_id)
        if failed is not None:
            _tell_uploader(session, failed)
        session.commit()
        return failed


def fail_interrupted_uploads(session: Session, channels: Sequence[str] | None = None) -> int:
    """Mark uploads left running by a stopped process as failed (they can be re-run).

    `channels` limits it to uploads of those channels (the jobs worker applies the web's and
    the API's; a command-line import runs in its own process). Queued uploads stay queued.
    """
    stopped = Upload.status == UploadStatus.RUNNING
    if channels is not None:
        stopped = stopped & Upload.channel.in_(list(channels))
    result = session.execute(
        update(Upload)
        .where(stopped)
        .values(
            status=UploadStatus.FAILED,
            error_code="INTERRUPTED",
            error_message="the server stopped before this upload finished; nothing was applied",
            finished_at=utcnow(),
        )
    )
    # Staged rows of uploads that will not switch are invisible; drop them.
    running = select(Upload.id).where(Upload.status == UploadStatus.RUNNING)
    session.execute(delete(StagedCourse).where(StagedCourse.upload_id.not_in(running)))
    session.flush()
    return result.rowcount or 0


def next_queued_upload(session: Session, after: int = 0) -> int | None:
    """The id of the upload that has waited longest to be applied (ids above `after`)."""
    return session.scalar(
        select(Upload.id)
        .where(Upload.status == UploadStatus.QUEUED, Upload.id > after)
        .order_by(Upload.id)
        .limit(1)
    )


def recorded_progress(
    sessions: sessionmaker[Session],
    upload_id: int,
    between_rows: Callable[[], None] | None = None,
) -> Progress:
    """A progress callback that writes an upload's processed rows for every web process to see."""

    def report(done: int, total: int) -> None:
        if between_rows is not None:
            between_rows()
        # Its own short transaction: the upload holds no long write lock, on SQLite either.
        with sessions.begin() as session:
            session.execute(
                update(Upload).where(Upload.id == upload_id).values(processed_rows=done)
            )

    return report


LONGEST_SWITCH = "longest_switch_seconds"


def apply_queued_uploads(
    sessions: sessionmaker[Session],
    upload_dir: Path,
    *,
    between_rows: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Apply every queued upload, oldest first; returns how many ended in each state (and
    the longest switch transaction).

    `between_rows` is called every 1,000 rows (the jobs worker lets a pending garbage
    collection run there, and raises UploadInterrupted when it is stopping: that upload goes
    back to the queue and no other starts). An upload that fails is recorded as failed and
    the next one runs.
    """
    finals = (UploadStatus.APPLIED, UploadStatus.REJECTED, UploadStatus.FAILED)
    outcomes: dict[str, Any] = {status.value: 0 for status in finals}
    last = 0
    while True:
        with sessions() as session:
            upload_id = next_queued_upload(session, after=last)
        if upload_id is None:
            return outcomes
        last = upload_id
        timings: dict[str, float] = {}
        try:
            finished = run_upload(
                sessions,
                upload_id,
                upload_dir,
                progress=recorded_progress(sessions, upload_id, between_rows),
                timings=timings,
            )
            if finished.status == UploadStatus.QUEUED:  # interrupted: the worker is stopping
                outcomes["interrupted"] = outcomes.get("interrupted", 0) + 1
                return outcomes
            outcomes[finished.status.value] += 1
            if "switch_seconds" in timings:
                longest = max(outcomes.get(LONGEST_SWITCH, 0.0), timings["switch_seconds"])
                outcomes[LONGEST_SWITCH] = round(longest, 3)
        except Exception:
            log.exception("upload %s failed", upload_id)
            outcomes[UploadStatus.FAILED.value] += 1


def upload_errors(session: Session, upload: Upload, limit: int | None = None) -> list[UploadError]:
    """An upload's row errors in row order."""
    stmt = select(UploadError).where(UploadError.upload_id == upload.id)
    stmt = stmt.order_by(UploadError.row, UploadError.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A cell value that Excel will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


REPORT_HEADER = ["row", "code", "column", "value", "message"]


def write_error_report(
    session: Session,
    upload: Upload,
    out: TextIO,
    *,
    header: Sequence[str] = REPORT_HEADER,
    describe: Callable[[str, str], str] | None = None,
) -> int:
    """Write the upload's row errors as CSV; returns the number of errors written. `header`
    and `describe(code, message)` put the column names and messages in the reader's language
    (the codes stay as they are, for programs)."""
    writer = csv.writer(out)
    writer.writerow(header)
    n = 0
    for error in upload_errors(session, upload):
        message = describe(error.code, error.message) if describe else error.message
        writer.writerow(
            [
                spreadsheet_safe(x)
                for x in (error.row, error.code, error.column, error.value, message)
            ]
        )
        n += 1
    return n

"""Personal data rights (China's PIPL, articles 45 and 47): a copy of everything the site holds
about a person as one archive, and the deletion of their account.

Both are generic: every table with a foreign key to `users.id` in `Base.metadata` at call time
is covered (the web app imports every package's models, so their tables are there). A column
pointing at users is one of:

- "owner": the row is the person's (a note, a session, a certificate). Exported; deleted with
  the account. The default for `ondelete="CASCADE"`.
- "kept": the row is the person's and is exported, but on deletion it moves to a fresh
  pseudonymous placeholder account with no personal data, so aggregates and the recommender's
  per-learner co-occurrence survive (the activity events).
- "reference": the row belongs to something else and only names the person (a member of
  staff who decided a review, the creator of an article). Counted in the archive, not copied;
  emptied (SET NULL) on deletion. The default for `ondelete="SET NULL"`.

A column's `info={"personal": "owner" | "kept" | "reference"}` overrides the default;
`info={"export": False}` (or a name with hash, token, secret or password in it) keeps a column
out of the archive. Tables whose rows hang off an owner row (`ondelete="CASCADE"`) and name no
person themselves are the person's too (a conversation's messages, staff replies included).
Another person's id in an exported row is blanked.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import enum
import io
import json
import secrets
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Column, Table, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from catalogue.errors import NotFound, PermissionDenied
from catalogue.models import (
    AccountAudit,
    Base,
    Comment,
    CommentStatus,
    Notification,
    OutgoingMail,
    Role,
    User,
    utcnow,
)
from catalogue.services import notifications
from records.models.personal_data import ARCHIVE_FOLDER, PersonalDataArchive

OWNER, KEPT, REFERENCE = "owner", "kept", "reference"
SECRET_WORDS = ("hash", "token", "secret", "password")
# Columns of the older tables that must not leave the site, by (table, column): a session's id
# is the digest of the cookie's token; the audit log's address and OS user are the operator's;
# a queued mail's body may hold a one-time link.
HIDDEN_COLUMNS = frozenset(
    {
        ("user_sessions", "id"),
        ("account_audit", "ip"),
        ("account_audit", "os_user"),
        ("account_audit", "actor_id"),
        ("outgoing_mail", "body"),
    }
)
# Defaults for the older tables where the ondelete rule says the wrong thing about whose row it
# is: a learner's desk conversation survives an account (SET NULL) but is theirs; the audit
# entries about an account are about that person; events are kept under a pseudonym.
KIND_OVERRIDES = {
    ("desk_conversations", "user_id"): OWNER,
    ("account_audit", "target_id"): OWNER,
    ("events", "user_id"): KEPT,
}
# Rows that survive the account but are its own and deleted with it (not by the database's
# ondelete rule): desk conversations (their messages go by CASCADE).
DELETE_WITH_ACCOUNT = frozenset({"desk_conversations"})
# Columns holding the key of a file the person uploaded, and the folder (under the instance
# folder) its store keeps files in; a column can also say so with info={"file_store": folder}.
FILE_COLUMNS = {("credit_recognitions", "document_key"): "credit-documents"}
# Roles that may delete their own account; staff accounts are closed by an administrator.
SELF_DELETABLE = frozenset({Role.LEARNER})
PLACEHOLDER_NAME = "已注销用户"
PLACEHOLDER_DOMAIN = "deleted.invalid"
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SPOOL_BYTES = 4 * 1024 * 1024
# Each table's CSV waits in memory up to this, then on disk, until data.json is written.
CSV_SPOOL = 256 * 1024
CHUNK = 1000


@dataclass(frozen=True)
class Link:
    """One column of a table that points at users.id, and what it means."""

    table: Table
    column: Column
    kind: str


@dataclass
class Source:
    """A table exported for a person: the rows linked directly, or through a parent's rows."""

    table: Table
    owner_columns: list[Column] = field(default_factory=list)
    # (this table's foreign-key column, the parent Source, the parent's key column)
    parent: tuple[Column, Source, Column] | None = None


def _users() -> Table:
    return User.__table__


def _points_at_users(column: Column) -> bool:
    return any(
        fk.column.table.name == "users" and fk.column.name == "id" for fk in column.foreign_keys
    )


def _ondelete(column: Column) -> str:
    for fk in column.foreign_keys:
        return (fk.ondelete or "").upper()
    return ""


def user_links() -> list[Link]:
    """Every column in the metadata that points at users.id, classified (module docstring)."""
    links = []
    for table in Base.metadata.sorted_tables:
        if table.name == "users":
            continue
        for column in table.columns:
            if not _points_at_users(column):
                continue
            kind = column.info.get("personal") or KIND_OVERRIDES.get((table.name, column.name))
            if kind is None:
                kind = OWNER if _ondelete(column) == "CASCADE" else REFERENCE
            links.append(Link(table, column, kind))
    return links


def exported_columns(table: Table) -> list[Column]:
    """The columns of a table that an archive shows (secrets and hidden columns left out)."""
    return [
        c
        for c in table.columns
        if c.info.get("export", True) is not False
        and (table.name, c.name) not in HIDDEN_COLUMNS
        and not any(word in c.name.lower() for word in SECRET_WORDS)
    ]


def sources() -> list[Source]:
    """The tables an archive copies rows of: the users row first, then the owner tables, then
    tables whose rows hang off theirs (CASCADE) and name no person of their own. A table with
    `info={"export": False}` (the archive requests themselves) is left out."""
    found: dict[str, Source] = {}
    for link in user_links():
        if link.table.info.get("export", True) is False:
            continue
        if link.kind in (OWNER, KEPT):
            found.setdefault(link.table.name, Source(link.table)).owner_columns.append(link.column)
    personal = {link.table.name for link in user_links() if link.kind in (OWNER, KEPT)}
    queue = list(found.values())
    while queue:
        parent = queue.pop(0)
        keys = list(parent.table.primary_key.columns)
        if len(keys) != 1:
            continue
        for table in Base.metadata.sorted_tables:
            if table.name in found or table.name in personal or table.name == "users":
                continue
            for column in table.columns:
                if any(
                    fk.column is keys[0] and (fk.ondelete or "").upper() == "CASCADE"
                    for fk in column.foreign_keys
                ):
                    child = Source(table, parent=(column, parent, keys[0]))
                    found[table.name] = child
                    queue.append(child)
                    break
    return [Source(_users(), [_users().c.id]), *found.values()]


def _where(source: Source, user_id: int):
    if source.parent is None:
        return or_(*(c == user_id for c in source.owner_columns))
    column, parent, key = source.parent
    return column.in_(select(key).where(_where(parent, user_id)))


def _plain(value: Any) -> Any:
    """A JSON-ready value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def csv_cell(value: Any) -> str:
    """A CSV cell Excel will not run as a formula (a leading = + - @ tab or CR is quoted)."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return "'" + text if text.startswith(CSV_FORMULA_START) else text


def _rows(session: Session, source: Source, user_id: int) -> Iterator[dict[str, Any]]:
    """The source's rows of the person, streamed, another person's id blanked."""
    columns = exported_columns(source.table)
    others = [c.name for c in columns if _points_at_users(c)]
    order = list(source.table.primary_key.columns) or columns[:1]
    stmt = select(*columns).where(_where(source, user_id)).order_by(*order)
    result = session.execute(stmt.execution_options(yield_per=CHUNK))
    for row in result:
        record = {name: _plain(value) for name, value in row._mapping.items()}
        for name in others:
            if record.get(name) not in (None, user_id):
                record[name] = None
        yield record


def _mails(session: Session, email: str) -> Iterator[dict[str, Any]]:
    table = OutgoingMail.__table__
    columns = exported_columns(table)
    stmt = select(*columns).where(table.c.to_address == email).order_by(table.c.id)
    for row in session.execute(stmt.execution_options(yield_per=CHUNK)):
        yield {name: _plain(value) for name, value in row._mapping.items()}


def references(session: Session, user_id: int) -> list[dict[str, Any]]:
    """How many rows of other things name the person (work as staff or partner), per column."""
    found = []
    for link in user_links():
        if link.kind != REFERENCE:
            continue
        count = session.scalar(
            select(func.count()).select_from(link.table).where(link.column == user_id)
        )
        if count:
            found.append({"table": link.table.name, "column": link.column.name, "rows": count})
    return found


def _file_columns(table: Table) -> list[tuple[Column, str]]:
    found = []
    for column in table.columns:
        folder = column.info.get("file_store") or FILE_COLUMNS.get((table.name, column.name))
        if folder:
            found.append((column, folder))
    return found


def _safe_key(key: object) -> bool:
    return (
        isinstance(key, str)
        and bool(key)
        and "/" not in key
        and "\\" not in key
        and not key.startswith(".")
    )


def uploaded_files(session: Session, user_id: int, file_root: Path) -> list[tuple[str, Path]]:
    """The person's uploaded files that exist on disk: (name in the archive, path)."""
    found = []
    for source in sources():
        columns = _file_columns(source.table)
        keys = list(source.table.primary_key.columns)
        if not columns or len(keys) != 1:
            continue
        for column, folder in columns:
            stmt = select(keys[0], column).where(_where(source, user_id)).order_by(keys[0])
            for ident, key in session.execute(stmt):
                path = Path(file_root) / folder / str(key)
                if _safe_key(key) and path.is_file():
                    found.append((f"files/{source.table.name}/{ident}-{key}", path))
    return found


def archive_path(file_root: Path, key: str) -> Path:
    """Where a built archive (records/personal_archives.py) with this key is kept."""
    return Path(file_root) / ARCHIVE_FOLDER / f"{key}.zip"


def _archive_files(session: Session, user_id: int, file_root: Path) -> list[Path]:
    """The built (or being built) archive an account's deletion removes after its commit."""
    key = session.scalar(
        select(PersonalDataArchive.file_key).where(PersonalDataArchive.user_id == user_id)
    )
    return [archive_path(file_root, key)] if key else []


def remove_files(paths: list[Path]) -> int:
    """Delete files of a deleted account (after the deletion is committed); how many went."""
    removed = 0
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            Path(path).unlink()
            removed += 1
    return removed


README = """\
个人信息副本 / Copy of your personal information
================================================

生成时间 / Made at: {made}
账号 / Account: {account}

中文
----
这是终身学习平台保存的关于您的全部个人信息（《个人信息保护法》第四十五条）。
- data.json：全部内容，一个 JSON 文件。"tables" 下每张表一项，"rows" 是属于您的各行。
- csv/<表名>.csv：每张表一个 CSV 文件（UTF-8 带 BOM，可用 Excel 打开；以 = + - @ 开头的
  单元格前加了单引号，防止被当作公式）。
- files/<表名>/<编号>-<文件名>：您上传的文件（例如学分认定申请的证明材料），如果有的话。
- 不包含：密码（只存散列值，也不导出）、登录会话的标识、其他任何人的信息（行中的其他人的
  账号编号已清空）。"references" 只列出提到您的其他记录的数量（例如您作为工作人员处理过的
  事项），不复制其内容。
- 学习记录（events）是您浏览、点赞、收藏、学习的记录。注销账号后，这些记录会转到一个不含
  任何个人信息的匿名编号下，只用于统计和推荐模型训练。

English
-------
Everything the lifelong-learning platform holds about you (PIPL article 45).
- data.json: all of it in one JSON file; "tables" has one entry per table, "rows" are your rows.
- csv/<table>.csv: one CSV file per table (UTF-8 with BOM, opens in Excel; a cell starting with
  = + - @ is prefixed with a quote so it never runs as a formula).
- files/<table>/<id>-<file>: files you uploaded (e.g. documents of a credit recognition
  request), if any.
- Not included: your password (only a hash is stored, and it is not exported either), session
  identifiers, and anyone else's information (another person's account number in a row is
  blanked). "references" only counts other records that name you (e.g. work you did as staff),
  without copying them.
- events are what you viewed, liked, saved and studied. If you delete your account they move to
  an anonymous number with no personal information, used only for statistics and for training
  the recommendations.

Files / 文件
------------
{files}
"""


def write_archive(
    session: Session, user_id: int, out: IO[bytes], file_root: Path | None = None
) -> dict[str, int]:
    """Write the person's archive (zip: data.json, csv/<table>.csv, files/ of their uploads
    under `file_root`, README.txt) to `out`; returns the row count per table. Rows are
    streamed; each CSV is spooled to disk when big."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    email = user.email
    counts: dict[str, int] = {}
    spools: dict[str, IO[bytes]] = {}
    tables = [(s.table.name, s, exported_columns(s.table)) for s in sources()]
    made = utcnow().isoformat()
    with (
        contextlib.ExitStack() as stack,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        with archive.open("data.json", "w", force_zip64=True) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
            text.write(f'{{"made_at": {json.dumps(made)}, "user_id": {user_id}, "tables": {{')
            plan: list[tuple[str, list[str], Iterator[dict[str, Any]]]] = [
                (name, [c.name for c in cols], _rows(session, src, user_id))
                for name, src, cols in tables
            ]
            mail_cols = [c.name for c in exported_columns(OutgoingMail.__table__)]
            plan.append(("outgoing_mail", mail_cols, _mails(session, email)))
            for index, (name, header, rows) in enumerate(plan):
                spool = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=CSV_SPOOL))
                spools[name] = spool
                sheet = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
                writer = csv.writer(sheet)
                writer.writerow(header)
                text.write(("," if index else "") + json.dumps(name) + ': {"rows": [')
                count = 0
                for record in rows:
                    text.write(("," if count else "") + "\n")
                    text.write(json.dumps(record, ensure_ascii=False, default=str))
                    writer.writerow([csv_cell(record.get(h)) for h in header])
                    count += 1
                text.write("]}")
                sheet.flush()
                sheet.detach()
                counts[name] = count
            text.write('}, "references": ')
            text.write(json.dumps(references(session, user_id), ensure_ascii=False))
            text.write("}\n")
            text.flush()
            text.detach()
        for name, spool in spools.items():
            spool.seek(0)
            with archive.open(f"csv/{name}.csv", "w", force_zip64=True) as target:
                while chunk := spool.read(1 << 16):
                    target.write(chunk)
        uploads = uploaded_files(session, user_id, file_root) if file_root is not None else []
        for name, path in uploads:
            archive.write(path, name)
        files = "\n".join(
            [
                "README.txt            本说明 / this description",
                "data.json             全部内容 / everything, as JSON",
            ]
            + [f"csv/{name}.csv  {counts[name]} 行 / rows" for name in counts]
            + [f"{name}  上传的文件 / an uploaded file" for name, _path in uploads]
        )
        archive.writestr("README.txt", README.format(made=made, account=email, files=files))
    return counts


def build_archive(session: Session, user_id: int, file_root: Path | None = None) -> IO[bytes]:
    """The archive in a temporary file (in memory while small), rewound, for the caller to send
    and close."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the caller closes)
    try:
        write_archive(session, user_id, out, file_root)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def confirm_password(session: Session, user_id: int, password: str) -> bool:
    """Whether `password` is the account's password (re-authentication before a rights action);
    a gone account is NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    if not password:
        return False
    try:
        return check_password_hash(user.password_hash, password)
    except ValueError:  # an unusable marker (the demo learners, a placeholder)
        return False


def can_delete_self(role: Role | str) -> bool:
    """Whether an account of this role may delete itself (staff accounts are closed by admins)."""
    return Role(role) in SELF_DELETABLE


@dataclass(frozen=True)
class Deletion:
    """What deleting an account did: rows deleted per table, events kept, the placeholder."""

    placeholder_id: int
    kept: dict[str, int]
    deleted: dict[str, int]
    comments_kept_as_deleted: int
    # The person's uploaded files, for the caller to remove once the deletion is committed.
    files: list[Path] = field(default_factory=list)


def _lock_user(session: Session, user_id: int) -> User | None:
    stmt = select(User).where(User.id == user_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def is_person():
    """A condition on `users` that leaves out the placeholders of deleted accounts (they hold
    kept events, are nobody, and must not count as learners or sign-ups)."""
    return User.email.not_like(f"%@{PLACEHOLDER_DOMAIN}")


def _placeholder(session: Session) -> User:
    """A fresh account with no personal data that kept rows move to: it cannot log in."""
    token = secrets.token_hex(12)
    ghost = User(
        email=f"deleted-{token}@{PLACEHOLDER_DOMAIN}",
        password_hash="!",  # not a hash: no password matches it
        display_name=PLACEHOLDER_NAME,
        role=Role.LEARNER,
        preferred_language="zh",
        interest_areas=[],
        is_active=False,
        digest_mail=False,
        reminders="off",
    )
    session.add(ghost)
    session.flush()
    return ghost


def _forget_reply_notices(session: Session, comment_ids: list[int]) -> None:
    """Others' "someone replied" notifications quoting these comments (name and excerpt) go."""
    table = Notification.__table__
    cited = table.c.data["comment_id"].as_integer()
    for start in range(0, len(comment_ids), 500):
        chunk = comment_ids[start : start + 500]
        session.execute(delete(table).where(table.c.kind == notifications.REPLY, cited.in_(chunk)))


def delete_comment(session: Session, user_id: int, comment_id: int) -> bool:
    """The author deletes a comment of theirs: it goes, unless others replied to it, in which
    case its text goes and it stays as "deleted" so the replies keep their place. Returns
    whether the row was removed; another person's comment is NotFound."""
    comment = session.get(Comment, comment_id)
    if comment is None or comment.user_id != user_id or comment.body == "":
        raise NotFound(f"comment {comment_id} does not exist")
    _forget_reply_notices(session, [comment.id])
    if _has_others_replies(session, comment.id, user_id):
        comment.body = ""
        session.flush()
        return False
    session.delete(comment)
    session.flush()
    return True


def _has_others_replies(session: Session, comment_id: int, user_id: int) -> bool:
    return bool(
        session.scalar(
            select(exists().where(Comment.parent_id == comment_id, Comment.user_id != user_id))
        )
    )


def delete_account(session: Session, user_id: int, file_root: Path | None = None) -> Deletion:
    """Delete the account in the caller's transaction (the caller commits): personal rows go,
    kept rows (events) move to a fresh pseudonymous placeholder, comments others replied to stay
    as deleted tombstones under it, sessions end, and an audit entry with no personal data is
    written. Staff roles are refused (PermissionDenied); a gone account is NotFound. The
    uploaded files under `file_root` are listed in the result for `remove_files` after commit."""
    # The placeholder's insert comes first: on SQLite it takes the write lock, so a second
    # deletion of the same account running at once finds the account gone below.
    ghost = _placeholder(session)
    user = _lock_user(session, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    if not can_delete_self(user.role):
        raise PermissionDenied("staff accounts are closed by an administrator", code="STAFF")
    role, email = user.role, user.email
    files = [p for _n, p in uploaded_files(session, user_id, file_root)] if file_root else []
    if file_root:
        files += _archive_files(session, user_id, file_root)
    kept: dict[str, int] = {}
    deleted: dict[str, int] = {}
    # Comments that others answered stay, without text, under the placeholder.
    comments = Comment.__table__
    replies = comments.alias("replies")
    answered = select(comments.c.id).where(
        comments.c.user_id == user_id,
        comments.c.parent_id.is_(None),
        exists().where(replies.c.parent_id == comments.c.id, replies.c.user_id != user_id),
    )
    tombstones = list(session.scalars(answered))
    _forget_reply_notices(
        session, list(session.scalars(select(comments.c.id).where(comments.c.user_id == user_id)))
    )
    if tombstones:
        session.execute(
            update(comments)
            .where(comments.c.id.in_(tombstones))
            .values(user_id=ghost.id, body="", status=CommentStatus.VISIBLE)
        )
    links = user_links()
    for link in links:
        if link.kind == KEPT:
            result = session.execute(
                update(link.table)
                .where(link.column == user_id)
                .values({link.column.name: ghost.id})
            )
            kept[link.table.name] = kept.get(link.table.name, 0) + (result.rowcount or 0)
    for table_name in DELETE_WITH_ACCOUNT:
        table = Base.metadata.tables.get(table_name)
        if table is None:
            continue
        for link in links:
            if link.table is table and link.kind == OWNER:
                result = session.execute(delete(table).where(link.column == user_id))
                deleted[table_name] = deleted.get(table_name, 0) + (result.rowcount or 0)
    # The audit entries about the account keep what was done, not the values (an address).
    audit = AccountAudit.__table__
    session.execute(
        update(audit).where(audit.c.target_id == user_id).values(before=None, after=None)
    )
    session.execute(delete(OutgoingMail.__table__).where(OutgoingMail.to_address == email))
    # Owner rows go explicitly (the database's CASCADE would too); references are emptied.
    for link in links:
        if link.kind == OWNER and link.table.name not in DELETE_WITH_ACCOUNT:
            if link.column.nullable and _ondelete(link.column) != "CASCADE":
                session.execute(
                    update(link.table)
                    .where(link.column == user_id)
                    .values({link.column.name: None})
                )
                continue
            result = session.execute(delete(link.table).where(link.column == user_id))
            if result.rowcount:
                deleted[link.table.name] = deleted.get(link.table.name, 0) + result.rowcount
        elif link.kind == REFERENCE and link.column.nullable:
            session.execute(
                update(link.table).where(link.column == user_id).values({link.column.name: None})
            )
    session.execute(delete(_users()).where(_users().c.id == user_id))
    session.add(
        AccountAudit(
            actor_id=None,
            target_id=None,
            action="account_self_delete",
            channel="web",
            ip="",
            before={"role": role.value},
            after={"events_kept": sum(kept.values())},
        )
    )
    session.flush()
    session.expunge(user)
    return Deletion(ghost.id, kept, deleted, len(tombstones), files)

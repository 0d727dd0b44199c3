"""The audit log of what staff and operators change on accounts and providers: who (a signed-in
admin, or the command line and the OS user running it), what, to whom, when, before and after."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from catalogue.errors import PermissionDenied
from catalogue.models import AccountAudit, Provider, Role, User
from catalogue.services.validation import CONTROL_CHARACTERS, like_pattern

ACCOUNT_ACTIONS = (
    "sign_out_everywhere",
    "reset_link",
    "temporary_password",
    "account_create",
    "role_change",
    "provider_attach",
    "provider_detach",
    "account_suspend",
    "account_unsuspend",
)
PROVIDER_ACTIONS = (
    "provider_create",
    "provider_rename",
    "provider_suspend",
    "provider_unsuspend",
    "provider_review",
)
# The learning record's staff actions (issue 16).
RECORD_ACTIONS = ("certificate_revoke",)
# The credit bank's (records/recognition.py, records/credits.py).
CREDIT_ACTIONS = (
    "recognition_submit",
    "recognition_accept",
    "recognition_refuse",
    "credit_correction",
)
# The open data API's clients (insight/open_data/clients.py, issue 17); the entry names the
# client by its public client_id in `after["client"]`.
API_CLIENT_ACTIONS = (
    "api_client_register",
    "api_client_update",
    "api_client_rotate",
    "api_client_revoke",
)
ACTIONS = ACCOUNT_ACTIONS + PROVIDER_ACTIONS + RECORD_ACTIONS + CREDIT_ACTIONS + API_CLIENT_ACTIONS
# The audit page's "what" filter: one group of actions, or one action.
ACTION_GROUPS = {
    "accounts": ACCOUNT_ACTIONS,
    "providers": PROVIDER_ACTIONS,
    "records": RECORD_ACTIONS + CREDIT_ACTIONS,
    "api_clients": API_CLIENT_ACTIONS,
}
MAX_SEARCH = 200
CHANNELS = ("web", "cli")


@dataclass(frozen=True)
class Operator:
    """Who makes an administrative change: a signed-in member of staff, or the command line."""

    user_id: int | None
    role: Role
    ip: str = ""
    channel: str = "web"
    os_user: str | None = None

    @classmethod
    def command_line(cls, os_user: str) -> Operator:
        """The `lifelong` command line run by an OS user: it acts as an administrator."""
        return cls(user_id=None, role=Role.ADMIN, channel="cli", os_user=(os_user or "?")[:64])

    def require_admin(self) -> None:
        """Raise PermissionDenied unless the operator is an administrator."""
        if self.role != Role.ADMIN:
            raise PermissionDenied("only administrators may do this")


def record(
    session: Session,
    by: Operator,
    action: str,
    *,
    target_id: int | None = None,
    provider_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AccountAudit:
    """Write one audit entry in the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(action)
    if by.channel not in CHANNELS:
        raise ValueError(by.channel)
    entry = AccountAudit(
        actor_id=by.user_id,
        target_id=target_id,
        provider_id=provider_id,
        action=action,
        channel=by.channel,
        os_user=by.os_user,
        ip=(by.ip or "")[:64],
        before=before,
        after=after,
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditRow:
    """One audit entry with the addresses and the provider's name it refers to."""

    entry: AccountAudit
    actor: str
    target: str
    provider: str


def recent(
    session: Session,
    *,
    target_id: int | None = None,
    provider_id: int | None = None,
    action: str = "",
    text: str = "",
    limit: int = 200,
) -> list[AuditRow]:
    """The newest entries, optionally only those about one account or one provider, of one
    action or group of actions (ACTION_GROUPS), and mentioning a text: in who made the change,
    whose account, the provider's name or the values before and after (an API client's name or
    client_id, a role, a certificate code), letter case aside."""
    actor, target = aliased(User), aliased(User)
    stmt = (
        select(AccountAudit, actor.email, target.email, Provider.name)
        .outerjoin(actor, actor.id == AccountAudit.actor_id)
        .outerjoin(target, target.id == AccountAudit.target_id)
        .outerjoin(Provider, Provider.id == AccountAudit.provider_id)
        .order_by(AccountAudit.id.desc())
        .limit(limit)
    )
    if target_id is not None:
        stmt = stmt.where(AccountAudit.target_id == target_id)
    if provider_id is not None:
        stmt = stmt.where(AccountAudit.provider_id == provider_id)
    if action in ACTION_GROUPS:
        stmt = stmt.where(AccountAudit.action.in_(ACTION_GROUPS[action]))
    elif action in ACTIONS:
        stmt = stmt.where(AccountAudit.action == action)
    wanted = CONTROL_CHARACTERS.sub("", text or "").strip()[:MAX_SEARCH].lower()
    if wanted:
        # The values are stored as JSON text, where characters beyond ASCII are escaped
        # (\u7701): look for the text as typed and as JSON writes it.
        as_json = json.dumps(wanted)[1:-1]
        patterns = {like_pattern(wanted), like_pattern(as_json)}
        columns = [
            func.lower(actor.email),
            func.lower(target.email),
            func.lower(Provider.name),
            func.lower(cast(AccountAudit.before, String)),
            func.lower(cast(AccountAudit.after, String)),
            func.lower(AccountAudit.os_user),
        ]
        stmt = stmt.where(
            or_(*(column.like(p, escape="\\") for column in columns for p in patterns))
        )
    return [AuditRow(entry, a or "", t or "", p or "") for entry, a, t, p in session.execute(stmt)]

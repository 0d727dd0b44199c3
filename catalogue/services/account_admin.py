"""Staff actions on someone's account, each recorded in the account audit log."""

from __future__ import annotations

import secrets

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from catalogue.models import AccountAudit, User, utcnow
from catalogue.services import users as user_service

ACTIONS = ("sign_out_everywhere", "reset_link", "temporary_password")
# Easy to read aloud or copy by hand: no 0/O or 1/l/I.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def audit(session: Session, actor_id: int, target_id: int, action: str, ip: str) -> AccountAudit:
    """Record what a member of staff did to an account."""
    if action not in ACTIONS:
        raise ValueError(action)
    entry = AccountAudit(actor_id=actor_id, target_id=target_id, action=action, ip=ip[:64])
    session.add(entry)
    session.flush()
    return entry


def find_accounts(session: Session, query: str, limit: int = 50) -> list[User]:
    """Accounts whose address or name contains the query (an admin looking someone up)."""
    text = (query or "").strip()
    if not text:
        return []
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    needle = user_service.normalise_email(text)
    npattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    stmt = (
        select(User)
        .where(
            or_(
                User.email.like(npattern, escape="\\"),
                User.display_name.like(pattern, escape="\\"),
            )
        )
        .order_by(User.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def sign_out_everywhere(session: Session, actor_id: int, target_id: int, ip: str) -> int:
    """End every session of an account; audited."""
    user_service.get_user(session, target_id)
    ended = user_service.end_all_sessions(session, target_id)
    audit(session, actor_id, target_id, "sign_out_everywhere", ip)
    return ended


def temporary_password(session: Session, actor_id: int, target_id: int, ip: str) -> str:
    """Set a random temporary password to hand over; ends the account's sessions; audited."""
    password = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
    user_service.set_password(session, target_id, password)
    user = user_service.get_user(session, target_id)
    if user.email_verified_at is None:
        # Staff vouch for the person: without this the account still could not log in.
        user.email_verified_at = utcnow()
    audit(session, actor_id, target_id, "temporary_password", ip)
    return password


def record_reset_link(session: Session, actor_id: int, target_id: int, ip: str) -> User:
    """Record that staff made a one-time reset link for an account (to hand over)."""
    user = user_service.get_user(session, target_id)
    audit(session, actor_id, target_id, "reset_link", ip)
    return user


def recent_audit(session: Session, limit: int = 200) -> list[tuple[AccountAudit, str, str]]:
    """The newest audit entries with the actor's and the target's addresses."""
    actor, target = aliased(User), aliased(User)
    stmt = (
        select(AccountAudit, actor.email, target.email)
        .outerjoin(actor, actor.id == AccountAudit.actor_id)
        .outerjoin(target, target.id == AccountAudit.target_id)
        .order_by(AccountAudit.id.desc())
        .limit(limit)
    )
    return [(entry, a or "", t or "") for entry, a, t in session.execute(stmt)]

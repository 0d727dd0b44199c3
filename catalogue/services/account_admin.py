"""Staff actions on someone's account, each recorded in the audit log (catalogue.services.audit):
look-up, sign out everywhere, reset link, temporary password, role, provider, suspension."""

from __future__ import annotations

import secrets

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from catalogue.errors import Collector, Conflict, PermissionDenied
from catalogue.models import Provider, Role, User, utcnow
from catalogue.services import audit
from catalogue.services import users as user_service
from catalogue.services.audit import Operator
from catalogue.services.validation import clean_text, enum_field, like_pattern

# Easy to read aloud or copy by hand: no 0/O or 1/l/I.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def find_accounts(session: Session, query: str, limit: int = 50) -> list[User]:
    """Accounts whose address or name contains the query (staff looking someone up)."""
    text = clean_text(query)
    if not text:
        return []
    needle = user_service.normalise_email(text) or text
    stmt = (
        select(User)
        .where(
            or_(
                User.email.like(like_pattern(needle), escape="\\"),
                User.display_name.like(like_pattern(text), escape="\\"),
            )
        )
        .order_by(User.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def sign_out_everywhere(session: Session, by: Operator, target_id: int) -> int:
    """End every session of an account; audited."""
    by.require_admin()
    user_service.get_user(session, target_id)
    ended = user_service.end_all_sessions(session, target_id)
    audit.record(session, by, "sign_out_everywhere", target_id=target_id, after={"ended": ended})
    return ended


def temporary_password(session: Session, by: Operator, target_id: int) -> str:
    """Set a random temporary password to hand over; ends the account's sessions; audited."""
    by.require_admin()
    password = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
    user_service.set_password(session, target_id, password)
    user = user_service.get_user(session, target_id)
    if user.email_verified_at is None:
        # Staff vouch for the person: without this the account still could not log in.
        user.email_verified_at = utcnow()
    audit.record(session, by, "temporary_password", target_id=target_id)
    return password


def record_reset_link(session: Session, by: Operator, target_id: int) -> User:
    """Record that staff made a one-time reset link for an account (to hand over)."""
    by.require_admin()
    user = user_service.get_user(session, target_id)
    audit.record(session, by, "reset_link", target_id=target_id)
    return user


def record_account_created(session: Session, by: Operator, user: User) -> None:
    """Record an account an operator created (`lifelong create-user`)."""
    audit.record(
        session,
        by,
        "account_create",
        target_id=user.id,
        provider_id=user.provider_id,
        after=_standing(session, user),
    )


# -- role, provider, suspension ------------------------------------------------------------


def _standing(session: Session, user: User) -> dict:
    """What the audit log keeps of an account's role, provider and state."""
    state: dict = {"role": user.role.value}
    if user.provider_id is not None:
        state["provider_id"] = user.provider_id
        state["provider"] = session.scalar(
            select(Provider.name).where(Provider.id == user.provider_id)
        )
    state["active"] = bool(user.is_active)
    return state


def _not_own(by: Operator, target_id: int) -> None:
    if by.user_id is not None and by.user_id == target_id:
        raise PermissionDenied(
            "administrators cannot change their own role or suspend themselves",
            code="OWN_ACCOUNT",
        )


def _keep_an_admin(session: Session, user: User) -> None:
    """Conflict when the change would leave no active administrator account."""
    if user.role != Role.ADMIN or not user.is_active:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.is_active.is_(True), User.id != user.id)
    )
    if not others:
        raise Conflict("this is the last active administrator account", code="LAST_ADMIN")


def _provider(session: Session, provider_id: int | None) -> Provider | None:
    if provider_id is None:
        return None
    provider = session.get(Provider, provider_id)
    if provider is None:
        errors = Collector()
        errors.add("provider", "NOT_FOUND", "the provider does not exist")
        errors.raise_if_any()
    return provider


def change_role(
    session: Session,
    by: Operator,
    target_id: int,
    role: str | Role,
    provider_id: int | None = None,
) -> User:
    """Give an account another role (audited). A partner needs a provider; any other role
    leaves its provider. Administrators cannot change their own role, nor remove the last
    active administrator."""
    by.require_admin()
    _not_own(by, target_id)
    user = user_service.get_user(session, target_id)
    errors = Collector()
    new_role = enum_field(errors, "role", role, Role)
    if new_role == Role.PARTNER and provider_id is None:
        errors.add("provider", "PARTNER_PROVIDER", "a partner account needs a provider")
    errors.raise_if_any()
    assert new_role is not None
    provider = _provider(session, provider_id) if new_role == Role.PARTNER else None
    new_provider_id = provider.id if provider else None
    if user.role == new_role and user.provider_id == new_provider_id:
        return user
    if new_role != Role.ADMIN:
        _keep_an_admin(session, user)
    before = _standing(session, user)
    user.role, user.provider_id = new_role, new_provider_id
    session.flush()
    audit.record(
        session,
        by,
        "role_change",
        target_id=user.id,
        provider_id=new_provider_id or before.get("provider_id"),
        before=before,
        after=_standing(session, user),
    )
    return user


def attach_to_provider(session: Session, by: Operator, target_id: int, provider_id: int) -> User:
    """Make a learner or partner account a partner of this provider (audited); a staff
    account's role must be changed instead."""
    by.require_admin()
    user = user_service.get_user(session, target_id)
    provider = _provider(session, provider_id)
    assert provider is not None
    if user.role not in (Role.LEARNER, Role.PARTNER):
        raise Conflict(
            "only learner and partner accounts can be attached to a provider; change the "
            "role of a staff account instead",
            code="STAFF_ACCOUNT",
        )
    if user.role == Role.PARTNER and user.provider_id == provider.id:
        return user
    before = _standing(session, user)
    user.role, user.provider_id = Role.PARTNER, provider.id
    session.flush()
    audit.record(
        session,
        by,
        "provider_attach",
        target_id=user.id,
        provider_id=provider.id,
        before=before,
        after=_standing(session, user),
    )
    return user


def detach_from_provider(session: Session, by: Operator, target_id: int) -> User:
    """Detach a partner account from its provider: it becomes a learner account (audited)."""
    by.require_admin()
    user = user_service.get_user(session, target_id)
    if user.role != Role.PARTNER:
        raise Conflict("this account is not a partner account", code="NOT_A_PARTNER")
    before = _standing(session, user)
    user.role, user.provider_id = Role.LEARNER, None
    session.flush()
    audit.record(
        session,
        by,
        "provider_detach",
        target_id=user.id,
        provider_id=before.get("provider_id"),
        before=before,
        after=_standing(session, user),
    )
    return user


def suspend_account(session: Session, by: Operator, target_id: int) -> int:
    """Suspend an account: it can no longer log in and every session of it ends (audited).
    Returns how many sessions ended; a suspended account is left as it is."""
    by.require_admin()
    _not_own(by, target_id)
    user = user_service.get_user(session, target_id)
    if not user.is_active:
        return 0
    _keep_an_admin(session, user)
    user.is_active = False
    session.flush()
    ended = user_service.end_all_sessions(session, target_id)
    audit.record(
        session,
        by,
        "account_suspend",
        target_id=user.id,
        provider_id=user.provider_id,
        before={"active": True},
        after={"active": False, "ended_sessions": ended},
    )
    return ended


def unsuspend_account(session: Session, by: Operator, target_id: int) -> User:
    """Lift an account's suspension (audited); its owner logs in again with their password."""
    by.require_admin()
    user = user_service.get_user(session, target_id)
    if user.is_active:
        return user
    user.is_active = True
    session.flush()
    audit.record(
        session,
        by,
        "account_unsuspend",
        target_id=user.id,
        provider_id=user.provider_id,
        before={"active": False},
        after={"active": True},
    )
    return user

"""Accounts: sign-up, log-in and preferences. Passwords are stored only as salted hashes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from catalogue.errors import Collector, NotFound
from catalogue.models import Area, Provider, Role, User, utcnow
from catalogue.services.validation import clean_text, enum_field, text_field

LANGUAGES = ("zh", "en")
MIN_PASSWORD = 8
MAX_PASSWORD = 128
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
# Compared against when the email is unknown, so both paths cost one hash check.
_DUMMY_HASH = generate_password_hash("timing-equaliser")


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding space."""
    return (clean_text(email) or "").lower()


def _check_password(errors: Collector, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        errors.add("password", "PASSWORD_TOO_SHORT", f"at least {MIN_PASSWORD} characters")
    elif len(password) > MAX_PASSWORD:
        errors.add("password", "PASSWORD_TOO_LONG", f"at most {MAX_PASSWORD} characters")


def _areas(errors: Collector, values: Iterable[str]) -> list[str]:
    areas: list[str] = []
    for value in values:
        area = enum_field(errors, "interest_areas", value, Area)
        if area is not None and area.value not in areas:
            areas.append(area.value)
    return areas


def register_user(
    session: Session,
    email: str,
    password: str,
    display_name: str,
    *,
    preferred_language: str = "zh",
    interest_areas: Iterable[str] = (),
    role: Role = Role.LEARNER,
    provider_id: int | None = None,
) -> User:
    """Create an account; raises ValidationError listing every problem."""
    errors = Collector()
    address = normalise_email(email)
    if not _EMAIL.match(address) or len(address) > 320:
        errors.add("email", "BAD_EMAIL", "enter a valid email address")
    _check_password(errors, password or "")
    name = text_field(errors, "display_name", display_name, max_len=50, required=True)
    if preferred_language not in LANGUAGES:
        errors.add("preferred_language", "INVALID_CHOICE", "language must be zh or en")
    areas = _areas(errors, interest_areas)
    if (role == Role.PARTNER) != (provider_id is not None):
        errors.add("provider_id", "PARTNER_PROVIDER", "partners, and only partners, need one")
    if provider_id is not None and session.get(Provider, provider_id) is None:
        errors.add("provider_id", "NOT_FOUND", "provider does not exist")
    if not errors.errors and session.scalar(select(User.id).where(User.email == address)):
        errors.add("email", "EMAIL_TAKEN", "an account with this email exists")
    errors.raise_if_any()
    user = User(
        email=address,
        password_hash=generate_password_hash(password),
        display_name=name,
        role=role,
        provider_id=provider_id,
        preferred_language=preferred_language,
        interest_areas=areas,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    try:
        ok = check_password_hash(user.password_hash, password or "")
    except ValueError:  # an unusable marker such as the demo learners' hash
        ok = False
    if not ok or not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def get_user(session: Session, user_id: int) -> User:
    """An account by id."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    return user


def update_preferences(
    session: Session,
    user_id: int,
    *,
    preferred_language: str | None = None,
    caring_mode: bool | None = None,
    interest_areas: Iterable[str] | None = None,
) -> User:
    """Change a user's language, caring mode or interest areas."""
    user = get_user(session, user_id)
    errors = Collector()
    if preferred_language is not None and preferred_language not in LANGUAGES:
        errors.add("preferred_language", "INVALID_CHOICE", "language must be zh or en")
    areas = _areas(errors, interest_areas) if interest_areas is not None else None
    errors.raise_if_any()
    if preferred_language is not None:
        user.preferred_language = preferred_language
    if caring_mode is not None:
        user.caring_mode = caring_mode
    if areas is not None:
        user.interest_areas = areas
    session.flush()
    return user


def set_password(session: Session, user_id: int, password: str) -> None:
    """Replace a user's password."""
    errors = Collector()
    _check_password(errors, password or "")
    errors.raise_if_any()
    get_user(session, user_id).password_hash = generate_password_hash(password)
    session.flush()


def count_users(session: Session, role: Role | None = None) -> int:
    """Number of accounts, optionally of one role."""
    stmt = select(func.count()).select_from(User)
    if role is not None:
        stmt = stmt.where(User.role == role)
    return session.scalar(stmt) or 0

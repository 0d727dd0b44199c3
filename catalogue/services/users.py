"""Accounts: sign-up, log-in, sessions and preferences. Passwords are stored only as salted
hashes; a log-in is a server-side session row, so ending it works even for a copied cookie."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from catalogue import emails
from catalogue.errors import Collector, NotFound, ValidationError
from catalogue.models import Area, Provider, Role, User, UserSession, utcnow
from catalogue.services.validation import enum_field, text_field

LANGUAGES = ("zh", "en")
MIN_PASSWORD = 8
MAX_PASSWORD = 128
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
# werkzeug's method: scrypt at its default cost (N = 2**15). The test suite lowers the cost
# (tests/conftest.py), as the hash's own parameters are stored with it and checked from there.
PASSWORD_METHOD = "scrypt"


def hash_password(password: str) -> str:
    """A salted hash of `password` by PASSWORD_METHOD."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


@cache
def _dummy_hash(method: str) -> str:
    # Compared against when the email is unknown, so both paths cost one hash check.
    return generate_password_hash("timing-equaliser", method=method)


def normalise_email(email: str) -> str:
    """The canonical form of an address (see catalogue.emails): used for uniqueness and log-in."""
    return emails.normalise_email(email)


@cache
def _common_passwords() -> frozenset[str]:
    # The 30,000 most common passwords of zxcvbn's list (MIT), compiled from leaked
    # password sets; the package is pinned in pyproject.toml.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    """True for a password on the common-passwords list (compared case-insensitively)."""
    return password.lower() in _common_passwords() or password in _common_passwords()


def _check_password(errors: Collector, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        errors.add("password", "PASSWORD_TOO_SHORT", f"at least {MIN_PASSWORD} characters")
    elif len(password) > MAX_PASSWORD:
        errors.add("password", "PASSWORD_TOO_LONG", f"at most {MAX_PASSWORD} characters")
    elif is_common_password(password):
        errors.add("password", "PASSWORD_COMMON", "this password is too common")


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
    verified: bool = True,
) -> User:
    """Create an account; raises ValidationError listing every problem.

    Accounts made here (CLI, tests) are verified; sign-up through the site uses sign_up.
    """
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
        password_hash=hash_password(password),
        display_name=name,
        role=role,
        provider_id=provider_id,
        preferred_language=preferred_language,
        interest_areas=areas,
        email_verified_at=utcnow() if verified else None,
    )
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class SignUp:
    """What a sign-up did: a new unverified account, or an attempt on an existing one."""

    user: User
    created: bool


def sign_up(
    session: Session,
    email: str,
    password: str,
    display_name: str,
    *,
    preferred_language: str = "zh",
    interest_areas: Iterable[str] = (),
) -> SignUp:
    """A learner's own sign-up: an unverified account, or the existing account of that address.

    Raises ValidationError for bad input only, never for a taken address, so the caller can
    answer the same way either way.
    """
    try:
        user = register_user(
            session,
            email,
            password,
            display_name,
            preferred_language=preferred_language,
            interest_areas=interest_areas,
            verified=False,
        )
    except ValidationError as exc:
        codes = {e.code for e in exc.errors}
        if codes != {"EMAIL_TAKEN"}:
            raise
        hash_password(password)  # the same work as the new-account path
        existing = session.scalar(select(User).where(User.email == normalise_email(email)))
        assert existing is not None
        return SignUp(existing, created=False)
    return SignUp(user, created=True)


class AccountSuspended(Exception):
    """The password was right, but an administrator has suspended the account."""


def authenticate(
    session: Session, email: str, password: str, *, explain_suspended: bool = False
) -> User | None:
    """The active user with this email and password, or None (check email_verified_at).

    With `explain_suspended`, the right password of a suspended account raises
    AccountSuspended instead of answering None (only someone who knows it learns that).
    """
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_dummy_hash(PASSWORD_METHOD), password or "")
        return None
    try:
        ok = check_password_hash(user.password_hash, password or "")
    except ValueError:  # an unusable marker such as the demo learners' hash
        ok = False
    if not ok:
        return None
    if not user.is_active:
        if explain_suspended:
            raise AccountSuspended(user.email)
        return None
    if user.email_verified_at is not None:
        user.last_login_at = utcnow()
    return user


def get_user(session: Session, user_id: int) -> User:
    """An account by id."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    return user


TEXT_SIZES = ("large", "larger")
DEFAULT_TIME_ZONE = "Asia/Shanghai"


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def valid_time_zone(name: str | None) -> bool:
    """Whether `name` is an IANA time zone this machine knows."""
    return bool(name) and name in _time_zones()


def update_preferences(
    session: Session,
    user_id: int,
    *,
    preferred_language: str | None = None,
    caring_mode: bool | None = None,
    interest_areas: Iterable[str] | None = None,
    text_size: str | None = None,
    time_zone: str | None = None,
    clear_time_zone: bool = False,
) -> User:
    """Change a user's language, caring mode and its text size, interest areas or time zone
    (`clear_time_zone`: follow the browser's again); ValidationError lists every bad value."""
    user = get_user(session, user_id)
    errors = Collector()
    if preferred_language is not None and preferred_language not in LANGUAGES:
        errors.add("preferred_language", "INVALID_CHOICE", "language must be zh or en")
    if text_size is not None and text_size not in TEXT_SIZES:
        errors.add("text_size", "INVALID_CHOICE", "text size must be large or larger")
    if time_zone is not None and not valid_time_zone(time_zone):
        errors.add("time_zone", "INVALID_CHOICE", "not a known time zone")
    areas = _areas(errors, interest_areas) if interest_areas is not None else None
    errors.raise_if_any()
    if preferred_language is not None:
        user.preferred_language = preferred_language
    if caring_mode is not None:
        user.caring_mode = caring_mode
    if areas is not None:
        user.interest_areas = areas
    if text_size is not None:
        user.text_size = text_size
    if time_zone is not None:
        user.time_zone = time_zone
    elif clear_time_zone:
        user.time_zone = None
    session.flush()
    return user


REMINDER_CHOICES = ("off", "daily", "weekly")


def update_mail_settings(session: Session, user_id: int, *, digest: bool, reminders: str) -> User:
    """Turn the daily notification digest on or off and choose learning reminders ("off",
    "daily", "weekly"); ValidationError for another choice."""
    user = get_user(session, user_id)
    errors = Collector()
    if reminders not in REMINDER_CHOICES:
        errors.add("reminders", "INVALID_CHOICE", "reminders must be off, daily or weekly")
    errors.raise_if_any()
    user.digest_mail = bool(digest)
    user.reminders = reminders
    session.flush()
    return user


def stop_mail(session: Session, user_id: int, what: str) -> User:
    """Turn off one kind of mail ("digest" or "reminders"), as its link in the mail does."""
    user = get_user(session, user_id)
    if what == "digest":
        user.digest_mail = False
    elif what == "reminders":
        user.reminders = "off"
    else:
        raise ValueError(f"not a mail that can be stopped: {what!r}")
    session.flush()
    return user


def update_profile(
    session: Session, user_id: int, *, display_name: str, interest_areas: Iterable[str]
) -> User:
    """Change the name shown with a learner's comments and the areas their feed starts from."""
    user = get_user(session, user_id)
    errors = Collector()
    name = text_field(errors, "display_name", display_name, max_len=50, required=True)
    areas = _areas(errors, interest_areas)
    errors.raise_if_any()
    user.display_name = name
    user.interest_areas = areas
    session.flush()
    return user


def set_password(session: Session, user_id: int, password: str) -> None:
    """Replace a user's password and end every session of the account."""
    errors = Collector()
    _check_password(errors, password or "")
    errors.raise_if_any()
    get_user(session, user_id).password_hash = hash_password(password)
    end_all_sessions(session, user_id)
    session.flush()


def change_password(session: Session, user_id: int, current: str, new: str) -> None:
    """Replace a password after checking the current one (ValidationError when it is wrong)."""
    user = get_user(session, user_id)
    try:
        ok = check_password_hash(user.password_hash, current or "")
    except ValueError:
        ok = False
    if not ok:
        errors = Collector()
        errors.add("current", "WRONG_PASSWORD", "the current password is not correct")
        errors.raise_if_any()
    set_password(session, user_id, new)


def password_fingerprint(user: User) -> str:
    """A short digest of the password hash: changes whenever the password does."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_password(session: Session, user_id: int, fingerprint: str, password: str) -> User:
    """Set a new password through a reset link made for this password; LinkUsed if it changed.

    Following the link proves the mailbox is the owner's, so the address counts as verified.
    """
    user = get_user(session, user_id)
    if not secrets.compare_digest(password_fingerprint(user), fingerprint):
        raise LinkUsed("the password was changed since this link was made")
    set_password(session, user_id, password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    session.flush()
    return user


def verify_email(session: Session, user_id: int, email: str) -> User:
    """Mark an address verified through its link; LinkUsed when done before or superseded."""
    user = get_user(session, user_id)
    if user.email_verified_at is not None or user.email != email or not user.is_active:
        raise LinkUsed("this address is already confirmed")
    user.email_verified_at = utcnow()
    session.flush()
    return user


def check_email_change(session: Session, user_id: int, password: str, new_email: str) -> str:
    """Check a request to move the account to another address (the current password, a valid
    address no account has); returns the address as accounts store it."""
    user = get_user(session, user_id)
    errors = Collector()
    try:
        ok = check_password_hash(user.password_hash, password or "")
    except ValueError:
        ok = False
    if not ok:
        errors.add("current_password", "WRONG_PASSWORD", "the current password is not correct")
    address = normalise_email(new_email or "")
    if not _EMAIL.match(address) or len(address) > 320:
        errors.add("new_email", "BAD_EMAIL", "enter a valid email address")
    elif address == user.email:
        errors.add("new_email", "SAME_EMAIL", "this is already the account's address")
    elif session.scalar(select(User.id).where(User.email == address)):
        errors.add("new_email", "EMAIL_TAKEN", "an account with this email exists")
    errors.raise_if_any()
    return address


def change_email(session: Session, user_id: int, old_email: str, new_email: str) -> User:
    """Move the account to the address its link was mailed to (following it proves the new
    mailbox is the owner's); LinkUsed when the address changed since the link was made,
    ValidationError when another account took the new address meanwhile."""
    user = get_user(session, user_id)
    if user.email != old_email or not user.is_active:
        raise LinkUsed("the account's address changed since this link was made")
    if session.scalar(select(User.id).where(User.email == new_email, User.id != user_id)):
        errors = Collector()
        errors.add("new_email", "EMAIL_TAKEN", "an account with this email exists")
        errors.raise_if_any()
    user.email = new_email
    user.email_verified_at = utcnow()
    session.flush()
    return user


class LinkUsed(Exception):
    """A single-use account link that was used already (or no longer applies)."""


# -- server-side sessions ---------------------------------------------------------------


def _session_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user_id: int) -> str:
    """A new log-in session; returns the random token the browser's cookie keeps."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(id=_session_key(token), user_id=user_id))
    session.flush()
    return token


def session_user(session: Session, user_id: int, token: str) -> User | None:
    """The active account of a live session (its token and user id must match), or None."""
    if not token:
        return None
    return session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.id == _session_key(token), User.id == user_id, User.is_active)
    )


def end_session(session: Session, token: str) -> None:
    """End one session (log-out on this device)."""
    if token:
        session.execute(delete(UserSession).where(UserSession.id == _session_key(token)))


def end_all_sessions(session: Session, user_id: int) -> int:
    """End every session of an account; returns how many there were."""
    result = session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return result.rowcount or 0


def normalise_stored_emails(session: Session) -> dict:
    """Rewrite stored addresses in normal form; a row whose form is taken is left and reported."""
    rows = session.execute(select(User.id, User.email).order_by(User.id)).all()
    taken = {email for _, email in rows}
    changed, collisions = 0, []
    for user_id, email in rows:
        normal = normalise_email(email)
        if normal == email:
            continue
        if normal in taken:
            collisions.append((user_id, normal))
            continue
        session.get(User, user_id).email = normal
        taken.discard(email)
        taken.add(normal)
        changed += 1
    session.flush()
    return {"changed": changed, "collisions": collisions}


def count_users(session: Session, role: Role | None = None) -> int:
    """Number of accounts, optionally of one role."""
    stmt = select(func.count()).select_from(User)
    if role is not None:
        stmt = stmt.where(User.role == role)
    return session.scalar(stmt) or 0


def find_by_email(session: Session, email: str) -> User | None:
    """The account with this address (in any look-alike form), or None."""
    return session.scalar(select(User).where(User.email == normalise_email(email)))

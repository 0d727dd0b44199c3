"""Signed, expiring links mailed to account owners: confirm an address, reset a password.

Each link is signed with the app's secret key and a salt of its own (a verification link
cannot serve as a reset link) and carries its issue time (max_age). Single use: a reset link
names the password it replaces (a fingerprint of its hash), so it dies once the password
changes; a verification link dies once the address is confirmed.
"""

from __future__ import annotations

import time

from flask import current_app, request, url_for
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from catalogue.models import User
from catalogue.services.users import password_fingerprint
from webapp.settings import get_settings

RESET_MAX_AGE = 2 * 3600
VERIFY_MAX_AGE = 3 * 24 * 3600
_RESET = "password-reset"
_VERIFY = "email-verify"
_CHANGE = "email-change"
CHANGE_MAX_AGE = 24 * 3600


class LinkExpired(Exception):
    """A genuine link past its max_age."""


class LinkInvalid(Exception):
    """A link that was not made by this site (or was altered)."""


def _serializer(salt: str, issued_at: float | None = None) -> URLSafeTimedSerializer:
    signer = TimestampSigner
    if issued_at is not None:
        # Only for tests of expiry: a link as if made at that moment.
        signer = type("_IssuedAt", (TimestampSigner,), {"get_timestamp": lambda _s: int(issued_at)})
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt, signer=signer)


def _load(salt: str, token: str, max_age: int) -> dict:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise LinkExpired from exc
    except BadSignature as exc:
        raise LinkInvalid from exc
    if not isinstance(data, dict):
        raise LinkInvalid
    return data


def reset_path(user: User, issued_at: float | None = None) -> str:
    """The site path of a password-reset link for this account's current password."""
    token = _serializer(_RESET, issued_at).dumps({"u": user.id, "h": password_fingerprint(user)})
    return url_for("auth.reset_password", token=token)


def absolute(path: str) -> str:
    """A site path as a full URL: SITE_URL when set (never a Host header an attacker chose)."""
    base = get_settings().site_url or request.host_url.rstrip("/")
    return base + path


def reset_url(user: User) -> str:
    """The full URL of a password-reset link (for a mail)."""
    return absolute(url_for("auth.reset_password", token=_reset_token(user)))


def _reset_token(user: User) -> str:
    return _serializer(_RESET).dumps({"u": user.id, "h": password_fingerprint(user)})


def load_reset(token: str) -> tuple[int, str]:
    """(user id, password fingerprint) of a reset link; LinkExpired or LinkInvalid."""
    data = _load(_RESET, token, RESET_MAX_AGE)
    try:
        return int(data["u"]), str(data["h"])
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkInvalid from exc


def verify_url(user: User) -> str:
    """The full URL of an address-confirmation link (for a mail)."""
    token = _serializer(_VERIFY).dumps({"u": user.id, "e": user.email, "t": int(time.time())})
    return absolute(url_for("auth.verify_email", token=token))


def load_verify(token: str) -> tuple[int, str]:
    """(user id, address) of a confirmation link; LinkExpired or LinkInvalid."""
    data = _load(_VERIFY, token, VERIFY_MAX_AGE)
    try:
        return int(data["u"]), str(data["e"])
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkInvalid from exc


def email_change_url(user: User, new_email: str) -> str:
    """The full URL of the link, mailed to the new address, that moves the account there."""
    token = _serializer(_CHANGE).dumps({"u": user.id, "o": user.email, "n": new_email})
    return absolute(url_for("auth.confirm_email_change", token=token))


def load_email_change(token: str) -> tuple[int, str, str]:
    """(user id, old address, new address) of an address-change link."""
    data = _load(_CHANGE, token, CHANGE_MAX_AGE)
    try:
        return int(data["u"]), str(data["o"]), str(data["n"])
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkInvalid from exc

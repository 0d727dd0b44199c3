"""Links in the mails the jobs worker writes (digest, reminders): full URLs on the site's
public address, and signed "stop these mails" links that work without logging in.

The jobs cannot ask Flask for URLs (they do not import webapp), so the few paths are spelled
here; tests/test_mail_jobs.py checks each against the site's routes.

A stop link names the account and the kind of mail, signed with the site's secret key (HMAC,
a salt of its own). It does not expire: a mail read weeks later must still be able to stop
the next ones. It only ever turns a mail off, so a leaked link can do no more than that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

STOPPABLE = ("digest", "reminders")
_SALT = b"mail-stop|"


class BadStopLink(Exception):
    """A stop link that was not made by this site, or was altered or cut short."""


def _signature(secret: str, payload: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), _SALT + payload.encode("ascii"), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode("ascii").rstrip("=")[:32]


def stop_token(secret: str, user_id: int, what: str) -> str:
    """The token of the link that stops one kind of mail for one account."""
    if what not in STOPPABLE:
        raise ValueError(f"not a mail that can be stopped: {what!r}")
    payload = f"{int(user_id)}.{what}"
    return f"{payload}.{_signature(secret, payload)}"


def read_stop_token(secret: str, token: str) -> tuple[int, str]:
    """(account id, kind of mail) of a genuine stop token; BadStopLink otherwise."""
    parts = (token or "").split(".")
    if len(parts) != 3 or len(token) > 100:
        raise BadStopLink
    user_id, what, signature = parts
    if not user_id.isdigit() or what not in STOPPABLE or not user_id.isascii():
        raise BadStopLink
    if not hmac.compare_digest(signature, _signature(secret, f"{user_id}.{what}")):
        raise BadStopLink
    return int(user_id), what


@dataclass(frozen=True)
class MailLinks:
    """Full URLs of the pages a job's mail points to."""

    base_url: str
    secret: str

    def _full(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def notification(self, notification_id: int) -> str:
        """Opens the notification (marking it read) and goes on to what it is about."""
        return self._full(f"/me/notifications/{int(notification_id)}")

    def notifications(self) -> str:
        return self._full("/me/notifications")

    def course(self, course_id: int) -> str:
        return self._full(f"/courses/{int(course_id)}")

    def account(self) -> str:
        return self._full("/me/account")

    def stop(self, user_id: int, what: str) -> str:
        """The link that turns this kind of mail off for the account, without logging in."""
        return self._full(f"/mail/stop/{stop_token(self.secret, user_id, what)}")

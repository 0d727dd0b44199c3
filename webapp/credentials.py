"""The site's certificate signing key for the views: loaded from the key directory (created
on first start), reloaded when `lifelong certificates rotate-key` changes the current key."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app, request
from sqlalchemy.orm import Session

from records.certificates import issue_if_complete
from records.models.certificates import Certificate
from records.signing import PublicKeyRecord, Signer, current_key_id, load_signer, public_keys
from webapp.settings import get_settings

EXTENSION = "lifelong.credentials"


class Credentials:
    """The key directory and the signer of its current key (safe across threads)."""

    def __init__(self, key_dir: Path) -> None:
        self.key_dir = key_dir
        self._lock = threading.Lock()
        self._signer = load_signer(key_dir)

    def signer(self) -> Signer:
        """The current key's signer; a rotation by another process is picked up here."""
        signer = self._signer
        if current_key_id(self.key_dir) != signer.key_id:
            with self._lock:
                if current_key_id(self.key_dir) != self._signer.key_id:
                    self._signer = load_signer(self.key_dir)
                signer = self._signer
        return signer

    def trusted_keys(self) -> list[PublicKeyRecord]:
        """Every key the site signs or signed with (current and retired)."""
        return public_keys(self.key_dir)


def init_app(app: Flask, key_dir: Path) -> None:
    """Load (or create, mode 0600) the signing key of the key directory."""
    app.extensions[EXTENSION] = Credentials(Path(key_dir))


def get_credentials(app: Flask | None = None) -> Credentials:
    """The app's credentials."""
    return (app or current_app).extensions[EXTENSION]


def get_signer() -> Signer:
    """The signer views hand to the certificate services."""
    return get_credentials().signer()


def trusted_keys() -> list[PublicKeyRecord]:
    """The site's current and retired public keys."""
    return get_credentials().trusted_keys()


def base_url() -> str:
    """The site's public address for certificate links: SITE_URL, else this request's."""
    configured = get_settings().site_url
    if configured:
        return configured.rstrip("/")
    return request.url_root.rstrip("/")


def issue_course_certificate(session: Session, user_id: int, course_id: int) -> Certificate | None:
    """Issue the learner's certificate of the course if they have just completed it by its
    rule (called where lessons are finished and learning time is credited; the caller
    commits)."""
    return issue_if_complete(session, user_id, course_id, get_signer, base_url())

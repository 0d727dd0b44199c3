"""The mails the site sends to account owners, written in the owner's language and queued
in the outbox (catalogue.services.mail); the mail-send job delivers them over SMTP."""

from __future__ import annotations

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from catalogue.models import User
from catalogue.services.mail import queue_mail
from webapp import account_links


def _queue(
    session: Session,
    user: User,
    kind: str,
    subject: str,
    lines: list[str],
    to_address: str | None = None,
) -> None:
    queue_mail(session, to_address or user.email, subject, "\n\n".join(lines) + "\n", kind)


def send_verification(session: Session, user: User) -> None:
    """The link that confirms a new account's address and logs it in."""
    with force_locale(user.preferred_language):
        _queue(
            session,
            user,
            "verify",
            _("Confirm your email address"),
            [
                _("Hello %(name)s,", name=user.display_name),
                _("Welcome! To finish creating your account, open this link (valid for 3 days):"),
                account_links.verify_url(user),
                _("If you did not sign up, you can ignore this mail."),
            ],
        )


def send_signup_attempt(session: Session, user: User) -> None:
    """Tell an account's owner that someone tried to sign up again with the address."""
    with force_locale(user.preferred_language):
        _queue(
            session,
            user,
            "signup_attempt",
            _("Someone tried to sign up with your email address"),
            [
                _("Hello %(name)s,", name=user.display_name),
                _(
                    "Someone tried to sign up with this email address, which already has an "
                    "account. If it was you, log in here:"
                ),
                account_links.absolute(url_for("auth.login")),
                _("Forgot your password? Choose a new one here:"),
                account_links.absolute(url_for("auth.forgot_password")),
                _("If it was not you, you can ignore this mail."),
            ],
        )


def send_password_reset(session: Session, user: User) -> None:
    """A single-use link to choose a new password."""
    with force_locale(user.preferred_language):
        _queue(
            session,
            user,
            "reset",
            _("Reset your password"),
            [
                _("Hello %(name)s,", name=user.display_name),
                _("To choose a new password, open this link (valid for 2 hours, once):"),
                account_links.reset_url(user),
                _("If you did not ask for this, you can ignore this mail: nothing changes."),
            ],
        )


def send_email_change(session: Session, user: User, new_email: str) -> None:
    """To the new address: the link that moves the account there."""
    with force_locale(user.preferred_language):
        _queue(
            session,
            user,
            "email_change",
            _("Confirm your new email address"),
            [
                _("Hello %(name)s,", name=user.display_name),
                _(
                    "To use this address for your account from now on, open this link (valid for "
                    "one day):"
                ),
                account_links.email_change_url(user, new_email),
                _("If you did not ask for this, you can ignore this mail: nothing changes."),
            ],
            to_address=new_email,
        )


def send_email_changed(session: Session, user: User, old_email: str) -> None:
    """To the old address: the account has moved to another one."""
    with force_locale(user.preferred_language):
        _queue(
            session,
            user,
            "email_changed",
            _("Your account's email address was changed"),
            [
                _("Hello %(name)s,", name=user.display_name),
                _(
                    "Your account now uses the address %(email)s. If you did not do this, reset "
                    "your password and contact support at once:",
                    email=user.email,
                ),
                account_links.absolute(url_for("auth.forgot_password")),
            ],
            to_address=old_email,
        )

"""Accounts: validation, hashing and authentication."""

from __future__ import annotations

import pytest

from catalogue.errors import ValidationError
from catalogue.models import Role, User
from catalogue.services import users as svc
from tests.helpers import make_provider


def test_password_is_stored_hashed(session):
    user = svc.register_user(session, "Learner@Example.CN ", "s3cret-pass", "小李")
    assert user.email == "learner@example.cn"
    assert "s3cret-pass" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_register_collects_all_errors(session):
    with pytest.raises(ValidationError) as info:
        svc.register_user(
            session, "not-an-email", "short", "", preferred_language="fr", interest_areas=["x"]
        )
    codes = {(e.field, e.code) for e in info.value.errors}
    assert codes == {
        ("email", "BAD_EMAIL"),
        ("password", "PASSWORD_TOO_SHORT"),
        ("display_name", "REQUIRED"),
        ("preferred_language", "INVALID_CHOICE"),
        ("interest_areas", "INVALID_CHOICE"),
    }


def test_email_is_unique_case_insensitively(session):
    svc.register_user(session, "a@example.cn", "password-1", "A")
    with pytest.raises(ValidationError) as info:
        svc.register_user(session, "A@EXAMPLE.cn", "password-2", "B")
    assert info.value.errors[0].code == "EMAIL_TAKEN"


def test_authenticate(session):
    user = svc.register_user(session, "a@example.cn", "password-1", "A")
    assert svc.authenticate(session, "A@example.cn", "password-1").id == user.id
    assert user.last_login_at is not None
    assert svc.authenticate(session, "a@example.cn", "password-2") is None
    assert svc.authenticate(session, "nobody@example.cn", "password-1") is None
    user.is_active = False
    assert svc.authenticate(session, "a@example.cn", "password-1") is None


def test_unusable_hash_never_authenticates(session):
    user = svc.register_user(session, "demo@example.cn", "password-1", "Demo")
    user.password_hash = "!demo-unusable"
    session.flush()
    assert svc.authenticate(session, "demo@example.cn", "!demo-unusable") is None


def test_partner_accounts_need_a_provider(session):
    with pytest.raises(ValidationError):
        svc.register_user(session, "p@example.cn", "password-1", "P", role=Role.PARTNER)
    provider = make_provider(session)
    partner = svc.register_user(
        session, "p@example.cn", "password-1", "P", role=Role.PARTNER, provider_id=provider.id
    )
    assert partner.provider_id == provider.id


def test_preferences(session):
    user = svc.register_user(session, "a@example.cn", "password-1", "A")
    svc.update_preferences(
        session, user.id, preferred_language="en", caring_mode=True, interest_areas=["elderly"]
    )
    session.commit()
    session.expire_all()
    stored = session.get(User, user.id)
    assert (stored.preferred_language, stored.caring_mode, stored.interest_areas) == (
        "en",
        True,
        ["elderly"],
    )
    with pytest.raises(ValidationError):
        svc.update_preferences(session, user.id, interest_areas=["astrology"])

"""Operator commands, run through Flask's CLI runner against the test database."""

from __future__ import annotations

from sqlalchemy import func, select

from catalogue.models import Course, CourseStats, Role, User
from catalogue.services.users import authenticate
from tests.helpers import make_provider


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_init_db_is_idempotent(runner):
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output


def test_demo_generates_once_with_if_empty(runner, session):
    result = runner.invoke(args=["demo", "--courses", "120", "--learners", "15"])
    assert result.exit_code == 0, result.output
    assert "Generated 120 courses" in result.output
    assert _count(session, Course) == 120
    assert _count(session, CourseStats) > 0
    again = runner.invoke(args=["demo", "--if-empty", "--courses", "50"])
    assert "nothing generated" in again.output
    assert _count(session, Course) == 120


def test_create_user_asks_for_the_password(runner, session):
    provider = make_provider(session, "上海开放大学")
    session.commit()
    result = runner.invoke(
        args=[
            "create-user", "--email", "partner@sou.edu.cn", "--display-name", "上开",
            "--role", "partner", "--provider", "上海开放大学",
        ],
        input="partner-pass-1\npartner-pass-1\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "partner-pass-1" not in result.output
    user = authenticate(session, "partner@sou.edu.cn", "partner-pass-1")
    assert user.role == Role.PARTNER and user.provider_id == provider.id


def test_create_user_reports_bad_input(runner, session):
    result = runner.invoke(
        args=["create-user", "--email", "bad", "--display-name", "x", "--role", "editor"],
        input="short\nshort\n",
    )
    assert result.exit_code == 2
    assert "BAD_EMAIL" in result.output and "PASSWORD_TOO_SHORT" in result.output
    assert _count(session, User) == 0
    unknown = runner.invoke(
        args=["create-user", "--email", "p@x.cn", "--display-name", "x", "--role", "partner",
              "--provider", "不存在的大学"],
        input="long-enough\nlong-enough\n",
    )  # fmt: skip
    assert unknown.exit_code == 2 and "NOT_FOUND" in unknown.output

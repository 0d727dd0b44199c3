"""Small builders and page helpers shared by the tests."""

from __future__ import annotations

import re
from itertools import count

import sqlalchemy as sa
from sqlalchemy.orm import Session

import assistant.models  # noqa: F401  (the desk's tables join Base.metadata)
import insight.models  # noqa: F401  (and insight's rollups, API clients and tokens)
import records.models  # noqa: F401  (the learning record's tables too)
from catalogue.models import Area, Base, Course
from catalogue.services.courses import CourseData, LessonData, create_course
from catalogue.services.providers import create_provider

_seq = count(1)
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_provider(session: Session, name: str | None = None):
    """A provider with a unique name."""
    return create_provider(session, name or f"测试大学 {next(_seq)}", "university")


def make_course(
    session: Session,
    provider_id: int | None = None,
    *,
    publish: bool = True,
    title: str = "太极拳入门",
    area: Area = Area.ELDERLY,
    lessons: int = 2,
    **fields,
) -> Course:
    """A course with a few lessons, published unless asked otherwise."""
    if provider_id is None:
        provider_id = make_provider(session).id
    data = CourseData(
        external_id=fields.pop("external_id", f"ext-{next(_seq)}"),
        title=title,
        area=area,
        lessons=[LessonData(title=f"第{i}讲", duration_seconds=300) for i in range(1, lessons + 1)],
        **fields,
    )
    return create_course(session, provider_id, data, publish=publish)


def csrf_token(html: str) -> str:
    """The CSRF token embedded in a rendered form."""
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, email: str, password: str) -> None:
    """Log a test client in through the real form."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def page_token(client) -> str:
    """A CSRF token valid for the client's session."""
    return csrf_token(client.get("/").get_data(as_text=True))


def empty_tables(engine: sa.Engine) -> None:
    """Delete every row of every table (TRUNCATE on PostgreSQL)."""
    tables = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(sa.text(f'DELETE FROM "{table}"'))


SIGNED_IN_ROLES = ("learner", "partner", "editor", "admin", "registrar", "organiser")


def world_of_every_role(app, session: Session, password: str) -> dict:
    """A course with a lesson, an account of every role signed in on its own client (the
    partner's belongs to the course's provider), a partner API token; the index built."""
    from catalogue.models import Role
    from catalogue.services.tokens import create_token
    from catalogue.services.users import register_user
    from search.indexer import rebuild
    from webapp.db import get_database

    provider = make_provider(session, "上海老年大学")
    course = make_course(session, provider.id, title="太极拳入门", lessons=1)
    for name in SIGNED_IN_ROLES:
        role = Role(name)
        register_user(
            session,
            f"{name}@example.cn",
            password,
            name,
            role=role,
            provider_id=provider.id if role == Role.PARTNER else None,
        )
    _token, plain = create_token(session, provider.id, "接口")
    session.commit()
    rebuild(get_database(app).sessions, app.extensions["lifelong.search"].store)
    clients = {}
    for name in SIGNED_IN_ROLES:
        clients[name] = app.test_client()
        login(clients[name], f"{name}@example.cn", password)
    return {
        "course": course.id,
        "lesson": course.lessons[0].id,
        "provider": provider.id,
        "clients": clients,
        "bearer": {"Authorization": f"Bearer {plain}"},
    }

"""The database subsystem: one engine per app, one session per request."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from catalogue.db import make_engine, make_session_factory

EXTENSION = "lifelong.db"


@dataclass(frozen=True)
class Database:
    """The engine and the session factory shared by the app."""

    engine: Engine
    sessions: sessionmaker[Session]


def init_app(app: Flask, database_url: str) -> Database:
    """Create the engine and register per-request session cleanup."""
    engine = make_engine(database_url)
    database = Database(engine=engine, sessions=make_session_factory(engine))
    app.extensions[EXTENSION] = database
    app.teardown_appcontext(_close_session)
    return database


def get_database(app: Flask | None = None) -> Database:
    """The app's database handle."""
    return (app or current_app).extensions[EXTENSION]


def get_session() -> Session:
    """The session of the current request, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_database().sessions()
    return g.db_session


def rollback_session() -> None:
    """Roll back this request's session, if it has one (after an unexpected error)."""
    session: Session | None = g.get("db_session")
    if session is not None:
        with suppress(SQLAlchemyError):  # a broken connection is replaced on the next checkout
            session.rollback()


def _close_session(exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        if exc is not None:
            session.rollback()
        session.close()

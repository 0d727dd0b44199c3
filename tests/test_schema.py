"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import assistant.models  # noqa: F401  (the desk's tables are in the one history)
import records.models  # noqa: F401
from catalogue.db import alembic_config, current_revision, make_engine
from catalogue.models import Base


def test_migrated_schema_matches_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert current_revision(engine) is not None


def test_every_table_exists(engine):
    names = set(sa.inspect(engine).get_table_names())
    expected = {
        "providers", "courses", "lessons", "course_stats", "thematic_columns", "column_courses",
        "users", "events", "notes", "comments", "comment_reports", "course_feedback",
        "index_outbox",
    }  # fmt: skip
    assert expected <= names


def test_events_are_indexed_for_the_training_scan(engine):
    indexes = {ix["name"]: ix["column_names"] for ix in sa.inspect(engine).get_indexes("events")}
    assert indexes["ix_events_created_at_id"] == ["created_at", "id"]


def test_downgrade_and_upgrade_round_trip(fresh_database_url):
    engine = make_engine(fresh_database_url)
    cfg = alembic_config(engine)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "base")
    assert set(sa.inspect(engine).get_table_names()) == {"alembic_version"}
    command.upgrade(cfg, "head")
    assert "courses" in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_check_constraints_reject_bad_values(engine):
    with engine.connect() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO providers (name, kind, status, created_at, updated_at) "
                "VALUES ('p', 'university', 'active', '2026-01-01', '2026-01-01')"
            )
        )
        with pytest.raises(sa.exc.IntegrityError):
            conn.execute(
                sa.text(
                    "INSERT INTO users (email, password_hash, display_name, role, "
                    "preferred_language, caring_mode, interest_areas, is_active, created_at) "
                    "VALUES ('a@b.cn', 'x', 'a', 'partner', 'zh', false, '[]', true, '2026-01-01')"
                )
            )
        conn.rollback()
    with engine.connect() as conn:
        with pytest.raises(sa.exc.IntegrityError):
            conn.execute(
                sa.text(
                    "INSERT INTO users (email, password_hash, display_name, role, "
                    "preferred_language, caring_mode, interest_areas, is_active, created_at) "
                    "VALUES ('a@b.cn', 'x', 'a', 'wizard', 'zh', false, '[]', true, '2026-01-01')"
                )
            )
        conn.rollback()


def test_migrations_that_copy_a_table_keep_every_row_that_points_at_it(fresh_database_url):
    """On SQLite a batch migration copies a table and drops the old one; with foreign keys
    enforced that drop would delete or orphan the rows pointing at it (a learner's events,
    places and notes). Down to 0015 (copies of lessons and users) and back up keeps them."""
    from catalogue.models import Event, LessonPosition, Note
    from catalogue.services import playback, social
    from catalogue.services.users import register_user
    from tests.helpers import make_course

    engine = make_engine(fresh_database_url)
    command.upgrade(alembic_config(engine), "head")
    with sa.orm.Session(engine) as session:
        course = make_course(session, title="迁移不丢数据")
        lesson = course.lessons[0].id
        user = register_user(session, "keep@example.cn", "keep-rows-2026", "留").id
        playback.save_position(session, user, course.id, lesson, 30)
        social.add_note(session, user, course.id, "第一条笔记", lesson_id=lesson)
        session.commit()

    def counts() -> tuple[int, int, int]:
        with engine.connect() as conn:
            return (
                conn.scalar(sa.select(sa.func.count()).where(Event.lesson_id == lesson)),
                conn.scalar(sa.select(sa.func.count()).select_from(LessonPosition)),
                conn.scalar(sa.select(sa.func.count()).select_from(Note)),
            )

    before = counts()
    assert before[0] >= 1 and before[1:] == (1, 1)
    command.downgrade(alembic_config(engine), "0015")
    assert counts() == before
    command.upgrade(alembic_config(engine), "head")
    assert counts() == before
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()

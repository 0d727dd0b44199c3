"""Alembic environment: runs migrations on the engine handed over by catalogue.db."""

from __future__ import annotations

import importlib

from alembic import context

from catalogue.db import make_engine
from catalogue.models import Base

# The one history holds the tables of the packages above catalogue too (they use its Base);
# imported by name so that catalogue itself never depends on them.
for _module in ("assistant.models", "records.models", "insight.models"):
    importlib.import_module(_module)

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on a live connection."""
    engine = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table and drops the old one; with foreign keys on,
            # that drop would cascade to every row that points at it (lessons → events and
            # positions, users → everything). SQLite ignores this pragma inside a
            # transaction, so it is set before the migrations begin, and the keys are
            # checked before they are switched on again.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # end SQLAlchemy's implicit transaction: alembic starts its own
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        try:
            before = context.get_context().get_current_revision()
            with context.begin_transaction():
                context.run_migrations()
            migrated = context.get_context().get_current_revision() != before
            if sqlite and migrated:
                # Only after a migration ran: at 30 million events the check takes minutes.
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline SQL generation is not supported; run against a database.")
run_migrations_online()

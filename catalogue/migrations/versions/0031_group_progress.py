"""Learning records (issue 16): each learner's standing per course, kept by a trigger on events

The study groups' member table read every member's progress and completion events per assigned
course (2,000 members × 5 courses = 10,000 index scans, ~90 ms on PostgreSQL); `course_progress`
holds the result, one row per learner and course, kept by the database itself as events are
inserted, whoever inserts them (the site, the demo generator, bulk loads).

Note for later migrations: on SQLite, a batch ("move and copy") alteration of `events` drops its
triggers; such a migration must create `course_progress_from_events` again.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_TRIGGER = """
CREATE TRIGGER course_progress_from_events AFTER INSERT ON events
FOR EACH ROW WHEN NEW.kind IN ('progress', 'complete')
BEGIN
    INSERT INTO course_progress (user_id, course_id, progress, completed)
    VALUES (
        NEW.user_id,
        NEW.course_id,
        CASE WHEN NEW.kind = 'complete' THEN 1.0 ELSE coalesce(NEW.value, 0.0) END,
        NEW.kind = 'complete'
    )
    ON CONFLICT (user_id, course_id) DO UPDATE SET
        progress = max(course_progress.progress, excluded.progress),
        completed = max(course_progress.completed, excluded.completed);
END
"""

# One statement-level trigger: a bulk insert of a million events costs one grouped upsert.
POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION course_progress_from_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO course_progress (user_id, course_id, progress, completed)
    SELECT user_id, course_id,
           max(CASE WHEN kind = 'complete' THEN 1.0 ELSE coalesce(value, 0.0) END),
           bool_or(kind = 'complete')
    FROM new_events
    WHERE kind IN ('progress', 'complete')
    GROUP BY user_id, course_id
    -- The same order in every transaction: concurrent inserts lock rows without deadlocks.
    ORDER BY user_id, course_id
    ON CONFLICT (user_id, course_id) DO UPDATE SET
        progress = greatest(course_progress.progress, excluded.progress),
        completed = course_progress.completed OR excluded.completed;
    RETURN NULL;
END
$$
"""

POSTGRESQL_TRIGGER = """
CREATE TRIGGER course_progress_from_events AFTER INSERT ON events
REFERENCING NEW TABLE AS new_events
FOR EACH STATEMENT EXECUTE FUNCTION course_progress_from_events()
"""

BACKFILL = """
INSERT INTO course_progress (user_id, course_id, progress, completed)
SELECT user_id, course_id,
       max(CASE WHEN kind = 'complete' THEN 1.0 ELSE coalesce(value, 0.0) END),
       max(CASE WHEN kind = 'complete' THEN 1 ELSE 0 END) = 1
FROM events
WHERE kind IN ('progress', 'complete')
GROUP BY user_id, course_id
"""


def upgrade() -> None:
    op.create_table(
        "course_progress",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_progress_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_course_progress_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "course_id", name=op.f("pk_course_progress")),
    )
    op.execute(sa.text(BACKFILL))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(POSTGRESQL_FUNCTION))
        op.execute(sa.text(POSTGRESQL_TRIGGER))
    else:
        op.execute(sa.text(SQLITE_TRIGGER))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text("DROP TRIGGER IF EXISTS course_progress_from_events ON events"))
        op.execute(sa.text("DROP FUNCTION IF EXISTS course_progress_from_events()"))
    else:
        op.execute(sa.text("DROP TRIGGER IF EXISTS course_progress_from_events"))
    op.drop_table("course_progress")

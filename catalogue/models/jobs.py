"""The record of scheduled and manual job runs (what ran, when, how it ended, its figures)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, BigIntPK, str_enum, utcnow
from catalogue.models.enums import JobOutcome


class JobRun(Base):
    """One run of a job."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(String(64))
    # "schedule", "catch_up" (a run missed while the worker was down), "first_run" (a fresh
    # install) or "manual".
    trigger: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[JobOutcome] = mapped_column(
        str_enum(JobOutcome, "job_outcome"), default=JobOutcome.RUNNING
    )
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class WorkerHeartbeat(Base):
    """A jobs worker's sign of life: one row per worker process, stamped every few seconds."""

    __tablename__ = "worker_heartbeats"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Set when the worker stopped on purpose (a stop is not a death).
    stopped_at: Mapped[datetime | None] = mapped_column()
    # The ids of the jobs running at the last beat.
    running: Mapped[list[str]] = mapped_column(JSON, default=list)

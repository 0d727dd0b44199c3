"""The site's snapshots (catalogue/snapshot.py): figures shared by requests, recomputed at most
every CATALOGUE_COUNTS_MAX_AGE seconds."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, current_app
from sqlalchemy.orm import Session

from catalogue.models import Area
from catalogue.services import courses as course_service
from catalogue.snapshot import Snapshot

EXTENSION = "lifelong.snapshots"


def init_app(app: Flask, max_age: float) -> None:
    """One snapshot of the per-area counts of published courses for this process."""
    app.extensions[EXTENSION] = {"area_counts": Snapshot(max_age)}


def area_counts_snapshot() -> Snapshot:
    """The snapshot holding the home page's per-area course counts."""
    return current_app.extensions[EXTENSION]["area_counts"]


def area_counts(session: Session) -> Mapping[Area, int]:
    """Published courses per area, as this process's snapshot holds them (recounted when old)."""
    return area_counts_snapshot().get(lambda: course_service.area_counts(session))

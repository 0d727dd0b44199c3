"""Times editors type into forms: local times of the site's zone (JOBS_TIMEZONE), stored in UTC."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from webapp.settings import get_settings


def site_zone() -> ZoneInfo:
    """The site's time zone, in which editors type and read times."""
    return ZoneInfo(get_settings().jobs_timezone)


def typed_to_utc(moment: datetime | None) -> datetime | None:
    """A local time typed by an editor as an aware datetime."""
    return moment.replace(tzinfo=site_zone()) if moment else None


def utc_to_typed(moment: datetime | None) -> datetime | None:
    """A stored time as the naive local time a form field shows."""
    return moment.astimezone(site_zone()).replace(tzinfo=None) if moment else None

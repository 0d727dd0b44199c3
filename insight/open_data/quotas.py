"""Per-client rate limits (requests a minute) and daily quotas, counted in a `limits` storage
shared by every web process (Redis, or the site's database: webapp/limit_storage.py).

A minute is a fixed window started by the client's first call in it; a day is the calendar day
in the site's time zone (JOBS_TIMEZONE), so a quota is renewed at local midnight. A call refused
by the minute limit does not use up the day's quota.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from limits import RateLimitItemPerMinute
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

DAY_KEY_EXPIRY = 2 * 86_400


@dataclass(frozen=True)
class Refusal:
    """Why a call is refused: a code (RATE_LIMITED, QUOTA_EXCEEDED) and seconds to wait."""

    code: str
    retry_after: int
    limit: int


def _day(zone: ZoneInfo, now: float) -> tuple[str, int]:
    """The local day's name and the seconds until the next local midnight."""
    local = datetime.fromtimestamp(now, zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone)
    return local.date().isoformat(), max(1, math.ceil(midnight.timestamp() - now))


class ClientLimits:
    """The limits of every open data client over one shared storage."""

    def __init__(self, storage: Storage, prefix: str = "lifelong", time_zone: str = "UTC"):
        self.storage = storage
        self.prefix = prefix
        self.zone = ZoneInfo(time_zone)
        self._window = FixedWindowRateLimiter(storage)

    def _day_key(self, client_id: str, day: str) -> str:
        return f"{self.prefix}/open-data-quota/{client_id}/{day}"

    def take(self, client_id: str, per_minute: int, per_day: int) -> Refusal | None:
        """Count one call of the client; a Refusal when it is over its minute or day limit."""
        item = RateLimitItemPerMinute(per_minute)
        if not self._window.hit(item, self.prefix, "open-data-rate", client_id):
            reset = self._window.get_window_stats(
                item, self.prefix, "open-data-rate", client_id
            ).reset_time
            return Refusal("RATE_LIMITED", max(1, math.ceil(reset - time.time())), per_minute)
        now = time.time()
        day, to_midnight = _day(self.zone, now)
        used = self.storage.incr(self._day_key(client_id, day), DAY_KEY_EXPIRY)
        if used > per_day:
            return Refusal("QUOTA_EXCEEDED", to_midnight, per_day)
        return None

    def used_today(self, client_id: str) -> int:
        """Calls counted against the client's quota today."""
        day, _ = _day(self.zone, time.time())
        return int(self.storage.get(self._day_key(client_id, day)))

"""Office hours of the people behind the assistant: when a hand-off is answered soon."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_SEGMENT = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<open>\d{1,2}:\d{2})-(?P<close>\d{1,2}:\d{2})$"
)


class HoursError(ValueError):
    """An office-hours setting that cannot be read."""


@dataclass(frozen=True)
class Span:
    """Open from `opens` to `closes` on the weekdays in `days` (0 = Monday)."""

    days: tuple[int, ...]
    opens: time
    closes: time


@dataclass(frozen=True)
class OfficeHours:
    """When support staff answer, in one time zone."""

    spans: tuple[Span, ...]
    zone: ZoneInfo

    @classmethod
    def parse(cls, text: str, zone: str = "Asia/Shanghai") -> OfficeHours:
        """Read e.g. "mon-fri 09:00-18:00, sat 10:00-16:00" (empty: never staffed)."""
        spans = []
        for part in filter(None, (p.strip().lower() for p in text.split(","))):
            match = _SEGMENT.match(part)
            if not match:
                raise HoursError(f"office hours {part!r}: expected e.g. 'mon-fri 09:00-18:00'")
            first = _day(match["first"])
            last = _day(match["last"] or match["first"])
            days = (
                tuple(range(first, last + 1))
                if first <= last
                else (*range(first, 7), *range(last + 1))
            )
            opens, closes = _time(match["open"]), _time(match["close"])
            if closes <= opens:
                raise HoursError(f"office hours {part!r}: closing must be after opening")
            spans.append(Span(days, opens, closes))
        try:
            return cls(tuple(spans), ZoneInfo(zone))
        except (KeyError, ValueError) as error:
            raise HoursError(f"unknown time zone {zone!r}") from error

    def is_open(self, now: datetime) -> bool:
        """Whether people are answering at `now` (an aware datetime)."""
        local = now.astimezone(self.zone)
        return any(
            local.weekday() in span.days and span.opens <= local.time() < span.closes
            for span in self.spans
        )

    def next_opening(self, now: datetime) -> datetime | None:
        """When people answer next (now if open; None if never staffed)."""
        if self.is_open(now):
            return now
        local = now.astimezone(self.zone)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            for span in sorted(self.spans, key=lambda s: s.opens):
                start = datetime.combine(day, span.opens, tzinfo=self.zone)
                if day.weekday() in span.days and start > local:
                    return start
        return None

    def describe(self, language: str) -> str:
        """The hours as a learner reads them: "周一至周五 09:00–18:00"."""
        names = DAY_NAMES["zh" if language.startswith("zh") else "en"]
        through = "至" if language.startswith("zh") else "–"
        parts = []
        for span in self.spans:
            first, last = names[span.days[0]], names[span.days[-1]]
            days = first if len(span.days) == 1 else f"{first}{through}{last}"
            parts.append(f"{days} {span.opens:%H:%M}–{span.closes:%H:%M}")
        return ("，" if language.startswith("zh") else ", ").join(parts)


def _day(name: str) -> int:
    if name not in DAYS:
        raise HoursError(f"unknown day {name!r}: use {', '.join(DAYS)}")
    return DAYS.index(name)


def _time(text: str) -> time:
    hours, minutes = (int(x) for x in text.split(":"))
    if hours == 24 and minutes == 0:
        return time(23, 59, 59)
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise HoursError(f"not a time of day: {text!r}")
    return time(hours, minutes)

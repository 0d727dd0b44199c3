"""Time positions and lengths written the way players show them."""

from __future__ import annotations


def clock(seconds: int) -> str:
    """Seconds as m:ss, or h:mm:ss from an hour on (125 → "2:05")."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def parse_clock(text: str) -> int | None:
    """Seconds of "m:ss" or "h:mm:ss" as `clock` writes them, or of a plain number of
    seconds; None when malformed (seconds or minutes of 60 or more after a colon)."""
    text = (text or "").strip()
    if text.isdigit():
        return int(text)
    parts = text.split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    if int(parts[-1]) >= 60 or len(parts[-1]) != 2:
        return None
    if len(parts) == 3 and int(parts[1]) >= 60:
        return None
    total = 0
    for part in parts:
        total = total * 60 + int(part)
    return total

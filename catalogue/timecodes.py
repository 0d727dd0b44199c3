"""Time positions and lengths written the way players show them."""

from __future__ import annotations


def clock(seconds: int) -> str:
    """Seconds as m:ss, or h:mm:ss from an hour on (125 → "2:05")."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

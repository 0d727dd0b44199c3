"""Opaque cursors: a page's position as URL-safe base64 of a small JSON object."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any


class BadCursor(ValueError):
    """A cursor this API did not make (or one of another endpoint)."""


def encode_cursor(kind: str, **position: Any) -> str:
    """A cursor for `kind` ("changes", "learners", …) at a position."""
    text = json.dumps({"k": kind, **position}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(kind: str, cursor: str, fields: dict[str, type]) -> dict[str, Any]:
    """The position in a cursor of this kind; BadCursor unless every field has its type."""
    if not cursor or len(cursor) > 300:
        raise BadCursor("the cursor is empty or too long")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor("the cursor is not one this API made") from exc
    if not isinstance(data, dict) or data.get("k") != kind:
        raise BadCursor("the cursor belongs to another list")
    position: dict[str, Any] = {}
    for name, wanted in fields.items():
        value = data.get(name)
        if wanted is datetime:
            try:
                value = datetime.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                value = None
            if value is None or value.tzinfo is None:
                raise BadCursor("the cursor is not one this API made")
        elif wanted is int and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**62
        ):
            raise BadCursor("the cursor is not one this API made")
        position[name] = value
    return position

"""Helpers for URLs and numbers that come from the visitor."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, request
from werkzeug.routing import IntegerConverter

# The largest id the database can hold: every id that appears in a URL or a form is an
# INTEGER column, 32 bits on PostgreSQL (SQLite's are 64 bits). A larger number makes the
# driver fail (OverflowError, "integer out of range") instead of finding nothing.
MAX_ID = 2**31 - 1
# Pages beyond this are not a real request; kept small so that offsets stay in range.
MAX_PAGE = 1_000_000
# ASCII digits only: int() would also take "+5", " 5", "5_000" and other scripts' digits.
_DIGITS = re.compile(r"[0-9]{1,19}")


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to; anything pointing off-site becomes the default."""
    if not target:
        return default
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def parse_int(raw: object, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """A whole number written in ASCII digits within [minimum, maximum], else None."""
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw.strip()):
        return None
    value = int(raw.strip())
    return value if minimum <= value <= maximum else None


def parse_id(raw: object) -> int | None:
    """A database id (1 … MAX_ID) from a form or query value, else None."""
    return parse_int(raw, 1, MAX_ID)


def int_arg(name: str, default: int, minimum: int = 0, maximum: int = MAX_ID) -> int:
    """A whole-number query argument, or the default when absent, malformed or out of range."""
    value = parse_int(request.args.get(name), minimum, maximum)
    return default if value is None else value


def page_arg(name: str = "page") -> int:
    """A page number query argument (1 … MAX_PAGE); anything else means the first page."""
    return int_arg(name, 1, 1, MAX_PAGE)


class IdConverter(IntegerConverter):
    """Werkzeug's `int` converter bounded to the databases' ids: 0 … MAX_ID, digits only;
    a larger number does not match the rule, so the answer is 404 rather than a crash."""

    regex = r"[0-9]{1,19}"

    def __init__(self, map, *args, **kwargs) -> None:  # Werkzeug calls it with the Map
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Replace the `int` URL converter for every route; call before any rule is added."""
    app.url_map.converters["int"] = IdConverter

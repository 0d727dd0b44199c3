"""Helpers for URLs that come from the visitor."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to; anything pointing off-site becomes the default."""
    if not target:
        return default
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def int_arg(name: str, default: int) -> int:
    """A whole-number query argument, or the default when absent or malformed."""
    try:
        return int(request.args.get(name, default))
    except ValueError:
        return default

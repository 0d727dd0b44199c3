"""Small field checks shared by the services."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from typing import TypeVar

from catalogue.errors import Collector

E = TypeVar("E", bound=enum.Enum)

_URL = re.compile(r"^(https?://[^\s<>\"']+|/[^\s<>\"']*)$", re.IGNORECASE)
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
# Control characters other than tab and newline have no place in catalogue text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every control character, tab and newline too: none belongs in a one-line field (a name, an
# address, a search box), and PostgreSQL refuses NUL in text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def like_pattern(text: str) -> str:
    """A LIKE pattern finding `text` anywhere, its wildcards taken literally (escape '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def clean_text(value: object) -> str | None:
    """Normalise user text: NFC, control characters removed, trimmed; empty becomes None."""
    if value is None:
        return None
    text = _CONTROL.sub("", unicodedata.normalize("NFC", str(value))).strip()
    return text or None


def text_field(
    errors: Collector, field: str, value: object, *, max_len: int, required: bool = False
) -> str | None:
    """Check a text field's presence and length."""
    text = clean_text(value)
    if text is None:
        if required:
            errors.add(field, "REQUIRED", f"{field} is required")
        return None
    if len(text) > max_len:
        errors.add(field, "TOO_LONG", f"{field} is longer than {max_len} characters")
    return text


def enum_field(errors: Collector, field: str, value: object, enum_cls: type[E]) -> E | None:
    """Parse an enum member from its value."""
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(str(m.value) for m in enum_cls)
        errors.add(field, "INVALID_CHOICE", f"{field} must be one of: {allowed}")
        return None


def int_field(
    errors: Collector, field: str, value: object, *, minimum: int = 0, maximum: int = 10**9
) -> int | None:
    """Parse a whole number within bounds."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
        if isinstance(value, float) and value != number:
            raise ValueError
    except (TypeError, ValueError):
        errors.add(field, "NOT_A_NUMBER", f"{field} must be a whole number")
        return None
    if not minimum <= number <= maximum:
        errors.add(field, "OUT_OF_RANGE", f"{field} must be between {minimum} and {maximum}")
        return None
    return number


def url_field(errors: Collector, field: str, value: object) -> str | None:
    """Accept an http(s) URL or a site-relative path."""
    text = clean_text(value)
    if text is None:
        return None
    if len(text) > 1000 or not _URL.match(text):
        errors.add(field, "BAD_URL", f"{field} must be an http(s) URL or a path starting with /")
        return None
    return text


def language_field(errors: Collector, field: str, value: object) -> str | None:
    """Accept a BCP 47-style language code such as zh, en or zh-Hant."""
    text = clean_text(value)
    if text is None:
        return None
    if not _LANG.match(text):
        errors.add(field, "BAD_LANGUAGE", f"{field} must be a language code such as zh or en")
        return None
    return text


def tags_field(
    errors: Collector, field: str, values: Iterable[object] | None, *, max_items: int = 20
) -> list[str]:
    """Clean a list of short tags, dropping blanks and duplicates, keeping order."""
    tags: list[str] = []
    for raw in values or ():
        tag = clean_text(raw)
        if tag is None or tag in tags:
            continue
        if len(tag) > 50:
            errors.add(field, "TOO_LONG", f"each of {field} must be at most 50 characters")
            continue
        tags.append(tag)
    if len(tags) > max_items:
        errors.add(field, "TOO_MANY", f"{field} may hold at most {max_items} entries")
    return tags[:max_items]

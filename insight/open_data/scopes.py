"""The scopes an open data client may hold."""

from __future__ import annotations

CATALOGUE_READ = "catalogue:read"
STATISTICS_READ = "statistics:read"
RECORDS_READ = "records:read"

# In the order the admin page lists them.
ALL_SCOPES: tuple[str, ...] = (CATALOGUE_READ, STATISTICS_READ, RECORDS_READ)


def parse_scopes(text: str | None) -> list[str]:
    """Known scopes named in a space-separated text, in canonical order (unknown ones dropped)."""
    named = set((text or "").split())
    return [scope for scope in ALL_SCOPES if scope in named]


def unknown_scopes(text: str | None) -> list[str]:
    """The words of a scope text that name no scope."""
    return sorted(set((text or "").split()) - set(ALL_SCOPES))


def join_scopes(scopes: list[str] | tuple[str, ...] | set[str]) -> str:
    """A scope list as the space-separated text OAuth uses (canonical order)."""
    return " ".join(scope for scope in ALL_SCOPES if scope in set(scopes))

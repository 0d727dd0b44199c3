"""k-anonymity of published counts: no group smaller than k is ever shown.

A *table* is one partition published with its total (say, active learners by area in one
month). The rule, applied to each table on its own:

1. If the total is below k, every cell and the total are suppressed.
2. Primary suppression: every cell below k (zero included) is suppressed.
3. Complementary suppression: while exactly one cell is suppressed, or the suppressed cells
   add up to less than k, the smallest cell still shown (ties: the first key) is suppressed too.
   So the total minus the shown cells never gives one small cell, nor a group below k.

Suppressed cells carry `value: null, suppressed: true`, with no reason (the reason would tell
primary from complementary ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Protected:
    """A table after suppression: shown values (None when suppressed) and the total."""

    cells: dict[str, int | None]
    total: int | None

    def as_json(self, key_name: str = "key") -> dict[str, Any]:
        """The table as the API shows it."""
        return {
            "total": self.total,
            "total_suppressed": self.total is None,
            "groups": [
                {key_name: key, "value": value, "suppressed": value is None}
                for key, value in self.cells.items()
            ],
        }


def protect(counts: Mapping[str, int], k: int, total: int | None = None) -> Protected:
    """Suppress a table's cells (and total) by the rule above; `total` defaults to the sum."""
    if k < 1:
        raise ValueError("k must be at least 1")
    whole = sum(counts.values()) if total is None else total
    if whole < k:
        return Protected(dict.fromkeys(counts), None)
    hidden = {key for key, value in counts.items() if value < k}

    def needs_more() -> bool:
        if not hidden:
            return False
        return len(hidden) == 1 or sum(counts[key] for key in hidden) < k

    order = list(counts)
    while needs_more() and len(hidden) < len(counts):
        shown = [key for key in order if key not in hidden]
        hidden.add(min(shown, key=lambda key: (counts[key], order.index(key))))
    return Protected({key: (None if key in hidden else counts[key]) for key in counts}, whole)

"""Facet counts from per-segment arrays of value codes, cached across searches.

Whoosh's own facets open a column reader for every search, which reads an offset per
document of the segment: at hundreds of thousands of courses that costs more than the
search. Segments never change once written (deletions are kept apart), so each segment's
facet values are read once into a NumPy array of small integer codes and counted with
bincount over the matched documents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from search.store import LRUCache

MAX_CACHED = 256  # (segment, field) pairs


def segment_id(reader) -> str:
    """A stable key for a segment reader (segments never change once written)."""
    segment = getattr(reader, "_segment", None)
    return segment.segid if segment is not None else str(id(reader))


class FacetCache:
    """Value codes per (segment, field), shared by all searches of a process."""

    def __init__(self) -> None:
        self._codes = LRUCache(MAX_CACHED)

    def _segment_codes(self, reader, field: str) -> tuple[np.ndarray, list[str]]:
        def build() -> tuple[np.ndarray, list[str]]:
            values: dict[str, int] = {}
            codes = np.fromiter(
                (values.setdefault(v, len(values)) for v in reader.column_reader(field)),
                dtype=np.int32,
                count=reader.doc_count_all(),
            )
            return codes, list(values)

        return self._codes.get_or_build((segment_id(reader), field), build)

    def codes(self, reader, field: str) -> tuple[np.ndarray, dict[str, int]]:
        """A segment's value code per document for a field, and the code of each value."""
        codes, values = self._segment_codes(reader, field)
        return codes, {value: code for code, value in enumerate(values)}

    def counts_local(
        self, parts: Iterable[tuple[object, np.ndarray]], fields: Sequence[str]
    ) -> dict[str, Counter]:
        """For each field, how many documents hold each value; `parts` gives each segment's
        reader and the segment-local numbers of its documents."""
        result = {field: Counter() for field in fields}
        for reader, local in parts:
            if not len(local):
                continue
            for field in fields:
                codes, values = self._segment_codes(reader, field)
                tally = np.bincount(codes[local], minlength=len(values))
                for code in np.nonzero(tally)[0]:
                    result[field][values[code]] += int(tally[code])
        return result

    def warm(self, searcher, fields: Sequence[str]) -> None:
        """Read the value codes of every segment not seen yet (after a commit or at start)."""
        for reader, _offset in searcher.reader().leaf_readers():
            for field in fields:
                self._segment_codes(reader, field)

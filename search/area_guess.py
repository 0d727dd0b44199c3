"""Guessing which area a query is about from the words of the catalogue itself.

When nothing in the catalogue matches a search, the learner still gets popular courses; a
visitor's search can say which area they should come from. The guess is a multinomial naive
Bayes over the Chinese characters and the English words (as the index analyses them) of the
titles, summaries and subjects of each area, with a uniform prior so that the largest area does
not win by default. Characters carry meaning in Chinese even when the words of a query are
unknown to the index: 养老金怎么领 shares 养, 老 and 金 with the elderly-learning area.

The model is counted while a full rebuild reads the catalogue and stored beside that index
generation (`areas.json`); incremental syncs do not change it.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from search.analysis import CHINESE_STOP_WORDS, RUNS, analyze

FILE_NAME = "areas.json"
# A guess needs this posterior probability, and at least this many known tokens.
MIN_CONFIDENCE = 0.6
MIN_EVIDENCE = 1
# Tokens seen fewer times than this in the whole catalogue are not kept (typos, names).
MIN_COUNT = 2
# Additive smoothing: small, so that a few telling characters are enough evidence.
ALPHA = 0.1


def tokens(text: str) -> Iterator[str]:
    """Chinese characters (stop characters left out) and analysed English words of a text."""
    for match in RUNS.finditer(text):
        han, word = match.groups()
        if han:
            yield from (char for char in han if char not in CHINESE_STOP_WORDS)
        else:
            yield from analyze(word)


@dataclass
class AreaModel:
    """Token counts per area (complete before the first guess: statistics are cached)."""

    counts: dict[str, Counter] = field(default_factory=dict)

    def observe(self, area: str, texts: Iterable[str]) -> None:
        """Count the tokens of one course's texts under its area."""
        counter = self.counts.setdefault(area, Counter())
        for text in texts:
            if text:
                counter.update(tokens(text))

    def guess(self, text: str) -> str | None:
        """The area a text is most likely about, or None when the evidence is too thin."""
        if len(self.counts) < 2:
            return None
        vocabulary, totals = self._statistics
        known = [token for token in tokens(text) if token in vocabulary]
        if len(known) < MIN_EVIDENCE:
            return None
        logs = {
            area: sum(math.log((counter[token] + ALPHA) / totals[area]) for token in known)
            for area, counter in self.counts.items()
        }
        best = max(logs, key=logs.__getitem__)
        # Posterior of the best area under a uniform prior, computed stably.
        top = logs[best]
        posterior = 1.0 / sum(math.exp(value - top) for value in logs.values())
        return best if posterior >= MIN_CONFIDENCE else None

    @cached_property
    def _statistics(self) -> tuple[frozenset[str], dict[str, int]]:
        """The vocabulary, and each area's smoothed token total."""
        vocabulary = frozenset().union(*self.counts.values())
        totals = {
            area: sum(counter.values()) + ALPHA * len(vocabulary)
            for area, counter in self.counts.items()
        }
        return vocabulary, totals

    def pruned(self) -> AreaModel:
        """The model without tokens too rare in the whole catalogue to be evidence."""
        overall: Counter = Counter()
        for counter in self.counts.values():
            overall.update(counter)
        keep = {token for token, count in overall.items() if count >= MIN_COUNT}
        return AreaModel(
            {
                area: Counter({t: n for t, n in counter.items() if t in keep})
                for area, counter in self.counts.items()
            }
        )

    def save(self, folder: Path) -> None:
        """Write the model into an index generation's folder."""
        data = {area: dict(counter) for area, counter in self.pruned().counts.items()}
        path = folder / FILE_NAME
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, folder: Path) -> AreaModel:
        """The model stored in a generation's folder (empty when it has none)."""
        try:
            data: Mapping[str, Mapping[str, int]] = json.loads(
                (folder / FILE_NAME).read_text(encoding="utf-8")
            )
        except (FileNotFoundError, ValueError):
            return cls()
        return cls({area: Counter(counts) for area, counts in data.items()})

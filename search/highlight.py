"""Highlighting query terms in text, with everything else HTML-escaped."""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

from markupsafe import Markup, escape

from search.analysis import mixed_analyzer

_ANALYZER = mixed_analyzer()


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    """(term, start, end) of each analysed word of a text, cached: the titles and summaries
    of popular courses are highlighted over and over, and analysis is most of the cost."""
    return tuple((t.text, t.startchar, t.endchar) for t in _ANALYZER(text, chars=True))


def highlight(text: str, terms: Collection[str], *, limit: int | None = None) -> Markup:
    """The text (cut to `limit` characters around the first match) with matches in <mark>."""
    if not text:
        return Markup("")
    spans: list[tuple[int, int]] = []
    if terms:
        spans = [(start, end) for term, start, end in _tokens(text) if term in terms]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    begin, finish = 0, len(text)
    if limit is not None and len(text) > limit:
        first = merged[0][0] if merged else 0
        begin = max(0, min(first - limit // 4, len(text) - limit))
        finish = begin + limit
    out: list[str] = ["…" if begin > 0 else ""]
    position = begin
    for start, end in merged:
        if end <= begin or start >= finish:
            continue
        start, end = max(start, begin), min(end, finish)
        out.append(escape(text[position:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        position = end
    out.append(escape(text[position:finish]))
    if finish < len(text):
        out.append("…")
    return Markup("").join(out)

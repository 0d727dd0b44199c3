"""Correcting Chinese typos: a character typed for another that sounds alike (太级拳 for 太极拳,
书发 for 书法) or, when nothing matched at all, one that looks alike (八段棉 for 八段锦).

Chinese input methods turn pinyin into characters, so most typos are homophones: the right
syllables, the wrong character. The index keeps the pinyin of every title word
(`search.documents.pinyin_tokens`), so a span of the query that is no indexed word but whose
pinyin is one names the word meant; near-homophones (the fuzzy pairs input methods offer:
z/zh, c/ch, s/sh, n/l, r/l, f/h, an/ang, en/eng, in/ing, ian/iang, uan/uang) are tried one
syllable at a time. A character that only looks like the right one (a stroke or radical
apart) is found by an edit distance of one over the words of titles, which is costlier and
less certain: it is tried only when the query matched nothing.

Spans follow jieba's cut of the query (a whole run, or one or more of its pieces side by
side), never a window across two known words, so "老年人手机" is never "corrected" through
its middle.
"""

from __future__ import annotations

import math
import time
from itertools import islice

import jieba
from whoosh.reading import TermNotFound

from search.analysis import RUNS, ensure_jieba
from search.engine import OutOfTime
from search.pinyin import SYLLABLES, full_pinyin, has_han, syllables_of

MAX_SPAN = 8
# Look-alike spans are 3–4 characters (shorter ones have too many neighbours to choose
# from, longer ones are rarely one word); each costs a walk of the titles' word graph
# (~40 ms on the demo catalogue), so at most this many are tried per query.
LOOK_ALIKE_SPANS = (3, 4)
MAX_LOOK_ALIKE = 2
# Documents whose titles are read to find the characters of a pinyin key.
TITLES_READ = 5
# Fields whose words count as known (a span found there is no typo).
KNOWN_FIELDS = ("title", "subjects", "summary")

_INITIAL_PAIRS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("r", "l"), ("f", "h"))
_FINAL_PAIRS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


def near_syllables(syllable: str) -> list[str]:
    """Syllables an input method's fuzzy pinyin confuses with this one (valid syllables only)."""
    out: set[str] = set()
    for a, b in _INITIAL_PAIRS:
        for x, y in ((a, b), (b, a)):
            # "z", "c", "s" are not the start of "zh", "ch", "sh".
            plain = not (len(x) == 1 and syllable.startswith(x + "h"))
            if syllable.startswith(x) and plain:
                out.add(y + syllable[len(x) :])
    for a, b in _FINAL_PAIRS:
        for x, y in ((a, b), (b, a)):
            if syllable.endswith(x):
                out.add(syllable[: -len(x)] + y)
    out.discard(syllable)
    return sorted(s for s in out if s in SYLLABLES)


def _known(searcher, word: str) -> bool:
    """Whether the word is a term of the fields that say what a course is about."""
    return any(searcher.doc_frequency(field, word) for field in KNOWN_FIELDS)


def _spans(run: str) -> list[tuple[int, int]]:
    """(start, end) of spans made of whole jieba pieces of the run, longest first."""
    bounds = [0]
    for piece in jieba.cut(run):
        bounds.append(bounds[-1] + len(piece))
    spans = [
        (bounds[i], bounds[j])
        for i in range(len(bounds))
        for j in range(i + 1, len(bounds))
        if 2 <= bounds[j] - bounds[i] <= MAX_SPAN
    ]
    return sorted(spans, key=lambda s: (s[0] - s[1], s[0]))


def _differences(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


def _word_with_pinyin(searcher, key: str, span: str) -> str | None:
    """A word of a title or subject (or a whole title or subject) of the span's length whose
    pinyin is `key`, most frequent among the first courses that have it."""
    try:
        postings = searcher.postings("pinyin", key)
    except TermNotFound:
        return None
    counts: dict[str, int] = {}
    for docnum in islice(postings.all_ids(), TITLES_READ):
        stored = searcher.stored_fields(docnum)
        title, subjects = stored.get("title", ""), (stored.get("subjects") or "").split()
        for word in [*jieba.cut(title), title, *subjects]:
            alike = len(word) == len(span) and word != span and has_han(word)
            if alike and full_pinyin(word) == key and _differences(word, span) <= 2:
                counts[word] = counts.get(word, 0) + 1
    return max(counts, key=lambda w: (counts[w], w)) if counts else None


def _sound_alike(searcher, span: str) -> str | None:
    """The indexed word that sounds like the span: same syllables, else one syllable near."""
    syllables = syllables_of(span)
    if len(syllables) != len(span):
        return None
    key = "".join(syllables)
    if searcher.doc_frequency("pinyin", key):
        found = _word_with_pinyin(searcher, key, span)
        if found:
            return found
    for i, syllable in enumerate(syllables):
        for near in near_syllables(syllable):
            variant = "".join((*syllables[:i], near, *syllables[i + 1 :]))
            if searcher.doc_frequency("pinyin", variant):
                found = _word_with_pinyin(searcher, variant, span)
                if found and _differences(found, span) == 1:
                    return found
    return None


def _look_alike(searcher, span: str) -> str | None:
    """A title word of the same length one character away from the span."""
    for word in searcher.corrector("title").suggest(span, limit=5, maxdist=1):
        if len(word) == len(span) and _differences(word, span) == 1:
            return word
    return None


def correct(
    searcher, text: str, *, look_alike: bool = False, deadline: float = math.inf
) -> str | None:
    """The query with its Chinese typos corrected (one span per run of characters), or None
    when no span needs it. `look_alike` also tries characters that only look alike. Raises
    OutOfTime when `deadline` (a time.perf_counter() value) passes."""
    ensure_jieba()
    out, changed, last = [], False, 0
    walks = MAX_LOOK_ALIKE if look_alike else 0
    for match in RUNS.finditer(text):
        run = match.group(1)
        if not run or len(run) < 2:
            continue
        for start, end in _spans(run):
            span = run[start:end]
            if time.perf_counter() > deadline:
                raise OutOfTime
            if _known(searcher, span):
                continue
            fixed = _sound_alike(searcher, span)
            if not fixed and walks and len(span) in LOOK_ALIKE_SPANS:
                walks -= 1
                fixed = _look_alike(searcher, span)
            if fixed:
                out += [text[last : match.start() + start], fixed]
                last = match.start() + end
                changed = True
                break
    if not changed:
        return None
    out.append(text[last:])
    return "".join(out)

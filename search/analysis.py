"""Text analysis for mixed Chinese and English: jieba for Chinese, stemming for English."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from functools import lru_cache

import jieba
from whoosh.analysis import (
    STOP_WORDS,
    Analyzer,
    Filter,
    LowercaseFilter,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)

from search import dictionary

jieba.setLogLevel(logging.WARNING)
_jieba_ready = threading.Lock()
_initialised = False

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Runs of Chinese characters, and runs of letters/digits of other scripts.
RUNS = re.compile(rf"([{_HAN}]+)|([^\W_{_HAN}]+(?:['’][a-z]+)?)", re.I)
_CHINESE_STOP_TEXT = "的 了 和 与 及 或 是 在 之 等 对 把 被 从 以"
CHINESE_STOP_WORDS = frozenset(_CHINESE_STOP_TEXT.split())
# English function words (pronouns, auxiliaries, determiners, prepositions, conjunctions,
# question words and contractions), added to whoosh's short list: without them a question
# such as "how do I ..." or "what are the ..." scores documents on its function words.
_ENGLISH_STOP_TEXT = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    us very was we were what when where which while who whom why will with would you your
    yours yourself yourselves
    aren't can't couldn't didn't doesn't don't hadn't hasn't haven't i'd i'll i'm i've isn't
    shouldn't wasn't weren't won't wouldn't you'd you'll you're you've we'd we'll we're we've
    they'd they'll they're they've he'd he'll she'd she'll
"""
ENGLISH_STOP_WORDS = frozenset(STOP_WORDS) | frozenset(_ENGLISH_STOP_TEXT.split())
STOP = ENGLISH_STOP_WORDS | CHINESE_STOP_WORDS


def ensure_jieba() -> None:
    """Load jieba's dictionary once per process (it takes about half a second)."""
    global _initialised
    if not _initialised:
        with _jieba_ready:
            if not _initialised:
                jieba.initialize()
                dictionary.load(jieba.dt)
                _initialised = True


def segment(text: str) -> list[str]:
    """Search-mode words of a text, in order, without stop words (used by queries)."""
    return [t.text for t in mixed_analyzer()(text)]


@lru_cache(maxsize=200_000)
def _cut_for_search(run: str) -> tuple[tuple[str, int, int], ...]:
    """jieba's search-mode words of a run of Chinese characters, cached: titles, lesson names
    and subjects repeat across a catalogue."""
    return tuple(jieba.tokenize(run, mode="search"))


class MixedTokenizer(Tokenizer):
    """Chinese runs cut by jieba in search mode (overlapping words), other runs as words."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        """Yield tokens with positions and character offsets."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        ensure_jieba()
        pos = start_pos
        for match in RUNS.finditer(value):
            han, word = match.groups()
            if han:
                pieces = _cut_for_search(han)
                offset = match.start()
            else:
                pieces = [(word, 0, len(word))]
                offset = match.start()
            for text, start, end in pieces:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = pos
                    pos += 1
                if chars:
                    token.startchar = start_char + offset + start
                    token.endchar = start_char + offset + end
                yield token


class PossessiveFilter(Filter):
    """English apostrophes: ’ becomes ', and a possessive "'s" (or a bare trailing ') is
    dropped, so "prandtl's" and "students'" index as prandtl and students."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        """Yield the tokens with possessive endings removed."""
        for token in tokens:
            text = token.text
            if "'" in text or "’" in text:
                text = text.replace("’", "'")
                if text.endswith("'s"):
                    text = text[:-2]
                token.text = text.rstrip("'")
            yield token


# British endings spelt the American way before stemming: Porter2 stems "linearised" to
# linearis but "linearized" to linear, and keeps "behaviour" apart from "behavior". Only after
# three letters or more, so prise, raise, four, hour and tour are left alone; a word with no
# American twin ("precise", "contour") is changed alike in the index and in queries, so it
# still finds itself.
_BRITISH_ISE = re.compile(r"^([a-z]{3,})is(e|es|ed|ing|ation|ations|er|ers|able)$")
_BRITISH_OUR = re.compile(r"^([a-z]{3,})our(s|ed|ing|ite|ites|able|ably|er|ers|ful|less)?$")


def american_spelling(word: str) -> str:
    """The word with a British -ise or -our ending spelt -ize or -or (lower-case words)."""
    if _BRITISH_ISE.match(word):
        return _BRITISH_ISE.sub(r"\1iz\2", word)
    return _BRITISH_OUR.sub(r"\1or\2", word)


class AmericanSpellingFilter(Filter):
    """British spellings indexed as American ones (`american_spelling`). A morphological
    filter, like stemming: the spelling lists keep each word as it was written."""

    is_morph = True

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        """Yield the tokens with British endings respelt."""
        for token in tokens:
            token.text = american_spelling(token.text)
            yield token


def mixed_analyzer() -> Analyzer:
    """The analyzer for all free-text fields."""
    return (
        MixedTokenizer()
        | LowercaseFilter()
        | PossessiveFilter()
        | StopFilter(stoplist=STOP, minsize=1)
        | AmericanSpellingFilter()
        | StemFilter(lang="en", cachesize=100_000)
    )


_ANALYZER = None


def analyze(text: str) -> list[str]:
    """The index terms of a text, as the free-text fields store them."""
    global _ANALYZER
    if _ANALYZER is None:
        _ANALYZER = mixed_analyzer()
    return [t.text for t in _ANALYZER(text)]

"""Which language a course is in, judged from its own text (title, summary, description).

A documented rule, no model (docs/ingestion.md, "Language of a course"):

1. Letters are counted by script over the title, summary and the first `SAMPLE_CHARS`
   characters of the description: Han, kana, Hangul, Latin, Cyrillic, Greek, Arabic, Hebrew,
   Thai, Devanagari. Digits, punctuation and symbols do not count.
2. Each script's count is weighted by how much text one letter carries: a Han character, a
   kana or a Hangul syllable is about a word (`SYLLABIC_WEIGHT` letters of an alphabet), so
   "Python 数据分析" (6 Latin letters, 4 Han = 12) is Chinese and "Learn Chinese: 你好"
   (12 Latin, 2 Han = 6) is English. The script with the largest weight decides.
3. Han and kana together: Japanese when kana are at least `KANA_SHARE` of them (Japanese
   text writes its grammar in kana; Chinese text has none); Hangul decides Korean.
4. Latin script: the language whose common function words ("the", "and", "de", "la", "und",
   "le", "il", "do" …) occur most, when it has at least `MIN_FUNCTION_WORDS` of them and more
   than English has; otherwise English (titles alone rarely have function words, and English
   is by far the most common Latin-script language of partner catalogues).
5. No letter at all (a title like "2024"): undetermined (None): the caller asks for a
   language column or a language for the file, it does not assume one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

SAMPLE_CHARS = 2000
SYLLABIC_WEIGHT = 3
KANA_SHARE = 0.1
MIN_FUNCTION_WORDS = 2

# Script → the language its text is in (Latin and Han are decided by steps 3 and 4).
_SCRIPT_LANGUAGE = {
    "hangul": "ko",
    "cyrillic": "ru",
    "greek": "el",
    "arabic": "ar",
    "hebrew": "he",
    "thai": "th",
    "devanagari": "hi",
}
_SYLLABIC = frozenset({"han", "kana", "hangul"})

# Frequent short function words; a word in several lists counts for each.
_FUNCTION_WORDS = {
    "en": "the a and of to in for with is are on an this that you your how from by will be "
    "as it at or can learn what about course into",
    "es": "el la los las de del y en para con por una un es que se su al como sobre más curso "
    "aprende cómo",
    "fr": "le la les de des du et en pour avec une un est que qui dans sur au aux vous cours "
    "comment",
    "de": "der die das und in für mit ist ein eine zu von den des im auf sie wie kurs lernen",
    "it": "il lo la gli le di del della e per con una un è che in come sono corso",
    "pt": "o a os as de do da dos das e em para com uma um é que no na como curso você",
}
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    language: frozenset(words.split()) for language, words in _FUNCTION_WORDS.items()
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _script(char: str) -> str | None:
    """The script of one letter, or None for what is not a letter we count."""
    code = ord(char)
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "han"
    if 0x20000 <= code <= 0x2FA1F:
        return "han"
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF:
        return None if char in "・ー" else "kana"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    for script in ("latin", "cyrillic", "greek", "arabic", "hebrew", "thai", "devanagari"):
        if name.startswith(script.upper()):
            return script
    return None


def script_counts(text: str) -> Counter[str]:
    """How many letters of each script a text has."""
    counts: Counter[str] = Counter()
    for char in text:
        script = _script(char)
        if script is not None:
            counts[script] += 1
    return counts


def _latin_language(text: str) -> str:
    words = [w.casefold() for w in _WORD.findall(text)]
    hits = {lang: sum(1 for w in words if w in vocab) for lang, vocab in FUNCTION_WORDS.items()}
    best = max(hits, key=lambda lang: (hits[lang], lang == "en"))
    if best != "en" and hits[best] >= MIN_FUNCTION_WORDS and hits[best] > hits["en"]:
        return best
    return "en"


def detect_language(texts: Iterable[str | None]) -> str | None:
    """The ISO 639-1 code of the language the texts are written in, or None (no letters)."""
    parts = [t for t in texts if t]
    if not parts:
        return None
    text = "\n".join(p[:SAMPLE_CHARS] for p in parts)
    counts = script_counts(text)
    if not counts:
        return None
    weight = {s: n * (SYLLABIC_WEIGHT if s in _SYLLABIC else 1) for s, n in counts.items()}
    cjk = counts["han"] + counts["kana"]
    if cjk and counts["kana"] >= KANA_SHARE * cjk:
        weight["kana"] = weight.get("kana", 0) + weight.pop("han", 0)
    script = max(weight, key=weight.__getitem__)
    if script == "han":
        return "zh"
    if script == "kana":
        return "ja"
    if script == "latin":
        return _latin_language(text)
    return _SCRIPT_LANGUAGE.get(script)

"""The Whoosh schema of the course index."""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from search.analysis import mixed_analyzer

# Field → boost for free-text matching: title matches rank first.
TEXT_FIELDS = {
    "title": 4.0,
    "pinyin": 2.5,
    "summary": 1.5,
    "subjects": 1.5,
    "provider": 1.0,
    "description": 1.0,
    "lessons": 0.7,
}
# The fields analysed by the mixed analyzer: they share one idf per term (search.ranking).
WORD_FIELDS = tuple(field for field in TEXT_FIELDS if field != "pinyin")
FACETS = ("area", "format", "level", "language", "provider_id", "duration_band", "free")


def build_schema() -> Schema:
    """Fields of a course document."""
    text = mixed_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=text, stored=True, phrase=False, spelling=True),
        summary=TEXT(analyzer=text, stored=True, phrase=False, spelling=True),
        description=TEXT(analyzer=text, phrase=False),
        snippet=STORED(),
        subjects=TEXT(analyzer=text, stored=True, phrase=False, spelling=True),
        provider=TEXT(analyzer=text, stored=True, phrase=False),
        lessons=TEXT(analyzer=text, phrase=False),
        # Pinyin of the title's words: full ("taijiquan") and initials ("tjq").
        pinyin=KEYWORD(lowercase=True, scorable=True),
        # Whole-title keys for autocomplete by prefix: characters, pinyin, initials.
        complete_title=ID(),
        complete_pinyin=ID(),
        complete_initials=ID(),
        area=ID(stored=True, sortable=True),
        format=ID(stored=True, sortable=True),
        level=ID(stored=True, sortable=True),
        language=ID(stored=True, sortable=True),
        provider_id=ID(stored=True, sortable=True),
        duration_band=ID(stored=True, sortable=True),
        free=ID(stored=True, sortable=True),
        duration=STORED(),
        length_sort=_value(bits=32),
        published=_value(bits=64, stored=True),
        # Popularity × 100 as an integer (whoosh cannot sort float columns reliably).
        popularity=_value(bits=64, stored=True),
    )


def _value(bits: int, stored: bool = False) -> NUMERIC:
    """A number kept for sorting (and showing), not for searching: indexing it would add
    bits / 4 terms per document (whoosh's range-query tiers), a third of all postings."""
    field = NUMERIC(int, bits=bits, stored=stored, sortable=True)
    field.indexed = False
    return field

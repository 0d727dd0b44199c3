"""Personal data out of questions before they are stored for learning: phones, IDs, e-mail, cards.

Each find is replaced by one language-neutral placeholder, the same in Chinese and English text:

    ‹phone›     mainland mobile numbers and landlines (400/800 service numbers are kept)
    ‹id›        resident ID numbers: 18 digits with a valid ISO 7064 MOD 11-2 check character,
                or 15-digit old numbers with a plausible birth date
    ‹email›     e-mail addresses (also with a full-width ＠ or a 。 for the dot)
    ‹card›      bank card numbers: 16–19 digits passing the Luhn check
    ‹passport›  passport numbers: E or G followed by 8 digits

Matching runs on a copy in which full-width forms (１３８, ＠, －, （）), ideographic spaces and
Chinese full stops are mapped one character to one character onto ASCII, so every offset in the
copy is an offset in the original; the text outside the finds is returned unchanged. Every pattern
starts with a look-behind that refuses to start inside a run of its own characters, and its
repetitions are bounded, so the work is linear in the length of the text. The host and path of a
web address (http(s)://…, www.…, or a site path such as /courses/…) are kept whole; its query
string is scanned like any other text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

PLACEHOLDERS = {
    "phone": "‹phone›",
    "id": "‹id›",
    "email": "‹email›",
    "card": "‹card›",
    "passport": "‹passport›",
}


@dataclass(frozen=True)
class Redacted:
    """A text with personal data replaced, and how many finds of each kind were replaced."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """The number of replaced finds of all kinds."""
        return sum(self.counts.values())


def _fold_table() -> dict[int, str]:
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # full-width ASCII
    table.update({0x3000: " ", 0x00A0: " ", 0x3002: ".", 0xFF61: "."})
    for dash in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212):
        table[dash] = "-"
    return table


_FOLD = _fold_table()

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}"
    r"@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
)
# 18 digits (the last may be X), written whole or grouped 6-8-4 with spaces.
_ID18 = re.compile(r"(?<![0-9])([0-9]{6}) ?([0-9]{8}) ?([0-9]{3}[0-9Xx])(?![0-9])")
_ID15 = re.compile(r"(?<![0-9])[0-9]{15}(?![0-9Xx])")
_CARD = re.compile(
    r"(?<![0-9])(?:[0-9]{16,19}|[0-9]{4}([ \-])[0-9]{4}\1[0-9]{4}\1[0-9]{4}(?:\1[0-9]{1,3})?)"
    r"(?![0-9])"
)
_MOBILE = re.compile(
    r"(?<![0-9+])(?<![0-9][ \-])(?:\(?(?:\+|00)?86\)?[ \-]?)?"
    r"1[3-9][0-9][ \-]?[0-9]{4}[ \-]?[0-9]{4}(?![0-9])(?![ \-][0-9])"
)
_LANDLINE = re.compile(
    r"(?<![0-9+])(?<![0-9][ \-])(?:"
    r"(?:\+|00)86[ \-]?(?:\(0\))?[1-9][0-9]{1,2}[ \-]?"  # international form drops the trunk 0
    r"|\(0[0-9]{2,3}\)[ \-]?"
    r"|0[0-9]{2,3}[ \-]"
    r")[1-9][0-9]{2,3}[ \-]?[0-9]{4}"  # a local number never starts with 0
    r"(?:(?: ?(?:-|转|ext\.? ?|x) ?)[0-9]{1,5})?(?![0-9])(?![ \-][0-9])"
)
_PASSPORT = re.compile(r"(?<![0-9A-Za-z])[EeGg][0-9]{8}(?![0-9A-Za-z])")
_WEB = re.compile(
    r"(?:https?://|www\.)[^\s?#<>\"'，。、；：！？（）()\[\]{}]{1,1000}"
    r"|(?<![0-9A-Za-z/.])/[a-z][a-z0-9_\-]{0,63}(?:/[A-Za-z0-9_.~%\-]{1,200}){0,20}"
)

_ID18_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID18_CHECK = "10X98765432"


def id18_check_ok(number: str) -> bool:
    """Whether an 18-character resident ID number carries its ISO 7064 MOD 11-2 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID18_WEIGHTS, strict=True))
    return _ID18_CHECK[total % 11] == number[17].upper()


def _plausible_birth(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def luhn_ok(digits: str) -> bool:
    """Whether a digit string passes the Luhn check used by bank card numbers."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _id18(match: re.Match[str]) -> bool:
    number = "".join(match.groups())
    birth = number[6:14]
    return id18_check_ok(number) and _plausible_birth(
        int(birth[:4]), int(birth[4:6]), int(birth[6:])
    )


def _id15(match: re.Match[str]) -> bool:
    number = match.group()
    return number[0] != "0" and _plausible_birth(
        1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])
    )


def _card(match: re.Match[str]) -> bool:
    digits = re.sub(r"[ \-]", "", match.group())
    return 16 <= len(digits) <= 19 and luhn_ok(digits)


# In order of precedence: an earlier kind's find wins where two overlap (an e-mail address made of
# a phone number is one e-mail address; an ID number that also passes Luhn is an ID number).
_RULES: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str]], bool] | None], ...] = (
    ("email", _EMAIL, None),
    ("id", _ID18, _id18),
    ("id", _ID15, _id15),
    ("card", _CARD, _card),
    ("phone", _MOBILE, None),
    ("phone", _LANDLINE, None),
    ("passport", _PASSPORT, None),
)


def redact(text: str) -> Redacted:
    """Replace phone, ID, e-mail, bank card and passport numbers in a text by placeholders."""
    folded = text.translate(_FOLD)
    # Byte masks keep the overlap checks linear however many finds a text holds.
    web = bytearray(len(folded))
    for match in _WEB.finditer(folded):
        web[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    used = bytearray(len(folded))
    taken: list[tuple[int, int, str]] = []
    for kind, pattern, valid in _RULES:
        for match in pattern.finditer(folded):
            start, end = match.span()
            if valid is not None and not valid(match):
                continue
            if 0 not in web[start:end] or 1 in used[start:end]:
                continue
            used[start:end] = b"\x01" * (end - start)
            taken.append((start, end, kind))
    if not taken:
        return Redacted(text, {})
    taken.sort()
    parts: list[str] = []
    counts: dict[str, int] = {}
    cursor = 0
    for start, end, kind in taken:
        parts.append(text[cursor:start])
        parts.append(PLACEHOLDERS[kind])
        counts[kind] = counts.get(kind, 0) + 1
        cursor = end
    parts.append(text[cursor:])
    return Redacted("".join(parts), counts)

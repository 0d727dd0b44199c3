"""Which text encoding a partner's file is in: UTF-8 (with or without BOM), GB18030 or cp1252.

Files are read in chunks through incremental decoders, never whole. UTF-8 is tried first over
the whole file (most files are UTF-8). Only when that fails are GB18030 (a superset of GBK and
GB2312) and cp1252 (Windows "ANSI" in the West) tried, both in one pass. Many byte strings
decode in both, so the decoded text must also look plausible:

* GB18030: most non-ASCII characters lie in the GB2312 area of GBK (both bytes 0xA1-0xFE): the
  6,763 common Chinese characters and CJK punctuation. Western text misread as GB18030 gives
  rare characters from the GBK extension areas. Text of mostly rare characters is therefore
  not taken for GB18030 (nor is Big5 or Shift-JIS text, which reads as such).
* cp1252: most non-ASCII characters have no other accented letter or symbol beside them
  (é in "café") or are typographic punctuation (– “ ” …), and in the words holding accented
  letters at most 40 % of the letters are accented. Chinese text misread as cp1252 gives runs
  of accented letters and symbols ("ÖÐÎÄ"), because every Chinese character is two high bytes.

Plausibility is judged on a bounded sample: windows of text around non-ASCII characters.
Anything else is refused with a message asking the partner to save the file as UTF-8.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from catalogue.ingest.problems import FileRejected

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "cp1252")

CHUNK_BYTES = 1 << 20
SAMPLE_CHARS = 100_000
_WINDOW = 40
_PLAUSIBLE_SHARE = 0.8
# Western words carry an accent here and there ("résumé"); misread Chinese is mostly accents.
_MAX_ACCENTED_SHARE = 0.4
_BOM_UTF8 = codecs.BOM_UTF8
_BOMS_UNSUPPORTED = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "gb18030": "GB18030/GBK",
    "cp1252": "Windows-1252",
}
# Python codec names (after codecs.lookup) that a partner may state, and what we read them as.
_DECLARED = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "ascii": "utf-8",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp1252": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
}
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WORD = re.compile(r"[^\W\d_]+")
# cp1252's own characters in 0x80-0x9F: typographic punctuation, never produced by GB2312 bytes.
_CP1252_TYPOGRAPHIC = frozenset(bytes(range(0x80, 0xA0)).decode("cp1252", "ignore") + "\xa0")
_SAVE_AS_UTF8 = "Please save the file as UTF-8 (in Excel: “CSV UTF-8”) or state its encoding."


def detect_encoding(path: Path, declared: str | None = None) -> str:
    """The Python codec to read a text file with (one of ENCODINGS); FileRejected otherwise."""
    head = _head(path)
    _refuse_unsupported(head)
    if declared is not None:
        return _check_declared(path, head, declared)
    if head.startswith(_BOM_UTF8):
        _require_decodes(path, "utf-8-sig")
        return "utf-8-sig"
    utf8 = _Trial("utf-8", sample=False)
    _run(path, [utf8])
    if utf8.failed_at is None:
        return "utf-8"
    return _choose_legacy(path, utf8.failed_at)


def normalise_encoding(name: str) -> str:
    """A partner-stated encoding name as one of ENCODINGS; FileRejected if unsupported."""
    try:
        canonical = codecs.lookup(name.strip()).name
    except (LookupError, ValueError):
        canonical = ""
    if canonical not in _DECLARED:
        raise FileRejected(
            f"The encoding “{name}” is not supported: use UTF-8, GB18030/GBK or Windows-1252.",
            code="UNSUPPORTED_ENCODING",
        )
    return _DECLARED[canonical]


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(64 * 1024)


def _refuse_unsupported(head: bytes) -> None:
    """UTF-16/32 (Excel's "Unicode text") and binary files are not text we read."""
    for bom, name in _BOMS_UNSUPPORTED:
        if head.startswith(bom):
            raise FileRejected(
                f"The file is encoded as {name}, which is not supported. {_SAVE_AS_UTF8}",
                code="UNSUPPORTED_ENCODING",
            )
    if b"\x00" in head:
        raise FileRejected(
            "The file contains NUL bytes: it is binary or UTF-16 text, not a supported text "
            f"file. {_SAVE_AS_UTF8}",
            code="UNSUPPORTED_ENCODING",
        )


def _check_declared(path: Path, head: bytes, declared: str) -> str:
    encoding = normalise_encoding(declared)
    if encoding.startswith("utf-8"):
        encoding = "utf-8-sig" if head.startswith(_BOM_UTF8) else "utf-8"
    _require_decodes(path, encoding)
    return encoding


def _require_decodes(path: Path, encoding: str) -> None:
    trial = _Trial(encoding, sample=False)
    _run(path, [trial])
    if trial.failed_at is not None:
        raise FileRejected(
            f"The file is not valid {_LABELS[encoding]} text: the byte at offset "
            f"{trial.failed_at} cannot be decoded. {_SAVE_AS_UTF8}",
            code="UNDECODABLE",
        )


def _choose_legacy(path: Path, utf8_failed_at: int) -> str:
    """GB18030 or cp1252, whichever decodes the whole file and looks plausible."""
    trials = [_Trial("gb18030"), _Trial("cp1252")]
    _run(path, trials)
    decoded = [t for t in trials if t.failed_at is None]
    if not decoded:
        raise FileRejected(
            f"The file cannot be decoded: it is not UTF-8 (the byte at offset {utf8_failed_at} "
            f"is invalid), nor GB18030/GBK, nor Windows-1252. {_SAVE_AS_UTF8}",
            code="UNDECODABLE",
        )
    both = len(decoded) == 2
    plausible = [t for t in decoded if _plausible(t.codec, t.sample_text(), both)]
    if len(plausible) == 1:
        return plausible[0].codec
    raise FileRejected(
        "The file is not UTF-8 and its encoding cannot be told for certain "
        f"(it might be GB18030/GBK or Windows-1252). {_SAVE_AS_UTF8}",
        code="AMBIGUOUS_ENCODING",
    )


class _Trial:
    """One codec decoding the file incrementally: where it failed, and a sample of its text."""

    def __init__(self, codec: str, *, sample: bool = True) -> None:
        self.codec = codec
        self.decoder = codecs.getincrementaldecoder(codec)("strict")
        self.failed_at: int | None = None
        self.consumed = 0
        self.sampling = sample
        self.windows: list[str] = []
        self.sampled = 0

    def feed(self, data: bytes, final: bool) -> None:
        """Decode the next chunk; remember the absolute offset of the first bad byte."""
        if self.failed_at is not None:
            return
        pending = len(self.decoder.getstate()[0])
        try:
            text = self.decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            self.failed_at = self.consumed - pending + exc.start
            return
        finally:
            self.consumed += len(data)
        if self.sampling and self.sampled < SAMPLE_CHARS and not text.isascii():
            self._sample(text)

    def _sample(self, text: str) -> None:
        last_end = 0
        for match in _NON_ASCII.finditer(text):
            start = max(last_end, match.start() - _WINDOW)
            last_end = min(len(text), match.end() + _WINDOW)
            self.windows.append(text[start:last_end])
            self.sampled += last_end - start
            if self.sampled >= SAMPLE_CHARS:
                return

    def sample_text(self) -> str:
        """The sampled windows, separated by line breaks."""
        return "\n".join(self.windows)


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            yield chunk


def _run(path: Path, trials: list[_Trial]) -> None:
    """Feed the whole file, chunk by chunk, to every trial."""
    for chunk in _chunks(path):
        for trial in trials:
            trial.feed(chunk, final=False)
        if all(t.failed_at is not None for t in trials):
            return
    for trial in trials:
        trial.feed(b"", final=True)


def _plausible(codec: str, text: str, gb18030_decodes: bool) -> bool:
    """Whether decoded text looks like real text in that codec rather than mojibake.

    The share of accented letters in words only matters when the bytes are valid GB18030 too:
    it tells accents apart from Chinese characters misread as an accent plus an ASCII letter.
    """
    if codec == "gb18030":
        return _share(text, _looks_chinese) >= _PLAUSIBLE_SHARE
    if _share(text, _looks_western) < _PLAUSIBLE_SHARE:
        return False
    return not gb18030_decodes or _accented_share(text) <= _MAX_ACCENTED_SHARE


def _share(text: str, good: Callable[[str, int], bool]) -> float:
    """Share of the non-ASCII characters of `text` for which `good(text, index)` holds."""
    indexes = [i for i, ch in enumerate(text) if ord(ch) > 0x7F]
    if not indexes:
        return 0.0
    return sum(1 for i in indexes if good(text, i)) / len(indexes)


def _looks_chinese(text: str, i: int) -> bool:
    """A character of the GB2312 area of GBK: common Chinese characters and punctuation."""
    encoded = text[i].encode("gb18030")
    return len(encoded) == 2 and encoded[0] >= 0xA1 and encoded[1] >= 0xA1


def _high(char: str) -> bool:
    """A non-ASCII character other than cp1252's typographic punctuation."""
    return ord(char) > 0x7F and char not in _CP1252_TYPOGRAPHIC


def _looks_western(text: str, i: int) -> bool:
    """Typographic punctuation, or a character with no other accented letter or symbol beside it."""
    if text[i] in _CP1252_TYPOGRAPHIC:
        return True
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not (_high(before) or _high(after))


def _accented_share(text: str) -> float:
    """In the words holding non-ASCII letters, the share of their letters that are non-ASCII."""
    letters = accented = 0
    for word in _WORD.findall(text):
        if not word.isascii():
            letters += len(word)
            accented += sum(1 for ch in word if ord(ch) > 0x7F)
    return accented / letters if letters else 0.0

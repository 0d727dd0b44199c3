"""Every string the interface shows has a Chinese translation, and the compiled file is current."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

WEBAPP = Path(__file__).resolve().parents[1] / "webapp"
# The mails the jobs worker writes (it cannot import webapp): extracted with the site's strings.
MAIL_TEXTS = WEBAPP.parent / "catalogue" / "mail_texts.py"
ZH = WEBAPP / "translations" / "zh" / "LC_MESSAGES"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _extracted() -> set[str]:
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(WEBAPP), METHODS, keywords=KEYWORDS
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    for _line, message, _comments, _ctx in extract_from_file(
        "python", str(MAIL_TEXTS), keywords=KEYWORDS
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_every_message_has_a_chinese_translation():
    with (ZH / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and m.string and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = _extracted() - translated
    assert not missing, f"untranslated strings: {sorted(missing)}"


def _pairs(catalog) -> dict:
    def key(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(m.id): key(m.string) for m in catalog if m.id}


def test_compiled_catalog_matches_source():
    with (ZH / "messages.po").open("rb") as handle:
        source = _pairs(read_po(handle))
    with (ZH / "messages.mo").open("rb") as handle:
        compiled = _pairs(read_mo(handle))
    assert compiled == source, "run: pybabel compile -d webapp/translations"


def test_every_problem_code_a_partner_can_meet_has_a_message():
    """Codes raised by ingestion and course validation (file or row) are all explained in the
    portal's language, never shown as the service's English text."""
    import re
    from pathlib import Path

    from webapp.messages import FILE_PROBLEMS, ROW_PROBLEMS

    root = Path(__file__).resolve().parents[1] / "catalogue"
    sources = [*root.glob("ingest/*.py"), root / "services" / "courses.py"]
    sources.append(root / "services" / "validation.py")
    codes = set()
    for source in sources:  # every code-like literal: UPPER_CASE words
        codes |= set(re.findall(r'"([A-Z]+_[A-Z_]+|[A-Z]{5,})"', source.read_text("utf-8")))
    not_codes = {"ALREADY_APPLIED", "FILE_REJECTED"}  # explained by the view / a wrapper code
    assert len(codes) > 40
    assert codes - set(FILE_PROBLEMS) - set(ROW_PROBLEMS) - not_codes == set()

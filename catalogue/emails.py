"""E-mail addresses in one canonical form, so look-alikes are one account."""

from __future__ import annotations

import unicodedata


def normalise_email(email: str | None) -> str:
    """NFKC, without invisible format characters (Unicode Cf) or surrounding space, lowercased.

    The whole address is lowercased: mail providers treat the local part case-insensitively
    in practice, and two accounts differing only in case would be a look-alike pair.
    """
    text = unicodedata.normalize("NFKC", email or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.strip().lower()

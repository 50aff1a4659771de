"""How names written by people are compared: case, accents, spacing and punctuation aside."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "å": "a", "ß": "ss", "đ": "d", "ł": "l",
                          "œ": "oe", "ı": "i"})
_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text).casefold().translate(_LETTERS))
    return "".join(c for c in text if not unicodedata.combining(c)).translate(_LETTERS)


def name_key(text: str | None) -> str:
    """A name as compared: "Kirkens  Nødhjelp" and "kirkens nodhjelp" give the same key."""
    if not text:
        return ""
    return _SPACES.sub(" ", _fold(text)).strip()


def title_key(text: str | None) -> str:
    """A title as compared: only letters and digits count ("InterAgencyProject" and
    "InterAgency Project", "Not for Sale." and "Not for Sale" are the same title)."""
    return _NOT_ALNUM.sub("", _fold(text or ""))


def shape(text: str) -> str:
    """The form of an identifier: letters become A, digits 9 ("BGD-3100" → "AAA-9999")."""
    return "".join("A" if c.isalpha() else "9" if c.isdigit() else c for c in text)

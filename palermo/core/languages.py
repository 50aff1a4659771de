"""Languages a person speaks: Palermo's list of ISO 639 codes (``data/languages.csv``).

The list is reference data copied into the project (sources in ``data/ATTRIBUTION.md``,
built by ``tools/build_languages.py``); it is read once per process and never from the
database, so models, forms and migrations can use it freely.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from palermo.core.reference_data import DATA_DIR

LANGUAGES_CSV = DATA_DIR / "languages.csv"


@lru_cache(maxsize=1)
def _languages() -> tuple[tuple[str, str], ...]:
    with LANGUAGES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(sorted(((r["code"], r["name"]) for r in rows), key=lambda pair: pair[1]))


def language_choices() -> list[tuple[str, str]]:
    """(ISO 639-3 code, English name) pairs, ordered by name."""
    return list(_languages())


def language_name(code: str) -> str:
    """The name of the language *code*, or the code itself when it is not in the list."""
    return dict(_languages()).get(code, code)


def is_language(code: str) -> bool:
    """Is *code* one of Palermo's language codes?"""
    return code in dict(_languages())

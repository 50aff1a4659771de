"""Build ``palermo/core/data/confusables.csv``: characters that look like an ASCII letter
(developer tool).

Run from the project root with the maintained ``confusable-homoglyphs`` package installed
(``pip install confusable-homoglyphs==3.3.1``; it is not a dependency of Palermo):
``python tools/build_confusables.py``. The package ships the Unicode Consortium's
confusables data (UTS #39, ``confusables.txt``) as a table of homoglyphs; every character
other than an ASCII one that it lists as confusable with exactly one ASCII letter — the
Cyrillic ``х`` and Latin ``x``, the Greek ``Ο`` and Latin ``O`` — is written with that letter.
The blind indexes of identities normalise through this file (``palermo.core.crypto``), so
that a name typed with a Cyrillic letter among Latin ones is found as the same name.

The output is deterministic for a given package version. Palermo reads its own copy at run
time: a new version of the data changes blind-index digests, so the file only changes with
a data migration that recomputes them (see ``docs/privacy.md``).
"""

from __future__ import annotations

import csv
import string
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "palermo" / "core" / "data" / "confusables.csv"
ASCII_LETTERS = set(string.ascii_letters)


def rows() -> list[dict[str, str]]:
    """One row per character that looks like one ASCII letter, ordered by code point."""
    from confusable_homoglyphs import utils

    table = utils.load("confusables.json")
    found = []
    for character, homoglyphs in table.items():
        if len(character) != 1 or character.isascii():
            continue
        letters = sorted({h["c"] for h in homoglyphs if h["c"] in ASCII_LETTERS})
        if len(letters) != 1:  # none, or ambiguous: left as it is
            continue
        found.append({"codepoint": f"U+{ord(character):04X}", "character": character,
                      "ascii": letters[0],
                      "name": unicodedata.name(character, "")})
    return sorted(found, key=lambda row: int(row["codepoint"][2:], 16))


def main() -> None:
    with OUT.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["codepoint", "character", "ascii", "name"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows())
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()

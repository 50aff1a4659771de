"""Build ``palermo/core/data/languages.csv``, Palermo's list of languages (developer tool).

Run from the project root: ``python tools/build_languages.py``. The list is every language
that has an ISO 639-1 two-letter code (the widely used languages), plus the individual
languages named in :data:`EXTRA` that caseworkers in the sector meet and that have no
two-letter code (Nigerian Pidgin, Bini/Edo, Dari, Rohingya …). Codes are ISO 639-3, which for
every language in ISO 639-2 equals its ISO 639-2/T code (the code HTCDS asks for in
``prs_PrimaryLanguage``). The output is deterministic for a given pycountry version.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parent.parent / "palermo" / "core" / "data" / "languages.csv"

# Individual languages without an ISO 639-1 code, by region of the seeds' case studies.
EXTRA = (
    # West Africa (Nigeria, Ghana, Sierra Leone, Mali, Burkina Faso …)
    "pcm", "bin", "efi", "ibb", "tiv", "kri", "men", "tem", "mnk", "dyu", "snk", "gaa",
    "dag", "mos",
    # East Africa and the Horn
    "luo", "sid",
    # Middle East and North Africa: spoken Arabic and Berber languages
    "apc", "arz", "ary", "acm", "apd", "kab", "tzm",
    # Central, South and South-East Asia
    "prs", "ckb", "kmr", "rhg", "bho", "mai", "syl", "ctg", "fil", "ceb", "ilo", "hmn",
    # Chinese and Romani varieties
    "cmn", "yue", "rom", "rmy", "lad",
)


def rows() -> list[dict[str, str]]:
    """The languages as rows of ``code``, ``alpha2`` and ``name``, ordered by code."""
    chosen = {lang.alpha_3: lang for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    for code in EXTRA:
        lang = pycountry.languages.get(alpha_3=code)
        if lang is None:
            raise SystemExit(f"{code} is not an ISO 639-3 code in this pycountry version")
        chosen[code] = lang
    return [{"code": code, "alpha2": getattr(lang, "alpha_2", ""), "name": lang.name}
            for code, lang in sorted(chosen.items())]


def main() -> int:
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["code", "alpha2", "name"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows())
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

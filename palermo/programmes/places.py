"""Where a project works, from what a list writes: country and region names in Norwegian or
English ("Mosambik", "Sør-Afrika", "Regionalt Asia") to ISO 3166 countries and IATI (OECD
DAC) regions; and the countries a project title names ("Anti trafficking Montenegro")."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from palermo.core.reference_data import read_countries
from palermo.programmes.names import name_key

PLACES_FILE = Path(__file__).resolve().parent / "data" / "places.tsv"


@dataclass(frozen=True)
class Place:
    kind: str  # "country" (code: ISO alpha-3) or "region" (code: IATI Region)
    code: str


@cache
def _table() -> tuple[dict[str, Place], dict[str, str]]:
    """(name key → place, title word → country code)."""
    places: dict[str, Place] = {}
    mentions: dict[str, str] = {}
    for country in read_countries():
        name = country["name"]
        places[name_key(name)] = Place("country", country["alpha3"])
        places[name_key(country["alpha3"])] = Place("country", country["alpha3"])
        if "," not in name and "(" not in name:
            mentions[name] = country["alpha3"]
    lines = [line for line in PLACES_FILE.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t"):
        places[name_key(row["name"])] = Place(row["kind"], row["code"])
        if row["mention"] == "yes":
            mentions[row["name"]] = row["code"]
    return places, mentions


def place(written: str | None) -> Place | None:
    """The country or region a list means by *written*, or None when it is not known."""
    if not written or not written.strip():
        return None
    return _table()[0].get(name_key(written))


@cache
def _mention_pattern() -> re.Pattern:
    names = sorted(_table()[1], key=len, reverse=True)  # "Kyrgyz Republic" before "Kyrgyz"
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")


def countries_named(title: str | None) -> set[str]:
    """The countries (ISO alpha-3) a project title names, by name or adjective."""
    mentions = _table()[1]
    return {mentions[m] for m in _mention_pattern().findall(title or "")}


@cache
def _country_names() -> dict[str, str]:
    return {c["alpha3"]: c["name"] for c in read_countries()}


def country_name(code: str) -> str:
    """The English name of a country by its ISO alpha-3 code."""
    return _country_names().get(code, code)

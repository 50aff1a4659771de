#!/usr/bin/env python3
"""Build Palermo's reference data files from the shared source material.

Developer tool, never imported by the ``palermo`` package. It reads

- ``<shared>/data/ctm/annex_j_layout.yaml``          (CTM regions, printed destination key),
- ``<shared>/data/htcds/HTCDS_Field_Standards_2.0.csv`` (HTCDS picklists),
- ``pycountry``                                        (ISO 3166-1 countries),

and writes ``palermo/core/data/{regions,countries,htcds_picklists}.csv``. The output is
deterministic: running it again with the same sources and the same pycountry version
reproduces the files byte for byte (``--check`` verifies that without writing).

Usage (from the project root)::

    python tools/build_reference_data.py [SHARED_DIR] [--check] [--markdown]

``SHARED_DIR`` defaults to ``../shared``. ``--markdown`` prints the origin key, the destination
additions and the alias table as Markdown, for pasting into ``docs/reference-data.md``.

The judgement calls (the origin key, which is not printed in the source; where the countries
missing from the printed destination key go; how printed names map to ISO codes) live in the
tables below, each with its reason, so that a reviewer can read and change them in one place.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import pycountry
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
OUTPUT_DIR = PROJECT_ROOT / "palermo" / "core" / "data"

# --------------------------------------------------------------------------------------------
# Countries outside ISO 3166-1 that the printed key needs.
# --------------------------------------------------------------------------------------------

#: Kosovo has no ISO 3166-1 entry. XK / XKX is the user-assigned code used by the European
#: Commission, IOM, the IMF and others; there is no numeric code, so ``numeric`` is empty.
EXTRA_COUNTRIES: list[dict[str, str]] = [
    {"alpha3": "XKX", "alpha2": "XK", "numeric": "", "name": "Kosovo"},
]

# --------------------------------------------------------------------------------------------
# Printed destination key: names as printed -> ISO alpha-3 codes.
# --------------------------------------------------------------------------------------------

#: Printed names that are not pycountry's ``name`` verbatim: misspellings in the report, names
#: that ISO 3166 has since changed, and "Netherlands Antilles", which was dissolved in 2010
#: (ISO code AN withdrawn in 2010) and is mapped to its three successor entries. Every other
#: printed name must equal pycountry's ``name`` exactly (the build fails otherwise).
PRINTED_NAME_ALIASES: dict[str, tuple[str, ...]] = {
    "Bolivia": ("BOL",),
    "Columbia": ("COL",),  # misspelling of Colombia
    "Netherlands Antilles": ("CUW", "SXM", "BES"),  # dissolved 2010: Curaçao, Sint Maarten, BES
    "Venezuela": ("VEN",),
    "Czech Republic": ("CZE",),  # ISO short name is now "Czechia"
    "Turkey": ("TUR",),  # ISO short name is now "Türkiye"
    "Islamic Republic of Iran": ("IRN",),
    "Tajikstan": ("TJK",),  # misspelling of Tajikistan
    "Kazakstan": ("KAZ",),  # older spelling of Kazakhstan
    "the Former Yugoslav Republic of Macedonia": ("MKD",),  # North Macedonia since 2019
    "Kosovo": ("XKX",),  # user-assigned code, see EXTRA_COUNTRIES
    "Republic of Moldova": ("MDA",),
    "The Democratic Republic of the Congo": ("COD",),
    "Cote d'Ivoire": ("CIV",),
    "Swaziland": ("SWZ",),  # Eswatini since 2018
    "Djbouti": ("DJI",),  # misspelling of Djibouti
    "Libyan Arab Jamahiriya": ("LBY",),  # "Libya" since 2011
    "United Republic of Tanzania": ("TZA",),
    "Vietnam": ("VNM",),  # ISO short name "Viet Nam"
    "East Timor": ("TLS",),  # Timor-Leste
    "Republic of Korea": ("KOR",),
}

#: Destination region that Palermo adds for countries no printed region fits (Oceania,
#: Antarctica). It is listed last, after the eight printed regions.
DESTINATION_OTHER = "Other"

#: Palermo's additions to the destination key: countries missing from the printed key,
#: by destination region name, each with a one-line reason when the choice is not obvious.
#: Rule of thumb: geography over sovereignty for overseas territories (as the printed key does
#: with Aruba and the Netherlands Antilles), and the printed key's own political grouping for
#: Europe (Norway and Switzerland are printed in "European Union and Turkey").
DESTINATION_ADDITIONS: dict[str, list[tuple[str, str]]] = {
    "United States, Canada, Latin America, and the Caribbean": [
        ("AIA", ""), ("ATG", ""), ("BLZ", ""), ("BRB", ""), ("CRI", ""), ("CUB", ""),
        ("CYM", ""), ("DMA", ""), ("GRD", ""), ("GUY", ""), ("HTI", ""), ("KNA", ""),
        ("LCA", ""), ("MSR", ""), ("NIC", ""), ("PAN", ""), ("SUR", ""), ("TCA", ""),
        ("TTO", ""), ("VCT", ""), ("VGB", ""),
        ("BMU", "North Atlantic, off the United States; UN M49 Northern America."),
        ("GRL", "Part of the Kingdom of Denmark but North American; UN M49 Northern America."),
        ("SPM", "French territory off the coast of Canada."),
        ("FLK", "South Atlantic, off Argentina; UN M49 South America."),
        ("GUF", "French overseas department in South America: geography over sovereignty."),
        ("GLP", "French overseas department in the Caribbean: geography over sovereignty."),
        ("MTQ", "French overseas department in the Caribbean: geography over sovereignty."),
        ("BLM", "French overseas collectivity in the Caribbean: geography over sovereignty."),
        ("MAF", "French overseas collectivity in the Caribbean: geography over sovereignty."),
        ("PRI", "United States territory in the Caribbean."),
        ("VIR", "United States territory in the Caribbean."),
    ],
    "European Union and Turkey": [
        ("DNK", ""), ("FIN", ""), ("LUX", ""),
        ("ISL", "EEA/EFTA member, grouped like Norway and Switzerland in the printed key."),
        ("LIE", "EEA/EFTA member, grouped like Norway and Switzerland in the printed key."),
        ("AND", "European microstate between France and Spain."),
        ("MCO", "European microstate enclaved in France."),
        ("SMR", "European microstate enclaved in Italy."),
        ("VAT", "European microstate enclaved in Rome."),
        ("ALA", "Autonomous region of Finland, inside the EU."),
        ("FRO", "Self-governing part of the Kingdom of Denmark, in Europe."),
        ("SJM", "Norwegian territory, grouped with Norway."),
        ("GIB", "British territory on the Iberian Peninsula."),
        ("GGY", "British Crown Dependency, grouped with the United Kingdom."),
        ("JEY", "British Crown Dependency, grouped with the United Kingdom."),
        ("IMN", "British Crown Dependency, grouped with the United Kingdom."),
    ],
    "Gulf States and the Middle East": [
        ("KWT", ""), ("OMN", ""), ("YEM", ""),
        ("PSE", "Levant, between Israel, Jordan and Egypt."),
    ],
    "Russian Federation, Caucasus, and Central Asia": [],
    "Southeastern Europe": [],
    "North and Sub-Saharan Africa": [
        ("BDI", ""), ("BWA", ""), ("CAF", ""), ("COG", ""), ("COM", ""), ("CPV", ""),
        ("ERI", ""), ("GAB", ""), ("GMB", ""), ("GNQ", ""), ("LSO", ""), ("MDG", ""),
        ("MUS", ""), ("MWI", ""), ("NAM", ""), ("NER", ""), ("SDN", ""), ("SOM", ""),
        ("SSD", ""), ("STP", ""), ("TCD", ""),
        ("ESH", "Disputed territory in North-West Africa."),
        ("REU", "French overseas department off Africa: geography over sovereignty."),
        ("MYT", "French overseas department off Africa: geography over sovereignty."),
        ("SHN", "British South Atlantic territory; UN M49 Western Africa."),
        ("IOT", "Chagos Archipelago, Indian Ocean; UN M49 Eastern Africa."),
    ],
    "South Asia and Southeast Asia": [
        ("BGD", ""), ("BTN", ""), ("BRN", ""), ("MDV", ""), ("NPL", ""), ("PAK", ""),
        ("AFG", "UN M49 Southern Asia and a SAARC member, rather than the Gulf/Middle East."),
    ],
    "East Asia": [
        ("MNG", ""), ("PRK", ""),
        ("MAC", "Special Administrative Region of China, like the printed Hong Kong."),
        ("TWN", ""),
    ],
    DESTINATION_OTHER: [
        ("AUS", "Oceania: no printed region fits."),
        ("NZL", "Oceania: no printed region fits."),
        ("PNG", "Oceania (Melanesia), although it borders Indonesia."),
        ("ASM", ""), ("COK", ""), ("FJI", ""), ("FSM", ""), ("GUM", ""), ("KIR", ""),
        ("MHL", ""), ("MNP", ""), ("NCL", ""), ("NFK", ""), ("NIU", ""), ("NRU", ""),
        ("PCN", ""), ("PLW", ""), ("PYF", ""), ("SLB", ""), ("TKL", ""), ("TON", ""),
        ("TUV", ""), ("UMI", ""), ("VUT", ""), ("WLF", ""), ("WSM", ""),
        ("CXR", "Australian Indian Ocean territory, grouped with Australia (UN M49 Oceania)."),
        ("CCK", "Australian Indian Ocean territory, grouped with Australia (UN M49 Oceania)."),
        ("ATA", "Antarctica: no permanent population."),
        ("BVT", "Sub-Antarctic, no permanent population."),
        ("HMD", "Sub-Antarctic, no permanent population."),
        ("ATF", "Sub-Antarctic, no permanent population."),
        ("SGS", "Sub-Antarctic, no permanent population."),
    ],
}

# --------------------------------------------------------------------------------------------
# Origin key: not printed in the source, defined by Palermo.
# --------------------------------------------------------------------------------------------

#: Palermo's origin key (region name -> alpha-3 codes, alphabetical), every country exactly once.
#: Southeast Europe follows IOM's counter-trafficking reporting of the 2000s (the Regional
#: Clearing Point reports on South-Eastern Europe: the Western Balkans, Bulgaria, Romania and
#: Moldova) plus Turkey, which UNODC's Global Report groups with South-Eastern Europe. Greece,
#: Cyprus and Slovenia were EU members and destinations, not part of that reporting.
ORIGIN_KEY: dict[str, list[str]] = {
    "Southeast Europe": [
        "ALB", "BGR", "BIH", "HRV", "MDA", "MKD", "MNE", "ROU", "SRB", "TUR", "XKX",
    ],
    "Central Asia": ["KAZ", "KGZ", "TJK", "TKM", "UZB"],
    "Russian Federation and Caucasus": ["ARM", "AZE", "GEO", "RUS"],
    "Eastern Europe": [
        "BLR", "CZE", "EST", "HUN", "LTU", "LVA", "POL", "SVK", "SVN", "UKR",
    ],
    "North Africa and the Middle East": [
        "ARE", "BHR", "DZA", "EGY", "ESH", "IRN", "IRQ", "ISR", "JOR", "KWT", "LBN", "LBY",
        "MAR", "OMN", "PSE", "QAT", "SAU", "SDN", "SYR", "TUN", "YEM",
    ],
    "South Asia": ["AFG", "BGD", "BTN", "IND", "LKA", "MDV", "NPL", "PAK"],
    "Sub-Saharan Africa": [
        "AGO", "BDI", "BEN", "BFA", "BWA", "CAF", "CIV", "CMR", "COD", "COG", "COM", "CPV",
        "DJI", "ERI", "ETH", "GAB", "GHA", "GIN", "GMB", "GNB", "GNQ", "IOT", "KEN", "LBR",
        "LSO", "MDG", "MLI", "MOZ", "MRT", "MUS", "MWI", "MYT", "NAM", "NER", "NGA", "REU",
        "RWA", "SEN", "SHN", "SLE", "SOM", "SSD", "STP", "SWZ", "SYC", "TCD", "TGO", "TZA",
        "UGA", "ZAF", "ZMB", "ZWE",
    ],
    "Latin America and the Caribbean": [
        "ABW", "AIA", "ARG", "ATG", "BES", "BHS", "BLM", "BLZ", "BOL", "BRA", "BRB", "CHL",
        "COL", "CRI", "CUB", "CUW", "CYM", "DMA", "DOM", "ECU", "FLK", "GLP", "GRD", "GTM",
        "GUF", "GUY", "HND", "HTI", "JAM", "KNA", "LCA", "MAF", "MEX", "MSR", "MTQ", "NIC",
        "PAN", "PER", "PRI", "PRY", "SLV", "SUR", "SXM", "TCA", "TTO", "URY", "VCT", "VEN",
        "VGB", "VIR",
    ],
    "East and Southeast Asia": [
        "BRN", "CHN", "HKG", "IDN", "JPN", "KHM", "KOR", "LAO", "MAC", "MMR", "MNG", "MYS",
        "PHL", "PRK", "SGP", "THA", "TLS", "TWN", "VNM",
    ],
    "Other": [
        # Western and Northern Europe (the EU-15, EFTA, microstates and dependencies)
        "ALA", "AND", "AUT", "BEL", "CHE", "CYP", "DEU", "DNK", "ESP", "FIN", "FRA", "FRO",
        "GBR", "GGY", "GIB", "GRC", "IMN", "IRL", "ISL", "ITA", "JEY", "LIE", "LUX", "MCO",
        "MLT", "NLD", "NOR", "PRT", "SJM", "SMR", "SWE", "VAT",
        # Northern America
        "BMU", "CAN", "GRL", "SPM", "USA",
        # Oceania
        "ASM", "AUS", "CCK", "COK", "CXR", "FJI", "FSM", "GUM", "KIR", "MHL", "MNP", "NCL",
        "NFK", "NIU", "NRU", "NZL", "PCN", "PLW", "PNG", "PYF", "SLB", "TKL", "TON", "TUV",
        "UMI", "VUT", "WLF", "WSM",
        # Antarctica and the uninhabited sub-Antarctic islands
        "ATA", "ATF", "BVT", "HMD", "SGS",
    ],
}

# --------------------------------------------------------------------------------------------
# HTCDS picklists.
# --------------------------------------------------------------------------------------------

HTCDS_CSV = Path("data") / "htcds" / "HTCDS_Field_Standards_2.0.csv"
CTM_YAML = Path("data") / "ctm" / "annex_j_layout.yaml"

#: Palermo's own values appended to HTCDS picklists (source ``palermo``), after the standard's.
PICKLIST_EXTENSIONS: dict[str, list[tuple[str, str]]] = {
    "org_Type": [
        ("InternationalOrganisation", "International Organisation (e.g. IOM mission, UN agency)"),
        ("DonorAgency", "Donor Agency"),
    ],
}


class BuildError(Exception):
    """The sources or the tables above are inconsistent; the message says where."""


def slugify(name: str) -> str:
    """Region code from its name, e.g. ``"Sub-Saharan Africa"`` -> ``"sub-saharan-africa"``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def to_csv(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    """CSV text with ``\\n`` line endings and minimal quoting, so the output is stable."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


# --- regions and countries ------------------------------------------------------------------


def load_layout(shared: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The printed origin regions and the printed destination key from the CTM layout."""
    path = shared / CTM_YAML
    layout = yaml.safe_load(path.read_text(encoding="utf-8"))
    origin = list(layout["origin_regions"])
    destination = {str(region): list(names) for region, names in
                   layout["destination_regions"].items()}
    if len(origin) != 10 or len(destination) != 8:
        raise BuildError(f"{path}: expected 10 origin and 8 destination regions, "
                         f"found {len(origin)} and {len(destination)}")
    return origin, destination


def iso_countries() -> dict[str, dict[str, str]]:
    """Every pycountry country plus EXTRA_COUNTRIES, keyed by alpha-3."""
    countries = {
        c.alpha_3: {"alpha3": c.alpha_3, "alpha2": c.alpha_2, "numeric": c.numeric, "name": c.name}
        for c in pycountry.countries
    }
    for extra in EXTRA_COUNTRIES:
        if extra["alpha3"] in countries:
            raise BuildError(f"{extra['alpha3']} is now in pycountry: drop it from EXTRA_COUNTRIES")
        countries[extra["alpha3"]] = dict(extra)
    return countries


def resolve_printed_name(name: str, countries: dict[str, dict[str, str]]) -> tuple[str, ...]:
    """ISO alpha-3 code(s) for a country name as printed in the destination key."""
    if name in PRINTED_NAME_ALIASES:
        return PRINTED_NAME_ALIASES[name]
    matches = tuple(code for code, row in countries.items() if row["name"] == name)
    if len(matches) != 1:
        raise BuildError(f"printed country {name!r} is not an ISO name: add it to "
                         "PRINTED_NAME_ALIASES")
    return matches


def printed_destination_key(
    printed: dict[str, list[str]], countries: dict[str, dict[str, str]]
) -> dict[str, list[tuple[str, str]]]:
    """Printed key as region name -> [(printed name, alpha-3)], in printed order."""
    key: dict[str, list[tuple[str, str]]] = {}
    for region, names in printed.items():
        key[region] = [(name, code) for name in names
                       for code in resolve_printed_name(name, countries)]
    unused = set(PRINTED_NAME_ALIASES) - {n for names in printed.values() for n in names}
    if unused:
        raise BuildError(f"aliases for names not printed in the key: {sorted(unused)}")
    return key


def build_regions(origin: list[str], destination: list[str]) -> list[dict[str, object]]:
    """Rows of regions.csv: the printed origin and destination regions, in printed order."""
    if list(ORIGIN_KEY) != origin:
        raise BuildError(f"ORIGIN_KEY regions {list(ORIGIN_KEY)} differ from the printed "
                         f"origin regions {origin}")
    rows: list[dict[str, object]] = []
    for scheme, names in (("origin", origin), ("destination", [*destination, DESTINATION_OTHER])):
        codes = [slugify(name) for name in names]
        if len(set(codes)) != len(codes):
            raise BuildError(f"duplicate region codes in {scheme}: {codes}")
        rows += [{"scheme": scheme, "code": code, "name": name, "order": order}
                 for order, (code, name) in enumerate(zip(codes, names, strict=True), start=1)]
    return rows


def assign(key: dict[str, list[str]], countries: dict[str, dict[str, str]],
           what: str) -> dict[str, str]:
    """alpha-3 -> region name, checking that the key covers every country exactly once."""
    assigned: dict[str, str] = {}
    for region, codes in key.items():
        for code in codes:
            if code not in countries:
                raise BuildError(f"{what}: unknown country code {code} in {region!r}")
            if code in assigned:
                raise BuildError(f"{what}: {code} is in both {assigned[code]!r} and {region!r}")
            assigned[code] = region
    missing = sorted(set(countries) - set(assigned))
    if missing:
        raise BuildError(f"{what}: countries without a region: {missing}")
    return assigned


def build_countries(shared: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Rows of regions.csv and countries.csv."""
    origin_names, printed = load_layout(shared)
    countries = iso_countries()
    printed_key = printed_destination_key(printed, countries)
    if list(DESTINATION_ADDITIONS) != [*printed, DESTINATION_OTHER]:
        raise BuildError("DESTINATION_ADDITIONS must list the printed destination regions, "
                         "in printed order, then 'Other'")
    regions = build_regions(origin_names, list(printed))
    code_of = {(r["scheme"], r["name"]): r["code"] for r in regions}

    destination_key = {region: [code for _, code in printed_key.get(region, [])]
                       + [code for code, _ in DESTINATION_ADDITIONS[region]]
                       for region in DESTINATION_ADDITIONS}
    destination = assign(destination_key, countries, "destination key")
    origin = assign(ORIGIN_KEY, countries, "origin key")
    printed_codes = {code for pairs in printed_key.values() for _, code in pairs}

    rows = [
        {
            **countries[code],
            "origin_region": code_of[("origin", origin[code])],
            "destination_region": code_of[("destination", destination[code])],
            "key_source": "printed" if code in printed_codes else "palermo",
        }
        for code in sorted(countries)
    ]
    return regions, rows


# --- HTCDS picklists ------------------------------------------------------------------------


def split_cell(cell: str) -> list[str]:
    """Newline-separated picklist cell -> stripped entries (``str.strip`` also drops NBSP)."""
    return [part.strip() for part in cell.split("\n")]


def build_picklists(shared: Path) -> tuple[list[dict[str, object]], list[str]]:
    """Rows of htcds_picklists.csv, and notes on what had to be cleaned up."""
    path = shared / HTCDS_CSV
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    rows: list[dict[str, object]] = []
    notes: list[str] = []
    seen_fields: set[str] = set()
    for line, record in enumerate(records, start=2):
        field = (record["Field Name including Prefix"] or "").strip()
        if "Picklist" not in (record["Field Type"] or ""):
            continue
        names_cell = record["Value Names (if picklist)"] or ""
        labels_cell = record["Value Labels (if picklist)"] or ""
        if not names_cell.strip() or names_cell.strip().startswith("Use ISO"):
            continue  # free text, or served by the countries / languages reference data
        names, labels = split_cell(names_cell), split_cell(labels_cell)
        if len(names) != len(labels):
            raise BuildError(f"{path}:{line} {field}: {len(names)} value names but "
                             f"{len(labels)} value labels")
        pairs = []
        for value, label in zip(names, labels, strict=True):
            if not value and not label:
                notes.append(f"{field}: dropped an empty line from the value cells")
                continue
            if not value or not label:
                raise BuildError(f"{path}:{line} {field}: value {value!r} with label {label!r}")
            pairs.append((value, label))
        raw = [*names_cell.split("\n"), *labels_cell.split("\n")]
        if any(part != part.strip() for part in raw if part.strip()):
            notes.append(f"{field}: stripped surrounding whitespace from values or labels")
        if field in seen_fields or len({v for v, _ in pairs}) != len(pairs):
            raise BuildError(f"{path}:{line} {field}: duplicate field or duplicate values")
        seen_fields.add(field)
        rows += [{"field": field, "value": value, "label": label, "order": order,
                  "source": "htcds"} for order, (value, label) in enumerate(pairs, start=1)]

    for field, extensions in PICKLIST_EXTENSIONS.items():
        existing = [r for r in rows if r["field"] == field]
        if not existing:
            raise BuildError(f"PICKLIST_EXTENSIONS: {field} is not an HTCDS picklist")
        clashes = {v for v, _ in extensions} & {r["value"] for r in existing}
        if clashes:
            raise BuildError(f"PICKLIST_EXTENSIONS: {field} already has {sorted(clashes)}")
        position = rows.index(existing[-1]) + 1
        rows[position:position] = [
            {"field": field, "value": value, "label": label, "order": len(existing) + order,
             "source": "palermo"}
            for order, (value, label) in enumerate(extensions, start=1)
        ]
    return rows, notes


# --- output ---------------------------------------------------------------------------------

REGION_COLUMNS = ["scheme", "code", "name", "order"]
COUNTRY_COLUMNS = ["alpha3", "alpha2", "numeric", "name", "origin_region", "destination_region",
                   "key_source"]
PICKLIST_COLUMNS = ["field", "value", "label", "order", "source"]


def build_files(shared: Path) -> tuple[dict[str, str], list[str]]:
    """File name -> CSV text for the three data files, plus cleanup notes."""
    regions, countries = build_countries(shared)
    picklists, notes = build_picklists(shared)
    files = {
        "regions.csv": to_csv(REGION_COLUMNS, ([r[c] for c in REGION_COLUMNS] for r in regions)),
        "countries.csv": to_csv(COUNTRY_COLUMNS,
                                ([r[c] for c in COUNTRY_COLUMNS] for r in countries)),
        "htcds_picklists.csv": to_csv(PICKLIST_COLUMNS,
                                      ([r[c] for c in PICKLIST_COLUMNS] for r in picklists)),
    }
    return files, notes


def markdown(shared: Path) -> str:
    """Origin key, destination additions and aliases as Markdown, for docs/reference-data.md."""
    countries = iso_countries()
    _, printed = load_layout(shared)

    def label(code: str) -> str:
        return f"{countries[code]['name']} ({code})"

    out = ["### Origin key", "", "| Region of origin | Countries |", "| --- | --- |"]
    for region, codes in ORIGIN_KEY.items():
        names = sorted(codes, key=lambda c: countries[c]["name"])
        out.append(f"| {region} | {'; '.join(label(c) for c in names)} |")
    out += ["", "### Printed destination key with ISO codes", "",
            "| Destination region | Countries as printed (ISO alpha-3) |", "| --- | --- |"]
    for region, names in printed.items():
        listed = ", ".join(f"{n} ({'/'.join(resolve_printed_name(n, countries))})" for n in names)
        out.append(f"| {region} | {listed} |")
    out += ["", "### Palermo's destination additions", "",
            "| Destination region | Countries added by Palermo |", "| --- | --- |"]
    for region, additions in DESTINATION_ADDITIONS.items():
        names = sorted((code for code, _ in additions), key=lambda c: countries[c]["name"])
        out.append(f"| {region} | {'; '.join(label(c) for c in names) or '(none)'} |")
    out += ["", "#### Reasons for the less obvious additions", "",
            "| Country | Destination region | Reason |", "| --- | --- | --- |"]
    for region, additions in DESTINATION_ADDITIONS.items():
        for code, reason in sorted(additions, key=lambda a: countries[a[0]]["name"]):
            if reason:
                out.append(f"| {label(code)} | {region} | {reason} |")
    out += ["", "### Printed names that are not ISO names", "",
            "| Printed name | ISO 3166-1 country |", "| --- | --- |"]
    for name, codes in PRINTED_NAME_ALIASES.items():
        out.append(f"| {name} | {'; '.join(label(c) for c in codes)} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the data files; print cleanup notes to stderr."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", default="../shared", type=Path,
                        help="the shared directory holding data/ (default: ../shared)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the data files differ from what the sources produce")
    parser.add_argument("--markdown", action="store_true",
                        help="print the key tables as Markdown instead of writing files")
    args = parser.parse_args(argv)
    try:
        if args.markdown:
            sys.stdout.write(markdown(args.shared))
            return 0
        files, notes = build_files(args.shared)
    except (BuildError, OSError, KeyError) as error:
        print(f"build_reference_data: {error}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"note: {note}", file=sys.stderr)

    stale = []
    for name, text in files.items():
        path = OUTPUT_DIR / name
        data = text.encode("utf-8")
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path.relative_to(PROJECT_ROOT)} ({text.count(chr(10)) - 1} rows)")
    if stale:
        print(f"out of date: {', '.join(stale)} (pycountry {pycountry_version()})", file=sys.stderr)
        return 1
    return 0


def pycountry_version() -> str:
    """The installed pycountry version; country names change between releases."""
    from importlib.metadata import version

    return version("pycountry")


if __name__ == "__main__":
    sys.exit(main())

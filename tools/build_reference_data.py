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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_keys import (  # noqa: E402 - the tables beside this script
    CTM_YAML,
    DESTINATION_ADDITIONS,
    DESTINATION_OTHER,
    EXTRA_COUNTRIES,
    HTCDS_CSV,
    ORIGIN_KEY,
    PICKLIST_EXTENSIONS,
    PRINTED_NAME_ALIASES,
)


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

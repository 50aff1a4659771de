"""Helpers that keep the instrument definitions short and readable.

``q("select_one yn", "force", "Was force used?", sensitive=True, palermo_field=...)`` is one
row of the survey sheet. Keyword names are XLSForm columns; ``label``, ``hint``,
``constraint_message`` and ``required_message`` go to the English column
(``label::English (en)`` …) and ``label_ru`` to the Russian one. ``True`` is written ``yes``.
"""

from __future__ import annotations

import csv
from pathlib import Path

ENGLISH = "English (en)"
RUSSIAN = "Russian (ru)"
TRANSLATED = ("label", "hint", "constraint_message", "required_message")
DATA = Path(__file__).resolve().parents[2] / "palermo" / "core" / "data"
PICKLISTS = DATA / "htcds_picklists.csv"

Row = dict[str, str]


def _cell(value) -> str:
    if value is True:
        return "yes"
    if value is False or value is None:
        return ""
    return str(value)


def q(type_: str, name: str, label: str = "", **columns) -> Row:
    """One survey row."""
    row: Row = {"type": type_, "name": name}
    if label:
        row[f"label::{ENGLISH}"] = label
    for key, value in columns.items():
        if key in TRANSLATED:
            row[f"{key}::{ENGLISH}"] = _cell(value)
        elif key == "label_ru":
            row[f"label::{RUSSIAN}"] = _cell(value)
        else:
            row[key] = _cell(value)
    return row


def note(name: str, label: str, **columns) -> Row:
    return q("note", name, label, **columns)


def group(name: str, label: str, rows: list[Row], **columns) -> list[Row]:
    """A group: ``begin group`` … ``end group``; ``relevant`` applies to every row in it."""
    return [q("begin group", name, label, **columns), *rows, q("end group", "")]


def repeat(name: str, label: str, rows: list[Row], **columns) -> list[Row]:
    return [q("begin repeat", name, label, **columns), *rows, q("end repeat", "")]


def flat(*parts) -> list[Row]:
    """Rows and lists of rows, flattened in order."""
    out: list[Row] = []
    for part in parts:
        if isinstance(part, dict):
            out.append(part)
        else:
            out.extend(flat(*part))
    return out


def options(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    return list(pairs)


def numbered(labels: list[str]) -> list[tuple[str, str]]:
    """Choices named a, b, c … (matrix items of the printed questionnaires)."""
    return [(chr(ord("a") + i), label) for i, label in enumerate(labels)]


def htcds(field: str, *, unknown: bool = True) -> list[tuple[str, str]]:
    """An HTCDS picklist from Palermo's own copy (palermo/core/data), the same codes the
    typed case fields store, followed by "Unknown" as palermo/cases/answers.py does."""
    with PICKLISTS.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["field"] == field]
    if not rows:
        raise KeyError(field)
    rows.sort(key=lambda r: int(r["order"]))
    pairs = [(r["value"], r["label"]) for r in rows]
    if unknown and "Unknown" not in {v for v, _ in pairs}:
        pairs.append(("Unknown", "Unknown"))
    return pairs


YES_NO = options(("yes", "Yes"), ("no", "No"))
YES_NO_UNKNOWN = options(("yes", "Yes"), ("no", "No"), ("unknown", "Don't know"))


def countries() -> list[tuple[str, str]]:
    """ISO 3166 alpha-3 codes and names from Palermo's own copy (palermo/core/data): the codes
    the typed country fields store."""
    path = PICKLISTS.with_name("countries.csv")
    with path.open(encoding="utf-8") as handle:
        return [(r["alpha3"], r["name"]) for r in csv.DictReader(handle)]

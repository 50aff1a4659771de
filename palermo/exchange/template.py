"""The Palermo case template: one row per case, a column for every field of the person and
the case that a user enters — so every CaseFact variable can be filled from a legacy
spreadsheet or a CTM-era record.

The columns are generated from the case module's models (:func:`columns`), so a field added
to a model appears in the template, its documentation and its validation at once. The
template is offered as CSV and XLSX (:func:`template_csv`, :func:`template_xlsx`) with a
second sheet (XLSX) describing every column; ``docs/import.md`` is written from
:func:`describe`.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import gettext as _

from palermo.cases.facts import FACT_FIELDS
from palermo.cases.models import Case, DataSource, Person
from palermo.core import spreadsheets
from palermo.exchange.fields import column
from palermo.exchange.importing import Layout, Record, run
from palermo.exchange.validation import Column, Problem

# Fields a user never enters: set by Palermo, or by a workflow with its own page.
PERSON_SKIPPED = {"id", "organisation", "registered_by", "registered_at", "erased_at",
                  "merged_into", "name_index", "birth_date_index", "identity_number_index",
                  "phone_index"}
# data_source is set by the channel: every case of this template is a template import.
CASE_SKIPPED = {"id", "organisation", "person", "number", "referred_by", "version",
                "data_source"}
# Template columns whose names would otherwise clash or say too little.
RENAMED = {("case", "status"): "case_status", ("case", "assigned_to"): "caseworker"}

# How each CaseFact variable is filled (the rest come from the column of the same name).
FACT_SOURCES = {
    "organisation_id": _("the organisation importing (--org)"),
    "person_key": _("computed from the person (pseudonymous)"),
    "year": "opened_on",
    "opened_on": "opened_on",
    "status": "case_status",
    "data_source": _("set by the import: template_import (not a column)"),
    "age": _("birth_date at identified_on (or opened_on); else age_at_exploitation"),
    "origin_region": _("origin_country, by the CTM region key"),
    "destination_country": _("the first of exploitation_countries"),
    "destination_region": _("exploitation_countries, by the CTM region key"),
    "is_retrafficked": _("computed: the person had an earlier case"),
}


def _model_columns(record: str, model, skipped: set[str]) -> list[Column]:
    found = []
    for field in model._meta.concrete_fields:
        if field.name in skipped or field.auto_created:
            continue
        key = RENAMED.get((record, field.name), field.name)
        found.append(column(key, f"{record}.{field.name}"))
    return found


@lru_cache(maxsize=1)
def columns() -> tuple[Column, ...]:
    """The template's columns: the person's fields, then the case's."""
    return tuple(_model_columns("person", Person, PERSON_SKIPPED)
                 + _model_columns("case", Case, CASE_SKIPPED))


def fact_sources() -> dict[str, str]:
    """Every CaseFact variable and the template column(s) it is computed from."""
    names = {c.key for c in columns()}
    return {name: str(FACT_SOURCES.get(name, name if name in names else "?"))
            for name in FACT_FIELDS}


class TemplateLayout(Layout):
    name = "template"
    title = _("Palermo case template")

    @property
    def columns(self) -> tuple[Column, ...]:  # type: ignore[override]
        return columns()

    def to_record(self, row: int, cells: dict, written: dict[str, str]
                  ) -> tuple[Record | None, list[Problem]]:
        parts: dict[str, dict] = {"person": {},
                                  "case": {"data_source": DataSource.TEMPLATE_IMPORT.value}}
        for col in self.columns:
            if col.key not in cells:
                continue
            record, name = col.target.split(".", 1)
            if col.kind in ("country", "user"):
                name += "_id"
            parts[record][name] = cells[col.key]
        return Record(row=row, person=parts["person"], case=parts["case"]), []


LAYOUT = TemplateLayout()


def import_cases(membership, content: bytes, filename: str, **options):
    """Import a file in the Palermo case template; see :func:`importing.run`."""
    return run(membership, content, filename, LAYOUT, **options)


def describe() -> list[dict[str, str]]:
    """One line per column: name, label, kind, required, allowed values, notes."""
    lines = []
    for col in columns():
        if col.kind in ("choice", "multi", "codes"):
            allowed = ", ".join(v for v, _label in col.options)
            if len(col.options) > 40:
                allowed = _("%(n)d codes (see the reference data)") % {"n": len(col.options)}
        elif col.kind in ("country", "countries"):
            allowed = _("ISO 3166 code (alpha-3 or alpha-2) or English name")
        elif col.kind == "date":
            allowed = _("YYYY-MM-DD (also d/m/Y or m/d/Y with --date-order, Excel dates)")
        elif col.kind == "user":
            allowed = _("user name of a member of the organisation")
        elif col.kind == "integer":
            allowed = _("whole number")
        else:
            allowed = _("text") + (f" (≤ {col.max_length})" if col.max_length else "")
        notes = []
        if col.kind in ("multi", "countries", "codes"):
            notes.append(_("several values separated by ; , or |"))
        if col.identifying:
            notes.append(_("identity data: stored encrypted"))
        if col.help:
            notes.append(col.help)
        lines.append({"column": col.key, "label": col.label, "kind": col.kind,
                      "required": _("yes") if col.required else "", "allowed": allowed,
                      "notes": "; ".join(notes)})
    return lines


def template_csv() -> bytes:
    """The empty template as CSV (header row only), UTF-8 with a byte-order mark so that
    spreadsheet programs read accents correctly."""
    return spreadsheets.csv_bytes([[c.key for c in columns()]])


def template_xlsx() -> bytes:
    """The empty template as XLSX: sheet "cases" (the header row) and sheet "columns" (what
    each column takes)."""
    from openpyxl.styles import Font

    book = spreadsheets.Workbook()
    sheet = book.active
    sheet.title = "cases"
    sheet.append([c.key for c in columns()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    guide = book.create_sheet("columns")
    lines = describe()
    guide.append(list(lines[0]))
    for line in lines:
        guide.append(list(line.values()))
    return book.to_bytes()


def markdown_table() -> str:
    """The column reference of ``docs/import.md``."""
    rows = ["| column | label | kind | required | allowed values | notes |",
            "| --- | --- | --- | --- | --- | --- |"]
    rows += [f"| `{d['column']}` | {d['label']} | {d['kind']} | {d['required']} | "
             f"{d['allowed']} | {d['notes']} |" for d in describe()]
    return "\n".join(rows)

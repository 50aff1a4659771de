"""Writing CSV and XLSX files that are safe to open in a spreadsheet program.

Catalogue text comes from outside (imported catalogues, summaries typed by anyone), so a text
cell that begins like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return) must
not become one (OWASP's rule against CSV injection):

- **CSV**: such a cell is written with a single quote in front (quotes already in front count,
  so ``'=x`` is written ``''=x`` and reads back exactly); :func:`unneutralised` removes that
  quote when Palermo reads its own file back;
- **XLSX**: text is always written as a text cell, never a formula, and a cell that begins like
  a formula carries the *quote prefix* flag (what Excel sets when one types ``'=…``).

Interim: ``palermo/core/spreadsheets.py`` (the project's safe writer, added on another branch,
with the same rules) replaces this module: every CSV/XLSX file of the learning app is written
by :func:`write_table` and read back through :func:`unneutralised`, so switching is replacing
these two (``csv_bytes`` / ``Workbook``, ``without_neutralising_quote``).
"""

from __future__ import annotations

import csv
import io

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _like_formula(text: str) -> bool:
    return text.lstrip(QUOTE).startswith(TRIGGERS)


def neutralised(value):
    """*value* as a CSV cell: text beginning like a formula gets a single quote in front;
    anything else (numbers, ``None``) is returned unchanged."""
    if isinstance(value, str) and _like_formula(value):
        return QUOTE + value
    return value


def unneutralised(value):
    """A cell read back from a CSV file Palermo wrote: the quote of :func:`neutralised`
    removed; anything else unchanged."""
    if isinstance(value, str) and value.startswith(QUOTE) and _like_formula(value):
        return value[1:]
    return value


def write_table(fmt: str, header: list[str], rows: list[list], *, title: str = "") -> bytes:
    """A table as CSV (UTF-8 with a byte-order mark, which spreadsheet programs need to read
    accents) or XLSX (one sheet named *title*, bold header, frozen first row)."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([neutralised(h) for h in header])
        writer.writerows([neutralised(v) for v in row] for row in rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt != "xlsx":
        raise ValueError(f"format: csv or xlsx, not {fmt!r}")
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = (title or "Sheet")[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl makes "=…" a formula: text stays text
                cell.quotePrefix = cell.value.startswith(TRIGGERS)
                if len(cell.value) > 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

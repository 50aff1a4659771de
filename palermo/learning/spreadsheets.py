"""Writing CSV and XLSX files that are safe to open in a spreadsheet program.

Catalogue text comes from outside (imported catalogues, summaries typed by anyone), so a cell
that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written
with a leading apostrophe: OWASP's neutralisation of CSV injection. :func:`unneutralised`
undoes it when Palermo reads its own file back.

Interim: ``palermo/core/spreadsheets.py`` (the project's safe writer, being added on another
branch) will replace :func:`write_table`; every CSV/XLSX file of the learning app is written
through this one function, so switching is a one-line change.
"""

from __future__ import annotations

import csv
import io

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralised(value):
    """*value* as a cell: text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def unneutralised(value):
    """A cell read back from a file Palermo wrote: the apostrophe of :func:`neutralised`
    removed."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] and \
            value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


def write_table(fmt: str, header: list[str], rows: list[list], *, title: str = "") -> bytes:
    """A table as CSV (UTF-8 with a byte-order mark, which spreadsheet programs need to read
    accents) or XLSX (one sheet named *title*, bold header, frozen first row); every text
    cell neutralised."""
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
    sheet.append([neutralised(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralised(v) for v in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and len(cell.value) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

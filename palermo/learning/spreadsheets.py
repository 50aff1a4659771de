"""The learning app's tables as CSV or XLSX, through the project's safe writer
(``palermo.core.spreadsheets``): catalogue text comes from outside, so a text cell that begins
like a formula never becomes one (OWASP's rule against CSV injection), and Palermo's own
quote is removed when a catalogue it wrote is read back (:func:`unneutralised`)."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font

from palermo.core import spreadsheets

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def unneutralised(value):
    """A cell read back from a CSV file Palermo wrote: the neutralising quote removed;
    anything that is not text unchanged."""
    if isinstance(value, str):
        return spreadsheets.without_neutralising_quote(value)
    return value


def write_table(fmt: str, header: list[str], rows: list[list], *, title: str = "") -> bytes:
    """A table as CSV (UTF-8 with a byte-order mark, which spreadsheet programs need to read
    accents) or XLSX (one sheet named *title*, bold header, frozen first row, long text
    wrapped)."""
    if fmt == "csv":
        return spreadsheets.csv_bytes([header, *rows])
    if fmt != "xlsx":
        raise ValueError(f"format: csv or xlsx, not {fmt!r}")
    book = spreadsheets.Workbook()
    sheet = book.active
    sheet.title = (title or "Sheet")[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and len(cell.value) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    return book.to_bytes()

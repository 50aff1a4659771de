"""The one writer of CSV and XLSX files: every file Palermo hands out goes through here.

A value a person typed (a family name, a place, a note) can begin like a spreadsheet
formula: ``=HYPERLINK("http://evil.example","x")`` in a family name becomes a live link,
or worse, in the spreadsheet program of whoever opens the export. So:

- **CSV**: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is written with a single quote in front (OWASP's rule against CSV injection); the
  spreadsheet shows the text, and no program evaluates it. Numbers stay numbers: only
  text (``str``) is ever changed, so ``-3`` (an ``int``) is written as ``-3``.
- **XLSX**: text is always written as text, never as a formula, and a text cell that begins
  like a formula carries the cell's *quote prefix* flag (what Excel sets when one types
  ``'=…``): the cell shows the text as it is, and editing it does not turn it into a
  formula. Numbers, dates and booleans keep their types.

Use :func:`csv_writer` / :func:`dict_writer` in place of ``csv.writer`` / ``csv.DictWriter``,
:func:`frame_csv` in place of ``DataFrame.to_csv`` and :class:`Workbook` in place of
``openpyxl.Workbook``; ``tests/core/test_spreadsheets.py`` fails when a module writes CSV
or XLSX otherwise. On the way back in, :func:`without_neutralising_quote` undoes the quote
of the first rule, so a file exported by Palermo imports back unchanged.

This module lives in ``core`` so that every layer may import it; it imports no Palermo app.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

import openpyxl
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# The first characters that make a spreadsheet program read a cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _quoted_formula(text: str) -> bool:
    # Quotes in front of a formula count too: "'=x" is written "''=x", so that reading a
    # file back (without_neutralising_quote) gives exactly what was written.
    return text.lstrip(QUOTE).startswith(FORMULA_START)


def neutralise(value: Any) -> Any:
    """*value* made inert for a CSV cell: text that begins like a formula gets a single quote
    in front; anything that is not text (a number, a date, ``None``) is returned unchanged."""
    if isinstance(value, str) and _quoted_formula(value):
        return QUOTE + value
    return value


def without_neutralising_quote(text: str) -> str:
    """The inverse of :func:`neutralise` for a cell read back from a file: ``'=x`` → ``=x``,
    ``'+999 1234`` → ``+999 1234``; any other text is returned as it is."""
    if text.startswith(QUOTE) and _quoted_formula(text):
        return text[1:]
    return text


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet program evaluate *text* typed into a cell? ``=…`` and ``@…`` always;
    ``+…`` or ``-…`` unless it is a number or a phone number (``+999 123 4567``, ``-3``)."""
    if not text:
        return False
    if text[0] in "=@":
        return True
    if text[0] in "+-":
        return not all(c.isdigit() or c in " ()-./" for c in text[1:])
    return False


# -- CSV -------------------------------------------------------------------------------------

class _CsvWriter:
    """``csv.writer`` whose rows are neutralised first."""

    def __init__(self, stream, **fmtparams):
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _DictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose values are neutralised first (the header is Palermo's own)."""

    def writerow(self, rowdict: Mapping[str, Any]):
        return super().writerow({k: neutralise(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def csv_writer(stream, **fmtparams) -> _CsvWriter:
    """A writer like ``csv.writer(stream, **fmtparams)`` that neutralises every text cell."""
    return _CsvWriter(stream, **fmtparams)


def dict_writer(stream, fieldnames: list[str], **kwargs) -> _DictWriter:
    """A writer like ``csv.DictWriter(stream, fieldnames)`` that neutralises every value."""
    return _DictWriter(stream, fieldnames, **kwargs)


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """*rows* as CSV text (the first row is usually the header)."""
    out = io.StringIO()
    csv_writer(out).writerows(rows)
    return out.getvalue()


def csv_bytes(rows: Iterable[Iterable[Any]], *, bom: bool = True) -> bytes:
    """*rows* as UTF-8 CSV bytes; with a byte-order mark (the default) spreadsheet programs
    read accents correctly."""
    return (("\ufeff" if bom else "") + csv_text(rows)).encode("utf-8")


def dicts_csv(rows: Iterable[Mapping[str, Any]], fieldnames: list[str]) -> str:
    """Dicts as CSV text with a header row of *fieldnames*."""
    out = io.StringIO()
    writer = dict_writer(out, fieldnames)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def frame_csv(frame) -> str:
    """A pandas DataFrame as CSV text (no index), its text cells neutralised."""
    copied = False
    for name in frame.columns:
        column = frame[name]
        if column.dtype != object and str(column.dtype) not in ("string", "str"):
            continue  # numbers, dates: never changed
        # Vectorised: a release has hundreds of thousands of rows. Non-text cells of an
        # object column do not match (na=False).
        risky = column.str.match(r"'*[=+\-@\t\r]", na=False)
        if risky.any():
            if not copied:
                frame, copied = frame.copy(), True
            frame.loc[risky, name] = QUOTE + column[risky]
    return frame.to_csv(index=False)


# -- XLSX ------------------------------------------------------------------------------------

def _as_text(cell) -> None:
    """Make *cell* a text cell if it holds text (openpyxl makes ``"=…"`` a formula), with the
    quote-prefix flag where the text begins like a formula."""
    value = cell._value
    if not isinstance(value, str):
        if cell.data_type == "f":  # ArrayFormula, DataTableFormula: never written by Palermo
            raise TypeError("Palermo writes no spreadsheet formula")
        return
    cell.data_type = "s"
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True


class _WriteOnlySheet(WriteOnlyWorksheet):
    """A streamed sheet whose text cells are written as text."""

    def _values_to_row(self, values, row_idx):
        for cell in super()._values_to_row(values, row_idx):
            _as_text(cell)
            yield cell


class Workbook(openpyxl.Workbook):
    """``openpyxl.Workbook`` that writes text as text: on saving, every text cell of its
    sheets (streamed sheets: as each row is appended) becomes a text cell, never a formula,
    with the quote-prefix flag where it begins like one."""

    def create_sheet(self, title=None, index=None):
        if self.write_only:
            sheet = _WriteOnlySheet(parent=self, title=title)
            self._add_sheet(sheet=sheet, index=index)
            return sheet
        return super().create_sheet(title, index)

    def save(self, filename) -> None:
        for sheet in self.worksheets:
            if not isinstance(sheet, WriteOnlyWorksheet):
                for cell in sheet._cells.values():  # the cells written (not the empty ones)
                    _as_text(cell)
        super().save(filename)

    def to_bytes(self) -> bytes:
        """The workbook as the bytes of an XLSX file."""
        out = io.BytesIO()
        self.save(out)
        return out.getvalue()


def xlsx_bytes(sheets: Iterable[tuple[str, Iterable[Iterable[Any]]]]) -> bytes:
    """An XLSX file of plain sheets, ``(title, rows)`` each, streamed (large exports)."""
    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    return book.to_bytes()

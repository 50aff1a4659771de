"""A funding list as rows of cells, numbered as the user sees them (the line of a text file,
the row of a spreadsheet). Every row is kept — titles, header rows repeated mid-list, blank
lines, subtotals — because the check reports them."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _


class UnreadableList(ValueError):
    """The file cannot be read as a list at all (the reason is in words)."""


def _text(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise UnreadableList(_("The file is not text in UTF-8 or Windows-1252."))


def _delimited(content: bytes, delimiter: str | None) -> list[tuple[int, list[str]]]:
    text = _text(content)
    if delimiter is None:  # a .csv: comma or semicolon, whichever splits the lines more
        sample = text.splitlines()[:50]
        delimiter = max((";", ",", "\t"), key=lambda d: sum(line.count(d) for line in sample))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise UnreadableList(_("Line %(line)d cannot be read: %(error)s")
                             % {"line": reader.line_num, "error": exc}) from exc


def _spreadsheet(content: bytes) -> list[tuple[int, list]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableList(_("The spreadsheet cannot be opened (truncated or not an "
                               "XLSX file).")) from exc
    try:
        return [(n, list(row)) for n, row in
                enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def read_rows(content: bytes, filename: str) -> list[tuple[int, list]]:
    """The rows of a TSV, CSV or XLSX file, each with its line or row number."""
    if not content or not content.strip():
        raise UnreadableList(_("The file is empty."))
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _spreadsheet(content)
    if suffix in (".tsv", ".tab", ".txt"):
        return _delimited(content, "\t")
    if suffix == ".csv":
        return _delimited(content, None)
    raise UnreadableList(_("Unknown file type “%(suffix)s”: use .tsv, .csv or .xlsx.")
                         % {"suffix": suffix or "?"})

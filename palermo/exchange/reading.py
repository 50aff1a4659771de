"""Reading CSV, XLSX and JSON files into one shape: headers and numbered rows.

A :class:`Table` keeps each row's number *as the user sees it in the file* (the spreadsheet
row, the CSV line counted from 1 for the header, the JSON record counted from 1), so every
error can name it. Files that cannot be read at all raise :class:`UnreadableFile` with a
reason in words.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.utils.translation import gettext as _

# How many rows at the top of a sheet may hold titles or a second (label) header row.
HEADER_SCAN_ROWS = 6


class UnreadableFile(ValueError):
    """The file is empty, truncated, of an unknown kind or has no recognisable header."""


@dataclass
class Table:
    """Header cells as written, and rows of raw values keyed by column position."""

    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)  # (file row number, values)
    kind: str = "csv"


def kind_of(filename: str) -> str:
    """``csv``, ``xlsx`` or ``json`` from the file name's extension."""
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".json":
        return "json"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise UnreadableFile(_("Unknown file type “%(suffix)s”: use .csv, .xlsx or .json.")
                         % {"suffix": suffix or "?"})


def read_table(content: bytes, filename: str,
               pick_header: Callable[[list[list]], int] | None = None) -> Table:
    """Read *content* (the bytes of *filename*). *pick_header* receives the first rows and
    returns the index of the header row among them (default: the first non-empty row)."""
    if not content or not content.strip():
        raise UnreadableFile(_("The file is empty."))
    kind = kind_of(filename)
    if kind == "json":
        return _read_json(content)
    raw_rows = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    return _tabulate(raw_rows, kind, pick_header)


def _tabulate(raw_rows: Iterator[tuple[int, list]], kind: str,
              pick_header: Callable[[list[list]], int] | None) -> Table:
    top = [numbered for numbered in islice(raw_rows, HEADER_SCAN_ROWS)
           if any(_filled(v) for v in numbered[1])]
    if not top:
        raise UnreadableFile(_("The file has no header row."))
    at = pick_header([r for _n, r in top]) if pick_header else 0
    header_number, header = top[at]
    table = Table(headers=["" if v is None else str(v) for v in header], kind=kind)
    # Rows above the header (titles) are skipped; every row below it is data — empty rows
    # too, so that numbering stays that of the file (the importer skips empty ones).
    table.rows = [(n, r) for n, r in top if n > header_number]
    table.rows += list(raw_rows)
    return table


def _filled(value) -> bool:
    return value is not None and str(value).strip() != ""


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The file is not text in UTF-8 or Windows-1252."))


def _csv_rows(content: bytes) -> Iterator[tuple[int, list]]:
    text = _decode(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise UnreadableFile(_("Line %(line)d cannot be read as CSV: %(error)s")
                             % {"line": reader.line_num, "error": exc}) from exc


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(_("The spreadsheet cannot be opened (truncated or not an XLSX "
                               "file).")) from exc
    sheet = book.worksheets[0]
    try:
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(_("The spreadsheet is damaged after row %(row)d.")
                             % {"row": number}) from exc
    finally:
        book.close()


def _read_json(content: bytes) -> Table:
    try:
        data = json.loads(_decode(content))
    except json.JSONDecodeError as exc:
        raise UnreadableFile(_("Not valid JSON (line %(line)d, column %(col)d).")
                             % {"line": exc.lineno, "col": exc.colno}) from exc
    if isinstance(data, dict):
        data = data.get("records", data.get("rows", data.get("cases")))
    if not isinstance(data, list) or not data:
        raise UnreadableFile(_("Expected a list of records (or {\"records\": [...]})."))
    headers: list[str] = []
    for record in data:
        if not isinstance(record, dict):
            raise UnreadableFile(_("Every record must be an object of field: value."))
        headers += [k for k in record if k not in headers]
    rows = [(number, [record.get(h) for h in headers])
            for number, record in enumerate(data, start=1)]
    return Table(headers=headers, rows=rows, kind="json")

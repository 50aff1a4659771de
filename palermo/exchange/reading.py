"""Reading CSV, XLSX and JSON files into one shape: headers and numbered rows.

A :class:`Table` keeps each row's number *as the user sees it in the file* (the spreadsheet
row, the CSV line counted from 1 for the header, the JSON record counted from 1), so every
error can name it. Files that cannot be read at all raise :class:`UnreadableFile` with a
reason in words; rows that were read but cannot be trusted (cut off, separated otherwise
than the header, holding nested values) are listed in :attr:`Table.problems`.

Nothing read from the file is ever repeated in a reason: a file is full of names and birth
dates, and a reason is shown, printed and logged.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.utils.translation import gettext as _

# How many rows at the top of a sheet may hold titles or a second (label) header row.
HEADER_SCAN_ROWS = 6
# An XLSX file is a ZIP archive: a few megabytes can unpack to gigabytes.
MAX_UNPACKED = 2 * 1024**3
SEPARATORS = ",;\t"
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s/>]")


class UnreadableFile(ValueError):
    """The file is empty, truncated, of an unknown kind or has no recognisable header."""


class UncomputedFormula:
    """A spreadsheet cell holding a formula whose result was never saved in the file
    (written by a program other than a spreadsheet): its value is unknown."""

    def __repr__(self) -> str:
        return "UncomputedFormula()"


UNCOMPUTED = UncomputedFormula()


@dataclass
class Table:
    """Header cells as written, and rows of raw values keyed by column position."""

    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)  # (file row number, values)
    kind: str = "csv"
    problems: dict[int, str] = field(default_factory=dict)  # row number -> why it is refused
    remarks: dict[int, str] = field(default_factory=dict)  # row number -> a warning


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
                         % {"suffix": suffix[:12] or "?"})


def read_table(content: bytes, filename: str,
               pick_header: Callable[[list[list]], int] | None = None) -> Table:
    """Read *content* (the bytes of *filename*). *pick_header* receives the first rows and
    returns the index of the header row among them (default: the first non-empty row)."""
    if not content or not content.strip():
        raise UnreadableFile(_("The file is empty."))
    kind = kind_of(filename)
    _check_content_matches(content, kind)
    if kind == "json":
        return _read_json(content)
    if kind == "xlsx":
        return _tabulate(_xlsx_rows(content), kind, pick_header)
    text = _decode(content)
    if "\x00" in text:
        raise UnreadableFile(_("The file holds NUL bytes: it is not a text file."))
    dialect = _dialect(text)
    table = _tabulate(_csv_rows(text, dialect), kind, pick_header)
    _check_csv_shape(table, text, dialect.delimiter)
    return table


def _check_content_matches(content: bytes, kind: str) -> None:
    """Refuse a file whose content is of another kind than its name says (its content would
    otherwise be read as what it is not, and shown back as unknown column names)."""
    is_zip = content.startswith(b"PK\x03\x04")
    if kind == "xlsx" and not is_zip:
        raise UnreadableFile(_("The file is named .xlsx but is not an XLSX spreadsheet."))
    if kind != "xlsx" and is_zip:
        raise UnreadableFile(_("The file is a spreadsheet or another archive, not %(kind)s: "
                               "name an XLSX file .xlsx.") % {"kind": kind.upper()})
    if kind == "csv" and content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        raise UnreadableFile(_("The file holds JSON, not CSV: name it .json."))


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


# -- CSV ------------------------------------------------------------------------------------

def _decode(content: bytes) -> str:
    """The text of a CSV or JSON file: UTF-8 (with or without a byte-order mark), UTF-16 with
    its byte-order mark, or Windows-1252 throughout — a file in two encodings is refused,
    naming its lines that are not UTF-8."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(_("The file begins as UTF-16 text but is not.")) from exc
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = content.splitlines()
    if any(not line.isascii() and _utf8(line) for line in lines):
        # Some lines with accents are UTF-8, others are not: two encodings. (Line by line,
        # not byte pair by byte pair: "Straße“" in Windows-1252 holds a pair that is valid
        # UTF-8, but never a whole line of accented text.)
        lines = [n for n, line in enumerate(lines, start=1) if not _utf8(line)]
        shown = ", ".join(map(str, lines[:10])) + (", …" if len(lines) > 10 else "")
        raise UnreadableFile(_(
            "The file mixes two encodings: line(s) %(lines)s are not UTF-8 while the rest "
            "is. Names on those lines would be misread; save the file again as UTF-8 "
            "(“CSV UTF-8”) and import it again.") % {"lines": shown})
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(_("The file is not text in UTF-8 or Windows-1252.")) from exc


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _dialect(text: str):
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=SEPARATORS)
    except csv.Error:
        return csv.excel


def _csv_rows(text: str, dialect) -> Iterator[tuple[int, list]]:
    # strict: a quote left open, or text after a closing quote, is an error rather than
    # the rest of the file silently swallowed into one cell.
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    start = 1  # the line the row being read begins on
    try:
        for row in reader:
            yield reader.line_num, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFile(_("Line %(line)d cannot be read as CSV: %(reason)s")
                             % {"line": reader.line_num,
                                "reason": _csv_reason(exc, start)}) from exc


def _csv_reason(exc: csv.Error, start: int) -> str:
    message = str(exc)
    if "end of data" in message:
        return _("the quoted value begun on line %(start)d is not closed (a \" without its "
                 "pair), so the rest of the file would be read as one value.") % {
            "start": start}
    if "expected after" in message:
        return _("a quote (\") stands in the middle of a value; put quotes around the whole "
                 "value and double the quotes inside it.")
    if "field limit" in message:
        return _("a value is longer than %(n)s characters.") % {
            "n": f"{csv.field_size_limit():,}"}
    return _("the file is not valid CSV.")


def _check_csv_shape(table: Table, text: str, delimiter: str) -> None:
    """Rows that a CSV reader takes in but that cannot be what the file meant: the last row
    when the file ends in the middle of it, and rows separated otherwise than the header."""
    width = len(table.headers)
    others = [s for s in SEPARATORS if s != delimiter]
    for number, values in table.rows:
        if len(values) > width and any(_filled(v) for v in values[width:]):
            table.problems[number] = _(
                "This row has more values than the header has columns: a separator or a quote "
                "is out of place, or the row is separated otherwise than the header.")
        elif len(values) == 1 and width > 2 and any(s in values[0] for s in others):
            table.problems[number] = _(
                "This row is separated by another character than the header (, ; or tab): "
                "its values cannot be told apart.")
    if table.rows and not text.endswith(("\n", "\r")):
        number, values = table.rows[-1]
        if number in table.problems:
            return
        if len(values) < width:
            table.problems[number] = _(
                "The file ends in the middle of this row (it has fewer values than the header "
                "and no line break): the file seems cut off. Check it is complete.")
        else:
            table.remarks[number] = _(
                "The file does not end with a line break: check that this last row is "
                "complete (a file cut off in its last value looks the same).")


# -- XLSX -----------------------------------------------------------------------------------

def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list]]:
    """The first sheet's rows. A damaged workbook (parts missing, truncated or not XML, a
    shared string out of range …) is refused, whatever openpyxl raises on it."""
    import warnings

    import openpyxl

    unreadable = _("The spreadsheet cannot be opened: it is damaged, truncated or not an "
                   "XLSX file. Save it again from your spreadsheet program.")
    _check_archive(content)
    number = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's remarks on unsupported extensions
        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True,
                                          data_only=True)
        except Exception as exc:  # noqa: BLE001 — openpyxl, zipfile and the XML parsers
            raise UnreadableFile(unreadable) from exc  # raise a dozen kinds on bad files
        try:
            if not book.worksheets:
                raise UnreadableFile(_("The workbook has no sheet."))
            sheet = book.worksheets[0]
            formulas = _formula_cells(content, sheet)
            sheet.reset_dimensions()  # a sheet's declared size can be anything: read its rows
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                values = list(row)
                for column in formulas.get(number, ()):
                    if column < len(values) and values[column] is None:
                        values[column] = UNCOMPUTED
                yield number, values
        except UnreadableFile:
            raise
        except Exception as exc:  # noqa: BLE001 — as above, while reading the rows
            raise UnreadableFile(_("The spreadsheet is damaged after row %(row)d: save it "
                                   "again from your spreadsheet program.")
                                 % {"row": number}) from exc
        finally:
            book.close()


def _check_archive(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(_("The spreadsheet cannot be opened: it is truncated or not an "
                               "XLSX file.")) from exc
    if unpacked > MAX_UNPACKED:
        raise UnreadableFile(_("The spreadsheet unpacks to more than %(n)d GB: split it.")
                             % {"n": MAX_UNPACKED // 1024**3})


def _formula_cells(content: bytes, sheet) -> dict[int, list[int]]:
    """Row number -> column positions of the sheet's formula cells, read only when the sheet
    holds a formula (a file written by a spreadsheet program keeps each formula's result,
    which is what is imported; a formula without it must not read as an empty cell)."""
    import openpyxl

    path = getattr(sheet, "_worksheet_path", "")
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(path) as part:
        tail = b""
        while chunk := part.read(1 << 20):
            if FORMULA_ELEMENT.search(tail + chunk):
                break
            tail = chunk[-16:]
        else:
            return {}
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        first = book.worksheets[0]
        first.reset_dimensions()
        found: dict[int, list[int]] = {}
        for row in first.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    found.setdefault(cell.row, []).append(cell.column - 1)
        return found
    finally:
        book.close()


# -- JSON -----------------------------------------------------------------------------------

def _read_json(content: bytes) -> Table:
    try:
        data = json.loads(_decode(content), parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UnreadableFile(_("Not valid JSON (line %(line)d, column %(col)d).")
                             % {"line": exc.lineno, "col": exc.colno}) from exc
    except RecursionError as exc:
        raise UnreadableFile(_("The JSON is nested too deeply to be a list of records."))\
            from exc
    except ValueError as exc:  # a number of thousands of digits …
        raise UnreadableFile(_("Not valid JSON: a value cannot be read.")) from exc
    if isinstance(data, dict):
        data = data.get("records", data.get("rows", data.get("cases")))
    if not isinstance(data, list) or not data:
        raise UnreadableFile(_("Expected a list of records (or {\"records\": [...]})."))
    headers: list[str] = []
    for record in data:
        if not isinstance(record, dict):
            raise UnreadableFile(_("Every record must be an object of field: value."))
        headers += [k for k in record if k not in headers]
    table = Table(headers=headers, kind="json")
    for number, record in enumerate(data, start=1):
        values = [record.get(h) for h in headers]
        if not all(_flat(v) for v in values):
            table.problems[number] = _("A value of this record is an object or a list of "
                                       "lists: give each field a value, or a list of values.")
            values = [v if _flat(v) else None for v in values]
        table.rows.append((number, values))
    return table


def _no_constant(name: str):
    raise ValueError("NaN and Infinity are not JSON")  # Python's json accepts them


def _flat(value) -> bool:
    if isinstance(value, list):
        return all(v is None or isinstance(v, str | int | float | bool) for v in value)
    return value is None or isinstance(value, str | int | float | bool)

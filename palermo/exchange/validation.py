"""The one validator of imported rows, shared by the HTCDS and the case-template imports.

A layout (``htcds.py``, ``template.py``) describes its columns as :class:`Column` objects;
this module resolves a file's headers to them (aliases, typos, non-breaking spaces, case,
order), parses every cell by its kind — text, date, integer, single or multiple choice,
country, countries, code list, caseworker, yes/no — and reports each refusal as a
:class:`Problem` naming the file row, the header as written and the reason.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _

from palermo.core.reference_data import read_countries
from palermo.core.spreadsheets import looks_like_formula, without_neutralising_quote
from palermo.exchange.reading import UncomputedFormula

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's leap-year bug included)
# Smaller numbers are not read as Excel dates: 60 in a birth-date column is an age or a
# slip, not 28 February 1900, and 2019 is a year, not 11 July 1905. 10000 is 1927-05-18.
MIN_SERIAL = 10_000
# In a header cell: a date, an international phone number, or a long run of digits (an
# identity or phone number).
DATA_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\+\s?\d|\d{5}")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What a spreadsheet shows instead of a value when a formula fails.
SPREADSHEET_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                      "#GETTING_DATA", "#SPILL!", "#CALC!"}
MULTI_SEPARATORS = re.compile(r"[;,|\n]")
DATE_ORDERS = ("dmy", "mdy")
YES = {"yes", "y", "true", "1", "x", "oui"}
NO = {"no", "n", "false", "0", "non"}


@dataclass(frozen=True)
class Column:
    """One importable column: its canonical header, where the value goes, how it is read.

    ``kind``: text, date, integer, choice, multi, country, countries, codes, user, yesno, or
    ``unused`` (recognised, read, not kept — listed once in the report). ``options`` maps
    each allowed value to its label (choices, multi, codes). ``identifying`` columns never
    have their value repeated in a report.
    """

    key: str
    target: str
    kind: str
    label: str = ""
    options: tuple[tuple[str, str], ...] = ()
    required: bool = False
    identifying: bool = False
    max_length: int | None = None
    help: str = ""
    aliases: tuple[str, ...] = ()
    past_only: bool = False
    soft: bool = False  # a value that cannot be read is left out with a warning


@dataclass(frozen=True)
class Problem:
    """A refusal (``error``) or a remark (``warning``) about one cell or row of the file."""

    row: int
    field: str
    reason: str
    severity: str = "error"

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "reason": self.reason,
                "severity": self.severity}


@dataclass
class Options:
    """How to read ambiguous input: ``date_order`` "dmy" or "mdy" for dates like 03/04/2020
    (None: refuse them); ``today`` for checks of dates in the future."""

    date_order: str | None = None
    today: dt.date = field(default_factory=dt.date.today)
    users: dict[str, int] = field(default_factory=dict)  # username (casefolded) -> user id


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason — never the value itself: a
    value in the wrong column, or a row the reader split wrongly, may be a name."""


def normalise_header(text) -> str:
    """Header comparison key: accents, spaces (also non-breaking), punctuation and case
    ignored — ``"  PRS_First\u00a0Name "`` and ``"prs_FirstName"`` are the same."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    return re.sub(r"[^0-9a-z]", "", "".join(c for c in text if not unicodedata.combining(c))
                  .casefold())


def key_of(text) -> str:
    """Comparison key of a picklist value or label: ``"Debt Bondage"`` = ``"DebtBondage"``."""
    return normalise_header(text)


# -- headers -------------------------------------------------------------------------------

@dataclass
class HeaderMap:
    """Which file column (position) feeds which :class:`Column`, and what was left over."""

    columns: dict[int, Column]
    written: dict[int, str]  # position -> the header as written in the file
    unknown: list[str]
    repeated: list[str]


def resolve_headers(headers: list[str], columns: Iterable[Column],
                    labels_row: list | None = None) -> HeaderMap:
    """Match the file's *headers* to *columns* by canonical name or alias. An empty header
    cell takes the label written below it (*labels_row*), as in the HTCDS spreadsheet."""
    lookup: dict[str, Column] = {}
    for column in columns:
        for name in (column.key, *column.aliases):
            lookup.setdefault(normalise_header(name), column)
    mapped: dict[int, Column] = {}
    written: dict[int, str] = {}
    unknown, repeated, seen = [], [], set()
    for position, header in enumerate(headers):
        text = str(header or "").strip()
        if not text and labels_row and position < len(labels_row):
            text = str(labels_row[position] or "").strip()
        if not text:
            continue
        column = lookup.get(normalise_header(text))
        if column is None:
            unknown.append(text)
            continue
        if column.key in seen:
            repeated.append(text)
            continue
        seen.add(column.key)
        mapped[position] = column
        written[position] = text
    return HeaderMap(mapped, written, unknown, repeated)


def header_score(row: list, columns: Iterable[Column]) -> int:
    """How well *row* names columns (to find the header row below titles): canonical names
    count twice, aliases and labels once — the HTCDS spreadsheet has both rows."""
    keys = {normalise_header(c.key) for c in columns}
    aliases = {normalise_header(a) for c in columns for a in c.aliases}
    found = [normalise_header(v) for v in row if v is not None]
    return sum(2 if v in keys else 1 if v in aliases else 0 for v in found)


def looks_like_data(header: str) -> bool:
    """Could this header cell be a value — a person's row taken for the header? Dates,
    numbers, phone and identity numbers, e-mail addresses and long text are never column
    names (a header such as "Year 2024" or "Address line 2" is)."""
    text = str(header).strip()
    return (len(text) > 60 or "@" in text or DATA_LIKE.search(text) is not None
            or re.fullmatch(r"[\d\s./:+()-]+", text) is not None)


# -- cells ----------------------------------------------------------------------------------

def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip().replace("\u00a0", ""))


def clean_text(value) -> str:
    text = str(value).replace("\u00a0", " ").strip()
    return " ".join(text.split()) if "\n" not in text else text


def parse_date(value, options: Options) -> dt.date:
    """A date from ISO text, d/m/Y or m/d/Y (by *options.date_order*; refused when
    ambiguous), ``31 Jan 2020``, YYYYMMDD, a spreadsheet date or an Excel serial number."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value)
    text = clean_text(value)
    if re.fullmatch(r"\d{1,7}(\.0+)?", text):
        return _serial(float(text))
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    iso = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](.+))?", text)
    if iso:
        if iso[4] is not None:
            _check_time(iso[4])
        return _date(int(iso[1]), int(iso[2]), int(iso[3]))
    parts = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})", text)
    if parts:
        first, second, year = int(parts[1]), int(parts[2]), parts[3]
        if len(year) != 4:
            raise CellError(_("Give the year in four digits."))
        if options.date_order == "mdy" or (options.date_order is None and first <= 12 < second):
            return _date(int(year), first, second)
        if options.date_order == "dmy" or second <= 12 < first or first == second:
            return _date(int(year), second, first)
        raise CellError(_("Ambiguous date: day and month could be either way round. Write "
                          "it as YYYY-MM-DD, or import with the date order stated "
                          "(--date-order dmy or mdy)."))
    for pattern in ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%d-%b-%Y"):
        try:
            return dt.datetime.strptime(text.replace(",", ""), pattern).date()
        except ValueError:
            continue
    raise CellError(_("Not a date (use YYYY-MM-DD)."))


def _date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(_("No such day in the calendar.")) from exc


def _check_time(text: str) -> None:
    """The time after a date (``10:30``, ``10:30:00.5Z``, ``10:30+01:00``) must be a time of
    day: ``25:00`` is not."""
    try:
        dt.time.fromisoformat(text)
    except ValueError as exc:
        raise CellError(_("Not a date: the time after it is not a time of day.")) from exc


def _serial(number: float) -> dt.date:
    if number != number or not MIN_SERIAL <= number < 2958466:  # NaN, or out of range
        raise CellError(_("A number is not a date here (an Excel date number has five "
                          "digits): write the date as YYYY-MM-DD."))
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def parse_integer(value) -> int:
    if isinstance(value, bool):
        raise CellError(_("Expected a whole number."))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        number = value
    else:
        text = clean_text(value)
        if not re.fullmatch(r"\d+(\.0+)?", text):
            raise CellError(_("Expected a whole number."))
        number = int(float(text))
    if number < 0 or number > 32767:
        raise CellError(_("Out of range."))
    return number


@lru_cache(maxsize=1)
def _country_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for row in read_countries():
        for name in (row["alpha3"], row["alpha2"], row["name"]):
            if name:
                lookup.setdefault(key_of(name), row["alpha3"])
    return lookup


def parse_country(value) -> str:
    """ISO 3166 alpha-3 from an alpha-3 or alpha-2 code or the English short name."""
    code = _country_lookup().get(key_of(value))
    if code is None:
        raise CellError(_("Unknown country (use an ISO 3166 code or the English name)."))
    return code


def split_multi(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [clean_text(v) for v in value if not blank(v)]
    return [p.strip() for p in MULTI_SEPARATORS.split(clean_text(value)) if p.strip()]


def _option_lookup(options: tuple[tuple[str, str], ...]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in options:
        lookup.setdefault(key_of(value), value)
        lookup.setdefault(key_of(label), value)
    return lookup


_lookups: dict[tuple, dict[str, str]] = {}


def parse_choice(value, column: Column) -> str:
    lookup = _lookups.get(column.options)
    if lookup is None:
        lookup = _lookups[column.options] = _option_lookup(column.options)
    found = lookup.get(key_of(value))
    if found is None:
        raise CellError(_("The value is not one of the allowed values (%(allowed)s).")
                        % {"allowed": _allowed_text(column.options)})
    return found


def _allowed_text(options) -> str:
    values = [v for v, _label in options]
    shown = ", ".join(values[:12])
    return shown + (", …" if len(values) > 12 else "")


def parse_yesno(value) -> bool:
    if isinstance(value, bool):
        return value
    text = key_of(value)
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("Expected yes or no."))


# Picklist and country cells repeat the same few texts thousands of times: their parsed
# value (or refusal) is remembered per column kind and options.
_memo: dict[tuple, object] = {}
MEMO_KINDS = ("choice", "multi", "codes", "country", "countries")


def parse_cell(value, column: Column, options: Options):
    """The Python value of one non-blank cell, or :class:`CellError`."""
    if column.kind in MEMO_KINDS and isinstance(value, str) and len(_memo) < 100_000:
        key = (column.target or column.key, column.kind, value)
        found = _memo.get(key)
        if found is None:
            try:
                found = _parse_cell(value, column, options)
            except CellError as exc:
                found = exc
            _memo[key] = found
        if isinstance(found, CellError):
            raise found
        return list(found) if isinstance(found, list) else found
    return _parse_cell(value, column, options)


def parse_text(value, column: Column) -> str:
    """Text as written. A quote that an export put in front of a formula-like value
    (``'=x``, ``'+999 1234``) is taken off again; an error a spreadsheet shows instead of a
    value (``#REF!``) is refused; the column's length limit (that of its model field)
    holds."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # spreadsheets turn numbers-as-text into floats
    text = clean_text(value)
    if text[:1] == "'":
        text = without_neutralising_quote(text)
    if column.max_length and len(text) > column.max_length:
        raise CellError(_("At most %(n)d characters.") % {"n": column.max_length})
    if CONTROL.search(text):
        raise CellError(_("Holds control characters (invisible bytes that are not text)."))
    if text[:1] == "#" and text in SPREADSHEET_ERRORS:
        raise CellError(_("A spreadsheet error instead of a value: correct the formula in "
                          "the file."))
    return text


def _parse_cell(value, column: Column, options: Options):
    if isinstance(value, UncomputedFormula):
        raise CellError(_("A formula whose result the file does not hold: open the file in "
                          "a spreadsheet program and save it, or paste the values."))
    kind = column.kind
    if kind == "text":
        return parse_text(value, column)
    if kind == "date":
        day = parse_date(value, options)
        if column.past_only and day > options.today:
            raise CellError(_("The date is in the future."))
        if day.year < 1900:
            raise CellError(_("The date is before 1900."))
        return day
    if kind == "integer":
        return parse_integer(value)
    if kind == "choice":
        return parse_choice(value, column)
    if kind in ("multi", "codes"):
        values = [parse_choice(v, column) for v in split_multi(value)]
        if len(set(values)) != len(values):
            raise CellError(_("A value is given twice."))
        return values
    if kind == "country":
        return parse_country(value)
    if kind == "countries":
        codes = [parse_country(v) for v in split_multi(value)]
        return list(dict.fromkeys(codes))
    if kind == "yesno":
        return parse_yesno(value)
    if kind == "user":
        user_id = options.users.get(clean_text(value).casefold())
        if user_id is None:
            raise CellError(_("Not the user name of an active member of the organisation."))
        return user_id
    if kind == "unused":
        return clean_text(value)
    raise AssertionError(f"unknown column kind {kind}")


def read_row(number: int, values: list, header_map: HeaderMap, options: Options
             ) -> tuple[dict[str, object], list[Problem]]:
    """The parsed cells of one row (column key -> value; blank cells left out) and its
    problems. Required columns that are blank are problems too."""
    cells: dict[str, object] = {}
    problems: list[Problem] = []
    for position, column in header_map.columns.items():
        value = values[position] if position < len(values) else None
        if blank(value):
            continue
        try:
            cells[column.key] = parse_cell(value, column, options)
        except CellError as exc:
            reason = str(exc)
            if column.soft:
                reason += " " + _("Left out.")
            problems.append(Problem(number, header_map.written[position], reason,
                                    severity="warning" if column.soft else "error"))
            continue
        if column.kind == "text" and cells[column.key][:1] in "=@+-" \
                and looks_like_formula(cells[column.key]):
            problems.append(Problem(number, header_map.written[position], _(
                "Begins like a spreadsheet formula: imported as text (Palermo's exports "
                "write it so that no spreadsheet program runs it)."), severity="warning"))
    for position, column in header_map.columns.items():
        if column.required and column.key not in cells and not any(
                p.field == header_map.written[position] for p in problems):
            problems.append(Problem(number, header_map.written[position],
                                    _("A value is required.")))
    return cells, problems


def missing_required(header_map: HeaderMap, columns: Iterable[Column]) -> list[str]:
    """Required columns that the file does not have at all."""
    present = {c.key for c in header_map.columns.values()}
    return [c.key for c in columns if c.required and c.key not in present]


RowReader = Callable[[int, list], tuple[dict, list[Problem]]]

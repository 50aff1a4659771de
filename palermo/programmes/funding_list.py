"""Reading a donor's funding list — unit, section, country, project number, recipient, title,
year, amount, in the shape of the Norwegian MFA's 2007 project list (data/NOTICE.md) — into
rows, reporting what is wrong with each row on the way.

The list is read as people make such lists: a title above the header; the header repeated
where a new block begins (its first cell names the block: "Ambassade" for embassies,
"Utenriksdepartementet" for the ministry's departments and sections, "Norad" for the
agency); blank lines; subtotal lines. The checks of groups of rows (one number, several
recipients …) and the plan of what to import are in :mod:`palermo.programmes.funding_plan`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from palermo.programmes import places
from palermo.programmes.names import name_key
from palermo.programmes.partners import Directory, Match
from palermo.programmes.report import ERROR, NOTE, WARNING, Report
from palermo.programmes.tables import UnreadableList, read_rows

COLUMNS = ("unit", "section", "country", "number", "recipient", "title", "year", "amount")
# Header words (normalised) that name each column, in Norwegian and English.
HEADER_WORDS = {
    "unit": {"unit", "enhet", "donor unit"},
    "section": {"seksjon", "avdeling", "section", "department"},
    "country": {"land", "land/region", "country", "country/region", "region"},
    "number": {"prosj.nr", "prosj.nr.", "prosjekt nr.", "prosjekt nr", "prosjektnr",
               "project number", "project no.", "project no", "agreement number", "number"},
    "recipient": {"mottaker", "recipient", "partner", "grantee"},
    "title": {"prosjekt", "project", "title", "project title", "prosjektnavn"},
    "year": {"ar", "year"},
    "amount": {"tilsagn", "belop", "amount", "commitment", "tilsagn nok", "amount nok"},
}
EMBASSY_WORDS = {"ambassade", "ambassader", "embassy", "embassies"}
DEPARTMENT_WORDS = {"avdeling", "department"}
# The native formats of donors' numbers: seven-digit ministry and agency agreement numbers,
# and a three-letter country or region code with four digits (embassies: BGD-3100).
NUMBER_FORMATS = (re.compile(r"\d{7}"), re.compile(r"[A-Z]{3}-\d{4}"))
TAG = re.compile(r"<[^>]+>")
MARKER = re.compile(r"\s*\*+\s*$")
YEAR_IN_TITLE = re.compile(r"\b(19|20)\d\d\b")


@dataclass
class Block:
    """A part of the list under one header: its label says what its units are."""

    label: str
    line: int
    columns: dict[str, int]  # column -> cell index
    section_kind: str = "section"

    @property
    def embassies(self) -> bool:
        return name_key(self.label) in EMBASSY_WORDS

    @property
    def parent(self) -> str:
        """The unit every row of the block belongs to ("Utenriksdepartementet", "Norad"), or
        '' when the rows' units stand alone (embassies, a plain "unit" header)."""
        key = name_key(self.label)
        return "" if key in EMBASSY_WORDS or key in HEADER_WORDS["unit"] or not key \
            else self.label

    @property
    def parent_kind(self) -> str:
        key = name_key(self.label)
        return "ministry" if ("departement" in key or "ministry" in key) else "agency"


@dataclass
class ListRow:
    """One data row of the list, cleaned and read."""

    line: int
    block: Block
    cells: dict[str, str]
    year: int | None = None
    amount: Decimal | None = None
    place: places.Place | None = None
    recipients: list[Match] = field(default_factory=list)
    unit: str = ""  # the unit name after typing errors are corrected

    def __getattr__(self, name: str):
        if name in COLUMNS:
            return self.cells.get(name, "")
        raise AttributeError(name)

    @property
    def title(self) -> str:
        return MARKER.sub("", self.cells.get("title", ""))


@dataclass
class Options:
    """How to read amounts: the currency (not in the list), the year the list was made
    (amounts for later years are plans, not commitments), the DAC sector of its projects."""

    currency: str | None = None
    list_year: int | None = None
    sector: str | None = None
    default_currency: str = "EUR"

    def as_dict(self) -> dict:
        return {"currency": self.currency, "list_year": self.list_year,
                "sector": self.sector}


def clean(value) -> str:
    """A cell as text: markup removed, spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(TAG.sub("", str(value)).split())


def header_columns(cells: list[str]) -> dict[str, int] | None:
    """The columns of a header row, or None if *cells* is not one (at least four of the
    columns after the first must be named by their words)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = name_key(cell)
        for column, words in HEADER_WORDS.items():
            if key in words and column not in found and index > 0:
                found[column] = index
    if len(found) < 4:
        return None
    found["unit"] = 0
    taken = set(found.values())
    for position, column in enumerate(COLUMNS):  # unnamed cells keep the list's order
        if column not in found and position not in taken and position < len(cells):
            found[column] = position
            taken.add(position)
    return found


_THOUSANDS = re.compile(r"-?\d{1,3}([.,' ]\d{3})+")
_DECIMAL = re.compile(r"-?\d+([.,]\d{1,2})?")


def parse_amount(value) -> Decimal | None:
    """An amount as lists write it ("1922000", "1 922 000", "1.922.000", "1,922,000.50"),
    None when empty; ValueError when it is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value).replace("\u00a0", " ").strip()
    text = re.sub(r"^(NOK|EUR|USD|kr\.?)\s*|\s*(NOK|EUR|USD|kr\.?)$", "", text, flags=re.I)
    try:
        if _THOUSANDS.fullmatch(text):
            return Decimal(re.sub(r"[.,' ]", "", text))
        if _DECIMAL.fullmatch(text):
            return Decimal(text.replace(",", "."))
        head, sep, tail = text.rpartition("," if text.rfind(",") > text.rfind(".") else ".")
        if sep and _THOUSANDS.fullmatch(head) and re.fullmatch(r"\d{1,2}", tail):
            return Decimal(re.sub(r"[.,' ]", "", head) + "." + tail)
    except InvalidOperation:
        pass
    raise ValueError(text)


def parse_year(value) -> int | None:
    text = clean(value)
    if not text:
        return None
    if re.fullmatch(r"\d{4}(\.0+)?", text) and 1900 <= int(float(text)) <= 2100:
        return int(float(text))
    raise ValueError(text)


def well_formed(number: str) -> bool:
    return any(f.fullmatch(number) for f in NUMBER_FORMATS)


@dataclass
class Read:
    """The rows of a list and what reading them found."""

    report: Report
    rows: list[ListRow] = field(default_factory=list)
    options: Options = field(default_factory=Options)


def read_list(content: bytes, filename: str, options: Options, directory: Directory,
              report: Report) -> Read:
    """Split the file into blocks and data rows; report the rows' own defects."""
    read = Read(report, options=options)
    try:
        raw = read_rows(content, filename)
    except UnreadableList as exc:
        report.add("unreadable", ERROR, [], _("(file)"), "", str(exc))
        return read
    block: Block | None = None
    preamble: list[tuple[int, str]] = []
    seen: dict[tuple, int] = {}
    previous: list[ListRow] = []
    for line, values in raw:
        cells = [clean(v) for v in values]
        if not any(cells):
            continue
        columns = header_columns(cells)
        if columns is not None:
            block = _new_block(read, block, line, values, cells, columns)
            previous = []
            continue
        if block is None:
            preamble.append((line, " ".join(c for c in cells if c)))
            continue
        row = ListRow(line, block, {c: cells[i] if i < len(cells) else ""
                                    for c, i in block.columns.items()})
        raw_amount = values[block.columns["amount"]] if block.columns["amount"] < len(values) \
            else None
        if _subtotal(read, row, raw_amount, previous):
            continue
        key = tuple(row.cells.get(c, "") for c in COLUMNS)
        if key in seen:
            report.add("duplicate_row", WARNING, [seen[key], line], _("(row)"),
                       " | ".join(key),
                       _("Row %(line)d repeats row %(first)d cell for cell.")
                       % {"line": line, "first": seen[key]},
                       _("Skipped: the grant is counted once."))
            continue
        seen[key] = line
        if _read_cells(read, row, raw_amount, directory):
            read.rows.append(row)
            previous.append(row)
    _preamble(read, preamble)
    if block is None and not report.errors:
        report.add("no_header", ERROR, [], _("(file)"), "",
                   _("No header row (unit, section, country, project number, recipient, "
                     "title, year, amount) was found."))
    report.rows = len(read.rows)
    if block is not None and not read.rows and not report.errors:
        report.add("no_rows", ERROR, [], _("(file)"), "", _("The list has no data rows."))
    return read


def _new_block(read: Read, block: Block | None, line: int, values: list, cells: list[str],
               columns: dict[str, int]) -> Block:
    new = Block(cells[0], line, columns)
    section_word = name_key(cells[columns["section"]]) if columns["section"] < len(cells) \
        else ""
    new.section_kind = "department" if section_word in DEPARTMENT_WORDS else "section"
    if block is not None:
        markup = any(TAG.search(str(v or "")) for v in values)
        read.report.add(
            "stray_header", WARNING, [line], _("(row)"), " | ".join(c for c in cells if c),
            _("A header row inside the list%(markup)s: it starts a block of “%(label)s”.")
            % {"markup": _(" (with HTML markup)") if markup else "", "label": new.label},
            _("Skipped; the rows below are read as units of “%(label)s”.")
            % {"label": new.label})
    return new


def _subtotal(read: Read, row: ListRow, raw_amount, previous: list[ListRow]) -> bool:
    """Is *row* a subtotal (an amount and nothing to say what it is for)? Reported."""
    described = [row.cells.get(c, "") for c in COLUMNS if c not in ("amount", "year")]
    labelled = any(name_key(c) in ("sum", "total", "i alt", "subtotal", "totalt")
                   for c in described)
    if any(described) and not labelled:
        return False
    try:
        amount = parse_amount(raw_amount)
    except ValueError:
        amount = None
    covered, running = [], Decimal("0")
    for earlier in reversed(previous):
        if earlier.amount is None:
            break
        running += earlier.amount
        covered.append(earlier.line)
        if amount is not None and running == amount:
            break
    adds_up = amount is not None and running == amount and covered
    reason = (_("An amount (%(amount)s) with no project: the sum of rows %(rows)s above.")
              % {"amount": amount, "rows": ", ".join(map(str, sorted(covered)))}
              if adds_up else _("An amount (%(amount)s) with no project, unit or title.")
              % {"amount": clean(raw_amount)})
    read.report.add("subtotal_row", WARNING, [row.line], _("amount"), clean(raw_amount),
                    reason, _("Skipped: a subtotal is not a grant."))
    return True


def _read_cells(read: Read, row: ListRow, raw_amount, directory: Directory) -> bool:
    """Read one data row's cells; False when the row cannot be imported (an error)."""
    report, line = read.report, row.line
    try:
        row.year = parse_year(row.cells.get("year"))
    except ValueError:
        report.add("bad_year", ERROR, [line], _("year"), row.cells.get("year"),
                   _("Not a year (four digits, 1900–2100)."))
        return False
    if row.year is None:
        report.add("bad_year", ERROR, [line], _("year"), "", _("The year is missing."))
        return False
    try:
        row.amount = parse_amount(raw_amount)
    except ValueError:
        report.add("bad_amount", ERROR, [line], _("amount"), clean(raw_amount),
                   _("Not an amount: digits, with spaces, dots or commas between thousands."))
        return False
    if row.amount is None:
        report.add("missing_amount", WARNING, [line], _("amount"), "",
                   _("No amount for %(number)s in %(year)s.")
                   % {"number": row.number or row.title, "year": row.year},
                   _("The agreement is recorded with no money; totals do not count it."))
    _read_number(report, row)
    _read_place(report, row)
    row.recipients = _recipients(row.cells.get("recipient", ""), directory)
    if row.cells.get("title", "") != row.title:
        report.add("title_marker", NOTE, [line], _("title"), row.cells["title"],
                   _("The title ends with a mark (“*”), probably a footnote mark."),
                   _("Imported without the mark."))
    return True


def _read_number(report: Report, row: ListRow) -> None:
    if not row.number:
        report.add("missing_number", WARNING, [row.line], _("project number"), "",
                   _("No project number for “%(title)s”.") % {"title": row.title},
                   _("Imported as a project of its own, known by its title and recipient."))
    elif not well_formed(row.number):
        report.add("malformed_number", WARNING, [row.line], _("project number"), row.number,
                   _("“%(number)s” has neither of the donor's formats (seven digits, or "
                     "three letters, a hyphen and four digits).") % {"number": row.number},
                   _("Imported as written; correct it in the list if it is a typing error."))


def _read_place(report: Report, row: ListRow) -> None:
    written = row.cells.get("country", "")
    if not written:
        report.add("missing_country", WARNING, [row.line], _("country"), "",
                   _("No country or region for %(number)s.")
                   % {"number": row.number or row.title},
                   _("Imported without a recipient country."))
        return
    row.place = places.place(written)
    if row.place is None:
        report.add("unknown_country", WARNING, [row.line], _("country"), written,
                   _("“%(name)s” is neither a known country nor a region.")
                   % {"name": written}, _("Imported without a recipient country."))


def _recipients(written: str, directory: Directory) -> list[Match]:
    """The partner(s) a recipient cell names: one, or several for "IOM/UNICEF"."""
    if not written:
        return []
    whole = directory.resolve(written)
    if whole.known or "/" not in written:
        return [whole]
    parts = [directory.resolve(p) for p in written.split("/") if p.strip()]
    return parts if all(p.known for p in parts) else [whole]


def _preamble(read: Read, lines: list[tuple[int, str]]) -> None:
    if not lines:
        return
    read.report.add("preamble", NOTE, [n for n, _text in lines], _("(text)"),
                    " / ".join(t for _n, t in lines)[:300],
                    _("Text above the header: a title, not data."), _("Not imported."))
    if read.options.list_year is None:
        years = Counter(int(m.group(0)) for _n, t in lines
                        for m in YEAR_IN_TITLE.finditer(t))
        if len(years) == 1:
            read.options.list_year = next(iter(years))
            read.report.add("list_year", NOTE, [lines[0][0]], _("(text)"),
                            str(read.options.list_year),
                            _("The title gives the year of the list: %(year)d.")
                            % {"year": read.options.list_year},
                            _("Amounts for later years are imported as planned budgets, "
                              "not commitments."))

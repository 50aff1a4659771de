"""Catalogue files in and out of the library: CSV and XLSX (one publication per row), RIS
(``rispy``) and BibTeX (``bibtexparser`` 2) — the formats of Zotero, EndNote and Mendeley.

An import checks every record first with the library's own rules
(:func:`palermo.learning.library.clean_values`) and reports each bad record by row (or
record), field and reason; if any record is bad nothing is written (one transaction), so a
corrected file can simply be imported again. Publications already in the library (same title
and year) are skipped with a warning, so importing a file twice adds nothing.

Places and the category travel in RIS and BibTeX as prefixed keywords (``Country: Ireland``,
``Region: East Africa``, ``Category: Monitoring And Evaluation``), which reference managers
keep as tags; other keywords are not kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership
from palermo.learning import library
from palermo.learning.models import Publication
from palermo.learning.spreadsheets import CONTENT_TYPES, unneutralised, write_table

FORMATS = ("csv", "xlsx", "ris", "bibtex")
MAX_BYTES = 50 * 1024 * 1024
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".ris": "ris", ".bib": "bibtex",
            ".bibtex": "bibtex"}
COLUMNS = library.FIELDS
# Other names a spreadsheet's header may use for a column.
ALIASES = {"abstract": "summary", "author": "authors", "country": "countries",
           "region": "regions", "url": "link", "links": "link"}
TAGS = {"country": "countries", "region": "regions", "category": "category"}
TAG_LABELS = {"countries": "Country", "regions": "Region", "category": "Category"}


@dataclass
class Problem:
    """One finding: *where* ("row 4", "record 2", "line 12", "file"), the field, the reason."""

    where: str
    field: str
    reason: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.reason}"


@dataclass
class Record:
    where: str
    values: dict


@dataclass
class ImportReport:
    """What an import found and did."""

    records: int = 0
    imported: int = 0
    skipped: int = 0
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def summary(self) -> str:
        if self.errors:
            return _("%(n)s record(s) read, %(e)s error(s): nothing imported. Correct the "
                     "file and import it again.") % {"n": self.records, "e": len(self.errors)}
        verb = _("would be imported") if self.dry_run else _("imported")
        return _("%(n)s record(s) read: %(i)s %(verb)s, %(s)s already in the library.") % {
            "n": self.records, "i": self.imported, "verb": verb, "s": self.skipped}


# --- Reading ---------------------------------------------------------------------------------

def format_of(name: str) -> str | None:
    """The catalogue format of a file, from its name's ending."""
    suffix = "." + name.lower().rsplit(".", 1)[-1] if "." in name else ""
    return SUFFIXES.get(suffix)


def _decoded(content: bytes, problems: list[Problem]) -> str | None:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem("file", "encoding", _("The file is not UTF-8 text.")))
        return None


def _rows(header: list, rows, problems: list[Problem], *, csv_cells: bool) -> list[Record]:
    """Spreadsheet rows (the header in row 1) as records; CSV cells lose the quote that
    neutralised a formula (an XLSX cell is text already)."""
    names = []
    for cell in header:
        name = str(cell or "").strip().lower()
        name = ALIASES.get(name, name)
        if name and name not in COLUMNS:
            problems.append(Problem("file", name, _("Column not recognised (ignored)."),
                                    "warning"))
        names.append(name if name in COLUMNS else None)
    if "title" not in names:
        problems.append(Problem("file", "title", _("The file has no title column.")))
        return []
    records = []
    for number, row in enumerate(rows, start=2):
        values = {n: unneutralised(v) if csv_cells else v
                  for n, v in zip(names, row, strict=False) if n}
        if any(v not in (None, "") for v in values.values()):
            records.append(Record(_("row %(n)s") % {"n": number}, values))
    return records


def _read_csv(content: bytes, problems: list[Problem]) -> list[Record]:
    text = _decoded(content, problems)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        problems.append(Problem("file", "title", _("The file is empty.")))
        return []
    return _rows(header, reader, problems, csv_cells=True)


def _read_xlsx(content: bytes, problems: list[Problem]) -> list[Record]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        problems.append(Problem("file", "format", _("The file is not an XLSX workbook.")))
        return []
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None) or []
    return _rows(list(header), rows, problems, csv_cells=False)


def _tagged(keywords: list[str], values: dict, where: str, problems: list[Problem]) -> None:
    """Prefixed keywords ("Region: East Africa") into the fields they stand for."""
    dropped = []
    for keyword in keywords:
        prefix, _sep, name = keyword.partition(":")
        target = TAGS.get(prefix.strip().lower())
        if target is None or not name.strip():
            dropped.append(keyword.strip())
        elif target == "category":
            values["category"] = name.strip()
        else:
            values.setdefault(target, []).append(name.strip())
    if dropped:
        problems.append(Problem(where, "keywords", _("Not kept: %(k)s (only Country:, "
                                                     "Region: and Category: keywords are "
                                                     "read).") % {"k": "; ".join(dropped)},
                                "warning"))


def _read_ris(content: bytes, problems: list[Problem]) -> list[Record]:
    import rispy

    text = _decoded(content, problems)
    if text is None:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # URLs may contain ';', which rispy would otherwise split on.
    entries = rispy.loads(text, delimiter_tags_mapping={})
    opened = len(re.findall(r"^TY  -", text, re.M))
    if opened != len(entries):
        problems.append(Problem("file", "ER", _("%(o)s records begin (TY) but %(c)s end "
                                                "(ER): every record must end with a line "
                                                "“ER  - ”.") % {"o": opened,
                                                                "c": len(entries)}))
    records = []
    for number, entry in enumerate(entries, start=1):
        where = _("record %(n)s") % {"n": number}
        year = entry.get("year") or entry.get("publication_year") or ""
        values = {"title": entry.get("title") or entry.get("primary_title") or "",
                  "summary": entry.get("abstract") or entry.get("notes_abstract") or "",
                  "authors": (entry.get("authors") or []) + (entry.get("first_authors") or []),
                  "year": re.match(r"\s*(\d*)", str(year)).group(1),
                  "language": entry.get("language") or ""}
        urls = entry.get("urls") or []
        values["link"] = urls[0] if urls else ""
        if len(urls) > 1:
            problems.append(Problem(where, "link", _("Only the first address is kept."),
                                    "warning"))
        _tagged(entry.get("keywords") or [], values, where, problems)
        records.append(Record(where, values))
    return records


def _latex_text(value: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    # pylatexenc renders \textasciicircum as U+02C6; the text meant a plain caret.
    return LatexNodes2Text(math_mode="verbatim").latex_to_text(value).replace("\u02c6", "^")


def _read_bibtex(content: bytes, problems: list[Problem]) -> list[Record]:
    import bibtexparser
    from bibtexparser.middlewares import SeparateCoAuthors

    text = _decoded(content, problems)
    if text is None:
        return []
    parsed = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors()])
    for failed in parsed.failed_blocks:  # start_line counts from 0
        reason = (getattr(failed.error, "abort_reason", None) or str(failed.error)
                  or type(failed.error).__name__)
        problems.append(Problem(_("line %(n)s") % {"n": (failed.start_line or 0) + 1},
                                "entry", _("Not a valid BibTeX entry: %(e)s") % {"e": reason}))
    records = []
    for entry in parsed.entries:
        where = _("line %(n)s (%(key)s)") % {"n": (entry.start_line or 0) + 1,
                                              "key": entry.key}
        got = {k.lower(): f.value for k, f in entry.fields_dict.items()}
        authors = got.get("author") or []
        values = {"title": _latex_text(got.get("title", "")),
                  "summary": _latex_text(got.get("abstract", "")),
                  "authors": [_latex_text(a) for a in (authors if isinstance(authors, list)
                                                       else [authors])],
                  "year": got.get("year", ""), "language": _latex_text(got.get("language", "")),
                  "link": got.get("url", "").strip()}
        keywords = _latex_text(got.get("keywords", ""))
        separator = ";" if ";" in keywords else ","
        _tagged([k for k in keywords.split(separator) if k.strip()], values, where, problems)
        records.append(Record(where, values))
    return records


READERS = {"csv": _read_csv, "xlsx": _read_xlsx, "ris": _read_ris, "bibtex": _read_bibtex}


def read_catalogue(name: str, content: bytes) -> tuple[list[Record], list[Problem]]:
    """The records of a catalogue file (format from its name), and what is wrong with the
    file itself."""
    problems: list[Problem] = []
    fmt = format_of(name)
    if len(content) > MAX_BYTES:
        problems.append(Problem("file", "size", _("A catalogue file of at most %(mb)s MB.")
                                % {"mb": MAX_BYTES // (1024 * 1024)}))
        return [], problems
    if fmt is None:
        problems.append(Problem("file", "format", _("A catalogue file ends in .csv, .xlsx, "
                                                     ".ris or .bib.")))
        return [], problems
    return READERS[fmt](content, problems), problems


def _key(values: dict) -> tuple[str, int | None]:
    return (" ".join(values["title"].split()).casefold(), values["year"])


def import_catalogue(membership: Membership | None, name: str, content: bytes, *,
                     dry_run: bool = False) -> ImportReport:
    """Import a catalogue file into the member's organisation's library: every record
    checked, all written in one transaction, or none if any record is bad."""
    access.require(membership, Action.CREATE, Publication)
    records, problems = read_catalogue(name, content)
    return import_records(membership, records, problems, dry_run=dry_run)


def import_records(membership: Membership | None, records: list[Record],
                   problems: list[Problem] | None = None, *,
                   dry_run: bool = False) -> ImportReport:
    """Check *records* and import them (see :func:`import_catalogue`)."""
    access.require(membership, Action.CREATE, Publication)
    report = ImportReport(records=len(records), dry_run=dry_run, problems=list(problems or []))
    known = {(" ".join(t.split()).casefold(), y)
             for t, y in Publication.objects.values_list("title", "year")}
    accepted = []
    for record in records:
        try:
            cleaned = library.clean_values(record.values)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                report.problems.extend(Problem(record.where, field_name, m) for m in messages)
            continue
        if _key(cleaned) in known:
            report.skipped += 1
            report.problems.append(Problem(record.where, "title", _(
                "Already in the library (same title and year): not imported."), "warning"))
            continue
        known.add(_key(cleaned))
        accepted.append(cleaned)
    if report.errors:
        return report
    report.imported = len(accepted)
    if not dry_run:
        with transaction.atomic():
            for values in accepted:
                library.save_publication(membership, values)
    return report


def import_seed(membership: Membership | None) -> ImportReport:
    """The shipped catalogue of seed 004 (``data/seed_004_catalogue.txt``) into the member's
    organisation's library; entries already there are skipped."""
    from palermo.learning.seed_catalogue import seed_catalogue

    records = [Record(_("line %(n)s") % {"n": entry.pop("line")}, entry)
               for entry in seed_catalogue().entries]
    return import_records(membership, records)


# --- Writing ---------------------------------------------------------------------------------

@dataclass
class Export:
    content: bytes
    content_type: str
    filename: str


def _tags(values: dict) -> list[str]:
    tags = [f"Category: {values['category']}"] if values["category"] else []
    for name in ("countries", "regions"):
        tags += [f"{TAG_LABELS[name]}: {v}" for v in values[name]]
    return tags


def _ris(rows: list[dict]) -> bytes:
    import rispy

    entries = []
    for v in rows:
        entry = {"type_of_reference": "GEN", "title": v["title"], "authors": v["authors"],
                 # RIS has no line breaks inside a value: paragraphs are joined.
                 "abstract": " ".join(v["summary"].split()), "keywords": _tags(v),
                 "year": str(v["year"] or ""), "language": v["language"],
                 "urls": [v["link"]] if v["link"] else []}
        entries.append({k: x for k, x in entry.items() if x})
    return rispy.dumps(entries).encode("utf-8")


_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
          "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
          "^": r"\textasciicircum{}"}


def _latex(value: str) -> str:
    """Text for a BibTeX field: LaTeX's special characters escaped, the rest kept as UTF-8."""
    return "".join(_LATEX.get(c, c) for c in value)


def _bibtex_key(values: dict, taken: set[str]) -> str:
    first = (values["authors"] or [values["title"]])[0].split()[-1:] or ["anon"]
    word = next((w for w in values["title"].split() if len(w) > 3), "entry")
    raw = f"{first[0]}{values['year'] or ''}{word}"
    key = re.sub(r"[^A-Za-z0-9]", "", unicodedata.normalize("NFKD", raw)).lower() or "entry"
    unique, n = key, 0
    while unique in taken:
        n += 1
        unique = f"{key}{chr(96 + n) if n < 27 else n}"
    taken.add(unique)
    return unique


def _bibtex(rows: list[dict]) -> bytes:
    import bibtexparser
    from bibtexparser.library import Library
    from bibtexparser.model import Entry, Field

    book, taken = Library(), set()
    for v in rows:
        # A name with " and " in it (an organisation) is braced, so it stays one author.
        authors = " and ".join("{" + _latex(a) + "}" if " and " in a.lower() else _latex(a)
                               for a in v["authors"])
        fields = [("title", _latex(v["title"])), ("author", authors),
                  ("abstract", _latex(v["summary"])), ("year", str(v["year"] or "")),
                  ("language", _latex(v["language"])), ("url", v["link"]),
                  ("keywords", _latex("; ".join(_tags(v))))]
        book.add(Entry("misc", _bibtex_key(v, taken),
                       [Field(k, x) for k, x in fields if x]))
    return bibtexparser.write_string(book).encode("utf-8")


def _table(rows: list[dict], fmt: str) -> bytes:
    def cell(v, name):
        value = v[name]
        return "; ".join(value) if isinstance(value, list) else value

    return write_table(fmt, list(COLUMNS), [[cell(v, n) for n in COLUMNS] for v in rows],
                       title="Library")


WRITERS = {"csv": lambda rows: _table(rows, "csv"), "xlsx": lambda rows: _table(rows, "xlsx"),
           "ris": _ris, "bibtex": _bibtex}
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "ris": "ris", "bibtex": "bib"}
TYPES = {**CONTENT_TYPES, "ris": "application/x-research-info-systems; charset=utf-8",
         "bibtex": "application/x-bibtex; charset=utf-8"}


def write_catalogue(publications, fmt: str) -> Export:
    """*publications* (a queryset) as a catalogue file in *fmt* (one of :data:`FORMATS`)."""
    if fmt not in WRITERS:
        raise ValueError(f"format: one of {', '.join(FORMATS)}, not {fmt!r}")
    rows = [library.values_of(p) for p in publications.prefetch_related("places")
            .order_by("title", "pk")]
    name = f"palermo-library-{dt.date.today().isoformat()}.{EXTENSIONS[fmt]}"
    return Export(WRITERS[fmt](rows), TYPES[fmt], name)


def export_catalogue(membership: Membership | None, fmt: str,
                     query: library.LibraryQuery | None = None) -> Export:
    """The library as the member may read it — all of it, or everything *query* finds (its
    words and filters, every page) — as a catalogue file."""
    publications = library.visible_publications(membership)
    if query is not None:
        publications = library.matching_all(publications, query)
    return write_catalogue(publications, fmt)

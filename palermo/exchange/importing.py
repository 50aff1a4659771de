"""The import machinery shared by every layout: read, check, report, then write all or nothing.

1. The file is read (:mod:`palermo.exchange.reading`) and its headers matched to the
   layout's columns; every cell is parsed by the one validator
   (:mod:`palermo.exchange.validation`).
2. Duplicates are looked for within the file and among the organisation's persons.
3. A dry run stops here and returns the report. Otherwise, if any row has an error, nothing
   is imported — unless *quarantine* is asked for: then the bad rows are stored (encrypted)
   in quarantine and listed, and the good rows imported. Writing goes through the case
   module's batch functions in one transaction (encryption, history, facts, access rules).

Rows are checked chunk by chunk (:mod:`palermo.exchange.rowcheck`, in worker processes for
a large file), and a real import writes each chunk as soon as it is checked; a row with an
error stops the writing, the checking goes on for the full report, and the transaction is
rolled back at the end — so "all or nothing" holds as if everything had been checked first.
"""

from __future__ import annotations

import base64
import gc
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.cases import casework, services
from palermo.cases.models import Person
from palermo.cases.writing import batch_writing
from palermo.core import access, crypto
from palermo.core.access import Action
from palermo.core.jobs import JobCancelled
from palermo.core.models import Membership
from palermo.exchange import rowcheck
from palermo.exchange.models import ImportBatch, QuarantinedRow
from palermo.exchange.reading import UnreadableFile, read_table
from palermo.exchange.validation import (
    Column,
    HeaderMap,
    Options,
    Problem,
    header_score,
    looks_like_data,
    missing_required,
    normalise_header,
    resolve_headers,
)

FILE = 0  # the "row" of problems that concern the whole file
Progress = Callable[[str, int, int], None]


@dataclass
class Record:
    """What one valid row becomes: a person, a case and the case's events."""

    row: int
    person: dict
    case: dict
    events: list[dict] = field(default_factory=list)
    prepared: tuple | None = None  # (unsaved Person, unsaved Case) once checked by the model


class Layout(ABC):
    """A kind of file: its columns and how a row's cells become a :class:`Record`
    (``htcds.HtcdsLayout``, ``template.TemplateLayout``)."""

    name = ""
    title = ""
    columns: tuple[Column, ...] = ()

    @abstractmethod
    def to_record(self, row: int, cells: dict, written: dict[str, str]
                  ) -> tuple[Record | None, list[Problem]]:
        """The record of one file row and the problems found in it."""


@dataclass
class ImportReport:
    """Everything a user needs to know about an import, row by row."""

    layout: str
    filename: str
    dry_run: bool = False
    quarantine: bool = False
    rows: int = 0
    imported: int = 0
    quarantined: int = 0
    problems: list[Problem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)
    batch_id: int | None = None
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def bad_rows(self) -> set[int]:
        return {p.row for p in self.errors if p.row != FILE}

    @property
    def file_refused(self) -> bool:
        return any(p.row == FILE for p in self.errors)

    @property
    def valid(self) -> int:
        return 0 if self.file_refused else self.rows - len(self.bad_rows)

    @property
    def importable(self) -> bool:
        """Would a real run import something?"""
        return self.valid > 0 and (self.quarantine or not self.errors)

    def as_dict(self) -> dict:
        return {"layout": self.layout, "dry_run": self.dry_run, "rows": self.rows,
                "valid": self.valid, "imported": self.imported,
                "quarantined": self.quarantined, "unknown_columns": self.unknown_columns,
                "unused_columns": self.unused_columns, "batch": self.batch_id,
                "problems": [p.as_dict() for p in self.problems]}

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        """The report as kept by :meth:`as_dict` (a batch's or a job's), to show again."""
        return cls(layout=data["layout"], filename="", dry_run=data["dry_run"],
                   rows=data["rows"], imported=data["imported"],
                   quarantined=data["quarantined"],
                   problems=[Problem(**p) for p in data["problems"]],
                   unknown_columns=data["unknown_columns"],
                   unused_columns=data["unused_columns"], batch_id=data["batch"])

    def summary(self) -> str:
        if self.dry_run:
            return _("Checked %(rows)d rows: %(valid)d valid, %(bad)d with errors, "
                     "%(warn)d warnings. Nothing was written (dry run).") % {
                "rows": self.rows, "valid": self.valid, "bad": len(self.bad_rows),
                "warn": len(self.warnings)}
        if not self.imported:
            return _("Nothing was imported: %(n)d problem(s) — see the report.") % {
                "n": len(self.errors)}
        return _("Imported %(n)d of %(rows)d rows; %(q)d rows in quarantine.") % {
            "n": self.imported, "rows": self.rows, "q": self.quarantined}


def require_import(membership: Membership | None) -> None:
    """Bulk import needs the case-exchange right (supervisors) and the right to register
    persons: raises ``PermissionDenied`` otherwise."""
    access.require(membership, Action.CREATE, ImportBatch)
    access.require(membership, Action.CREATE, Person)


def _pick_header(layout: Layout) -> Callable[[list[list]], int]:
    def pick(rows: list[list]) -> int:
        scores = [header_score(r, layout.columns) for r in rows]
        return max(range(len(rows)), key=lambda i: (scores[i], -i))
    return pick


def _label_row(values: list, layout: Layout) -> bool:
    """Is this the second header row of the HTCDS spreadsheet (field labels)?"""
    labels = {normalise_header(c.label) for c in layout.columns if c.label}
    labels |= {normalise_header(a) for c in layout.columns for a in c.aliases}
    filled = [v for v in values if v not in (None, "") and not isinstance(v, (int, float))]
    return bool(filled) and sum(normalise_header(v) in labels for v in filled) * 2 >= len(filled)


@dataclass
class Checked:
    report: ImportReport
    records: list[Record]
    rows: dict[int, list]  # file row number -> its cells as read
    header_map: HeaderMap | None = None

    def raw(self, row: int) -> dict[str, object]:
        """A row's values by header as written (what quarantine keeps of a bad row)."""
        if row not in self.rows or self.header_map is None:
            return {}
        return _raw_values(self.rows[row], self.header_map)


def check(membership: Membership, content: bytes, filename: str, layout: Layout, *,
          date_order: str | None = None, progress: Progress | None = None) -> Checked:
    """Read and validate a file without writing anything."""
    checked, job, rows = _begin(membership, content, filename, layout, date_order)
    if job is not None:
        checked.records = [record for chunk in _chunks(membership, checked.report, job, rows,
                                                       progress)
                           for record in chunk]
    _end(checked)
    return checked


def _begin(membership: Membership, content: bytes, filename: str, layout: Layout,
           date_order: str | None) -> tuple[Checked, rowcheck.Job | None, list]:
    """Read the file and its header: what the rows' check needs (no job when the file
    itself is refused), with the file's own problems in the report."""
    report = ImportReport(layout=layout.name, filename=filename)
    try:
        table = read_table(content, filename, _pick_header(layout))
    except UnreadableFile as exc:
        report.problems.append(Problem(FILE, _("(file)"), str(exc)))
        return Checked(report, [], {}), None, []
    labels_row = None
    if table.rows and _label_row(table.rows[0][1], layout):
        labels_row = table.rows.pop(0)[1]
    header_map = resolve_headers(table.headers, layout.columns, labels_row)
    values = any(looks_like_data(h) for h in header_map.unknown)
    if values or not header_map.columns:
        # The first row may be a person's: none of it is repeated.
        expected = {"layout": layout.title,
                    "ex": ", ".join(c.key for c in layout.columns[:4])}
        if values:
            reason = _("The file has no header row: its first row holds values, not the "
                       "column names of the %(layout)s (such as %(ex)s).") % expected
        else:
            reason = _("No column of the %(layout)s was recognised (expected headers such "
                       "as %(ex)s).") % expected
        report.problems.append(Problem(FILE, _("(header)"), reason))
        return Checked(report, [], {}), None, []
    report.unknown_columns = header_map.unknown
    report.unused_columns = [header_map.written[p] for p, c in header_map.columns.items()
                             if c.kind == "unused"]
    for text in header_map.repeated:
        report.problems.append(Problem(FILE, text, _("The column appears twice.")))
    for key in missing_required(header_map, layout.columns):
        report.problems.append(Problem(FILE, key, _("This required column is missing.")))
    job = rowcheck.Job(membership, layout, header_map,
                       {c.key: header_map.written[p] for p, c in header_map.columns.items()},
                       Options(date_order=date_order, users=_users(membership)))
    filled = [p for p, c in header_map.columns.items() if c.kind != "unused"]
    rows = [(number, values) for number, values in table.rows if number in table.problems
            or any(p < len(values) and values[p] not in (None, "") for p in filled)]
    report.rows = len(rows)  # empty rows are skipped (the HTCDS template numbers 1,000)
    if report.rows == 0 and not report.errors:
        report.problems.append(Problem(FILE, _("(file)"), _("The file has no data rows.")))
    # Rows the reader could not trust (cut off, separated otherwise …) are errors as they
    # are, not checked cell by cell.
    report.problems += [Problem(number, _("(row)"), reason)
                        for number, reason in sorted(table.problems.items())]
    report.problems += [Problem(number, _("(row)"), reason, severity="warning")
                        for number, reason in sorted(table.remarks.items())]
    return (Checked(report, [], dict(rows), header_map), job,
            [row for row in rows if row[0] not in table.problems])


def _chunks(membership: Membership, report: ImportReport, job: rowcheck.Job, rows: list,
            progress: Progress | None, written: set[int] | None = None
            ) -> Iterator[list[Record]]:
    """The valid records of the file, chunk by chunk, their problems (and those of the
    duplicate check) added to *report* as they are found. *written*: the persons this
    import has written so far, which are not "already registered"."""
    duplicates = _Duplicates(membership, written if written is not None else set())
    for problems, records in rowcheck.iter_checked(
            job, rows, progress and (lambda done: progress("check", done, len(rows)))):
        report.problems += problems
        report.problems += duplicates.check(records)
        yield [r for r in records if r.row not in duplicates.bad]


def _end(checked: Checked) -> None:
    report = checked.report
    if report.file_refused:
        checked.records = []
    report.problems.sort(key=lambda p: (p.row, p.severity != "error"))


def _raw_values(values: list, header_map: HeaderMap) -> dict[str, object]:
    return {header_map.written[p]: (None if p >= len(values) else
                                    values[p] if isinstance(values[p], (str, int, float,
                                                                        type(None)))
                                    else str(values[p]))
            for p in header_map.columns}


def _users(membership: Membership) -> dict[str, int]:
    members = membership.organisation.memberships.filter(active=True, user__is_active=True)
    return {m.user.get_username().casefold(): m.user_id for m in members.select_related("user")}


class _Duplicates:
    """Rows describing a person already registered, or described twice in the file —
    checked chunk by chunk; the rows seen so far are remembered."""

    def __init__(self, membership: Membership, written: set[int]):
        self.membership = membership
        self.written = written  # persons written by this import: not "already registered"
        self.first_seen: dict[str, int] = {}
        self.bad: set[int] = set()

    def check(self, records: list[Record]) -> list[Problem]:
        """The problems of *records* (rows of the file, in order)."""
        problems = []
        persons = [r.prepared[0] for r in records]
        digests = services.identity_digests(persons)
        for record, digest in zip(records, digests, strict=True):
            keys = set()
            if digest["name_index"] and digest["birth_date_index"]:
                keys.add(f"name+birth:{digest['name_index']}:{digest['birth_date_index']}")
            if digest["identity_number_index"]:
                keys.add(f"identity:{digest['identity_number_index']}")
            for key in keys:
                if key in self.first_seen:
                    problems.append(Problem(record.row, _("(row)"), _(
                        "The same person as row %(row)d (same name and birth date, or same "
                        "identity number).") % {"row": self.first_seen[key]}))
                    break
            for key in keys:
                self.first_seen.setdefault(key, record.row)
        found = services.registered_matches(self.membership, persons, digests)
        for position, candidates in found.items():
            row = records[position].row
            for candidate in candidates:
                if candidate.person.pk in self.written:
                    continue  # an earlier row of this file, already reported above
                refs = {"ref": candidate.person.reference,
                        "matched": ", ".join(candidate.matched)}
                if candidate.strong:
                    problems.append(Problem(row, _("(row)"), _(
                        "Already registered as %(ref)s (matched: %(matched)s). Remove the "
                        "row, or merge the records after import.") % refs))
                else:
                    problems.append(Problem(row, _("(row)"), _(
                        "May be %(ref)s (matched: %(matched)s).") % refs, severity="warning"))
        self.bad |= {p.row for p in problems if p.severity == "error"}
        return problems


def run(membership: Membership, content: bytes, filename: str, layout: Layout, *,
        dry_run: bool = False, quarantine: bool = False, date_order: str | None = None,
        channel: str = "cli", progress: Progress | None = None,
        batch: ImportBatch | None = None, job_id=None) -> ImportReport:
    """Check and (unless *dry_run*) import a file. Returns the report; see module docs.
    *batch*: the record of a checked upload being imported (else a new one is made);
    *job_id*: the job running the import, whose heartbeat tells whether it is still alive.

    A real import records its batch first, in a transaction of its own (status *running*),
    then writes in one transaction that also marks the batch imported; a refused or
    cancelled import marks it so after rolling back. *progress* may raise
    ``JobCancelled`` between chunks: the rows are rolled back, the batch says *cancelled*,
    and the exception goes on to the job."""
    require_import(membership)
    started = timezone.now()
    # Tens of thousands of new objects make the cyclic garbage collector run again and
    # again over all of them; an import creates no cycles worth collecting meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # One keyring for the whole file: read once, not looked up for every value.
        with crypto.pinned_keyring():
            if dry_run:
                report = check(membership, content, filename, layout, date_order=date_order,
                               progress=progress).report
                report.dry_run, report.quarantine = True, quarantine
            else:
                batch = _start_batch(batch or ImportBatch(
                    organisation=membership.organisation, user=membership.user,
                    layout=layout.name, filename=filename, channel=channel,
                    sha256=hashlib.sha256(content).hexdigest(), date_order=date_order or ""),
                    job_id)
                report = _import(membership, content, filename, layout, date_order,
                                 quarantine, progress, batch)
            report.seconds = (timezone.now() - started).total_seconds()
            return report
    finally:
        if collecting:
            gc.enable()


def _start_batch(batch: ImportBatch, job_id) -> ImportBatch:
    """Record the start of the import, committed before any row is written: if its process
    dies, the batch stays *running* and is later shown as interrupted."""
    batch.status, batch.job_id = ImportBatch.Status.RUNNING, job_id or batch.job_id
    batch.save(update_fields=["status", "job_id"] if batch.pk else None)
    return batch


def _import(membership, content, filename, layout, date_order, quarantine, progress,
            batch: ImportBatch) -> ImportReport:
    checked, job, rows = _begin(membership, content, filename, layout, date_order)
    report = checked.report
    report.quarantine = quarantine
    status = ImportBatch.Status.REFUSED
    try:
        if job is not None:
            _write(membership, checked, job, rows, quarantine, batch, progress)
            return report  # the batch was marked in the import's transaction
    except _NothingImported:
        pass
    except JobCancelled:
        status = ImportBatch.Status.CANCELLED
        raise
    except BaseException:  # stopped (Ctrl+C, the worker told to stop) or an error in Palermo
        status = ImportBatch.Status.INTERRUPTED
        raise
    finally:
        if batch.status == ImportBatch.Status.RUNNING:  # refused or cancelled: rolled back
            report.imported = report.quarantined = 0
            _end(checked)
            _finish(batch, report, status)
    return report


class _NothingImported(Exception):
    """Raised to roll the import's transaction back: the report says why."""


@transaction.atomic
def _write(membership: Membership, checked: Checked, job: rowcheck.Job, rows: list,
           quarantine: bool, batch: ImportBatch, progress: Progress | None) -> None:
    """Check the rows and write each chunk of valid records as soon as it is checked (the
    workers check the next chunks meanwhile), in one transaction. A row with an error stops
    the writing — unless *quarantine* — and the checking goes on for the full report; if
    in the end the file may not be imported, the transaction is rolled back: nothing of it
    stays. The batch is marked imported in the same transaction."""
    report = checked.report
    written: set[int] = set()  # the persons written: not "already registered" later on
    imported = 0
    with batch_writing():
        for records in _chunks(membership, report, job, rows, progress, written):
            if report.file_refused or (report.errors and not quarantine) or not records:
                continue
            try:
                persons = services.register_people_bulk(membership,
                                                        [r.prepared[0] for r in records])
                cases = casework.open_cases_bulk(membership, [
                    (p, r.prepared[1]) for p, r in zip(persons, records, strict=True)])
                casework.add_events_bulk(membership, [
                    (c, e) for c, r in zip(cases, records, strict=True) for e in r.events])
            except ValidationError as exc:  # a model rule the validator did not foresee
                report.problems += _model_problems(exc, records)
                raise _NothingImported from exc
            written.update(p.pk for p in persons)
            imported += len(cases)
            if progress:
                progress("write", imported, report.rows)
    if not report.importable:
        raise _NothingImported
    report.imported = imported
    status = ImportBatch.Status.IMPORTED
    if quarantine and report.bad_rows:
        by_row: dict[int, list[dict]] = {}
        for problem in report.errors:
            by_row.setdefault(problem.row, []).append(problem.as_dict())
        QuarantinedRow.objects.bulk_create([
            QuarantinedRow(batch=batch, row=row,
                           data={"values": checked.raw(row), "problems": problems})
            for row, problems in sorted(by_row.items()) if row != FILE])
        report.quarantined = len(report.bad_rows)
        status = ImportBatch.Status.QUARANTINED
    _end(checked)
    _finish(batch, report, status)


def _model_problems(exc: ValidationError, records: list[Record]) -> list[Problem]:
    problems = []
    for key, messages in exc.message_dict.items():
        position, _dot, name = key.partition(".")
        row = records[int(position)].row if position.isdigit() and \
            int(position) < len(records) else FILE
        problems += [Problem(row, name, str(m)) for m in messages]
    return problems


def _finish(batch: ImportBatch, report: ImportReport, status: str) -> None:
    """Mark the batch with how the import ended."""
    batch.status = status
    batch.rows, batch.imported = report.rows, report.imported
    batch.quarantined, batch.errors = report.quarantined, len(report.errors)
    batch.content = ""
    batch.report = report.as_dict()
    batch.finished_at = timezone.now()
    batch.save()
    report.batch_id = batch.pk


def check_batch(membership: Membership, batch: ImportBatch, layout: Layout, *,
                progress: Progress | None = None) -> ImportReport:
    """Check an uploaded file kept (encrypted) in *batch* for confirmation: the first step
    of the page's import. The batch becomes *checked*, with its report."""
    require_import(membership)
    with crypto.pinned_keyring():
        report = check(membership, base64.b64decode(batch.content), batch.filename, layout,
                       date_order=batch.date_order or None, progress=progress).report
    report.dry_run = True
    batch.status, batch.rows, batch.errors = ImportBatch.Status.CHECKED, report.rows, \
        len(report.errors)
    batch.report = report.as_dict()
    batch.save(update_fields=["status", "rows", "errors", "report"])
    report.batch_id = batch.pk
    return report


def import_batch(membership: Membership, batch: ImportBatch, layout: Layout, *,
                 quarantine: bool = False, progress: Progress | None = None,
                 job_id=None) -> ImportReport:
    """Import the file kept in *batch* (checked and confirmed, or queued by the API)."""
    require_import(membership)
    return run(membership, base64.b64decode(batch.content), batch.filename, layout,
               quarantine=quarantine, date_order=batch.date_order or None,
               channel=batch.channel, progress=progress, batch=batch, job_id=job_id)

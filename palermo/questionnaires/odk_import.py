"""Import responses collected offline with ODK Collect or KoboCollect.

Reads the exports of the two servers the sector uses:

* **ODK Central** (and Briefcase): CSV with one column per field named by its group path
  joined with ``-`` (``respondent-age``), plus ``SubmissionDate``, ``meta-instanceID``,
  ``KEY``, ``SubmitterID`` … Repeats are separate CSV files whose rows point to their parent
  with ``PARENT_KEY``; the export ZIP holds them all (``form.csv``, ``form-repeat.csv``).
* **KoboToolbox**: CSV with group paths joined with ``/`` (``respondent/age``), ``;`` or
  ``,`` separated, with ``_uuid``, ``_submission_time`` and one 0/1 column per choice of a
  multiple choice (ignored: the space-separated column is read); or the JSON export / API
  listing — a list of objects (or ``{"results": [...]}``) with repeats as lists of objects.

Each row is checked by :mod:`palermo.questionnaires.engine` — the same rules as the web
form. Every rejected row is reported with its row number, field and reason; rows whose
instanceID was already imported (or appears twice in the file) are skipped and reported.
The accepted rows are written in one transaction: all of them, or none if the database
fails. Submitter names, device ids and times of day are never kept; for a confidential
form not even the instanceID.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership, Organisation
from palermo.questionnaires import confidential, engine
from palermo.questionnaires.models import (
    Form,
    FormKind,
    FormVersion,
    Submission,
    SubmissionSource,
    SubmissionStatus,
)

ODK, KOBO, KOBO_JSON = "odk", "kobo", "kobo-json"
FORMATS = (ODK, KOBO, KOBO_JSON)
# Columns the servers add: never answers, never kept (who submitted, from which device).
ODK_META = {"SubmissionDate", "KEY", "PARENT_KEY", "SubmitterID", "SubmitterName",
            "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID",
            "Edits", "FormVersion", "instanceID", "isValidated"}
KOBO_META_PREFIXES = ("_", "formhub/", "meta/", "__version__")
# An ODK Central ZIP can unpack to far more than its size; no export of one form needs this.
MAX_UNPACKED = 200 * 1024 * 1024
META_NAMES = {"start", "end", "today", "deviceid", "username", "phonenumber", "simserial",
              "subscriberid", "instanceID", "instanceName", "audit"}


@dataclass(frozen=True)
class RowProblem:
    """Why one row of an export was rejected: its row, the field and the reason."""
    row: int  # CSV line (the header is line 1) or JSON record number (from 1)
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field or 'row'}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did with every row: imported, rejected, skipped as duplicates."""
    format: str
    rows: int = 0
    imported: int = 0
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # (row, instanceID)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    def lines(self) -> list[str]:
        """The per-row report, as printed by ``palermo form import-submissions``."""
        out = [f"{self.rows} row(s) read ({self.format}): {self.imported} imported, "
               f"{len(self.rejected_rows)} rejected, {len(self.duplicates)} duplicate(s) "
               "skipped."]
        out += [f"rejected: {p}" for p in self.problems]
        out += [f"duplicate: row {row}, instanceID {iid} already imported"
                for row, iid in self.duplicates]
        if self.ignored_columns:
            out.append("ignored columns (not questions of the form): "
                       + ", ".join(self.ignored_columns))
        return out


@dataclass
class _Record:
    row: int
    answers: dict[str, Any]
    instance_id: str
    day: dt.date | None


# ------------------------------------------------------------------ reading the files
def _read(path_or_bytes) -> tuple[bytes, str]:
    if isinstance(path_or_bytes, bytes | bytearray):
        return bytes(path_or_bytes), ""
    path = Path(path_or_bytes)
    return path.read_bytes(), path.name


def detect(data: bytes, name: str = "") -> str:
    """The export format of *data*: ``odk``, ``kobo`` or ``kobo-json``."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        return ODK
    text = data.lstrip(b"\xef\xbb\xbf \r\n\t")
    if text[:1] in (b"[", b"{") or name.lower().endswith(".json"):
        return KOBO_JSON
    header = text.split(b"\n", 1)[0].decode("utf-8", "replace")
    if "_uuid" in header or "_submission_time" in header or "/" in header:
        return KOBO
    return ODK


def _csv_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        rows.append((reader.line_num, dict(zip(header, values, strict=False))))
    return header, rows


class _Columns:
    """Maps export columns to the form's questions, by group path or by name."""

    def __init__(self, definition: dict, separator: str):
        self.separator = separator
        self.by_path: dict[str, engine.Question] = {}
        self.by_name: dict[str, engine.Question] = {}
        for question in engine.questions(definition):
            if question.type in ("group", "note", "metadata"):
                continue
            self.by_name[question.name] = question
            self.by_path[separator.join((*question.path, question.name))] = question

    def question(self, column: str) -> engine.Question | None:
        found = self.by_path.get(column) or self.by_name.get(column)
        if found is None and self.separator in column:
            found = self.by_name.get(column.rsplit(self.separator, 1)[1])
        return found

    def is_meta(self, column: str) -> bool:
        last = column.rsplit(self.separator, 1)[-1]
        return (column in ODK_META or column.startswith(("SET-OF-", *KOBO_META_PREFIXES))
                or last in META_NAMES or column.startswith("meta" + self.separator))

    def is_choice_column(self, column: str) -> bool:
        """Kobo's 0/1 column per choice of a multiple choice (``q/choice``)."""
        if self.separator not in column:
            return False
        parent, choice = column.rsplit(self.separator, 1)
        question = self.question(parent)
        return (question is not None and question.type == "select_multiple"
                and choice in {c.name for c in question.choices})


def _day(value: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except (AttributeError, ValueError):
        return None


def _instance_id(value: str) -> str:
    value = (value or "").strip()
    return value[5:] if value.startswith("uuid:") else value


def _flat_records(header, rows, columns: _Columns, report: ImportReport,
                  id_columns: tuple[str, ...], day_columns: tuple[str, ...]) -> list[_Record]:
    ignored = [c for c in header if c and columns.question(c) is None
               and not columns.is_meta(c) and not columns.is_choice_column(c)]
    report.ignored_columns = ignored
    records = []
    for line, row in rows:
        answers: dict[str, Any] = {}
        for column, value in row.items():
            question = columns.question(column) if column else None
            if question is None or columns.is_choice_column(column) or question.type == "repeat":
                continue
            if value.strip():
                answers[question.name] = value.strip()
        iid = next((_instance_id(row[c]) for c in id_columns if row.get(c)), "")
        day = next((_day(row[c]) for c in day_columns if row.get(c)), None)
        records.append(_Record(line, answers, iid, day))
    return records


def _odk(data: bytes, definition: dict, report: ImportReport) -> list[_Record]:
    columns = _Columns(definition, "-")
    repeat_files: dict[str, bytes] = {}
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            csvs = sorted((n for n in archive.namelist() if n.endswith(".csv")), key=len)
            if not csvs:
                raise ValidationError(_("The ZIP file holds no CSV export."))
            if sum(archive.getinfo(n).file_size for n in csvs) > MAX_UNPACKED:
                raise ValidationError(_("The ZIP file unpacks to more than %(mb)d MB: "
                                        "export fewer submissions at a time.") % {
                                            "mb": MAX_UNPACKED // (1024 * 1024)})
            main = archive.read(csvs[0])
            stem = Path(csvs[0]).stem
            for name in csvs[1:]:
                repeat_files[Path(name).stem.removeprefix(stem + "-")] = archive.read(name)
    else:
        main = data
    header, rows = _csv_rows(main)
    records = _flat_records(header, rows, columns, report,
                            ("meta-instanceID", "instanceID", "KEY"), ("SubmissionDate",))
    by_key = {row.get("KEY") or row.get("meta-instanceID"): record
              for (_line, row), record in zip(rows, records, strict=True)}
    repeats = {q.name: q for q in engine.questions(definition) if q.type == "repeat"}
    for name, content in repeat_files.items():
        repeat = repeats.get(name.rsplit("-", 1)[-1])
        if repeat is None:
            report.ignored_columns.append(f"{name}.csv")
            continue
        inner = _Columns({"children": []}, "-")
        inner.by_name = {q.name: q for q in _descendants(repeat)}
        _header, repeat_rows = _csv_rows(content)
        for _line, row in repeat_rows:
            parent = by_key.get(row.get("PARENT_KEY", "").split("/")[0])
            if parent is None:
                continue
            entry = {}
            for column, value in row.items():
                question = inner.question(column) if column else None
                if question is not None and value.strip():
                    entry[question.name] = value.strip()
            parent.answers.setdefault(repeat.name, []).append(entry)
    return records


def _descendants(question: engine.Question) -> list[engine.Question]:
    found = []
    for child in question.children:
        found += _descendants(child) if child.type == "group" else [child]
    return found


def _kobo_json(data: bytes, definition: dict, report: ImportReport) -> list[_Record]:
    try:
        loaded = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(_("Not a KoboToolbox JSON export: %(error)s") % {
            "error": exc}) from exc
    items = loaded.get("results") if isinstance(loaded, dict) else loaded
    if not isinstance(items, list):
        raise ValidationError(_("Not a KoboToolbox JSON export: expected a list of "
                                "submissions."))
    columns = _Columns(definition, "/")
    ignored: set[str] = set()
    records = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            report.problems.append(RowProblem(number, "", _("Not a submission object.")))
            continue
        answers = _kobo_object(item, columns, ignored)
        iid = _instance_id(str(item.get("meta/instanceID") or item.get("_uuid") or ""))
        records.append(_Record(number, answers, iid, _day(str(item.get("_submission_time")
                                                             or ""))))
    report.ignored_columns = sorted(ignored)
    return records


def _kobo_object(item: dict, columns: _Columns, ignored: set[str]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for key, value in item.items():
        if columns.is_meta(key):
            continue
        question = columns.question(key)
        if question is None:
            ignored.add(key)
        elif question.type == "repeat" and isinstance(value, list):
            answers[question.name] = [
                _kobo_object(entry, columns, ignored) for entry in value
                if isinstance(entry, dict)]
        elif value not in (None, ""):
            answers[question.name] = value if isinstance(value, str | int | float) else str(
                value)
    return answers


def _kobo_csv(data: bytes, definition: dict, report: ImportReport) -> list[_Record]:
    header, rows = _csv_rows(data)
    return _flat_records(header, rows, _Columns(definition, "/"), report,
                         ("meta/instanceID", "_uuid"), ("_submission_time",))


READERS = {ODK: _odk, KOBO: _kobo_csv, KOBO_JSON: _kobo_json}
SOURCES = {ODK: SubmissionSource.ODK, KOBO: SubmissionSource.KOBO,
           KOBO_JSON: SubmissionSource.KOBO}


# ------------------------------------------------------------------ importing
def _version(version_or_form: FormVersion | Form) -> FormVersion:
    if isinstance(version_or_form, FormVersion):
        return version_or_form
    version = version_or_form.published()
    if version is None:
        raise ValidationError(_("%(form)s has no published version.") % {
            "form": version_or_form.name})
    return version


def _imported_ids(version: FormVersion) -> set[str]:
    return set(Submission.objects.filter(version__form_id=version.form_id)
               .exclude(external_id="").values_list("external_id", flat=True))


def import_submissions(membership: Membership | None, version_or_form: FormVersion | Form,
                       path_or_bytes, *, fmt: str | None = None,
                       organisation: Organisation | None = None,
                       today: dt.date | None = None) -> ImportReport:
    """Import an ODK Central or KoboToolbox export of *version_or_form*'s submissions (a
    form: its published version). Returns the report of every row. *membership* None is the
    server administrator at the command line, who names the *organisation* instead.

    Raises ``PermissionDenied`` for members who may not manage their organisation's
    responses and ``ValidationError`` for an unreadable file or a form that is an interview
    about a case (those are answered through the case)."""
    if membership is not None:
        access.require(membership, Action.CHANGE, Submission)
        organisation = membership.organisation
    if organisation is None:
        raise ValidationError(_("Say which organisation the responses belong to."))
    version = _version(version_or_form)
    form = version.form
    if membership is not None and not access.own_or_unowned(
            membership, Form.objects.filter(pk=form.pk)).exists():
        raise PermissionDenied  # another organisation's form
    if form.kind == FormKind.INTERVIEW:
        raise ValidationError(_("Interviews are about a case: enter them through the case, "
                                "not by a bulk import."))
    data, name = _read(path_or_bytes)
    fmt = fmt or detect(data, name)
    if fmt not in READERS:
        raise ValidationError(_("Unknown format %(fmt)s: use one of %(formats)s.") % {
            "fmt": fmt, "formats": ", ".join(FORMATS)})
    report = ImportReport(format=fmt)
    try:
        records = READERS[fmt](data, version.definition, report)
    except (UnicodeDecodeError, csv.Error, zipfile.BadZipFile, zlib.error, EOFError,
            OSError) as exc:
        # The reason only: an exception's text may quote a line of the file (an answer).
        raise ValidationError(_("The file cannot be read as %(fmt)s: it is not such an "
                                "export, or it is damaged or cut short (%(reason)s).") % {
            "fmt": fmt, "reason": type(exc).__name__}) from exc
    report.rows = len(records) + len({p.row for p in report.problems})

    seen = _imported_ids(version)
    accepted: list[tuple[_Record, dict[str, Any]]] = []
    for record in records:
        if record.instance_id and record.instance_id in seen:
            report.duplicates.append((record.row, record.instance_id))
            continue
        day = record.day or today or timezone.localdate()
        state = engine.evaluate_form(version.definition, record.answers, today=day)
        if state.errors:
            report.problems += [RowProblem(record.row, key, " ".join(messages))
                                for key, messages in sorted(state.errors.items())]
            continue
        if record.instance_id:
            seen.add(record.instance_id)  # twice in the file: the second is a duplicate
        accepted.append((record, state.values))

    with transaction.atomic():  # all accepted rows, or none
        # One import of a form at a time: the instanceIDs already imported are read again
        # under the lock, so the same export sent twice at once is imported once.
        Form.objects.select_for_update().filter(pk=form.pk).first()
        stored = _imported_ids(version)
        fresh = []
        for record, values in accepted:
            if record.instance_id in stored:
                report.duplicates.append((record.row, record.instance_id))
            else:
                fresh.append((record, values))
        for record, values in fresh:
            day = record.day or today or timezone.localdate()
            if version.confidential:
                confidential.store_anonymous(version, organisation.pk, values, day,
                                             source=SOURCES[fmt])
            else:
                Submission.objects.create(
                    version=version, organisation=organisation, author=None,
                    status=SubmissionStatus.SUBMITTED, source=SOURCES[fmt], answers=values,
                    external_id=record.instance_id[:100], started_on=day, submitted_on=day,
                    updated_at=timezone.now())
    report.imported = len(fresh)
    return report


# ------------------------------------------------------------------ command line
def add_arguments(parser) -> None:
    """Arguments of ``palermo form import-submissions``."""
    parser.add_argument("name", help="The form id (settings sheet form_id).")
    parser.add_argument("path", help="The export: CSV, ZIP (ODK Central) or JSON (Kobo).")
    parser.add_argument("--org", required=True,
                        help="The organisation (name, short name or id) that collected them.")
    parser.add_argument("--format", dest="fmt", choices=FORMATS,
                        help="Default: recognised from the file.")
    parser.add_argument("--version", type=int, help="Version number (default: published).")


def run_command(options: dict, stdout, stderr) -> int:
    """Run the import for the command line and print the per-row report. Exit status 1
    when a row was rejected, 2 when nothing could be imported at all."""
    from django.core.management.base import CommandError

    form = Form.objects.filter(name=options["name"]).first()
    if form is None:
        raise CommandError(f"No form named {options['name']}.")
    target: Form | FormVersion = form
    if options.get("version"):
        target = form.versions.filter(number=options["version"]).first()
        if target is None:
            raise CommandError(f"{form.name} has no version {options['version']}.")
    given = options["org"]
    organisation = (Organisation.objects.filter(pk=int(given)).first() if given.isdigit()
                    else None) or Organisation.objects.filter(name=given).first()
    if organisation is None:
        raise CommandError(f"No organisation named {given}.")
    path = Path(options["path"])
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    try:
        report = import_submissions(None, target, path, fmt=options.get("fmt"),
                                    organisation=organisation)
    except ValidationError as exc:
        for message in exc.messages:
            stderr.write(message)
        return 2
    for line in report.lines():
        (stderr if line.startswith("rejected") else stdout).write(line)
    return 1 if report.problems else 0

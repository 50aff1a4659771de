"""Core-indicator exchange: aggregate counts from organisations without a case system.

An organisation sends persons assisted by period × sex × age band × exploitation type ×
citizenship (a file through the upload page, or JSON rows through the API). Rows are checked
by the one validator (row, field, reason); a valid submission replaces the organisation's
earlier counts for the same cells. :func:`merged_counts` combines them with the counts of
persons in CaseFact for headquarters tables; :func:`published_counts` applies threshold
suppression (with complementary suppression) before anything leaves.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.cases.facts import CaseFact
from palermo.core import access
from palermo.core.access import Action, Scope
from palermo.core.reference_data import htcds_choices
from palermo.disclosure import suppress_counts
from palermo.exchange.ctdc import AGE_BANDS, age_band
from palermo.exchange.models import CoreIndicatorCount, CoreIndicatorSubmission
from palermo.exchange.reading import Table, UnreadableFile, read_table
from palermo.exchange.validation import Column, Options, Problem, read_row, resolve_headers

DIMENSIONS = ("period", "sex", "age_band", "exploitation_type", "citizenship")
SEXES = (("female", gettext_lazy("Female")), ("male", gettext_lazy("Male")),
         ("other", gettext_lazy("Other")), ("unknown", gettext_lazy("Unknown")))
UNKNOWN = "unknown"
PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?$")
SEX_OF_GENDER = {"Feminine": "female", "Masculine": "male", "TransgenderFeminine": "other",
                 "TransgenderMasculine": "other", "NonConforming": "other"}


def columns() -> tuple[Column, ...]:
    bands = tuple((age_band(low), age_band(low)) for low, _high in AGE_BANDS)
    kinds = tuple(htcds_choices("vic_TypeOfExploitation")) + (("Unknown", _("Unknown")),)
    return (
        Column("period", "", "text", label=_("Period (YYYY, YYYY-Qn or YYYY-MM)"),
               required=True, max_length=7),
        Column("sex", "", "choice", label=_("Sex"), options=SEXES, required=True),
        Column("age_band", "", "choice", label=_("Age band"),
               options=bands + ((UNKNOWN, _("Unknown")),), required=True),
        Column("exploitation_type", "", "choice", label=_("Type of exploitation"),
               options=kinds, required=True),
        Column("citizenship", "", "country", label=_("Citizenship (ISO 3166)")),
        Column("persons", "", "integer", label=_("Persons assisted"), required=True),
    )


@dataclass
class SubmissionResult:
    submission: CoreIndicatorSubmission | None
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)


def check_rows(table: Table) -> tuple[list[dict], list[Problem]]:
    """The valid count rows of *table* and the problems (row, field, reason)."""
    cols = columns()
    header_map = resolve_headers(table.headers, cols)
    problems = [Problem(0, key, _("This required column is missing."))
                for key in (c.key for c in cols if c.required)
                if key not in {c.key for c in header_map.columns.values()}]
    if problems:
        return [], problems
    written = {c.key: header_map.written[p] for p, c in header_map.columns.items()}
    rows, seen = [], {}
    for number, values in table.rows:
        if all(v in (None, "") for v in values):
            continue
        cells, found = read_row(number, values, header_map, Options())
        period = cells.get("period")
        if period is not None and not PERIOD.match(str(period)):
            found.append(Problem(number, written["period"],
                                 _("Write the period as YYYY, YYYY-Qn or YYYY-MM.")))
        cells.setdefault("citizenship", "")
        key = tuple(cells.get(d) for d in DIMENSIONS)
        if not found and key in seen:
            found.append(Problem(number, _("(row)"), _("The same cell as row %(row)d.")
                                 % {"row": seen[key]}))
        seen.setdefault(key, number)
        problems += found
        if not found:
            rows.append(cells)
    if not rows and not problems:
        problems.append(Problem(0, _("(file)"), _("The file has no data rows.")))
    return rows, problems


@transaction.atomic
def submit(membership, table: Table, *, source: str = "web", note: str = ""
           ) -> SubmissionResult:
    """Store a submission if every row is valid (else nothing, and the problems)."""
    access.require(membership, Action.CREATE, CoreIndicatorSubmission)
    rows, problems = check_rows(table)
    if problems:
        return SubmissionResult(None, 0, problems)
    submission = CoreIndicatorSubmission.objects.create(
        organisation=membership.organisation, submitted_by=membership.user, source=source,
        note=note[:200])
    for row in rows:  # a later submission replaces the same cells
        CoreIndicatorCount.objects.filter(
            organisation=membership.organisation, current=True,
            **{d: row[d] for d in DIMENSIONS}).update(current=False)
    CoreIndicatorCount.objects.bulk_create([
        CoreIndicatorCount(submission=submission, organisation=membership.organisation,
                           **{d: row[d] for d in DIMENSIONS}, persons=row["persons"])
        for row in rows])
    return SubmissionResult(submission, len(rows), [])


def submit_file(membership, content: bytes, filename: str, **options) -> SubmissionResult:
    """A submission from a CSV, XLSX or JSON file."""
    access.require(membership, Action.CREATE, CoreIndicatorSubmission)
    try:
        table = read_table(content, filename)
    except UnreadableFile as exc:
        return SubmissionResult(None, 0, [Problem(0, _("(file)"), str(exc))])
    return submit(membership, table, **options)


def submit_records(membership, records: list[dict], **options) -> SubmissionResult:
    """A submission from JSON records (the API)."""
    # Every column is present, so a missing key is reported on its record's row.
    headers = list(dict.fromkeys([*(c.key for c in columns()), *(k for r in records
                                                                  for k in r)]))
    table = Table(headers=headers, rows=[(n, [r.get(h) for h in headers])
                                         for n, r in enumerate(records, start=1)], kind="json")
    return submit(membership, table, **options)


def _grain(period: str, grain: str) -> str:
    return period[:4] if grain == "year" else period


def _scope(membership) -> int | None:
    """None for every organisation, else the organisation id; refuses other roles."""
    reach = access.scope(membership, Action.VIEW, "core_indicators")
    if reach is Scope.NONE:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return None if reach is Scope.ALL else membership.organisation_id


def merged_counts(membership, by: tuple[str, ...] = ("sex",), grain: str = "year"
                  ) -> list[dict]:
    """Persons per period (year) × the dimensions *by*, from the case system (CaseFact:
    distinct persons) and from submitted aggregates, with their total. A person with several
    exploitation types counts under each (as in the CTM tables)."""
    unknown = [d for d in by if d not in DIMENSIONS[1:]]
    if unknown:
        raise ValueError(f"unknown dimension(s) {unknown}; choose from {DIMENSIONS[1:]}")
    organisation = _scope(membership)
    from_cases: dict[tuple, set] = {}
    facts = CaseFact.objects.all()
    if organisation is not None:
        facts = facts.filter(organisation_id=organisation)
    for fact in facts.values("person_key", "year", "gender", "age", "exploitation_types",
                             "citizenship").iterator():
        values = {"period": str(fact["year"]), "sex": SEX_OF_GENDER.get(fact["gender"],
                                                                           UNKNOWN),
                  "age_band": age_band(fact["age"]) or UNKNOWN,
                  "citizenship": fact["citizenship"] or ""}
        kinds = [k for k in fact["exploitation_types"] or [] if k != "DeclinedToAnswer"] \
            or ["Unknown"]
        for kind in kinds if "exploitation_type" in by else [None]:
            key = (values["period"], *(kind if d == "exploitation_type" else values[d]
                                       for d in by))
            from_cases.setdefault(key, set()).add(fact["person_key"])
    submitted: Counter = Counter()
    counts = CoreIndicatorCount.objects.filter(current=True)
    if organisation is not None:
        counts = counts.filter(organisation_id=organisation)
    for row in counts.values(*DIMENSIONS, "persons"):
        submitted[(_grain(row["period"], grain), *(row[d] for d in by))] += row["persons"]
    keys = sorted(set(from_cases) | set(submitted))
    return [{"period": key[0], **dict(zip(by, key[1:], strict=True)),
             "case_system": len(from_cases.get(key, ())), "submitted": submitted.get(key, 0),
             "total": len(from_cases.get(key, ())) + submitted.get(key, 0)} for key in keys]


def published_counts(membership, by: tuple[str, ...] = ("sex",), threshold: int = 10
                     ) -> list[dict]:
    """:func:`merged_counts` as published: per period, counts 1..*threshold* hidden (None)
    with complementary suppression against the period's total, which is published too."""
    merged = merged_counts(membership, by)
    out = []
    for period in sorted({r["period"] for r in merged}):
        rows = [r for r in merged if r["period"] == period]
        keyed = {tuple(r[d] for d in by): r["total"] for r in rows}
        hidden = suppress_counts(keyed, sum(keyed.values()), threshold=threshold)
        out += [{"period": period, **dict(zip(by, key, strict=True)), "persons": value}
                for key, value in hidden.counts.items()]
        out.append({"period": period, **dict.fromkeys(by, "total"), "persons": hidden.total})
    return out

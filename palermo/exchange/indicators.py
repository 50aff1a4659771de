"""Core-indicator exchange: aggregate counts from organisations without a case system.

An organisation sends persons assisted by period × sex × age band × exploitation type ×
citizenship (a file through the upload page, or JSON rows through the API). Rows are checked
by the one validator (row, field, reason); a valid submission replaces the organisation's
earlier counts for the same cells. :func:`merged_counts` combines them with the counts of
persons in CaseFact for headquarters tables; :func:`published_counts` is what leaves: every
one- and two-way table of a period protected as one set (``disclosure.marginals``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.analytics import disclosed, publication
from palermo.analytics.releases import earlier_disclosures, facts_key, record_release
from palermo.cases.facts import CaseFact
from palermo.core import access
from palermo.core.access import Action, Scope
from palermo.core.reference_data import htcds_choices
from palermo.disclosure import protect_marginals
from palermo.disclosure.cumulative import Disclosure, Extent
from palermo.exchange import ctdc_cells
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


MAX_WAY = 2  # published tables: persons per period by at most this many dimensions
ALONE = ("citizenship",)  # published by itself only: crossed, nearly every count is small


def _check_by(by: tuple[str, ...], *, published: bool = False) -> None:
    unknown = [d for d in by if d not in DIMENSIONS[1:]]
    if unknown:
        raise ValueError(f"unknown dimension(s) {unknown}; choose from {DIMENSIONS[1:]}")
    if len(set(by)) != len(by):
        raise ValueError(f"a dimension is named twice in {list(by)}")
    if published and len(by) > MAX_WAY:
        raise ValueError(f"published counts are by at most {MAX_WAY} dimensions at a time, "
                         f"got {len(by)}: {list(by)}")
    if published and len(by) > 1 and set(by) & set(ALONE):
        raise ValueError(f"published counts are by {', '.join(ALONE)} alone, "
                         f"not crossed with another dimension: {list(by)}")


def _case_frame(facts) -> pd.DataFrame:
    """One line per CaseFact row: person, period and the value of every dimension, the
    exploitation types as a list (exploded by :func:`_persons` where they are counted)."""
    frame = pd.DataFrame(list(facts.values_list(
        "person_key", "year", "gender", "age", "exploitation_types", "citizenship")),
        columns=["person_key", "year", "gender", "age", "kinds", "citizenship"])
    bands = {age: age_band(None if pd.isna(age) else int(age)) or UNKNOWN
             for age in frame["age"].unique()}
    return pd.DataFrame({
        "person_key": frame["person_key"], "period": frame["year"].astype(str),
        "sex": frame["gender"].map(SEX_OF_GENDER).fillna(UNKNOWN),
        "age_band": frame["age"].map(bands),
        "citizenship": frame["citizenship"].fillna(""),
        "exploitation_type": frame["kinds"].map(
            lambda kinds: [k for k in kinds or [] if k != "DeclinedToAnswer"] or ["Unknown"]),
    })


def _persons(frame: pd.DataFrame, by: tuple[str, ...]) -> dict[tuple, int]:
    """Distinct persons per (period, *values of by*); a person with several exploitation
    types counts under each when *by* names that dimension."""
    if frame.empty:
        return {}
    if "exploitation_type" in by:
        frame = frame.explode("exploitation_type")
    keys = ["period", *by]
    sizes = frame[["person_key", *keys]].drop_duplicates().groupby(keys, sort=False).size()
    return {key if isinstance(key, tuple) else (key,): int(n) for key, n in sizes.items()}


def _counts(membership, bys: list[tuple[str, ...]], grain: str = "year"
            ) -> dict[tuple[str, ...], tuple[dict[tuple, int], Counter]]:
    """For each *by*: persons per (period, *values*) from the case system (distinct persons
    in CaseFact) and from the submitted aggregates."""
    organisation = _scope(membership)
    facts = CaseFact.objects.all()
    if organisation is not None:
        facts = facts.filter(organisation_id=organisation)
    frame = _case_frame(facts)
    submitted: dict[tuple[str, ...], Counter] = {by: Counter() for by in bys}
    counts = CoreIndicatorCount.objects.filter(current=True)
    if organisation is not None:
        counts = counts.filter(organisation_id=organisation)
    for row in counts.values(*DIMENSIONS, "persons"):
        for by in bys:
            submitted[by][(_grain(row["period"], grain), *(row[d] for d in by))] += \
                row["persons"]
    return {by: (_persons(frame, by), submitted[by]) for by in bys}


def merged_counts(membership, by: tuple[str, ...] = ("sex",), grain: str = "year"
                  ) -> list[dict]:
    """Persons per period (year) × the dimensions *by*, from the case system (CaseFact:
    distinct persons) and from submitted aggregates, with their total — the real counts,
    for headquarters tables. A person with several exploitation types counts under each (as
    in the CTM tables)."""
    _scope(membership)  # the role first: a reader who may not is refused before the query
    by = tuple(by)
    _check_by(by)
    from_cases, submitted = _counts(membership, [by], grain)[by]
    return [{"period": key[0], **dict(zip(by, key[1:], strict=True)),
             "case_system": from_cases.get(key, 0), "submitted": submitted.get(key, 0),
             "total": from_cases.get(key, 0) + submitted.get(key, 0)}
            for key in sorted(set(from_cases) | set(submitted))]


def _lattice() -> list[tuple[str, ...]]:
    """Every table a reader may ask for: the total, each dimension, and each choice of up to
    ``MAX_WAY`` dimensions not in ``ALONE``, in ``DIMENSIONS`` order."""
    crossed = [d for d in DIMENSIONS[1:] if d not in ALONE]
    return [(), *((d,) for d in DIMENSIONS[1:]),
            *(by for size in range(2, MAX_WAY + 1) for by in combinations(crossed, size))]


@lru_cache(maxsize=256)
def _protected(frozen: tuple, threshold: int) -> dict:
    """``protect_marginals`` of one period's tables, remembered by their counts (the same
    counts always give the same result; read it, never change it)."""
    return protect_marginals({dims: dict(counts) for dims, counts in frozen},
                             threshold=threshold)


def published_counts(membership, by: tuple[str, ...] = ("sex",), threshold: int | None = None
                     ) -> list[dict]:
    """:func:`merged_counts` as published: persons per period by *by* (at most
    ``MAX_WAY`` dimensions; those in ``ALONE`` only by themselves), with the period's total,
    ``None`` where hidden.

    Every table a reader may ask for (:func:`_lattice`: the total, by each dimension, by each
    allowed pair) is protected as one set for each period
    (``palermo.disclosure.protect_marginals``): counts from 1 to *threshold* are hidden, and
    more, until none can be worked out from all of the tables together. So fetching the
    counts by sex, then by sex and age band, gives nothing back that either hides.
    *threshold*: the configured one (``PALERMO_SUPPRESSION_THRESHOLD``, default 10) unless
    given."""
    return [row for row, _true in _published(membership, by, threshold)]


def _published(membership, by: tuple[str, ...], threshold: int | None
               ) -> list[tuple[dict, int]]:
    """:func:`published_counts`' rows, each with its true count. The role is checked first:
    a reader who may not see the counts is refused before the query is read."""
    _scope(membership)
    threshold = publication.threshold() if threshold is None else threshold
    by = tuple(by)
    _check_by(by, published=True)
    lattice = _lattice()
    merged = _counts(membership, lattice)
    periods: dict[str, dict] = {}
    for dims, (from_cases, submitted) in merged.items():
        for key in set(from_cases) | set(submitted):
            table = periods.setdefault(key[0], {d: {} for d in lattice})[dims]
            table[key[1:]] = from_cases.get(key, 0) + submitted.get(key, 0)
    dims = tuple(d for d in DIMENSIONS[1:] if d in by)
    place = [dims.index(d) for d in by]
    out = []
    for period in sorted(periods):
        frozen = tuple((d, tuple(sorted(counts.items()))) for d, counts in
                       periods[period].items())
        shown = _protected(frozen, threshold)
        true = periods[period]
        if by:
            rows = sorted((tuple(key[i] for i in place), value, true[dims][key])
                          for key, value in shown[dims].items())
            out += [({"period": period, **dict(zip(by, key, strict=True)), "persons": value},
                     n) for key, value, n in rows]
        out.append(({"period": period, **dict.fromkeys(by, "total"),
                     "persons": shown[()].get((), 0)}, true[()].get((), 0)))
    return out


def release_counts(membership, by: tuple[str, ...] = ("sex",), *, channel: str = "api"
                   ) -> list[dict]:
    """:func:`published_counts`, audited with every earlier release of the same facts
    (statistics tables, CTDC files, other fetches: ``disclosure.cumulative.protect`` hides
    more counts until together they pin no small count that those releases did not), and
    written to the release log (who, when, the dimensions, the rows, the cells disclosed
    and the SHA-256 of the JSON sent) like every table that leaves Palermo."""
    limit = publication.threshold()
    by = tuple(by)
    published = _published(membership, by, limit)
    facts = facts_key(_scope(membership))
    cells, where = _cells(published, by)
    earlier = earlier_disclosures(facts)
    if earlier:
        hidden = disclosed.protected(earlier, cells, limit)
        for key in where if hidden is None else hidden:  # None: nothing may be shown
            for i in where[key]:
                published[i][0]["persons"] = None
        cells = _cells(published, by)[0]
    rows = [row for row, _true in published]
    record_release(content=json.dumps(rows, sort_keys=True), spec="core-indicators",
                   channel=channel, membership=membership,
                   parameters={"by": list(by), "threshold": limit}, row_count=len(rows),
                   facts=facts, cells=cells)
    return rows


# The fields of the facts each dimension counts, as the other releases name them.
FIELD_OF = {"period": "year", "sex": "gender", "age_band": "age",
            "exploitation_type": "exploitation_types", "citizenship": "citizenship"}


def _extent(dimension: str, label: str) -> Extent:
    if dimension == "sex":
        genders = list(SEX_OF_GENDER)
        return Extent.all_but(genders) if label == UNKNOWN else Extent.of(
            g for g in genders if SEX_OF_GENDER[g] == label)
    if dimension == "age_band":
        return Extent.of([""]) if label == UNKNOWN else ctdc_cells.extent("ageBroad", label)
    return Extent.of([label])


def _cells(published: list[tuple[dict, int]], by: tuple[str, ...]
           ) -> tuple[Disclosure, dict[tuple, list[int]]]:
    """What the rows disclose, and where each cell is: (dims, labels) → row indices."""
    out = Disclosure()
    where: dict[tuple, list[int]] = {}
    for i, (row, true) in enumerate(published):
        dimensions = ["period"] + [d for d in by if row[d] != "total"]
        cell = {}
        for d in dimensions:
            label = str(row[d])
            out.define(FIELD_OF[d], label, _extent(d, label))
            cell[FIELD_OF[d]] = label
        out.add(cell, true, row["persons"] is not None)
        dims = tuple(sorted(cell))
        where.setdefault((dims, tuple(cell[d] for d in dims)), []).append(i)
    return out, where

"""Computing a table from its specification: counts of persons and percentages.

Percentage conventions (docs/analytics.md):

* ``ctm`` — as the printed CTM tables: a single-response variable's percentages are of the
  persons whose value is known; a multi-response variable's are of all N persons of the
  column; missing values get no row (the note says so).
* ``ctdc`` — as CTDC's tables: the denominator is the persons with information on any
  variable of the row's group (a row is its own group unless the specification says
  ``group:``); for a multi-response variable, persons with at least one known value.

A person with several cases is counted once in every cell their cases fall in, so counts are
of persons; a cell's count never exceeds its column's N.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext_lazy

from palermo.analytics.engine import (
    Dimension,
    Facts,
    Filters,
    fetch,
    row_dimension,
    single_dimension,
    value_dimension,
    where_clause,
)
from palermo.analytics.specs import (
    REFERENCE_GROUPINGS,
    TableSpec,
    _Checker,
    column_dimensions,
)

# The column groupings offered. For readers without the real counts, these (with each
# table's printed grouping) are the fixed table set (publication.fixed_groupings).
GROUPINGS = [("", gettext_lazy("As printed")), ("all", gettext_lazy("All persons")),
             ("origin_region", gettext_lazy("Region of origin")),
             ("destination_region", gettext_lazy("Destination region")),
             ("year", gettext_lazy("Year")), ("organisation", gettext_lazy("Organisation")),
             ("sex_age", gettext_lazy("Sex and age band"))]



def percent(n: int, denominator: int) -> float | None:
    """*n* as a percentage of *denominator*, rounded half up to one decimal (exactly, in
    integers, so 0.05 boundaries do not depend on floating point)."""
    if denominator <= 0:
        return None
    tenths = (2000 * n + denominator) // (2 * denominator)
    return tenths / 10


@dataclass
class Row:
    """One printed row: a category and its count in each column."""

    label: str
    counts: list[int]
    percents: list[float | None]
    other: bool = False


@dataclass
class Block:
    """The rows of one variable, with the denominator of its percentages per column."""

    name: str
    label: str
    multi: bool
    rows: list[Row]
    denominators: list[int]
    # Per column: persons with no known value, and persons with a known value that no printed
    # row holds. Never printed, but a reader can work them out (N minus the printed rows, or
    # from a percentage), so disclosure control protects them like any count.
    missing: list[int] = field(default_factory=list)
    unprinted: list[int] = field(default_factory=list)


@dataclass
class Table:
    """A computed table (real counts; disclosure control comes after, in publication)."""

    spec: TableSpec
    convention: str
    by: tuple[str, ...]
    filters: Filters
    columns: list[str]
    column_n: list[int]
    total_n: int
    blocks: list[Block]
    generated: dt.datetime = field(default_factory=timezone.now)
    # Per column, the label of each grouping dimension of ``by`` (empty for "all").
    column_parts: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def grouped(self) -> bool:
        return self.by != ("all",)


def _reference_dimension(name: str) -> Dimension:
    from palermo.core.models import Region

    regions = list(Region.objects.filter(scheme=REFERENCE_GROUPINGS[name])
                   .order_by("order").values_list("name", "code"))
    return single_dimension(f"column:{name}", name, [(label, (code,)) for label, code in regions],
                            ("",))


def _organisation_names(ids: list) -> list[str]:
    from palermo.core.models import Organisation

    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [names.get(i, str(i)) for i in ids]


def _column_dimension(name: str, spec: TableSpec) -> Dimension:
    if name in REFERENCE_GROUPINGS:
        return _reference_dimension(name)
    row = spec.row(name)
    if row is not None:
        if row.multi_response:
            raise ValueError(f"by: {name} is multi-response and cannot group columns")
        dim = row_dimension(row)
        if row.other_label and dim.coder is None:
            dim.labels = [*dim.labels, row.other_label]
            dim.other_label = None
        return dim
    if name == "organisation_id":
        return value_dimension(name, name, (), _organisation_names)
    if name == "is_retrafficked":
        return value_dimension(name, name, (), lambda vs: ["Yes" if v else "No" for v in vs])
    return value_dimension(name, name, ("",))


def _columns(facts: Facts, dims: list[Dimension]
             ) -> tuple[np.ndarray, list[str], list[tuple[str, ...]]]:
    """Each row's column index (-1 = in no column), the column labels and, per column,
    the label of each grouping dimension."""
    col = np.zeros(facts.rows, dtype=np.int64)
    parts: list[tuple[str, ...]] = [()]
    for dim in dims:
        codes = facts.codes[dim.name]
        k = len(dim.labels)
        valid = (codes >= 1) & (codes <= k)
        col = np.where(valid & (col >= 0), col * k + (codes - 1), -1)
        parts = [(*a, b) for a in parts for b in dim.labels]
    return col, [", ".join(p) for p in parts], parts


def _block(facts: Facts, dim: Dimension, col: np.ndarray, n_cols: int
           ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Per-category counts (the other-values category last), the rows with a known value,
    and the per-column count of persons with a known value."""
    inside = col >= 0
    codes = facts.codes[dim.name]
    k = len(dim.labels)
    known = inside & (codes != 0)
    if dim.multi:
        counts = [facts.distinct(col, n_cols, inside & (((codes >> bit) & 1) == 1))
                  for bit in range(k + 1)]
    else:
        width = k + 2
        table = facts.distinct(np.where(inside, col * width + codes, 0), n_cols * width,
                               inside).reshape(n_cols, width)
        counts = [table[:, code] for code in range(1, k + 2)]
    return counts, known, facts.distinct(col, n_cols, known)


@dataclass
class _Plan:
    spec: TableSpec
    columns: tuple[str, ...]
    row_dims: list[Dimension]
    col_dims: list[Dimension]


def grouping(spec: TableSpec, by=None) -> tuple[str, ...]:
    """The column grouping *by* as dimension names (``None`` = as *spec* says; aliases such
    as ``sex_age`` resolved), validated: ``SpecError`` names a bad one."""
    if by is None:
        return spec.columns
    return column_dimensions(list(by) if not isinstance(by, str) else by, spec.rows,
                             _Checker("request"), "by")


def _plan(requests: list[tuple[TableSpec, object]]) -> tuple[list[_Plan], list[Dimension]]:
    """Each table's dimensions; a row shared by several tables is read once."""
    shared: dict = {}
    every: list[Dimension] = []
    plans = []
    for spec, by in requests:
        columns = grouping(spec, by)
        row_dims = []
        for row in spec.rows:
            if row not in shared:
                dim = row_dimension(row)
                dim.name = f"row{len(every)}"
                shared[row] = dim
                every.append(dim)
            row_dims.append(shared[row])
        col_dims = []
        for name in columns:
            if name == "all":
                continue
            dim = _column_dimension(name, spec)
            dim.name = f"column{len(every)}"
            every.append(dim)
            col_dims.append(dim)
        plans.append(_Plan(spec, tuple(columns), row_dims, col_dims))
    return plans, every


def build_grouped(requests: list[tuple[TableSpec, object]], filters: Filters | None = None, *,
                  scope_orgs: tuple[int, ...] | None = None,
                  convention: str | None = None) -> list[Table]:
    """One table per (specification, column grouping) in *requests* (grouping ``None`` = as
    the specification says), over the CaseFact rows that pass *filters* within *scope_orgs*
    (the organisations the reader may count; ``None`` = all), reading the facts once.
    *convention* overrides the specifications' percentage convention."""
    filters = filters or Filters()
    if convention not in (None, "ctm", "ctdc"):
        raise ValueError(f"convention: must be ctm or ctdc, not {convention!r}")
    plans, dims = _plan(requests)
    where, params = where_clause(filters, scope_orgs)
    facts = fetch(dims, where, params)
    return [_compute(plan, facts, filters, convention or plan.spec.convention)
            for plan in plans]


def build_tables(specs: list[TableSpec], filters: Filters | None = None, *,
                 scope_orgs: tuple[int, ...] | None = None, convention: str | None = None,
                 by: tuple[str, ...] | list[str] | str | None = None) -> list[Table]:
    """Compute *specs*, each in the column grouping *by* (``None`` = as each specification
    says), reading the facts once (see :func:`build_grouped`)."""
    return build_grouped([(spec, by) for spec in specs], filters, scope_orgs=scope_orgs,
                         convention=convention)


def build_table(spec: TableSpec, filters: Filters | None = None, **options) -> Table:
    """One table (see :func:`build_tables`)."""
    return build_tables([spec], filters, **options)[0]


def _compute(plan: _Plan, facts: Facts, filters: Filters, convention: str) -> Table:
    spec = plan.spec
    if spec.counts == "cases":
        facts = replace(facts, by_cases=True, _single=None)
    col, labels, parts = _columns(facts, plan.col_dims)
    if not plan.col_dims:
        labels = [spec.column_label or "All"]
    n_cols = len(labels)
    inside = col >= 0
    column_n = facts.distinct(np.where(inside, col, 0), n_cols, inside)
    total_n = int(facts.distinct(np.zeros(facts.rows, np.int64), 1, inside)[0])
    computed = {row.name: _block(facts, dim, col, n_cols)
                for row, dim in zip(spec.rows, plan.row_dims, strict=True)}
    group_known: dict[str, np.ndarray] = {}
    for row in spec.rows:
        known = computed[row.name][1]
        group_known[row.group] = known if row.group not in group_known \
            else group_known[row.group] | known
    blocks = []
    for row, dim in zip(spec.rows, plan.row_dims, strict=True):
        counts, _known_rows, known_n = computed[row.name]
        if convention == "ctdc":
            denominators = facts.distinct(np.where(inside, col, 0), n_cols,
                                          group_known[row.group])
        else:
            denominators = column_n if row.multi_response else known_n
        printed = [(label, counts[i], False) for i, label in enumerate(dim.labels)]
        other = counts[len(dim.labels)]
        if row.other_label and other.sum() > 0:
            printed.append((row.other_label, other, True))
        rows = [Row(label, [int(v) for v in values],
                    [percent(int(v), int(d)) for v, d in zip(values, denominators, strict=True)],
                    is_other) for label, values, is_other in printed]
        unprinted = other if not (row.other_label and other.sum() > 0) else 0 * other
        blocks.append(Block(row.name, row.label, row.multi_response, rows,
                            [int(d) for d in denominators],
                            missing=[int(n - k) for n, k in zip(column_n, known_n, strict=True)],
                            unprinted=[int(v) for v in unprinted]))
    return Table(spec=spec, convention=convention, by=plan.columns, filters=filters,
                 columns=labels, column_n=[int(v) for v in column_n], total_n=total_n,
                 blocks=blocks, column_parts=parts)

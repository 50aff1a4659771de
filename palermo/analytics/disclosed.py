"""What a published statistics table discloses, for the release log and the joint audit.

``publication`` protects a reader's tables as a set; ``palermo.disclosure.cumulative`` then
audits them against every earlier release of the same facts (a CTDC file, core indicators,
other tables). This module writes a table — each column's N and every block, with the rows
never printed — as a ``Disclosure`` over the fields of the facts, each label with the stored
values it covers: "Female" = {Feminine}, "15-17" = ages 15 to 17, a destination region = its
countries (field ``destination_country``, as in the CTDC file), the missing-value row = the
values the specification counts as missing, an "other" row = every value but the listed ones.
:func:`hide` applies what the audit hides back to the table's suppression pattern.

A block whose field is also a column grouping (the years of assistance in a table grouped by
year) is left out: its cells are not cells of one field each. Tables counting cases and
tables counting persons are different facts (``releases.facts_key``).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache

from palermo.analytics.audit import MISSING, OTHER, AuditTable
from palermo.analytics.specs import NUMBER_FIELDS, REFERENCE_GROUPINGS, RowVariable, TableSpec
from palermo.analytics.tables import Table
from palermo.disclosure.cumulative import Disclosure, Extent, ReleaseConflict, protect

OTHER_LABEL, MISSING_LABEL = "(other)", "(missing)"
# Region fields are written over the country they are derived from, as the CTDC file gives
# countries or, generalised, their regions.
COUNTRY_OF_REGION = {"origin_region": "origin_country",
                     "destination_region": "destination_country"}
Position = tuple  # ("n", column) | ("cell", block, row, column)


@lru_cache(maxsize=2)
def countries_of_regions(kind: str) -> dict[str, frozenset[str]]:
    """Region code → the ISO alpha-3 codes of its countries (*kind*: origin, destination)."""
    from palermo.core.reference_data import read_countries

    out: dict[str, set[str]] = {}
    for country in read_countries():
        out.setdefault(country[f"{kind}_region"], set()).add(country["alpha3"])
    return {code: frozenset(codes) for code, codes in out.items()}


def _values(field: str, values) -> tuple[str, frozenset[str]]:
    """The field a table's values are written over, and the values there."""
    if field not in COUNTRY_OF_REGION:
        return field, frozenset(str(v) for v in values)
    regions = countries_of_regions(REFERENCE_GROUPINGS[field])
    return COUNTRY_OF_REGION[field], frozenset(
        country for v in values for country in regions.get(str(v), {str(v)}))


def _ages(low: int | None, high: int | None) -> Extent:
    low = low or 0
    if high is None:  # open band: every age but the lower ones (and no missing age)
        return Extent.all_but([*range(low), ""])
    return Extent.of(range(low, high + 1))


def row_extents(row: RowVariable) -> tuple[str, Callable[[object], Extent]]:
    """The field of *row* and the extent of each of its row keys (``("row", label)``,
    ``audit.OTHER``, ``audit.MISSING``) or column labels (a category's label, the other
    label)."""
    missing_values = ("",) if row.field in NUMBER_FIELDS and not row.by_value \
        else (*row.missing, "")
    field, missing = _values(row.field, missing_values)
    by_label: dict[str, Extent] = {}
    listed: set[str] = set()
    for category in row.categories:
        if row.ranged:
            by_label[category.label] = _ages(category.low, category.high)
            high = category.high if category.high is not None else 150
            listed |= {str(a) for a in range(category.low or 0, high + 1)}
        else:
            field, values = _values(row.field, category.values)
            by_label[category.label] = Extent.of(values)
            listed |= values
    other = Extent.all_but(listed | missing)

    def extent(key) -> Extent:
        if key == OTHER or key == row.other_label:
            return other
        if key == MISSING:
            return Extent.of(missing)
        label = key[1] if isinstance(key, tuple) else key
        return by_label.get(label) or Extent.of([label])  # by value: the value itself
    return field, extent


def _column_extents(spec: TableSpec, name: str) -> tuple[str, Callable[[object], Extent]]:
    """The field of column grouping *name* and the extent of each column label."""
    if name in REFERENCE_GROUPINGS:
        from palermo.core.models import Region

        codes = dict(Region.objects.filter(scheme=REFERENCE_GROUPINGS[name])
                     .values_list("name", "code"))
        field = COUNTRY_OF_REGION[name]
        return field, lambda label: Extent.of(_values(name, [codes.get(label, label)])[1])
    row = spec.row(name)
    if row is not None:
        return row_extents(row)
    return name, lambda label: Extent.of([label])


def _label(key) -> str:
    return OTHER_LABEL if key == OTHER else MISSING_LABEL if key == MISSING else key[1]


def table_cells(tables: list[tuple[Table, AuditTable]], *, name: str = ""
                ) -> tuple[Disclosure, dict[tuple, list[tuple[int, Position]]]]:
    """What *tables* (each with its suppression pattern) disclose together, and where each
    cell sits in them: (dims, labels) → [(table index, position)]."""
    out = Disclosure(name=name)
    where: dict[tuple, list[tuple[int, Position]]] = {}

    def add(t: int, position: Position, cell: dict[str, tuple[str, Extent]], true: int,
            shown: bool) -> None:
        labels = {}
        for field, (label, extent) in cell.items():
            try:
                out.define(field, label, extent)
            except ValueError:  # one label, two meanings (two specifications' categories)
                label = f"{label} [{hashlib.sha256(repr(extent).encode()).hexdigest()[:8]}]"
                out.define(field, label, extent)
            labels[field] = label
        out.add(labels, true, shown)
        dims = tuple(sorted(labels))
        where.setdefault((dims, tuple(labels[d] for d in dims)), []).append((t, position))

    for t, (table, pattern) in enumerate(tables):
        grouped = [name for name in table.by if name != "all"]
        dimensions = [_column_extents(table.spec, name) for name in grouped]
        fields = [field for field, _extent in dimensions]
        if len(set(fields)) < len(fields):
            continue
        columns = []
        for parts in table.column_parts or [()] * len(table.columns):
            columns.append({field: (label, extent(label)) for (field, extent), label
                            in zip(dimensions, parts, strict=True)})
        for c, cell in enumerate(columns):
            add(t, ("n", c), cell, pattern.column_n[c], pattern.n_shown[c])
        for b, (row, block) in enumerate(zip(table.spec.rows, pattern.blocks, strict=True)):
            field, extent = row_extents(row)
            if field in fields:
                continue
            for r, key in enumerate(block.keys):
                for c, cell in enumerate(columns):
                    add(t, ("cell", b, r, c), {**cell, field: (_label(key), extent(key))},
                        block.cells[r][c], block.shown[r][c])
    return out, where


def hide(pattern: AuditTable, position: Position) -> None:
    """Hide the entry at *position* in *pattern*."""
    if position[0] == "n":
        pattern.n_shown[position[1]] = False
    else:
        _, b, r, c = position
        pattern.blocks[b].shown[r][c] = False


# What protect() hid for a candidate, by the candidate and the earlier releases: the same
# tables fetched again after the same releases get the same answer at once.
_PROTECTED: OrderedDict[tuple, list | None] = OrderedDict()
_PROTECTED_LOCK = threading.Lock()


def protected(earlier: list[Disclosure], candidate: Disclosure, limit: int
              ) -> list[tuple] | None:
    """The cells ((dims, labels)) to hide further in *candidate* so that, with *earlier*,
    no count from 1 to *limit* can be worked out that *earlier* alone did not give away;
    ``None`` when no such choice was found (then nothing of the candidate may be shown)."""
    key = (limit, candidate.fingerprint(), tuple(e.digest or e.fingerprint() for e in earlier))
    with _PROTECTED_LOCK:
        if key in _PROTECTED:
            _PROTECTED.move_to_end(key)
            return _PROTECTED[key]
    try:
        _safe, hidden = protect(earlier, candidate, limit)
        result = [(k[1], k[2]) for k in hidden]
    except ReleaseConflict:
        result = None
    with _PROTECTED_LOCK:
        _PROTECTED[key] = result
        while len(_PROTECTED) > 64:
            _PROTECTED.popitem(last=False)
    return result

"""Who may count what, and disclosure control on every table that leaves.

The access policy (``statistics`` and ``real_counts`` in ``palermo/core/access.py``) decides
which organisations' facts a reader may count and whether they see the real counts. Everyone
else receives the table after threshold suppression with complementary suppression
(``palermo.disclosure.suppress_table``): each block of rows is suppressed with its totals, and
the N of each column as its own line. A percentage is shown only where its count and its
denominator can be shown, since a percentage and its denominator give the count back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from palermo import config
from palermo.analytics.engine import Filters
from palermo.analytics.specs import TableSpec, get_spec
from palermo.analytics.tables import Table, build_table
from palermo.core import access
from palermo.core.access import Action, Scope
from palermo.disclosure import suppress_table

MARKER = "–"  # every suppressed count or percentage, whatever the reason (no hint of size)
DEFAULT_THRESHOLD = 10


def threshold() -> int:
    """Counts from 1 to this are suppressed: ``PALERMO_SUPPRESSION_THRESHOLD`` (default 10)."""
    raw = config.setting("PALERMO_SUPPRESSION_THRESHOLD", str(DEFAULT_THRESHOLD))
    try:
        value = int(raw or DEFAULT_THRESHOLD)
    except ValueError as exc:
        raise ValueError(f"PALERMO_SUPPRESSION_THRESHOLD={raw!r}: expected a whole number"
                         ) from exc
    if value < 0:
        raise ValueError(f"PALERMO_SUPPRESSION_THRESHOLD={raw!r}: must not be negative")
    return value


def reader_scope(membership) -> tuple[int, ...] | None:
    """The organisations whose facts *membership* may count (``None`` = all); raises
    ``PermissionDenied`` for a role that never sees statistics."""
    reach = access.scope(membership, Action.VIEW, "statistics")
    if reach is Scope.NONE:
        raise PermissionDenied
    return None if reach is Scope.ALL else (membership.organisation_id,)


def sees_real_counts(membership, scope_orgs: tuple[int, ...] | None) -> bool:
    """Does *membership* see unsuppressed counts of the facts within *scope_orgs*?"""
    reach = access.scope(membership, Action.VIEW, "real_counts")
    if reach is Scope.ALL:
        return True
    return reach is Scope.OWN and scope_orgs == (membership.organisation_id,)


@dataclass
class Cell:
    """A published count and percentage; ``None`` = suppressed."""

    n: int | None
    pct: float | None

    @property
    def hidden(self) -> bool:
        return self.n is None


@dataclass
class PublishedRow:
    label: str
    cells: list[Cell]
    other: bool = False


@dataclass
class PublishedBlock:
    name: str
    label: str
    multi: bool
    rows: list[PublishedRow]


@dataclass
class Published:
    """A table as it may be shown to its reader."""

    table: Table
    column_n: list[int | None]
    blocks: list[PublishedBlock]
    suppressed: bool
    threshold: int
    notes: list[str] = field(default_factory=list)

    @property
    def spec(self) -> TableSpec:
        return self.table.spec

    @property
    def any_hidden(self) -> bool:
        return any(n is None for n in self.column_n) or any(
            c.hidden for b in self.blocks for r in b.rows for c in r.cells)

    def row_count(self) -> int:
        """Printed rows (block rows, plus the Total n row when the table has one)."""
        return sum(len(b.rows) for b in self.blocks) + int(self.spec.total_row)


def _suppress_block(table: Table, block, column_n: list[int | None], limit: int
                    ) -> PublishedBlock:
    if not block.rows:
        return PublishedBlock(block.name, block.label, block.multi, [])
    width = len(table.columns)
    result = suppress_table([row.counts for row in block.rows], threshold=limit,
                            row_totals=width > 1, column_totals=True, table_total=width > 1)
    rows = []
    for row, shown in zip(block.rows, result.cells, strict=True):
        cells = []
        for c, n in enumerate(shown):
            denominator_shown = (column_n[c] is not None if block.multi
                                 and table.convention == "ctm"
                                 else result.column_totals[c] is not None)
            pct = row.percents[c] if n is not None and denominator_shown else None
            cells.append(Cell(n, pct))
        rows.append(PublishedRow(row.label, cells, row.other))
    return PublishedBlock(block.name, block.label, block.multi, rows)


def publish(table: Table, *, real_counts: bool, limit: int | None = None) -> Published:
    """*table* as its reader may see it: as computed for *real_counts* readers, else with
    counts 1..*limit* (default: the configured threshold) and whatever would reveal them
    suppressed."""
    limit = threshold() if limit is None else limit
    notes = list(table.spec.notes)
    if real_counts:
        blocks = [PublishedBlock(b.name, b.label, b.multi, [
            PublishedRow(r.label, [Cell(n, p) for n, p in zip(r.counts, r.percents,
                                                              strict=True)], r.other)
            for r in b.rows]) for b in table.blocks]
        return Published(table, list(table.column_n), blocks, False, limit, notes)
    n_line = suppress_table([table.column_n], threshold=limit,
                            row_totals=len(table.columns) > 1, column_totals=False,
                            table_total=False)
    column_n = n_line.cells[0]
    blocks = [_suppress_block(table, b, column_n, limit) for b in table.blocks]
    published = Published(table, column_n, blocks, True, limit, notes)
    published.notes.append(suppression_note(limit))
    return published


def suppression_note(limit: int) -> str:
    """The note printed under every suppressed table."""
    return _("%(marker)s: not shown to protect the persons counted — counts from 1 to "
             "%(limit)s, and other counts or percentages that would reveal them.") % {
        "marker": MARKER, "limit": limit}


def table_for(membership, key: str, filters: Filters | None = None, *,
              convention: str | None = None, by=None) -> Published:
    """Table *key* for *membership*: counted within what it may see, suppressed unless it
    may see the real counts. Raises ``PermissionDenied`` or ``KeyError`` (no such table)."""
    scope_orgs = reader_scope(membership)
    spec = get_spec(key)
    table = build_table(spec, filters, scope_orgs=scope_orgs, convention=convention, by=by)
    return publish(table, real_counts=sees_real_counts(membership, scope_orgs))

"""Who may count what, and disclosure control on every table that leaves.

The access policy (``statistics`` and ``real_counts`` in ``palermo/core/access.py``) decides
which organisations' facts a reader may count and whether they see the real counts. Everyone
else receives the table after threshold suppression with complementary suppression
(``palermo.disclosure.suppress_table``): the N of each column as its own line, then each block
of rows — a single-response block with the never-printed persons of no printed row, its
columns adding up to N; a multi-response block without column totals, as it is not additive.
Blocks share N, so ``palermo.analytics.audit`` then attacks the whole table and more is hidden
until no small count can be worked out. A percentage is shown only where its count is shown
and its denominator can be worked out anyway (or is no small count), since a percentage and
its count give the denominator back. docs/analytics.md explains it for readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from palermo import config
from palermo.analytics.audit import AuditBlock, exposed
from palermo.analytics.engine import Filters
from palermo.analytics.specs import TableSpec, get_spec
from palermo.analytics.tables import Table, build_table
from palermo.core import access
from palermo.core.access import Action, Scope
from palermo.disclosure import suppress_table

MARKER = "–"  # every suppressed count or percentage, whatever the reason (no hint of size)
DEFAULT_THRESHOLD = 10
AUDIT_ROUNDS = 25  # one more hidden entry per round; then everything is hidden


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


def _additive_rows(block) -> list[list[int]]:
    """The block as a table whose columns add up to N: the printed rows and, for a
    single-response variable, the persons whom no printed row holds (another value; no known
    value). Those are never printed, but N minus the printed rows — or a percentage of known —
    gives them away, so they are protected like any count. A multi-response block is not
    additive (a person may be in several rows): its printed rows only."""
    rows = [list(r.counts) for r in block.rows]
    if not block.multi:
        rows += [extra for extra in (block.unprinted, block.missing) if any(extra)]
    return rows


def _sensitive(n: int, limit: int) -> bool:
    return 1 <= n <= limit


def _suppress(table: Table, limit: int) -> tuple[list[int | None], list[list[list[bool]]]]:
    """Which entries a reader without real counts may see: the N of each column and, per
    block, each row of :func:`_additive_rows`. Suppression runs block by block, then the
    audit attacks the whole table and hides more until no small count can be worked out."""
    width = len(table.columns)
    n_line = suppress_table([table.column_n], threshold=limit, row_totals=width > 1,
                            column_totals=False, table_total=False)
    n_shown = [n is not None for n in n_line.cells[0]]
    total_shown = width > 1 and n_line.row_totals[0] is not None
    blocks: list[AuditBlock] = []
    for block in table.blocks:
        rows = _additive_rows(block)
        if not rows:
            blocks.append(AuditBlock(block.multi, [], [], []))
            continue
        result = suppress_table(rows, threshold=limit, row_totals=width > 1,
                                column_totals=not block.multi,
                                table_total=width > 1 and not block.multi)
        if not block.multi:  # the block's column totals are the columns' N
            n_shown = [s and t is not None for s, t in zip(n_shown, result.column_totals,
                                                          strict=True)]
        # Row totals: known as far as the suppression shows them. (That a grouped table's row
        # totals are also the ungrouped table's counts is a residual risk: docs/analytics.md.)
        known = [t is not None for t in result.row_totals] if width > 1 else [False] * len(rows)
        blocks.append(AuditBlock(
            block.multi, rows, [[n is not None for n in row] for row in result.cells], known))
    _hide_with_n(n_shown, blocks)
    for _round in range(AUDIT_ROUNDS):
        found = exposed(table.column_n, n_shown, total_shown, blocks, limit)
        if not found:
            break
        # Blocks share N and a grouped table's rows add up to the ungrouped table's counts,
        # so one block's complementary suppression can be undone elsewhere: hide one more.
        _hide_neighbour(found[0], table.column_n, n_shown, blocks)
        _hide_with_n(n_shown, blocks)
    else:  # fail safe: nothing is shown
        n_shown = [False] * width
        for block in blocks:
            block.shown = [[False] * width for _ in block.cells]
    column_n = [n if s else None for n, s in zip(table.column_n, n_shown, strict=True)]
    return column_n, [b.shown for b in blocks]


def _hide_with_n(n_shown: list[bool], blocks: list[AuditBlock]) -> None:
    """Where a column's N is hidden, no single-response block may show that column whole —
    its rows add up to N: hide the block's smallest positive count there."""
    for c, shown_n in enumerate(n_shown):
        if shown_n:
            continue
        for block in blocks:
            column = [(block.cells[r][c], r) for r in range(len(block.cells))]
            if block.multi or not all(block.shown[r][c] for _, r in column):
                continue
            positive = [x for x in column if x[0] > 0]
            if positive:
                block.shown[min(positive)[1]][c] = False


def _hide_neighbour(entry: tuple, column_n: list[int], n_shown: list[bool],
                    blocks: list[AuditBlock]) -> None:
    """Hide the smallest positive shown entry that shares a line with the exposed *entry*:
    in its row or its column for a cell, in its column of a block for a column's N; a
    column's N or another column's N when nothing else is left."""
    width = len(column_n)
    if entry[0] == "cell":
        b, r, c = entry[1:]
        block = blocks[b]
        candidates = [(block.cells[r][k], b, r, k) for k in range(width) if k != c]
        candidates += [(block.cells[k][c], b, k, c) for k in range(len(block.cells)) if k != r]
    else:
        c = entry[1]
        candidates = [(blk.cells[k][c], b, k, c) for b, blk in enumerate(blocks)
                      if not blk.multi for k in range(len(blk.cells))]
    shown = [x for x in candidates if x[0] > 0 and blocks[x[1]].shown[x[2]][x[3]]]
    if shown:
        b, r, c = min(shown)[1:]
        blocks[b].shown[r][c] = False
        return
    others = [(column_n[k], k) for k in range(width) if n_shown[k] and column_n[k] > 0]
    n_shown[c if n_shown[c] else min(others)[1] if others else c] = False


def _published_block(table: Table, block, column_n: list[int | None],
                     shown: list[list[bool]], limit: int) -> PublishedBlock:
    """The block's printed rows with what may be shown of each cell."""
    width = len(table.columns)
    extra = shown[len(block.rows):]  # unprinted, then missing (when present)
    missing_row = block.missing if not block.multi and any(block.missing) else None
    missing_shown = extra[-1] if missing_row is not None else [True] * width
    pct_ok = []
    for c in range(width):
        d = block.denominators[c]
        known = table.column_n[c] - block.missing[c]
        if column_n[c] is None:
            ok = False
        elif not block.multi and d == known:  # % of known: known = N - missing
            ok = missing_shown[c]
        elif block.multi and table.convention == "ctm":  # % of N
            ok = True
        else:  # another denominator (CTDC groups): it and its complement in N are counts
            ok = not (_sensitive(d, limit) or _sensitive(table.column_n[c] - d, limit))
        pct_ok.append(ok)
    rows = []
    for r, row in enumerate(block.rows):
        cells = [Cell(n if shown[r][c] else None,
                      p if shown[r][c] and pct_ok[c] else None)
                 for c, (n, p) in enumerate(zip(row.counts, row.percents, strict=True))]
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
    column_n, shown = _suppress(table, limit)
    blocks = [_published_block(table, b, column_n, s, limit)
              for b, s in zip(table.blocks, shown, strict=True)]
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

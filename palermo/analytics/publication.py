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
its count give the denominator back.

Readers without the real counts choose no population (:func:`chooses_population`): they get
the *fixed table set* — each table over their whole scope, ungrouped and in every column
grouping offered — protected as one set (:func:`publish_tables`), since a grouped table's
rows count the same persons as the ungrouped table's. docs/analytics.md explains it for
readers.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from palermo import config
from palermo.analytics import disclosed, releases
from palermo.analytics.audit import MISSING, OTHER, AuditBlock, AuditTable, Key, build
from palermo.analytics.engine import Filters
from palermo.analytics.specs import TableSpec, get_spec
from palermo.analytics.tables import GROUPINGS, Table, build_grouped, build_tables, grouping
from palermo.core import access
from palermo.core.access import Action, Scope
from palermo.disclosure import suppress_table
from palermo.disclosure.cumulative import Disclosure

MARKER = "–"  # every suppressed count or percentage, whatever the reason (no hint of size)
DEFAULT_THRESHOLD = 10
AUDIT_ROUNDS = 25  # rounds of hiding more; then the table shows nothing but its headings


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
    # For a reader without the real counts: the facts counted and what the tables fetched
    # together disclose of them (the release log keeps it; disclosure.cumulative).
    facts: str = ""
    cells: Disclosure | None = None

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


def _additive_rows(block) -> tuple[list, list[list[int]]]:
    """The block as a table whose columns add up to N, with each row's key: the printed rows
    and, for a single-response variable, the persons whom no printed row holds (another
    value; no known value). Those are never printed, but N minus the printed rows — or a
    percentage of known — gives them away, so they are protected like any count. A
    multi-response block is not additive (a person may be in several rows): its printed rows
    only. Keys name the same row in every table of a set (``audit.OTHER``, ``audit.MISSING``
    for the never-printed ones)."""
    keys = [OTHER if r.other else ("row", r.label) for r in block.rows]
    rows = [list(r.counts) for r in block.rows]
    if not block.multi:
        for key, extra in ((OTHER, block.unprinted), (MISSING, block.missing)):
            if any(extra):
                keys.append(key)
                rows.append(list(extra))
    return keys, rows


def _sensitive(n: int, limit: int) -> bool:
    return 1 <= n <= limit


def _first_pass(table: Table, limit: int, *, standalone: bool) -> AuditTable:
    """Threshold and complementary suppression block by block (``suppress_table``): the N of
    each column, then each block of :func:`_additive_rows`. In a grouped table each row is
    also protected against its total across the columns — the ungrouped table's count of the
    same persons. A *standalone* grouped table (published without its ungrouped table) keeps
    those totals as what the reader knows wherever ``suppress_table`` would publish them."""
    width = len(table.columns)
    n_line = suppress_table([table.column_n], threshold=limit, row_totals=width > 1,
                            column_totals=False, table_total=False)
    n_shown = [n is not None for n in n_line.cells[0]]
    blocks: list[AuditBlock] = []
    for block in table.blocks:
        keys, rows = _additive_rows(block)
        if not rows:
            blocks.append(AuditBlock(block.multi, [], [], []))
            continue
        result = suppress_table(rows, threshold=limit, row_totals=width > 1,
                                column_totals=not block.multi,
                                table_total=width > 1 and not block.multi)
        if not block.multi:  # the block's column totals are the columns' N
            n_shown = [s and t is not None for s, t in zip(n_shown, result.column_totals,
                                                          strict=True)]
        totals = [sum(row) if t is not None else None for row, t in
                  zip(rows, result.row_totals, strict=True)] if standalone and width > 1 else []
        blocks.append(AuditBlock(block.multi, keys, rows,
                                 [[n is not None for n in row] for row in result.cells], totals))
    audit_table = AuditTable(list(table.column_n), n_shown, blocks)
    _hide_with_n(audit_table)
    return audit_table


def _hide_with_n(table: AuditTable) -> None:
    """Where a column's N is hidden, no single-response block may show that column whole —
    its rows add up to N: hide the block's smallest positive count there."""
    for c, shown_n in enumerate(table.n_shown):
        if shown_n:
            continue
        for block in table.blocks:
            column = [(block.cells[r][c], r) for r in range(len(block.cells))]
            if block.multi or not all(block.shown[r][c] for _, r in column):
                continue
            positive = [x for x in column if x[0] > 0]
            if positive:
                block.shown[min(positive)[1]][c] = False


def _hide(table: AuditTable, key: Key) -> None:
    if key[1] == "n":
        table.n_shown[key[2]] = False
    else:
        _, _, b, row_key, c = key
        block = table.blocks[b]
        block.shown[block.keys.index(row_key)][c] = False


def _hide_everything(table: AuditTable) -> None:
    table.n_shown = [False] * len(table.column_n)
    for block in table.blocks:
        block.shown = [[False] * len(row) for row in block.cells]


def _settle(tables: list[AuditTable], adjustable: set[int], limit: int) -> None:
    """Attack *tables* together (``tables[0]`` ungrouped, the others linked to it) and hide
    more in the *adjustable* ones until no count from 1 to *limit* can be worked out: for
    each exposed entry, the nearest shown entry it is tied to. Fail safe: an adjustable table
    that cannot be made safe in ``AUDIT_ROUNDS`` rounds shows nothing but its headings."""
    for _round in range(AUDIT_ROUNDS + 1):
        system = build(tables)
        found = system.exposed(limit)
        if not found:
            return
        if _round == AUDIT_ROUNDS:
            break
        hidden = False
        for entry in found:
            target = system.neighbour(entry, lambda k: k[0] in adjustable)
            if target is not None and system.shown[target]:
                _hide(tables[target[0]], target)
                system.shown[target] = False
                hidden = True
        for t in adjustable:
            _hide_with_n(tables[t])
        if not hidden:
            break
    for t in adjustable:
        _hide_everything(tables[t])


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


def _published(table: Table, pattern: AuditTable | None, limit: int) -> Published:
    """*table* with what *pattern* shows (``None``: everything, the real counts)."""
    notes = list(table.spec.notes)
    if pattern is None:
        blocks = [PublishedBlock(b.name, b.label, b.multi, [
            PublishedRow(r.label, [Cell(n, p) for n, p in zip(r.counts, r.percents,
                                                              strict=True)], r.other)
            for r in b.rows]) for b in table.blocks]
        return Published(table, list(table.column_n), blocks, False, limit, notes)
    column_n = [n if s else None for n, s in zip(table.column_n, pattern.n_shown, strict=True)]
    blocks = [_published_block(table, b, column_n, p.shown, limit)
              for b, p in zip(table.blocks, pattern.blocks, strict=True)]
    published = Published(table, column_n, blocks, True, limit, notes)
    published.notes.append(suppression_note(limit))
    return published


def publish(table: Table, *, real_counts: bool, limit: int | None = None) -> Published:
    """*table* on its own, as its reader may see it: as computed for *real_counts* readers,
    else with counts 1..*limit* (default: the configured threshold) and whatever would reveal
    them suppressed. Readers get tables through :func:`publish_tables`, which also protects a
    grouped table against the ungrouped one of the same persons."""
    limit = threshold() if limit is None else limit
    if real_counts:
        return _published(table, None, limit)
    pattern = _first_pass(table, limit, standalone=True)
    _settle([pattern], {0}, limit)
    return _published(table, pattern, limit)


# --- the fixed table set --------------------------------------------------------------------

def chooses_population(real_counts: bool) -> bool:
    """May a reader choose whom a table counts — period, organisations, client categories,
    data sources? Only one who sees the real counts. Anyone else gets the *fixed table set*:
    every table counts their whole scope, years and organisations appear as column groupings,
    and :func:`publish_tables` protects the set as a whole. (Two tables of overlapping
    populations could otherwise be subtracted to recover the small counts of the difference.)
    """
    return real_counts


def fixed_groupings(spec: TableSpec) -> list[tuple[str, ...]]:
    """The column groupings of *spec* that a reader without the real counts may get, in a
    fixed order, the ungrouped table first: those the filter form offers, and the printed
    grouping of every shipped table with the same rows (``rows_from``) and counting unit."""
    from palermo.analytics.specs import shipped_specs

    names: list = [value for value, _label in GROUPINGS if value]
    siblings = [spec] + [s for s in shipped_specs().values()
                         if s.rows == spec.rows and s.counts == spec.counts]
    names += [s.columns for s in siblings]
    out: list[tuple[str, ...]] = [grouping(spec, "all")]
    for name in names:
        columns = grouping(spec, name)
        if columns not in out:
            out.append(columns)
    return out


# Suppression patterns of recent table sets, by fingerprint of their counts: the same counts
# always give the same pattern, so a reader paging through the set's groupings waits once.
_FAMILY_CACHE: OrderedDict[str, list[AuditTable]] = OrderedDict()
_FAMILY_LOCK = threading.Lock()
FAMILY_CACHE_SIZE = 16


def _fingerprint(tables: list[Table], limit: int) -> str:
    """What the suppression of a table set depends on: the threshold and every count."""
    digest = hashlib.sha256(str(limit).encode())
    for table in tables:
        digest.update(repr((table.by, table.column_n, [
            (b.multi, _additive_rows(b)) for b in table.blocks])).encode())
    return digest.hexdigest()


def _copy(pattern: AuditTable) -> AuditTable:
    return AuditTable(pattern.column_n, list(pattern.n_shown), [
        AuditBlock(b.multi, b.keys, b.cells, [list(r) for r in b.shown], b.totals)
        for b in pattern.blocks])


def _suppress_set(tables: list[Table], limit: int) -> list[AuditTable]:
    """What may be shown of each table of a set (``tables[0]`` ungrouped, the others grouped
    tables of the same persons): the ungrouped table is protected on its own (it is exactly
    the table published alone); each grouped table against it; then the whole set at once,
    hiding more in the grouped tables until no small count of any table can be worked out
    from all of them together. Deterministic: the same counts give the same tables."""
    key = _fingerprint(tables, limit)
    with _FAMILY_LOCK:
        if key in _FAMILY_CACHE:
            _FAMILY_CACHE.move_to_end(key)
            return [_copy(p) for p in _FAMILY_CACHE[key]]
    patterns = [_first_pass(tables[0], limit, standalone=False)]
    _settle(patterns, {0}, limit)
    for table in tables[1:]:
        patterns.append(_first_pass(table, limit, standalone=False))
        _settle([patterns[0], patterns[-1]], {1}, limit)
    if len(patterns) > 2:
        _settle(patterns, set(range(1, len(patterns))), limit)
    with _FAMILY_LOCK:
        _FAMILY_CACHE[key] = [_copy(p) for p in patterns]
        while len(_FAMILY_CACHE) > FAMILY_CACHE_SIZE:
            _FAMILY_CACHE.popitem(last=False)
    return patterns


def publish_tables(specs: list[TableSpec], filters: Filters | None = None, *,
                   scope_orgs: tuple[int, ...] | None, real_counts: bool,
                   convention: str | None = None, by=None,
                   limit: int | None = None) -> list[Published]:
    """*specs* as a reader may see them, counted within *scope_orgs*, each in the column
    grouping *by* (``None`` = as printed).

    With *real_counts*, any *filters* and grouping. Without, the fixed table set: *filters*
    must be empty (``ValueError`` otherwise; the form refuses them first) and *by* one of
    :func:`fixed_groupings`. Every grouping of a table's rows is then computed and protected
    together (:func:`_suppress_set`), and the requested ones are returned — so whatever
    combination of the set a reader fetches, no small count can be worked out from it. (The
    ungrouped table does not depend on the others: it is computed alone.)"""
    limit = threshold() if limit is None else limit
    filters = filters or Filters()
    if real_counts:
        tables = build_tables(specs, filters, scope_orgs=scope_orgs, convention=convention,
                              by=by)
        return [_published(t, None, limit) for t in tables]
    if filters != Filters():
        raise ValueError("filters: readers without the real counts get the fixed table set "
                         "(no period, organisation, client category or data source)")
    requests, wanted = [], []
    for spec in specs:
        family = fixed_groupings(spec)
        columns = grouping(spec, by)
        if columns not in family:
            raise ValueError(f"by: {'+'.join(columns)} is not in the fixed table set")
        offset = family.index(columns)
        if offset == 0:  # the ungrouped table is protected on its own: no need for the rest
            family = family[:1]
        wanted.append((len(requests), len(family), offset))
        requests += [(spec, g) for g in family]
    tables = build_grouped(requests, scope_orgs=scope_orgs, convention=convention)
    chosen = []
    for start, size, offset in wanted:
        family_tables = tables[start:start + size]
        patterns = _suppress_set(family_tables, limit)
        chosen.append((family_tables[offset], patterns[offset]))
    out = [None] * len(chosen)
    by_facts: dict[str, list[int]] = {}
    for i, (table, _pattern) in enumerate(chosen):
        by_facts.setdefault(releases.facts_key(scope_orgs, table.spec.counts), []).append(i)
    for facts, indices in by_facts.items():
        pairs = [chosen[i] for i in indices]
        cells, audited = _audit_with_releases(pairs, facts, limit)
        for i, (table, pattern) in zip(indices, pairs, strict=True):
            out[i] = _published(table, pattern, limit)
            out[i].facts, out[i].cells = facts, cells
            if audited:
                out[i].notes.append(_("Some further counts are not shown: together with "
                                      "earlier releases of the same data they would reveal "
                                      "small counts."))
    return out


def _audit_with_releases(pairs: list[tuple[Table, AuditTable]], facts: str, limit: int
                         ) -> tuple[Disclosure, bool]:
    """Hide more of the reader's tables (each with its pattern, changed in place) until,
    together with every earlier release of the same *facts*, they let no count from 1 to
    *limit* be worked out that those releases did not already give away
    (``disclosure.cumulative.protect``); if that cannot be done, the tables show nothing
    but their headings. Returns what the tables then disclose, and whether more was hidden."""
    cells, where = disclosed.table_cells(pairs)
    earlier = releases.earlier_disclosures(facts)
    if not earlier:
        return cells, False
    hidden = disclosed.protected(earlier, cells, limit)
    if hidden is None:  # fail safe
        for _table, pattern in pairs:
            _hide_everything(pattern)
    elif not hidden:
        return cells, False
    else:
        for key in hidden:
            for t, position in where[key]:
                disclosed.hide(pairs[t][1], position)
        for _table, pattern in pairs:
            _hide_with_n(pattern)
    return disclosed.table_cells(pairs)[0], True


def suppression_note(limit: int) -> str:
    """The note printed under every suppressed table."""
    return _("%(marker)s: not shown to protect the persons counted — counts from 1 to "
             "%(limit)s, and other counts or percentages that would reveal them.") % {
        "marker": MARKER, "limit": limit}


def table_for(membership, key: str, filters: Filters | None = None, *,
              convention: str | None = None, by=None) -> Published:
    """Table *key* for *membership*: counted within what it may see, suppressed unless it
    may see the real counts (then without filters: the fixed table set). Raises
    ``PermissionDenied``, ``KeyError`` (no such table) or ``ValueError`` (filters or a
    grouping this reader may not choose)."""
    scope_orgs = reader_scope(membership)
    return publish_tables([get_spec(key)], filters, scope_orgs=scope_orgs,
                          real_counts=sees_real_counts(membership, scope_orgs),
                          convention=convention, by=by)[0]

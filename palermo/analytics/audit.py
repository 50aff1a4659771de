"""Attacking published tables as a reader would: by linear arithmetic on what they show.

``palermo.disclosure.suppress_table`` protects one block of rows at a time. A reader knows
more: a CTM table has many blocks that share their column totals (every single-response
block adds up to the column's N, counting missing values), and a reader without the real
counts receives a *fixed set* of tables of the same persons — the ungrouped table and the
same rows grouped by year, organisation, region… (``publication.publish_tables``). A grouped
table's row, across its columns, counts the same persons as the ungrouped table's row.

``build`` writes down everything such a reader knows about a set of tables: every
hidden entry is an unknown, every shown one a number, every count at least 0, and every
relation between entries — an equation where the true figures satisfy one, otherwise the
inequality they satisfy. Counts are of *persons*: a person with two cases may fall in two
columns (two years, two organisations) or in none (an unknown region of origin), so a row's
cells add up to at least, or at most, the ungrouped count rather than exactly; giving the
reader the relation the true figures obey (an equation whenever one holds) assumes the reader
knows more than the tables say, which is conservative. An entry from 1 to the threshold is
*exposed* when linear programming pins it to one value
(``palermo.disclosure.attack.System``). ``publication`` hides more until
nothing is exposed; the tests use the same arithmetic, written independently, as the attack.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from palermo.disclosure.attack import System

Key = tuple  # (table, "n", column) | (table, "cell", block, row key, column) | ("const", i)
MISSING: Hashable = ("missing",)  # row key: persons with no known value (never printed)
OTHER: Hashable = ("other",)  # row key: persons with another known value (printed or not)


@dataclass
class AuditBlock:
    """One block as the reader sees it: every row of the additive table (printed rows, then
    the never-printed rows a reader can infer), keyed so that the same row can be found in
    every table of a set, with true values and what is shown."""

    multi: bool
    keys: list[Hashable]
    cells: list[list[int]]
    shown: list[list[bool]]
    # Standalone grouped table only (no ungrouped table beside it): the row totals across
    # columns that the reader is taken to know (None = not known).
    totals: list[int | None] = field(default_factory=list)


@dataclass
class AuditTable:
    """A table as the reader sees it: each column's N (true, shown?) and its blocks."""

    column_n: list[int]
    n_shown: list[bool]
    blocks: list[AuditBlock]


def add_table(system: System, tag: int, table: AuditTable) -> None:
    """The entries of *table* (tagged *tag*) and the relations inside it: every
    single-response block adds up to at least each column's N (exactly, unless persons with
    several cases hold conflicting values); every count is at most its column's N; and, for a
    standalone grouped table, the row totals its blocks say the reader knows."""
    width = len(table.column_n)
    n = [system.entry((tag, "n", c), table.column_n[c], table.n_shown[c]) for c in range(width)]
    for b, block in enumerate(table.blocks):
        cells = [[system.entry((tag, "cell", b, key, c), block.cells[r][c], block.shown[r][c])
                  for c in range(width)] for r, key in enumerate(block.keys)]
        for c in range(width):
            if not block.multi and cells:
                system.relate([(row[c], 1) for row in cells] + [(n[c], -1)])
            for row in cells:
                system.at_most(row[c], n[c])
        for row, total in zip(cells, block.totals, strict=False):
            if total is not None and width > 1:
                system.relate([(k, 1) for k in row] + [(system.constant(total), -1)])


def link(system: System, whole: tuple[int, AuditTable], part: tuple[int, AuditTable]) -> None:
    """Relations between a grouped table (*part*) and the ungrouped table of the same persons
    (*whole*): a row's cells across the columns against the ungrouped row, the columns' N
    against the ungrouped N, and every cell at most its ungrouped count."""
    (w, whole_table), (p, part_table) = whole, part
    width = len(part_table.column_n)
    columns_n = [(p, "n", c) for c in range(width)]
    system.relate([(k, 1) for k in columns_n] + [((w, "n", 0), -1)])
    for k in columns_n:
        system.at_most(k, (w, "n", 0))
    for b, block in enumerate(part_table.blocks):
        known = set(whole_table.blocks[b].keys)
        for key in block.keys:
            if key not in known:
                continue  # no such row in the ungrouped table: its count there is 0
            ungrouped = (w, "cell", b, key, 0)
            row = [(p, "cell", b, key, c) for c in range(width)]
            system.relate([(k, 1) for k in row] + [(ungrouped, -1)])
            if key != MISSING:  # unknown in a column may be known in another case
                for k in row:
                    system.at_most(k, ungrouped)


def build(tables: list[AuditTable]) -> System:
    """The reader's system for a set of tables: ``tables[0]`` ungrouped, the others grouped
    tables of the same persons (or one standalone table)."""
    system = System()
    for t, table in enumerate(tables):
        add_table(system, t, table)
    for t in range(1, len(tables)):
        link(system, (0, tables[0]), (t, tables[t]))
    return system


def exposed(tables: list[AuditTable], threshold: int) -> list[Key]:
    """Hidden entries from 1 to *threshold* that a reader of *tables* can work out."""
    return build(tables).exposed(threshold)

"""Attacking published tables as a reader would: by linear arithmetic on what they show.

``palermo.disclosure.suppress_table`` protects one block of rows at a time. A reader knows
more: a CTM table has many blocks that share their column totals (every single-response
block adds up to the column's N, counting missing values), and a reader without the real
counts receives a *fixed set* of tables of the same persons — the ungrouped table and the
same rows grouped by year, organisation, region… (``publication.publish_tables``). A grouped
table's row, across its columns, counts the same persons as the ungrouped table's row.

:class:`System` writes down everything such a reader knows about a set of tables: every
hidden entry is an unknown, every shown one a number, every count at least 0, and every
relation between entries — an equation where the true figures satisfy one, otherwise the
inequality they satisfy. Counts are of *persons*: a person with two cases may fall in two
columns (two years, two organisations) or in none (an unknown region of origin), so a row's
cells add up to at least, or at most, the ungrouped count rather than exactly; giving the
reader the relation the true figures obey (an equation whenever one holds) assumes the reader
knows more than the tables say, which is conservative. An entry from 1 to the threshold is
*exposed* when linear programming pins it to one value. ``publication`` hides more until
nothing is exposed; the tests use the same arithmetic, written independently, as the attack.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np

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


class System:
    """Entries (true value, shown or not) and the linear relations a reader knows."""

    def __init__(self):
        self.values: dict[Key, int] = {}
        self.shown: dict[Key, bool] = {}
        self.relations: list[tuple[tuple[tuple[Key, int], ...], str]] = []
        self.touching: dict[Key, list[int]] = defaultdict(list)

    def entry(self, key: Key, value: int, shown: bool) -> Key:
        self.values[key] = int(value)
        self.shown[key] = bool(shown)
        return key

    def constant(self, value: int) -> Key:
        return self.entry(("const", len(self.values)), value, True)

    def _add(self, terms: tuple[tuple[Key, int], ...], op: str) -> None:
        if all(self.shown[k] for k, _ in terms):
            return  # nothing unknown: a check the true figures pass, no information
        for k, _ in terms:
            self.touching[k].append(len(self.relations))
        self.relations.append((terms, op))

    def relate(self, terms: list[tuple[Key, int]]) -> None:
        """sum(coefficient * entry) compared with 0 as the true figures compare it: an
        equation where they satisfy one, else the inequality they satisfy."""
        total = sum(sign * self.values[k] for k, sign in terms)
        self._add(tuple(terms), "=" if total == 0 else ">=" if total > 0 else "<=")

    def at_most(self, small: Key, large: Key) -> None:
        """*small* <= *large* (the persons of a cell are among those of a larger count).
        Only a true relation is recorded, and never as an equation: equal figures do not
        tell the reader that they are equal."""
        if self.values[small] <= self.values[large]:
            self._add(((small, 1), (large, -1)), "<=")

    # --- the attack ------------------------------------------------------------------------

    def exposed(self, threshold: int) -> list[Key]:
        """Hidden entries from 1 to *threshold* whose value follows from the rest."""
        from scipy.optimize import linprog
        from scipy.sparse import lil_array

        hidden = sorted({k for terms, _ in self.relations for k, _ in terms
                         if not self.shown[k]}, key=repr)
        protect = [k for k in hidden if 1 <= self.values[k] <= threshold]
        if not protect:
            return []
        index = {k: i for i, k in enumerate(hidden)}
        rows = {"=": [], "<=": []}
        for terms, op in self.relations:
            coefficients: dict[int, int] = defaultdict(int)
            rhs = 0
            for k, sign in terms:
                if self.shown[k]:
                    rhs -= sign * self.values[k]
                else:
                    coefficients[index[k]] += sign
            if op == ">=":
                coefficients = {i: -s for i, s in coefficients.items()}
                rhs = -rhs
            rows["=" if op == "=" else "<="].append((coefficients, rhs))

        def matrix(lines):
            if not lines:
                return None, None
            a = lil_array((len(lines), len(hidden)))
            for i, (coefficients, _) in enumerate(lines):
                for j, s in coefficients.items():
                    a[i, j] = s
            return a.tocsr(), np.array([rhs for _, rhs in lines], dtype=float)

        a_eq, b_eq = matrix(rows["="])
        a_ub, b_ub = matrix(rows["<="])
        # A ceiling above every true figure keeps the programme bounded; it is more than a
        # reader knows, so it can only make the attack stronger.
        ceiling = 2 * max(self.values.values()) + threshold + 1
        truth = np.array([self.values[k] for k in hidden], dtype=float)

        def moved(objective: np.ndarray, entries: set[Key]) -> set[Key]:
            result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                             bounds=(0, ceiling), method="highs")
            if result.status != 0:
                raise RuntimeError(f"disclosure audit failed: {result.message}")
            return {e for e in entries if abs(result.x[index[e]] - truth[index[e]]) > 0.5}

        # Push all open entries together, down then up; those that move are safe. Repeat, then
        # check the rest one by one (the same strategy as the suppression module's audit).
        open_ = set(protect)
        progress = True
        while open_ and progress:
            progress = False
            for sign in (1, -1):
                objective = np.zeros(len(hidden))
                for e in open_:
                    objective[index[e]] = sign
                safe = moved(objective, open_)
                progress |= bool(safe)
                open_ -= safe
        out = []
        for e in sorted(open_, key=repr):
            objective = np.zeros(len(hidden))
            objective[index[e]] = 1
            if not (moved(objective, {e}) or moved(-objective, {e})):
                out.append(e)
        return out

    def neighbour(self, entry: Key, may_hide) -> Key | None:
        """The shown entry to hide next so that *entry* is no longer pinned: the nearest one
        along the relations (through hidden entries) that ``may_hide(key)`` allows, cells
        before column N, smallest first; ``None`` when there is none."""
        seen_relations: set[int] = set()
        seen = {entry}
        layer = [entry]
        while layer:
            found, following = [], []
            for key in layer:
                for r in self.touching.get(key, ()):
                    if r in seen_relations:
                        continue
                    seen_relations.add(r)
                    for k, _ in self.relations[r][0]:
                        if k in seen:
                            continue
                        seen.add(k)
                        if not self.shown[k]:
                            following.append(k)
                        elif self.values[k] > 0 and may_hide(k):
                            found.append(k)
            if found:
                return min(found, key=lambda k: (k[1] == "n", self.values[k], repr(k)))
            layer = following
        return None


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

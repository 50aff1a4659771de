"""Attacking a published table as a reader would: by linear arithmetic on what it shows.

``palermo.disclosure.suppress_table`` protects one block of rows at a time. A CTM table has
many blocks that share their column totals (every single-response block adds up to the
column's N, counting missing values), and a grouped table's rows add up to the totals the
ungrouped table prints. :func:`exposed` therefore looks at the whole table at once: every hidden
entry is an unknown, every relation a reader knows is an equation, every count is at least 0,
and an entry from 1 to the threshold is *exposed* when linear programming pins it to one value.
``publication.publish`` calls it before a table leaves and hides more until nothing is exposed;
the tests use it as the independent recovery attack.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Entry = tuple  # ("cell", block, row, column) | ("n", column)


@dataclass
class AuditBlock:
    """One block as the reader sees it: every row of the additive table (printed rows, then
    the never-printed rows a reader can infer), true values, and what is shown."""

    multi: bool
    cells: list[list[int]]
    shown: list[list[bool]]
    row_totals_shown: list[bool]  # the reader knows row r's sum across columns


def exposed(column_n: list[int], n_shown: list[bool], total_shown: bool,
            blocks: list[AuditBlock], threshold: int) -> list[Entry]:
    """Hidden entries from 1 to *threshold* whose value follows from the shown ones."""
    from scipy.optimize import linprog

    width = len(column_n)
    index: dict[Entry, int] = {}
    value: dict[Entry, int] = {}

    def term(entry: Entry, true: int, shown: bool) -> tuple[int | None, int]:
        if shown:
            return None, true
        if entry not in index:
            index[entry] = len(index)
            value[entry] = true
        return index[entry], 0

    equations: list[tuple[list[tuple[int | None, int, int]], int]] = []  # ([(var, sign, k)], rhs)

    def equation(parts: list[tuple[Entry, int, bool, int]]) -> None:
        terms, rhs = [], 0
        for entry, true, shown, sign in parts:
            var, known = term(entry, true, shown)
            if var is None:
                rhs -= sign * known
            else:
                terms.append((var, sign))
        if terms:
            equations.append((terms, rhs))

    n_entries = [(("n", c), column_n[c], n_shown[c]) for c in range(width)]
    if width > 1 and total_shown:
        equation([(e, v, s, 1) for e, v, s in n_entries] + [(("total",), sum(column_n), True, -1)])
    for b, block in enumerate(blocks):
        entries = [[(("cell", b, r, c), block.cells[r][c], block.shown[r][c])
                    for c in range(width)] for r in range(len(block.cells))]
        if not block.multi:
            for c in range(width):
                # Persons with conflicting values make a column add up to more than N: no
                # equation then (the reader only knows "at least N").
                if sum(row[c] for row in block.cells) == column_n[c]:
                    equation([(*entries[r][c], 1) for r in range(len(entries))]
                             + [(*n_entries[c], -1)])
        if width > 1:
            for r, row in enumerate(entries):
                if block.row_totals_shown[r]:
                    equation([(*e, 1) for e in row]
                             + [(("rt", b, r), sum(block.cells[r]), True, -1)])
    protect = [e for e in index if 1 <= value[e] <= threshold]
    if not protect or not equations:
        return []
    a_eq = np.zeros((len(equations), len(index)))
    b_eq = np.zeros(len(equations))
    for i, (terms, rhs) in enumerate(equations):
        for var, sign in terms:
            a_eq[i, var] += sign
        b_eq[i] = rhs

    def moved(objective: np.ndarray, entries: set[Entry]) -> set[Entry]:
        result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if result.status == 3:  # unbounded: a lone entry can grow; a batch says nothing
            return set(entries) if len(entries) == 1 else set()
        if result.status != 0:
            raise RuntimeError(f"disclosure audit failed: {result.message}")
        return {e for e in entries if abs(result.x[index[e]] - value[e]) > 0.5}

    # Push all open entries together, down then up; those that move are safe. Repeat, then
    # check the rest one by one (the same strategy as the suppression module's audit).
    open_ = set(protect)
    progress = True
    while open_ and progress:
        progress = False
        for sign in (1, -1):
            objective = np.zeros(len(index))
            for e in open_:
                objective[index[e]] = sign
            safe = moved(objective, open_)
            progress |= bool(safe)
            open_ -= safe
    out = []
    for e in sorted(open_, key=repr):
        objective = np.zeros(len(index))
        objective[index[e]] = 1
        if not (moved(objective, {e}) or moved(-objective, {e})):
            out.append(e)
    return out

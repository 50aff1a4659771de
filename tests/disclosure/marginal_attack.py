"""An independent attack on a set of one- and two-way tables, as a reader holding all of
them would make it: one unknown per hidden count, every count at least 0, each table's counts
against the table with one dimension fewer (the relation the true figures obey, an equation
wherever one holds — more than a reader knows) and each count at most its coarser count. A
hidden count whose smallest and largest feasible value are equal is recovered. Written
independently of ``palermo.disclosure.attack``."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog


def recovered(tables: dict, shown: dict, threshold: int) -> list[tuple]:
    """Hidden counts from 1 to *threshold* that the published figures pin to one value."""
    index = {(d, k): i for i, (d, k) in enumerate(
        (d, k) for d, counts in shown.items() for k, v in counts.items() if v is None)}
    if not index:
        return []
    eq, eq_b, ub, ub_b = [], [], [], []

    def add(terms, op):  # terms: [((dims, key), sign)], compared with 0
        row, rhs = np.zeros(len(index)), 0.0
        for (d, k), sign in terms:
            if (d, k) in index:
                row[index[(d, k)]] += sign
            else:
                rhs -= sign * tables[d][k]
        if not row.any():
            return
        if op == "=":
            eq.append(row), eq_b.append(rhs)
        else:  # "<=" ; a ">=" comes negated
            ub.append(row), ub_b.append(rhs)

    for dims, counts in tables.items():
        for i in range(len(dims)):
            coarser = dims[:i] + dims[i + 1:]
            for whole, total in tables[coarser].items():
                parts = [k for k in counts if k[:i] + k[i + 1:] == whole]
                difference = sum(counts[k] for k in parts) - total
                terms = [((dims, k), 1) for k in parts] + [((coarser, whole), -1)]
                if difference == 0:
                    add(terms, "=")
                else:
                    add(terms if difference < 0 else [(t, -s) for t, s in terms], "<=")
                for k in parts:
                    add([((dims, k), 1), ((coarser, whole), -1)], "<=")
    ceiling = 2 * max(max(c.values(), default=0) for c in tables.values()) + threshold
    return [(d, k, tables[d][k]) for (d, k), i in index.items()
            if 1 <= tables[d][k] <= threshold
            and pinned(i, len(index), (eq, eq_b), (ub, ub_b), ceiling)]


def pinned(variable: int, size: int, equal: tuple[list, list], upper: tuple[list, list],
           ceiling: float) -> bool:
    """Do the least and greatest feasible values of unknown *variable* (of *size*, each
    between 0 and *ceiling*) agree under ``A_eq x = b_eq`` and ``A_ub x <= b_ub``?"""
    extremes = []
    for sign in (1, -1):
        objective = np.zeros(size)
        objective[variable] = sign
        result = linprog(objective, A_ub=np.array(upper[0]) if upper[0] else None,
                         b_ub=upper[1] or None, A_eq=np.array(equal[0]) if equal[0] else None,
                         b_eq=equal[1] or None, bounds=(0, ceiling), method="highs")
        assert result.status == 0, result.message
        extremes.append(sign * result.fun)
    return extremes[1] - extremes[0] < 0.5

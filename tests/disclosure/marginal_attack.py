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
    out = []
    for (d, k), i in index.items():
        if not 1 <= tables[d][k] <= threshold:
            continue
        bounds = []
        for sign in (1, -1):
            objective = np.zeros(len(index))
            objective[i] = sign
            result = linprog(objective, A_ub=np.array(ub) if ub else None,
                             b_ub=ub_b or None, A_eq=np.array(eq) if eq else None,
                             b_eq=eq_b or None, bounds=(0, ceiling), method="highs")
            assert result.status == 0, result.message
            bounds.append(sign * result.fun)
        if bounds[1] - bounds[0] < 0.5:
            out.append((d, k, tables[d][k]))
    return out

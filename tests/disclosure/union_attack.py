"""An independent attack on several releases of the same persons, as a reader holding all of
them would make it. Written independently of ``palermo.disclosure.cumulative``.

A release is ``(tables, covers)``: *tables* maps a tuple of fields to its cells, labels →
(true count, shown); ``covers(field, label)`` is the finite set of values a label stands for.
A cell is a box: per field of its table a set of values (any value on the other fields).
The reader knows, with the direction the true figures obey (an equation wherever one holds —
more than a reader knows): for any table T and any table U (of any release) whose fields are
T's fields and at most one more, each cell t against the sum of U's cells inside t — only
"at most" when a cell of U straddles t's edge (the reader cannot split it); and each such
cell at most t (never as an equation: two equal counts do not say they are equal). Every
count is at least 0. One unknown per hidden cell; a hidden count from 1 to the threshold
whose least and greatest feasible values agree is recovered.
"""

from __future__ import annotations

import numpy as np

from tests.disclosure.marginal_attack import pinned


def _inside(inner: tuple, outer: tuple) -> bool:
    return all(a <= b for a, b in zip(inner, outer, strict=True))


def recovered(releases: list[tuple[dict, object]], threshold: int) -> list[tuple]:
    """(release index, fields, labels, true count) of every hidden count from 1 to
    *threshold* that all the releases together pin to its value."""
    cells = []  # (release, fields, labels, true, shown, box per field)
    for r, (tables, covers) in enumerate(releases):
        for fields, table in tables.items():
            for labels, (true, shown) in table.items():
                box = tuple(frozenset(covers(f, label)) for f, label in zip(fields, labels,
                                                                           strict=True))
                cells.append((r, tuple(fields), tuple(labels), true, shown, box))
    unknown = {i: j for j, i in enumerate(i for i, c in enumerate(cells) if not c[4])}
    if not unknown:
        return []
    equal, equal_rhs, upper, upper_rhs = [], [], [], []

    def constrain(terms: list[tuple[int, int]], at_most: bool = False):
        """sum(sign * cell) against 0, as the true counts compare (*at_most*: ``<= 0``,
        never as an equation — equal counts do not tell the reader they are equal)."""
        row = np.zeros(len(unknown))
        rhs = 0.0
        truth = 0
        for i, sign in terms:
            truth += sign * cells[i][3]
            if i in unknown:
                row[unknown[i]] += sign
            else:
                rhs -= sign * cells[i][3]
        if not row.any():
            return
        if truth == 0 and not at_most:
            equal.append(row)
            equal_rhs.append(rhs)
        elif truth <= 0:
            upper.append(row)
            upper_rhs.append(rhs)
        else:
            upper.append(-row)
            upper_rhs.append(-rhs)

    for t, (_r, t_fields, _l, _n, _s, t_box) in enumerate(cells):
        for u_fields in {c[1] for c in cells}:
            extra = set(u_fields) - set(t_fields)
            if not set(t_fields) <= set(u_fields) or len(extra) > 1:
                continue
            for r in range(len(releases)):
                table = [(u, tuple(c[5][c[1].index(f)] for f in t_fields))
                         for u, c in enumerate(cells) if c[0] == r and c[1] == u_fields
                         and u != t]
                inside = [u for u, box in table if _inside(box, t_box)]
                if not inside:
                    continue
                straddle = any(all(x & y for x, y in zip(box, t_box, strict=True))
                               and not _inside(box, t_box) for _u, box in table)
                constrain([(u, 1) for u in inside] + [(t, -1)], at_most=straddle)
                for u in inside:
                    if cells[u][3] <= cells[t][3]:
                        constrain([(u, 1), (t, -1)], at_most=True)
    ceiling = 2 * max(c[3] for c in cells) + threshold + 1
    return [cells[i][:4] for i, j in unknown.items() if 1 <= cells[i][3] <= threshold
            and pinned(j, len(unknown), (equal, equal_rhs), (upper, upper_rhs), ceiling)]

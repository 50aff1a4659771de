"""An independent attack on the fixed table set, as a reader who holds every table of it
would make it: one linear programme over all published values of all the tables."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import lil_array


def view_of_json(body: dict) -> dict:
    """A table as the API sends it: column N and each block's rows, ``None`` where hidden."""
    return {"n": [c["n"] for c in body["columns"]],
            "blocks": {b["name"]: {r["label"]: [(c["n"], c["pct"]) for c in r["cells"]]
                                   for r in b["rows"]} for b in body["blocks"]}}


def view_of_published(published) -> dict:
    """The same view of a ``publication.Published`` table."""
    return {"n": list(published.column_n),
            "blocks": {b.name: {r.label: [(c.n, c.pct) for c in r.cells] for r in b.rows}
                       for b in published.blocks}}


class Attack:
    """Unknowns: every hidden count and N, and per single-response block and column the
    never-printed rest (N minus the printed rows). Relations, with the direction the true
    figures obey (an equation wherever one holds — more than a reader knows):
    each block's column against N; each grouped table's row across its columns against the
    ungrouped row, its columns' N against the ungrouped N; every count at most its column's
    N and its ungrouped count."""

    def __init__(self, limit: int):
        self.limit = limit
        self.index: dict = {}
        self.truth: dict = {}
        self.relations: list = []  # ([(key or None, coefficient, value)], op)
        self.revealed: list[str] = []

    def term(self, key, true: int, shown: int | None):
        if shown is None:
            self.index.setdefault(key, len(self.index))
            self.truth[key] = true
            return (key, true)
        assert shown == true, key
        return (None, shown)

    def relate(self, terms: list[tuple], sign_of_rest: list[int]):
        total = sum(s * t[1] for t, s in zip(terms, sign_of_rest, strict=True))
        op = "=" if total == 0 else ">=" if total > 0 else "<="
        self.relations.append(([(k, s, v) for (k, v), s in zip(terms, sign_of_rest,
                                                               strict=True)], op))

    def at_most(self, small, large):
        if small[1] <= large[1]:
            self.relations.append(([(small[0], 1, small[1]), (large[0], -1, large[1])], "<="))

    def add(self, tag, table, view) -> dict:
        """Table *table* (true counts) as *view* shows it; returns its terms by position."""
        terms = {("n", c): self.term((tag, "n", c), table.column_n[c], view["n"][c])
                 for c in range(len(table.columns))}
        for block in table.blocks:
            shown = view["blocks"][block.name]
            for row in block.rows:
                for c, (n, _pct) in enumerate(shown[row.label]):
                    terms[(block.name, row.label, c)] = self.term(
                        (tag, block.name, row.label, c), row.counts[c], n)
                    self.at_most(terms[(block.name, row.label, c)], terms[("n", c)])
            if block.multi:
                continue
            for c in range(len(table.columns)):
                rest = block.unprinted[c] + block.missing[c]
                pct_shown = any(cells[c][1] is not None for cells in shown.values())
                if pct_shown:  # N and a percentage of known give the rest away
                    if 1 <= rest <= self.limit:
                        self.revealed.append(f"{tag} {block.name} rest {c} = {rest}")
                    terms[(block.name, "rest", c)] = (None, rest)
                else:
                    terms[(block.name, "rest", c)] = self.term((tag, block.name, "rest", c),
                                                               rest, None)
                column = [terms[(block.name, r.label, c)] for r in block.rows]
                column += [terms[(block.name, "rest", c)], terms[("n", c)]]
                self.relate(column, [1] * (len(column) - 1) + [-1])
        return terms

    def link(self, whole: dict, part: dict, table) -> None:
        width = len(table.columns)
        ns = [part[("n", c)] for c in range(width)]
        self.relate(ns + [whole[("n", 0)]], [1] * width + [-1])
        for block in table.blocks:
            labels = [r.label for r in block.rows] + ([] if block.multi else ["rest"])
            for label in labels:
                if (block.name, label, 0) not in whole:
                    continue
                row = [part[(block.name, label, c)] for c in range(width)]
                self.relate(row + [whole[(block.name, label, 0)]], [1] * width + [-1])
                if label != "rest":
                    for cell in row:
                        self.at_most(cell, whole[(block.name, label, 0)])

    def pinned(self) -> list[str]:
        """The small hidden counts that linear programming pins to their true value."""
        eq, ub = [], []
        for terms, op in self.relations:
            coefficients, rhs = defaultdict(int), 0
            for key, sign, value in terms:
                if key is None:
                    rhs -= sign * value
                else:
                    coefficients[self.index[key]] += sign
            if not coefficients:
                continue
            if op == ">=":
                coefficients, rhs = {k: -v for k, v in coefficients.items()}, -rhs
            (eq if op == "=" else ub).append((coefficients, rhs))

        def matrix(lines):
            if not lines:
                return None, None
            a = lil_array((len(lines), len(self.index)))
            for i, (coefficients, _) in enumerate(lines):
                for j, v in coefficients.items():
                    a[i, j] = v
            return a.tocsr(), np.array([rhs for _, rhs in lines], dtype=float)

        a_eq, b_eq = matrix(eq)
        a_ub, b_ub = matrix(ub)

        def solve(objective):
            result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                             bounds=(0, None), method="highs")
            assert result.status in (0, 3), result.message  # 3: unbounded
            return result

        def off_truth(result, keys) -> set:
            if result.status != 0:
                return set()
            return {k for k in keys if abs(result.x[self.index[k]] - self.truth[k]) > 0.5}

        # A count that some solution moves off its true value is not pinned: first move all
        # small counts at once (down, then up), then check the rest one at a time.
        open_ = {k for k, v in self.truth.items() if 1 <= v <= self.limit}
        while open_:
            moved = set()
            for sign in (1, -1):
                objective = np.zeros(len(self.index))
                for k in open_:
                    objective[self.index[k]] = sign
                moved |= off_truth(solve(objective), open_)
            if not moved:
                break
            open_ -= moved
        out = list(self.revealed)
        for key in sorted(open_, key=repr):
            objective = np.zeros(len(self.index))
            objective[self.index[key]] = 1
            low, high = solve(objective), solve(-objective)
            if high.status == 0 and not off_truth(low, {key}) | off_truth(high, {key}):
                out.append(f"{key} = {self.truth[key]}")
        return out


def attack(tables: list, views: list[dict], limit: int) -> list[str]:
    """The small counts a reader of all *views* recovers: ``tables[0]`` is the ungrouped
    table (true counts), the others grouped tables of the same persons."""
    a = Attack(limit)
    terms = [a.add(t, table, view) for t, (table, view) in enumerate(zip(tables, views,
                                                                           strict=True))]
    for t in range(1, len(tables)):
        a.link(terms[0], terms[t], tables[t])
    return a.pinned()

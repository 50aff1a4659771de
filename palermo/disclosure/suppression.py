"""Threshold (primary) and complementary (secondary) cell suppression for count tables.

Method (documented for admins in ``docs/disclosure.md``)
--------------------------------------------------------
A table of ``R`` rows and ``C`` columns with its margins is treated as the *extended* table of
``(R+1) x (C+1)`` entries: the row totals are column ``C``, the column totals are row ``R`` and
the grand total is entry ``(R, C)``. In the extended table every line (row or column) obeys one
linear equation — "the first entries add up to the last one". Everything an outside reader can
compute follows from these equations, the published entries and non-negativity.

Draw a bipartite graph with one node per extended row and per extended column, and one edge per
*hidden* entry (suppressed, or a margin that is not published at all). A change of the hidden
entries that keeps every line's equation true is exactly a circulation on this graph: signs
alternate round a cycle (every cycle of a bipartite graph is even), so each node gets one
``+t`` and one ``-t``. Hence a hidden entry can take another value than its true one **iff its
edge lies on a cycle, i.e. is not a bridge**. When every hidden entry is strictly positive, a
small step ``t`` of either sign keeps all of them non-negative, so the entry's feasible range
is a proper interval: it cannot be recovered.

The algorithm:

1. *Primary suppression*: every published entry (cells and published totals) with
   ``1 <= value <= threshold`` (and ``0`` if ``suppress_zeros``) is hidden.
2. *Complementary suppression*, to a fixed point: while some suppressed entry is a bridge,
   take the cheapest path in the extended table that reconnects its two sides without it, and
   hide every published entry on that path. The cost of a path is lexicographic: first the
   number of zero entries it would hide (zeros break the argument above), then the number of
   published totals (readers value totals), then the sum of the values hidden (information
   lost). Each round hides at least one more entry, so the loop ends.
3. *Audit*: when a hidden entry is zero the interior argument does not hold, so each suppressed
   entry's feasible range is computed exactly by linear programming (scipy's HiGHS); any entry
   still recoverable gets the cheapest published entry of its row or column hidden as well,
   and steps 2–3 repeat. Without zeros this step is skipped: step 2 already proves safety.

``tests/disclosure/test_suppression.py`` checks the result independently: from the published
figures alone it computes every suppressed entry's minimum and maximum by LP and asserts they
differ.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["SuppressedTable", "SuppressedCounts", "suppress_table", "suppress_counts",
           "is_sensitive"]

Position = tuple[int, int]


def is_sensitive(value: int, threshold: int, *, suppress_zeros: bool = False) -> bool:
    """True when a count must not be published: 1..threshold, or 0 if zeros are sensitive."""
    return 1 <= value <= threshold or (suppress_zeros and value == 0)


@dataclass(frozen=True)
class SuppressedTable:
    """A count table ready for publication; ``None`` marks a suppressed entry.

    ``row_totals`` / ``column_totals`` are ``None`` when they were not requested, and ``total``
    is ``None`` when suppressed or not requested. ``primary`` and ``secondary`` hold positions
    in the extended table: ``(r, c)`` for a cell, ``(r, n_cols)`` for row ``r``'s total,
    ``(n_rows, c)`` for column ``c``'s total and ``(n_rows, n_cols)`` for the grand total.
    """

    cells: list[list[int | None]]
    row_totals: list[int | None] | None
    column_totals: list[int | None] | None
    total: int | None
    primary: frozenset[Position]
    secondary: frozenset[Position]
    threshold: int

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    @property
    def suppressed(self) -> frozenset[Position]:
        """Every hidden entry, primary and complementary."""
        return self.primary | self.secondary


@dataclass(frozen=True)
class SuppressedCounts:
    """A single column of counts with its total, ready for publication (``None`` = hidden)."""

    counts: dict[Hashable, int | None]
    total: int | None
    primary: frozenset[Hashable]
    secondary: frozenset[Hashable]
    total_suppressed: bool


def _validate(cells: Sequence[Sequence[int]], threshold: int) -> tuple[int, int]:
    if threshold < 0:
        raise ValueError(f"threshold must be >= 0, got {threshold}")
    if not cells or not cells[0]:
        raise ValueError("a table needs at least one row and one column")
    width = len(cells[0])
    for r, row in enumerate(cells):
        if len(row) != width:
            raise ValueError(f"row {r} has {len(row)} cells, expected {width}")
        for c, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"cell ({r}, {c}) must be a non-negative integer, got {value!r}")
    return len(cells), width


class _Extended:
    """The extended table with which entries are hidden; nodes are rows ``0..R`` then
    columns ``R+1..R+C+1``."""

    def __init__(self, cells: Sequence[Sequence[int]], published: set[Position]):
        self.R, self.C = len(cells), len(cells[0])
        ext = [list(row) + [sum(row)] for row in cells]
        ext.append([sum(row[c] for row in ext) for c in range(self.C + 1)])
        self.ext = ext
        self.published = published
        self.all = {(r, c) for r in range(self.R + 1) for c in range(self.C + 1)}
        self.unpublished = self.all - published

    def node(self, kind: str, index: int) -> int:
        return index if kind == "r" else self.R + 1 + index

    def ends(self, p: Position) -> tuple[int, int]:
        return p[0], self.R + 1 + p[1]

    def position(self, a: int, b: int) -> Position:
        row, col = (a, b) if a <= self.R else (b, a)
        return row, col - self.R - 1

    def is_margin(self, p: Position) -> bool:
        return p[0] == self.R or p[1] == self.C

    def value(self, p: Position) -> int:
        return self.ext[p[0]][p[1]]

    # --- graph reasoning -------------------------------------------------------------
    def bridges(self, hidden: set[Position]) -> set[Position]:
        """Hidden entries whose edge is a bridge (Tarjan, iterative)."""
        n = self.R + self.C + 2
        adj: list[list[tuple[int, Position]]] = [[] for _ in range(n)]
        for p in hidden:
            a, b = self.ends(p)
            adj[a].append((b, p))
            adj[b].append((a, p))
        order = [-1] * n
        low = [0] * n
        found: set[Position] = set()
        counter = 0
        for root in range(n):
            if order[root] != -1:
                continue
            order[root] = low[root] = counter
            counter += 1
            stack = [(root, None, iter(adj[root]))]
            while stack:
                node, via, edges = stack[-1]
                for nxt, p in edges:
                    if p == via:
                        continue
                    if order[nxt] == -1:
                        order[nxt] = low[nxt] = counter
                        counter += 1
                        stack.append((nxt, p, iter(adj[nxt])))
                        break
                    low[node] = min(low[node], order[nxt])
                else:
                    stack.pop()
                    if stack:
                        parent = stack[-1][0]
                        low[parent] = min(low[parent], low[node])
                        if low[node] > order[parent]:
                            found.add(via)
        return found

    def side(self, hidden: set[Position], start: int, without: Position) -> set[int]:
        """Nodes reachable from *start* over hidden entries other than *without*."""
        adj: dict[int, list[int]] = {}
        for p in hidden:
            if p == without:
                continue
            a, b = self.ends(p)
            adj.setdefault(a, []).append(b)
            adj.setdefault(b, []).append(a)
        seen, todo = {start}, [start]
        while todo:
            for nxt in adj.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def cost(self, p: Position, hidden: set[Position]) -> tuple[int, int, int]:
        if p in hidden:
            return (0, 0, 0)
        value = self.value(p)
        return (int(value == 0), int(self.is_margin(p)), value)

    def reconnect(self, hidden: set[Position], bridge: Position) -> list[Position]:
        """Published entries on the cheapest path joining the two sides of *bridge*."""
        a, b = self.ends(bridge)
        sources = self.side(hidden, a, bridge)
        targets = self.side(hidden, b, bridge)
        n = self.R + self.C + 2
        best: dict[int, tuple[int, int, int]] = {s: (0, 0, 0) for s in sources}
        back: dict[int, tuple[int, Position]] = {}
        heap = [(cost, s) for s, cost in best.items()]
        heapq.heapify(heap)
        target = None
        while heap:
            cost, node = heapq.heappop(heap)
            if cost > best[node]:
                continue
            if node in targets:
                target = node
                break
            others = range(self.R + 1, n) if node <= self.R else range(self.R + 1)
            for nxt in others:
                p = self.position(node, nxt)
                if p == bridge:
                    continue
                step = self.cost(p, hidden)
                new = (cost[0] + step[0], cost[1] + step[1], cost[2] + step[2])
                if nxt not in best or new < best[nxt]:
                    best[nxt] = new
                    back[nxt] = (node, p)
                    heapq.heappush(heap, (new, nxt))
        if target is None:  # cannot happen: the complete bipartite graph is connected
            raise RuntimeError("no complementary path found")
        path = []
        node = target
        while node not in sources:
            node, p = back[node]
            if p not in hidden:
                path.append(p)
        return path

    # --- exact audit -----------------------------------------------------------------
    def recoverable(self, hidden: set[Position], protect: set[Position]) -> list[Position]:
        """Entries of *protect* whose value follows from the published ones (by LP)."""
        import numpy as np
        from scipy.optimize import linprog

        variables = sorted(hidden)
        index = {p: i for i, p in enumerate(variables)}
        lines = [[(r, c) for c in range(self.C + 1)] for r in range(self.R + 1)]
        lines += [[(r, c) for r in range(self.R + 1)] for c in range(self.C + 1)]
        a_eq, b_eq = [], []
        for line in lines:
            row = np.zeros(len(variables))
            rhs = 0
            for k, p in enumerate(line):
                sign = -1 if k == len(line) - 1 else 1
                if p in index:
                    row[index[p]] += sign
                else:
                    rhs -= sign * self.value(p)
            a_eq.append(row)
            b_eq.append(rhs)

        # A box just above every true value keeps the LPs bounded without changing which
        # entries can move: the truth lies strictly inside it, so any feasible direction
        # stays feasible for a small step.
        ceiling = max(max(line) for line in self.ext) + 1

        def solve(objective):
            result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, ceiling),
                             method="highs")
            if result.status != 0:
                raise RuntimeError(f"suppression audit failed: {result.message}")
            return result.x

        def moved(x, p):  # a feasible table where p differs from the truth
            return abs(x[index[p]] - self.value(p)) > 0.5

        # Batch first: push all unresolved entries up (then down) together; every entry
        # that moves is safe. Only those that never move are checked one by one.
        open_ = set(protect)
        progress = True
        while open_ and progress:
            progress = False
            for sign in (-1, 1):
                objective = np.zeros(len(variables))
                for p in open_:
                    objective[index[p]] = sign
                x = solve(objective)
                safe = {p for p in open_ if moved(x, p)}
                progress |= bool(safe)
                open_ -= safe
        out = []
        for p in sorted(open_):
            objective = np.zeros(len(variables))
            objective[index[p]] = 1
            if not (moved(solve(-objective), p) or moved(solve(objective), p)):
                out.append(p)
        return out


def suppress_table(cells: Sequence[Sequence[int]], *, threshold: int = 10,
                   row_totals: bool = True, column_totals: bool = True,
                   table_total: bool = True, suppress_zeros: bool = False) -> SuppressedTable:
    """Suppress the counts 1..*threshold* (and 0 if *suppress_zeros*) of a table of
    non-negative integers, then enough other entries — cells first, totals only when needed —
    that no suppressed entry can be recovered from the published cells and totals.

    The flags say which margins will be published; unpublished margins are unknown to the
    reader. Published totals are subject to the threshold like cells. See the module docstring
    for the method and its proof of safety.
    """
    n_rows, n_cols = _validate(cells, threshold)
    published = {(r, c) for r in range(n_rows) for c in range(n_cols)}
    if row_totals:
        published |= {(r, n_cols) for r in range(n_rows)}
    if column_totals:
        published |= {(n_rows, c) for c in range(n_cols)}
    if table_total:
        published.add((n_rows, n_cols))
    table = _Extended(cells, published)

    primary = {p for p in published
               if is_sensitive(table.value(p), threshold, suppress_zeros=suppress_zeros)}
    suppressed = set(primary)
    while True:
        hidden = suppressed | table.unpublished
        weak = sorted(table.bridges(hidden) & suppressed)
        if weak:
            suppressed.update(table.reconnect(hidden, weak[0]))
            continue
        if not any(table.value(p) == 0 for p in hidden):
            break  # all hidden entries positive: no bridge means nothing is recoverable
        exposed = table.recoverable(hidden, suppressed)
        if not exposed:
            break
        suppressed.update(_cheapest_neighbour(table, exposed[0], hidden))

    def shown(p: Position) -> int | None:
        return None if p in suppressed else table.value(p)

    return SuppressedTable(
        cells=[[shown((r, c)) for c in range(n_cols)] for r in range(n_rows)],
        row_totals=[shown((r, n_cols)) for r in range(n_rows)] if row_totals else None,
        column_totals=[shown((n_rows, c)) for c in range(n_cols)] if column_totals else None,
        total=shown((n_rows, n_cols)) if table_total else None,
        primary=frozenset(primary),
        secondary=frozenset(suppressed - primary),
        threshold=threshold,
    )


def _cheapest_neighbour(table: _Extended, p: Position, hidden: set[Position]) -> list[Position]:
    """The cheapest published entry in *p*'s row or column (any entry if those are all
    hidden), used when the exact audit finds *p* recoverable."""
    line = {(p[0], c) for c in range(table.C + 1)} | {(r, p[1]) for r in range(table.R + 1)}
    candidates = (line - hidden) or (table.published - hidden)
    return [min(candidates, key=lambda q: (table.cost(q, hidden), q))]


def suppress_counts(counts: Mapping[Hashable, int], total: int | None = None, *,
                    threshold: int = 10, suppress_zeros: bool = False) -> SuppressedCounts:
    """Suppress a single column of counts published with its *total* (``None`` = no total).

    Counts 1..*threshold* are hidden; if the total is published and the hidden counts could be
    worked out from it (only one hidden, or hidden ones all zero), the next smallest positive
    count is hidden too, or the total when no such count remains. *total* may exceed the sum
    (e.g. it includes persons with unknown values); the difference is assumed known to the
    reader, which is the cautious assumption.
    """
    if threshold < 0:
        raise ValueError(f"threshold must be >= 0, got {threshold}")
    for key, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"count {key!r} must be a non-negative integer, got {value!r}")
    if total is not None and total < sum(counts.values()):
        raise ValueError(f"total {total} is smaller than the sum of the counts "
                         f"{sum(counts.values())}")
    primary = {k for k, v in counts.items()
               if is_sensitive(v, threshold, suppress_zeros=suppress_zeros)}
    suppressed = set(primary)
    total_hidden = total is not None and is_sensitive(total, threshold,
                                                      suppress_zeros=suppress_zeros)
    # With the total published, the hidden counts' sum is known: one hidden count, or hidden
    # counts that sum to zero, would be revealed.
    while (total is not None and not total_hidden and suppressed
           and (len(suppressed) < 2 or sum(counts[k] for k in suppressed) == 0)):
        spare = [k for k, v in counts.items() if k not in suppressed and v > 0]
        if not spare:
            total_hidden = True
            break
        suppressed.add(min(spare, key=lambda k: (counts[k], str(k))))
    return SuppressedCounts(
        counts={k: (None if k in suppressed else v) for k, v in counts.items()},
        total=None if total is None or total_hidden else total,
        primary=frozenset(primary),
        secondary=frozenset(suppressed - primary),
        total_suppressed=total_hidden,
    )

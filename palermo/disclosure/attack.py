"""Attacking published figures as a reader would: by linear arithmetic on what they show.

:class:`System` holds entries (each with its true value, shown or hidden) and the linear
relations a reader knows between them — an equation where the true figures satisfy one,
otherwise the inequality they satisfy; every entry is at least 0. An entry from 1 to the
threshold is *exposed* when linear programming pins it to one value, and
:meth:`System.neighbour` names the shown entry to hide next so that it no longer is.
``palermo.analytics.audit`` writes the CTM table sets down as such a system;
``palermo.disclosure.marginals`` the one- and two-way tables of a count cube. Pure: numpy and
scipy only.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

Key = tuple  # a tuple naming an entry; ("const", i) names constants, (…, "n", …) a total


class System:
    """Entries (true value, shown or not) and the linear relations a reader knows."""

    def __init__(self, keep_all: bool = False):
        self.values: dict[Key, int] = {}
        self.shown: dict[Key, bool] = {}
        self.relations: list[tuple[tuple[tuple[Key, int], ...], str]] = []
        self.touching: dict[Key, list[int]] = defaultdict(list)
        # Keep relations between shown entries too, for a caller that hides entries later.
        self.keep_all = keep_all

    def entry(self, key: Key, value: int, shown: bool) -> Key:
        self.values[key] = int(value)
        self.shown[key] = bool(shown)
        return key

    def constant(self, value: int) -> Key:
        return self.entry(("const", len(self.values)), value, True)

    def _add(self, terms: tuple[tuple[Key, int], ...], op: str) -> None:
        if not self.keep_all and all(self.shown[k] for k, _ in terms):
            return  # nothing unknown: a check the true figures pass, no information
        for k, _ in terms:
            self.touching[k].append(len(self.relations))
        self.relations.append((terms, op))

    def relate(self, terms: list[tuple[Key, int]]) -> None:
        """sum(coefficient * entry) compared with 0 as the true figures compare it: an
        equation where they satisfy one, else the inequality they satisfy."""
        total = sum(sign * self.values[k] for k, sign in terms)
        self._add(tuple(terms), "=" if total == 0 else ">=" if total > 0 else "<=")

    def at_most_sum(self, parts: list[Key], whole: Key) -> None:
        """sum(*parts*) <= *whole*, recorded only if true and never as an equation (the
        parts are among the persons of *whole*, but the reader does not know whether all)."""
        if sum(self.values[k] for k in parts) <= self.values[whole]:
            self._add(tuple((k, 1) for k in parts) + ((whole, -1),), "<=")

    def at_most(self, small: Key, large: Key) -> None:
        """*small* <= *large* (the persons of a cell are among those of a larger count).
        Only a true relation is recorded, and never as an equation: equal figures do not
        tell the reader that they are equal."""
        if self.values[small] <= self.values[large]:
            self._add(((small, 1), (large, -1)), "<=")

    # --- the attack ------------------------------------------------------------------------

    def exposed(self, threshold: int, among=None) -> list[Key]:
        """Hidden entries from 1 to *threshold* whose value follows from the rest (only
        those in *among*, when given: the others are not tested, though every relation
        still constrains them)."""
        from scipy.optimize import linprog

        protect = sorted((k for k, shown in self.shown.items()
                          if not shown and 1 <= self.values[k] <= threshold
                          and (among is None or k in among) and self.touching.get(k)),
                         key=repr)
        if not protect:
            return []
        # Only the relations of the entries tested matter: the rest is independent of them.
        hidden = sorted(self.reach(protect) | set(protect), key=repr)
        index = {k: i for i, k in enumerate(hidden)}
        a_eq, b_eq, a_ub, b_ub = self._programme(hidden)
        # A ceiling above every true figure keeps the programme bounded; it is more than a
        # reader knows, so it can only make the attack stronger.
        ceiling = 2 * max(self.values.values()) + threshold + 1
        truth = np.array([self.values[k] for k in hidden], dtype=float)
        positions = np.array([index[k] for k in protect])

        def moved(objective: np.ndarray) -> set[Key]:
            """The tested entries that a solution minimising *objective* moves off their
            true value: none of them is pinned."""
            result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                             bounds=(0, ceiling), method="highs")
            if result.status != 0:
                raise RuntimeError(f"disclosure audit failed: {result.message}")
            off = np.abs(result.x[positions] - truth[positions]) > 0.5
            return {protect[i] for i in np.flatnonzero(off)}

        # Push all open entries together, down then up; those that move are safe. Repeat, then
        # check the rest one by one (the same strategy as the suppression module's audit);
        # every solution also clears whichever other open entries it moves.
        open_ = set(protect)
        progress = True
        while open_ and progress:
            progress = False
            for sign in (1, -1):
                objective = np.zeros(len(hidden))
                objective[[index[e] for e in open_]] = sign
                safe = moved(objective) & open_
                progress |= bool(safe)
                open_ -= safe
        out = []
        for e in sorted(open_, key=repr):
            if e not in open_:
                continue
            objective = np.zeros(len(hidden))
            objective[index[e]] = 1
            safe = moved(objective) & open_
            if e not in safe:
                safe |= moved(-objective) & open_
            open_ -= safe
            if e not in safe:
                out.append(e)
        return out

    def _programme(self, unknowns: list[Key]):
        """``A_eq x = b_eq``, ``A_ub x <= b_ub`` over *unknowns* (every other entry at its
        value): the relations that touch them."""
        from scipy.sparse import csr_array

        index = {k: i for i, k in enumerate(unknowns)}
        lines = {"=": ([], [], [], []), "<=": ([], [], [], [])}  # rows, columns, data, rhs
        for r in sorted({r for k in unknowns for r in self.touching[k]}):
            terms, op = self.relations[r]
            coefficients: dict[int, int] = defaultdict(int)
            rhs = 0
            for k, sign in terms:
                if k in index:
                    coefficients[index[k]] += sign
                else:
                    rhs -= sign * self.values[k]
            coefficients = {j: c for j, c in coefficients.items() if c}
            if not coefficients:
                continue  # a check the true figures pass
            flip = -1 if op == ">=" else 1
            rows, columns, data, rhss = lines["=" if op == "=" else "<="]
            for j, c in coefficients.items():
                rows.append(len(rhss))
                columns.append(j)
                data.append(flip * c)
            rhss.append(flip * rhs)

        def matrix(kind):
            rows, columns, data, rhss = lines[kind]
            if not rhss:
                return None, None
            return (csr_array((data, (rows, columns)), shape=(len(rhss), len(unknowns))),
                    np.array(rhss, dtype=float))

        return (*matrix("="), *matrix("<="))

    def to_unpin(self, entry: Key, free: set[Key], weight=None) -> set[Key] | None:
        """Shown entries of *free* whose hiding lets pinned *entry* take another value: a
        least-weight set by linear programming (*weight(key)*, default 1, per unit the
        entry would have to move); ``None`` when hiding all of *free* would not do."""
        from scipy.optimize import linprog
        from scipy.sparse import csr_array, hstack, vstack

        unknowns = sorted(self.reach([entry], through=free) | {entry}, key=repr)
        movable = [k for k in unknowns if k in free]
        if not movable:
            return None
        n, m = len(unknowns), len(movable)
        index = {k: i for i, k in enumerate(unknowns)}
        a_eq, b_eq, a_ub, b_ub = self._programme(unknowns)
        # x_k - up_k + down_k = value_k for each movable k: up and down are how far it moves.
        rows = list(range(m)) * 3
        columns = [index[k] for k in movable] + [n + i for i in range(m)] + \
            [n + m + i for i in range(m)]
        data = [1.0] * m + [-1.0] * m + [1.0] * m
        tie = csr_array((data, (rows, columns)), shape=(m, n + 2 * m))
        tie_b = np.array([self.values[k] for k in movable], dtype=float)

        def widen(a):
            return None if a is None else hstack([a, csr_array((a.shape[0], 2 * m))])

        costs = np.array([weight(k) if weight else 1.0 for k in movable] * 2)
        objective = np.concatenate([np.zeros(n), costs])
        ceiling = 2 * max(self.values.values()) + 1
        best = None
        for step in (1, -1):
            target = self.values[entry] + step
            if target < 0:
                continue
            fix = csr_array(([1.0], ([0], [index[entry]])), shape=(1, n + 2 * m))
            parts = [p for p in (widen(a_eq), tie, fix) if p is not None]
            rhs = [b for b in (b_eq, tie_b, np.array([float(target)])) if b is not None]
            result = linprog(objective, A_ub=widen(a_ub), b_ub=b_ub,
                             A_eq=vstack(parts).tocsr(), b_eq=np.concatenate(rhs),
                             bounds=(0, ceiling), method="highs")
            if result.status == 0 and (best is None or result.fun < best.fun):
                best = result
        if best is None:
            return None
        moved = best.x[n:n + m] + best.x[n + m:]
        return {k for k, d in zip(movable, moved, strict=True) if d > 1e-6}

    def reach(self, start, through=()) -> set[Key]:
        """The hidden entries (and entries of *through*) tied to any of *start* through
        relations and such entries: only their values can depend on what *start* shows."""
        reached: set[Key] = set()
        seen_relations: set[int] = set()
        layer = list(start)
        while layer:
            following = []
            for key in layer:
                fresh = [r for r in self.touching.get(key, ()) if r not in seen_relations]
                seen_relations.update(fresh)
                for k, _ in (term for r in fresh for term in self.relations[r][0]):
                    if (not self.shown[k] or k in through) and k not in reached:
                        reached.add(k)
                        following.append(k)
            layer = following
        return reached

    def neighbour(self, entry: Key, may_hide, rank=None) -> Key | None:
        """The shown entry to hide next so that *entry* is no longer pinned: the nearest one
        along the relations (through hidden entries) that ``may_hide(key)`` allows, cells
        before column N, smallest first (or lowest ``rank(key)``); ``None`` when there is
        none."""
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
                return min(found, key=rank or (
                    lambda k: (k[1] == "n", self.values[k], repr(k))))
            layer = following
        return None

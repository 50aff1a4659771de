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

    def exposed(self, threshold: int, among=None) -> list[Key]:
        """Hidden entries from 1 to *threshold* whose value follows from the rest (only
        those in *among*, when given: the others are not tested, though every relation
        still constrains them)."""
        from scipy.optimize import linprog
        from scipy.sparse import lil_array

        hidden = sorted({k for terms, _ in self.relations for k, _ in terms
                         if not self.shown[k]}, key=repr)
        protect = [k for k in hidden if 1 <= self.values[k] <= threshold
                   and (among is None or k in among)]
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

    def reach(self, start) -> set[Key]:
        """The hidden entries tied to any of *start* through relations and hidden entries:
        only their values can depend on what *start* shows."""
        reached: set[Key] = set()
        seen_relations: set[int] = set()
        layer = list(start)
        while layer:
            following = []
            for key in layer:
                fresh = [r for r in self.touching.get(key, ()) if r not in seen_relations]
                seen_relations.update(fresh)
                for k, _ in (term for r in fresh for term in self.relations[r][0]):
                    if not self.shown[k] and k not in reached:
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

"""Auditing the releases of the same facts together, so that one cannot undo another's
suppression.

A release — a statistics table, a k-anonymised file, a core-indicator table — discloses counts
of persons. :class:`Disclosure` holds what one release disclosed as tables over named
*fields* of the facts (``year``, ``gender``, ``age``, ``citizenship``, ``destination_country``
…): for each cell, the true count and whether it was shown. Each label stands for an
:class:`Extent`, the stored values it covers — "Female" and "Woman" both {Feminine}; "18--20"
the ages 18, 19 and 20; a missing-value row {"", Unknown, …}; an "other" row every value but
the listed ones — so a table by year and gender and a file whose rows give year and gender
speak of the same cells whatever their labels, and a five-year period contains its years.

:func:`audit` writes every earlier disclosure of the same facts and the candidate into one
linear system (``palermo.disclosure.attack.System``): for any two tables whose fields differ
by at most one, each cell against the cells of the other table that it contains — the relation
the true figures obey, an equation where they satisfy one, else the inequality (more than a
reader knows, so the audit errs on the side of the reader); only "at most" where a cell of the
other table straddles its edge (CTDC's age band 30–38 against a table's "31 and older": no
reader can split it) — and every cell at most the cells containing it. It reports the
counts from 1 to the threshold that the union pins and the earlier releases alone did not.
:func:`protect` hides more cells of a table until the union pins nothing new, or refuses
(:class:`ReleaseConflict`, naming the cells); a caller with microdata generalises further
instead (``palermo.exchange.ctdc``). Pure: pandas and the attack module only.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from palermo.disclosure.attack import System

Dims = tuple[str, ...]
Labels = tuple[str, ...]
Key = tuple  # (release tag, dims, labels); the candidate's tag is CANDIDATE
CANDIDATE = 0
ROUNDS = 25  # rounds of hiding more in a table candidate before refusing


class ReleaseRefused(ValueError):
    """A release that was refused: nothing left Palermo, nothing was logged or charged."""


class ReleaseConflict(ReleaseRefused):
    """The candidate would let a reader work out small counts together with releases of the
    same facts that already left; ``conflicts`` names each such count (never its value)."""

    def __init__(self, conflicts: Sequence[str]):
        self.conflicts = list(conflicts)
        super().__init__(
            "this release would let a reader work out counts from 1 to the threshold when "
            "it is put together with earlier releases of the same facts: "
            + "; ".join(self.conflicts) + ". Nothing was released.")


@dataclass(frozen=True)
class Extent:
    """The stored values a label covers: *values*, or every value but them (*negated*)."""

    values: frozenset
    negated: bool = False

    @classmethod
    def of(cls, values) -> Extent:
        return cls(frozenset(str(v) for v in values))

    @classmethod
    def all_but(cls, values) -> Extent:
        return cls(frozenset(str(v) for v in values), True)

    def within(self, other: Extent) -> bool:
        """Is every value this extent covers also covered by *other*?"""
        if not self.negated:
            return (not (self.values & other.values)) if other.negated \
                else self.values <= other.values
        return other.negated and other.values <= self.values

    def meets(self, other: Extent) -> bool:
        """Does some value lie in both extents?"""
        if not self.negated:
            return bool(self.values - other.values if other.negated
                        else self.values & other.values)
        return other.negated or bool(other.values - self.values)

    def to_json(self) -> dict:
        return {"not" if self.negated else "in": sorted(self.values)}

    @classmethod
    def from_json(cls, data: Mapping) -> Extent:
        return cls.all_but(data["not"]) if "not" in data else cls.of(data["in"])


@dataclass
class Disclosure:
    """What one release disclosed: tables (fields, sorted) of cells (labels → (true count,
    shown)), and the extent of every label that is not simply its own value."""

    tables: dict[Dims, dict[Labels, tuple[int, bool]]] = field(default_factory=dict)
    extents: dict[str, dict[str, Extent]] = field(default_factory=dict)
    name: str = ""
    digest: str = ""  # its fingerprint as the release log recorded it, when read from there
    _extent_of: dict = field(default_factory=dict, repr=False, compare=False)

    def define(self, dim: str, label: str, extent: Extent) -> None:
        """Say which stored values *label* of field *dim* covers."""
        if extent == Extent.of([label]):
            return
        known = self.extents.setdefault(dim, {})
        if known.setdefault(label, extent) != extent:
            raise ValueError(f"{dim}: the label {label!r} stands for two sets of values")
        self._extent_of.pop((dim, label), None)

    def extent(self, dim: str, label: str) -> Extent:
        """The values *label* of field *dim* covers (itself, unless defined otherwise)."""
        key = (dim, label)
        if key not in self._extent_of:
            self._extent_of[key] = self.extents.get(dim, {}).get(label) or Extent.of([label])
        return self._extent_of[key]

    def labels(self, dim: str) -> set[str]:
        """Every label of field *dim* in the disclosure's tables."""
        return {labels[dims.index(dim)] for dims, cells in self.tables.items() if dim in dims
                for labels in cells}

    def add(self, cell: Mapping[str, str], true: int, shown: bool) -> None:
        """One cell: *cell* maps each field to its label (empty: the total). A cell given
        twice (two tables of one release) is shown if either shows it."""
        dims = tuple(sorted(cell))
        labels = tuple(str(cell[d]) for d in dims)
        table = self.tables.setdefault(dims, {})
        before = table.get(labels)
        if before is not None and before[0] != int(true):
            raise ValueError(f"cell {dict(zip(dims, labels, strict=True))} given twice with "
                             "different counts")
        table[labels] = (int(true), bool(shown) or bool(before and before[1]))

    def hide(self, dims: Dims, labels: Labels) -> None:
        true, _shown = self.tables[dims][labels]
        self.tables[dims][labels] = (true, False)

    def copy(self) -> Disclosure:
        return Disclosure({d: dict(c) for d, c in self.tables.items()},
                          {d: dict(e) for d, e in self.extents.items()}, self.name)

    def to_json(self) -> dict:
        """Plain JSON (for the release log): counts and labels only."""
        return {"tables": [{"dims": list(dims), "cells": [[*labels, n, shown] for labels,
                                                          (n, shown) in sorted(cells.items())]}
                           for dims, cells in sorted(self.tables.items())],
                "extents": {dim: {label: e.to_json() for label, e in sorted(labels.items())}
                            for dim, labels in sorted(self.extents.items())}}

    @classmethod
    def from_json(cls, data: Mapping, name: str = "") -> Disclosure:
        out = cls(name=name)
        for table in data.get("tables", []):
            dims = tuple(table["dims"])
            out.tables[dims] = {tuple(c[:len(dims)]): (int(c[-2]), bool(c[-1]))
                                for c in table["cells"]}
        out.extents = {dim: {label: Extent.from_json(e) for label, e in labels.items()}
                       for dim, labels in data.get("extents", {}).items()}
        return out

    def fingerprint(self) -> str:
        """The SHA-256 of the disclosure's JSON: equal for equal disclosures."""
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()


def microdata(frame: pd.DataFrame, fields: Mapping[str, str], *, max_way: int = 3,
              extents: Mapping[str, Mapping[str, Extent]] | None = None,
              at_most_one: Collection[str] = (), name: str = "") -> Disclosure:
    """The margins a record-level file discloses: for every choice of up to *max_way* of its
    columns (*fields* maps each column to the field of the facts it gives; of the columns
    in *at_most_one*, one at most), the number of rows per combination of labels — all
    shown. A value ``None`` is no cell (a flag's empty value: "has none of" is not a set of
    values); two columns of one field are never crossed. *extents*: field → label →
    :class:`Extent`."""
    out = Disclosure(name=name)
    for dim, labels in (extents or {}).items():
        for label, extent in labels.items():
            out.define(dim, label, extent)
    out.add({}, len(frame), True)
    columns = list(fields)
    for size in range(1, max_way + 1):
        for combo in itertools.combinations(columns, size):
            dims = [fields[c] for c in combo]
            if len(set(dims)) < len(dims) or len(set(combo) & set(at_most_one)) > 1:
                continue
            part = frame[list(combo)].dropna()
            for labels, n in part.value_counts(sort=False).items():
                labels = labels if isinstance(labels, tuple) else (labels,)
                out.add(dict(zip(dims, map(str, labels), strict=True)), int(n), True)
    return out


# --- the audit ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Table:
    tag: int
    dims: Dims
    cells: dict
    disclosure: Disclosure


class Union:
    """The linear system of a reader holding every earlier disclosure and the candidate."""

    def __init__(self, earlier: Sequence[Disclosure], candidate: Disclosure | None,
                 keep_all: bool = False):
        self.system = System(keep_all)
        self.names = {CANDIDATE: "this release"}
        self.names.update({tag: d.name or f"release {tag}"
                           for tag, d in enumerate(earlier, start=1)})
        self.disclosures = {tag: d for tag, d in enumerate(earlier, start=1)}
        if candidate is not None:
            self.disclosures[CANDIDATE] = candidate
        self.tables = _distinct_tables(earlier)
        if candidate is not None:
            # A candidate that shows every cell (microdata) need not bring the tables over a
            # field no earlier release counts: summed over that field, such a table is its
            # coarser table, which the candidate shows too — so the audit stays within the
            # fields the releases share.
            every_cell_shown = all(shown for cells in candidate.tables.values()
                                   for _n, shown in cells.values())
            used = {d for t in self.tables for d in t.dims}
            self.tables += [_Table(CANDIDATE, dims, cells, candidate)
                            for dims, cells in candidate.tables.items()
                            if not every_cell_shown or set(dims) <= used]
        for t in self.tables:
            for labels, (n, shown) in t.cells.items():
                self.system.entry((t.tag, t.dims, labels), n, shown)
        self._containers: dict = {}
        self._label_sets: dict = {}
        self._related: set = set()
        by_dims: dict[Dims, list[_Table]] = defaultdict(list)
        for t in self.tables:
            by_dims[t.dims].append(t)
        for t in self.tables:
            coarser = [by_dims.get(t.dims, [])] + [
                by_dims.get(t.dims[:i] + t.dims[i + 1:], []) for i in range(len(t.dims))]
            for other in itertools.chain.from_iterable(coarser):
                if other is not t:
                    self._link(other, t)

    def _overlaps(self, a: _Table, b: _Table, dim: str) -> dict[str, list[tuple[str, bool]]]:
        """For each label of *dim* in *b*'s release: the labels of *a*'s release it shares
        a value with, and whether it lies wholly inside each."""
        key = (id(a.disclosure), id(b.disclosure), dim)
        if key not in self._containers:
            outer = [(la, a.disclosure.extent(dim, la)) for la in self._labels(a, dim)]
            found = {}
            for label in self._labels(b, dim):
                inner = b.disclosure.extent(dim, label)
                found[label] = [(la, inner.within(extent)) for la, extent in outer
                                if inner.meets(extent)]
            self._containers[key] = found
        return self._containers[key]

    def _labels(self, table: _Table, dim: str) -> set[str]:
        key = (id(table.disclosure), dim)
        if key not in self._label_sets:
            self._label_sets[key] = table.disclosure.labels(dim)
        return self._label_sets[key]

    def _link(self, a: _Table, b: _Table) -> None:
        """Each cell of *a* against the cells of *b* inside it (b has a's fields, and at most
        one more): their sum equals it where they cover it — no cell of *b* straddles its
        edge — and the true counts are equal; otherwise, and always for each of them, at
        most it (a reader does not know how a straddling cell splits)."""
        overlaps = [self._overlaps(a, b, d) for d in a.dims]
        positions = [b.dims.index(d) for d in a.dims]
        parts: dict[Labels, list[Labels]] = defaultdict(list)
        straddled: set[Labels] = set()
        for lb in b.cells:
            choices = [found[lb[p]] for found, p in zip(overlaps, positions, strict=True)]
            for combination in itertools.product(*choices):
                la = tuple(label for label, _inside in combination)
                if la in a.cells:
                    if all(inside for _label, inside in combination):
                        parts[la].append(lb)
                    else:
                        straddled.add(la)
        for la, lbs in parts.items():
            whole = (a.tag, a.dims, la)
            terms = [((b.tag, b.dims, lb), 1) for lb in lbs] + [(whole, -1)]
            signature = frozenset(terms)
            if signature in self._related or \
                    frozenset((k, -s) for k, s in terms) in self._related:
                continue
            self._related.add(signature)
            if la in straddled:
                self.system.at_most_sum([k for k, _s in terms[:-1]], whole)
            else:
                self.system.relate(terms)
            for lb in lbs:
                self.system.at_most((b.tag, b.dims, lb), whole)

    def component(self) -> set[Key]:
        """The hidden entries a reader's knowledge of the candidate can reach (through
        relations and hidden entries): only their status can change with it."""
        return self.system.reach(k for k in self.system.values if k[0] == CANDIDATE)

    def describe(self, key: Key) -> str:
        """"release #12 (…): year 2026 × gender Male" — labels, never the count."""
        tag, dims, labels = key
        cell = " × ".join(f"{d} {label}" for d, label in zip(dims, labels, strict=True))
        return f"{self.names[tag]}: {cell or 'total'}"


def _distinct_tables(earlier: Sequence[Disclosure]) -> list[_Table]:
    """The tables of *earlier*, each distinct table once (the same table released twice
    discloses it once), tagged 1, 2 … by release."""
    tables, seen = [], set()
    for tag, disclosure in enumerate(earlier, start=1):
        for dims, cells in disclosure.tables.items():
            print_ = _table_print(disclosure, dims, cells)
            if print_ not in seen:
                seen.add(print_)
                tables.append(_Table(tag, dims, cells, disclosure))
    return tables


def _table_print(disclosure: Disclosure, dims: Dims, cells: Mapping) -> str:
    extents = [[disclosure.extent(d, labels[i]).to_json() for i, d in enumerate(dims)]
               for labels in sorted(cells)]
    return hashlib.sha256(json.dumps([list(dims), sorted(cells.items()), extents],
                                     default=list).encode()).hexdigest()


@dataclass
class Finding:
    """The counts the candidate newly pins (empty: it may leave), in their union."""

    pinned: list[Key]
    union: Union

    def conflicts(self) -> list[str]:
        return [self.union.describe(k) for k in self.pinned]


def audit(earlier: Sequence[Disclosure], candidate: Disclosure, threshold: int) -> Finding:
    """The counts from 1 to *threshold* that a reader of *earlier* and *candidate* together
    can work out and a reader of *earlier* alone could not."""
    return _audit(Union(earlier, candidate), candidate, threshold, _Before(earlier, threshold))


class _Before:
    """What the earlier releases alone pin, worked out when asked and remembered."""

    def __init__(self, earlier: Sequence[Disclosure], threshold: int):
        self.earlier, self.threshold = earlier, threshold
        self.system: System | None = None
        self.known: dict[Key, bool] = {}

    def pinned(self, keys: set[Key]) -> set[Key]:
        unknown = {k for k in keys if k not in self.known}
        if unknown:
            if self.system is None:
                self.system = Union(self.earlier, None).system
            found = set(self.system.exposed(self.threshold, unknown))
            self.known.update({k: k in found for k in unknown})
        return {k for k in keys if self.known[k]}


def _audit(union: Union, candidate: Disclosure, threshold: int, before: _Before) -> Finding:
    system = union.system
    among = {k for k in union.component() if 1 <= system.values[k] <= threshold}
    pinned = system.exposed(threshold, among) if among else []
    if not pinned:
        return Finding([], union)
    # Not this release's doing: a count the earlier releases pinned already, or a cell of
    # the candidate that an earlier release shows or pins (the same values, the same count).
    same: dict[tuple, list[Key]] = defaultdict(list)
    for t in union.tables:
        if t.tag != CANDIDATE:
            for labels in t.cells:
                key = (t.tag, t.dims, labels)
                same[(t.dims, _extents(t.disclosure, t.dims, labels), system.values[key])
                     ].append(key)
    twins = {k: same.get((k[1], _extents(candidate, k[1], k[2]), system.values[k]), [])
             for k in pinned if k[0] == CANDIDATE}
    prior = {k for k in pinned if k[0] != CANDIDATE} | {
        t for ts in twins.values() for t in ts if not system.shown[t]}
    already = before.pinned(prior) if prior else set()
    pinned = [k for k in pinned if k not in already and not any(
        system.shown[t] or t in already for t in twins.get(k, ()))]
    return Finding(pinned, union)


def protect(earlier: Sequence[Disclosure], candidate: Disclosure, threshold: int
            ) -> tuple[Disclosure, list[Key]]:
    """*candidate* with more cells hidden, so that together with *earlier* it pins no count
    from 1 to *threshold* that *earlier* did not; and the cells it hid. For each newly pinned
    count it hides the nearest cell of the candidate tied to it (finer tables first, then
    the smallest count) that no earlier release shows. Raises :class:`ReleaseConflict` when
    ``ROUNDS`` rounds do not settle it."""
    candidate = candidate.copy()
    shown_before = {(t.dims, _extents(t.disclosure, t.dims, labels), n)
                    for t in _distinct_tables(earlier)
                    for labels, (n, shown) in t.cells.items() if shown}
    finest = max((len(d) for d in candidate.tables), default=0)
    union = Union(earlier, candidate, keep_all=True)  # one system: rounds only hide more
    system, values = union.system, union.system.values
    before = _Before(earlier, threshold)

    def may_hide(key: Key) -> bool:
        tag, dims, labels = key
        return tag == CANDIDATE and (dims, _extents(candidate, dims, labels),
                                     values[key]) not in shown_before

    def rank(key: Key):
        return (len(key[1]) < finest, values[key], repr(key))

    def weight(key: Key) -> float:
        return 1.0 if len(key[1]) == finest else 2.0  # totals are hidden last

    free = {k for k, shown in system.shown.items() if shown and may_hide(k)}

    hidden: list[Key] = []
    finding = _audit(union, candidate, threshold, before)
    for _round in range(ROUNDS):
        if not finding.pinned:
            return candidate, hidden
        progress = False
        for entry in finding.pinned:
            # The fewest cells of the candidate whose hiding lets the count move (a linear
            # programme), else the nearest cell tied to it.
            targets = system.to_unpin(entry, free, weight) or \
                {system.neighbour(entry, may_hide, rank)} - {None}
            for target in sorted(targets, key=repr):
                if system.shown[target]:
                    candidate.hide(target[1], target[2])
                    system.shown[target] = False
                    free.discard(target)
                    hidden.append(target)
                    progress = True
        if not progress:
            break
        finding = _audit(union, candidate, threshold, before)
    if not finding.pinned:
        return candidate, hidden
    raise ReleaseConflict(finding.conflicts())


def _extents(disclosure: Disclosure, dims: Dims, labels: Labels) -> tuple:
    return tuple(disclosure.extent(d, label) for d, label in zip(dims, labels, strict=True))

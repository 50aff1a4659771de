"""The generalisation lattice of a k-anonymisation, searched on class counts (pure numpy).

A *node* of the lattice is one generalisation level per quasi-identifier (full-domain
generalisation); node ``a`` is *below* node ``b`` when every level of ``a`` is at most that of
``b``. A node *meets the constraints* when the records left in equivalence classes smaller
than k — the records it must suppress — are at most the allowed number. Every level of a
hierarchy nests in the next (checked by :func:`attribute`), so generalising only merges
classes and this is **monotone**: if a node meets the constraints, so does every node above
it; if it does not, neither does any node below it.

**Information loss** is Iyengar's Loss Metric (LM, "Transforming data to satisfy privacy
constraints", KDD 2002; ARX's "Loss"): a value generalised to a group that covers ``m`` of the
``D`` distinct recorded values of its attribute loses ``(m - 1) / (D - 1)``; a suppressed record
loses 1 on every attribute; the measure is the mean over all records and quasi-identifiers
(0 = data as recorded, 1 = nothing left). It is computed from integer sums, so it does not
depend on the order of the records.

The search (:func:`search`) has two phases.

1. *Tagging* (as in Flash and OLA): walking the lattice from the bottom, it builds a path
   upwards from each node not yet tagged and binary-searches it for the lowest node that meets
   the constraints; each evaluation tags every node above (met) or below (not met) without
   evaluating it (*predictive tagging*). At the end every node is tagged.
2. *Optimum*: the nodes that meet the constraints are visited in order of a lower bound of
   their loss — the LM of the generalisation alone, as if nothing were suppressed, which is
   also monotone — and the search stops once the bound exceeds the best loss found. The
   result is the node with the least loss (then the fewest records suppressed, then the
   smallest level vector) among **all** the nodes that meet the constraints. Because
   suppression counts as loss, a node that generalises one step more can beat one that drops
   a third of the records.

Nothing here touches a record: the data are first reduced to the distinct combinations of
recorded values with their counts (:func:`group`), and a node's classes are rolled up from
the smallest cached class table of a node below it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_LATTICE = 1_000_000
_KEY_LIMIT = 1 << 40


@dataclass(frozen=True)
class Attribute:
    """One quasi-identifier reduced to its *leaves* (its distinct values at level 0).

    ``maps[level][leaf]`` is the code of the leaf's generalised value at *level*
    (``maps[0]`` is the identity), ``cards[level]`` the number of such codes and
    ``spread[level][code]`` how many leaves a code covers, minus one (the LM numerator).
    """

    maps: tuple[np.ndarray, ...]
    cards: tuple[int, ...]
    spread: tuple[np.ndarray, ...]

    @property
    def height(self) -> int:
        """Generalisation steps above level 0."""
        return len(self.maps) - 1

    @property
    def leaves(self) -> int:
        """Distinct values at level 0 (the LM domain size)."""
        return self.cards[0]

    def lift(self, finer: int, coarser: int) -> np.ndarray:
        """Code at level *finer* → code at level *coarser* (the hierarchy nests)."""
        out = np.zeros(self.cards[finer], dtype=np.int64)
        out[self.maps[finer]] = self.maps[coarser]
        return out


def attribute(name: str, maps: Sequence[np.ndarray]) -> Attribute:
    """Build an :class:`Attribute` from the leaf → code arrays of each level, checking that
    each level is a function of the one before (the hierarchy nests); *name* is for errors."""
    maps = tuple(np.asarray(m, dtype=np.int64) for m in maps)
    cards = tuple(int(m.max()) + 1 if len(m) else 0 for m in maps)
    for level, (finer, coarser) in enumerate(itertools.pairwise(maps)):
        if len(np.unique(finer * max(cards[level + 1], 1) + coarser)) != cards[level]:
            raise ValueError(f"the hierarchy of {name!r} does not nest: level {level + 1} "
                             f"splits values that level {level} puts together")
    spread = tuple(np.bincount(m, minlength=c) - 1 for m, c in zip(maps, cards, strict=True))
    return Attribute(maps, cards, spread)


@dataclass(frozen=True)
class Classes:
    """The equivalence classes of one node: per attribute each class's code at the node's
    level, and each class's size."""

    node: tuple[int, ...]
    codes: tuple[np.ndarray, ...]
    sizes: np.ndarray


def combine(columns: Sequence[np.ndarray], cards: Sequence[int]) -> np.ndarray:
    """One int64 key per position identifying its combination of codes (mixed radix; keys
    are renumbered densely whenever the radix would grow past 2**40)."""
    key = np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    radix = 1
    for column, card in zip(columns, cards, strict=True):
        if radix * card > _KEY_LIMIT:
            _, key = np.unique(key, return_inverse=True)
            key = key.reshape(-1).astype(np.int64)
            radix = int(key.max()) + 1 if len(key) else 1
        key = key * card + column
        radix *= max(card, 1)
    return key


def roll_up(attributes: Sequence[Attribute], source: Classes, node: Sequence[int]
            ) -> tuple[Classes, np.ndarray]:
    """The classes of *node* built from those of *source* (a node below it), and for each
    source class the number of the class it falls in."""
    node = tuple(int(v) for v in node)
    columns = [a.lift(s, t)[c] for a, s, t, c in
               zip(attributes, source.node, node, source.codes, strict=True)]
    cards = [a.cards[t] for a, t in zip(attributes, node, strict=True)]
    key = combine(columns, cards)
    radix = math.prod(cards)
    if radix <= 4 * len(key) + 1024:  # small key space: count by key, decode the codes
        counts = np.bincount(key, weights=source.sizes, minlength=radix)
        present = np.flatnonzero(counts)
        number = np.zeros(radix, dtype=np.int64)
        number[present] = np.arange(len(present))
        codes, rest = [], present
        for card in reversed(cards):
            rest, code = np.divmod(rest, card)
            codes.append(code)
        return Classes(node, tuple(reversed(codes)), counts[present].astype(np.int64)), \
            number[key]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    sizes = np.bincount(inverse, weights=source.sizes).astype(np.int64)
    return Classes(node, tuple(c[first] for c in columns), sizes), inverse


def group(leaf_codes: Sequence[np.ndarray], attributes: Sequence[Attribute]
          ) -> tuple[Classes, np.ndarray]:
    """Reduce records (their leaf code per attribute) to the classes of the bottom node;
    also return each record's class number."""
    _, first, inverse, counts = np.unique(combine(leaf_codes, [a.leaves for a in attributes]),
                                          return_index=True, return_inverse=True,
                                          return_counts=True)
    bottom = Classes(tuple(0 for _a in attributes), tuple(c[first] for c in leaf_codes),
                     counts.astype(np.int64))
    return bottom, inverse.reshape(-1)


@dataclass(frozen=True)
class NodeStats:
    """What one node does to the data."""

    node: tuple[int, ...]
    suppressed: int
    loss: float
    min_class: int
    classes: int


class Lattice:
    """The nodes of the attributes' levels, evaluated from the *bottom* classes for *k*."""

    def __init__(self, attributes: Sequence[Attribute], bottom: Classes, k: int):
        self.attributes = tuple(attributes)
        self.bottom = bottom
        self.k = k
        self.records = int(bottom.sizes.sum())
        self.evaluations = 0
        self._cache = {bottom.node: bottom}
        self._room = 2 * len(bottom.sizes)  # class rows the cache may still hold
        # LM numerator of each attribute and level over all records (no suppression).
        self._whole = []
        for a, leaves in zip(self.attributes, bottom.codes, strict=True):
            per_leaf = np.bincount(leaves, weights=bottom.sizes, minlength=a.leaves)
            per_leaf = per_leaf.astype(np.int64)
            self._whole.append([int((per_leaf * a.spread[lvl][a.maps[lvl]]).sum())
                                for lvl in range(a.height + 1)])

    @property
    def heights(self) -> tuple[int, ...]:
        """The height of each attribute's hierarchy."""
        return tuple(a.height for a in self.attributes)

    def classes(self, node: Sequence[int]) -> Classes:
        """The classes of *node*, rolled up from the smallest cached table below it."""
        node = tuple(int(v) for v in node)
        if node in self._cache:
            return self._cache[node]
        source = min((c for c in self._cache.values()
                      if all(s <= t for s, t in zip(c.node, node, strict=True))),
                     key=lambda c: (len(c.sizes), c.node))
        classes, _ = roll_up(self.attributes, source, node)
        if len(classes.sizes) <= min(self._room, len(self.bottom.sizes) // 4):
            self._cache[node] = classes
            self._room -= len(classes.sizes)
        return classes

    def small(self, node: Sequence[int]) -> np.ndarray:
        """Per bottom class (distinct combination of recorded values): is it in a class
        smaller than k at *node*?"""
        classes, number = roll_up(self.attributes, self.bottom, node)
        return classes.sizes[number] < self.k

    def _loss(self, numerators: Sequence[int], suppressed: int) -> float:
        d = len(self.attributes)
        total = float(suppressed * d)
        for a, numerator in zip(self.attributes, numerators, strict=True):
            if a.leaves > 1:
                total += numerator / (a.leaves - 1)
        return total / (self.records * d) if self.records and d else 0.0

    def lower_bound(self, node: Sequence[int]) -> float:
        """The LM of *node*'s generalisation with nothing suppressed: no more than its loss,
        and never smaller at a node above."""
        return self._loss([w[lvl] for w, lvl in zip(self._whole, node, strict=True)], 0)

    def evaluate(self, node: Sequence[int]) -> NodeStats:
        """Suppression, LM loss, smallest kept class and number of kept classes at *node*."""
        self.evaluations += 1
        classes = self.classes(node)
        kept = classes.sizes >= self.k
        sizes = classes.sizes[kept]
        numerators = [int((a.spread[lvl][codes[kept]] * sizes).sum()) for a, lvl, codes in
                      zip(self.attributes, classes.node, classes.codes, strict=True)]
        suppressed = self.records - int(sizes.sum())
        return NodeStats(classes.node, suppressed, self._loss(numerators, suppressed),
                         int(sizes.min()) if len(sizes) else 0, len(sizes))


@dataclass(frozen=True)
class SearchResult:
    """The chosen node, whether the limit had to be broken, and how much work it took."""

    best: NodeStats
    forced: bool
    evaluated: int
    lattice_size: int


def _tag(lattice: Lattice, allowed: int, nodes: np.ndarray, strides: list[int]
         ) -> tuple[np.ndarray, dict[int, NodeStats]]:
    """Phase 1: tag every node 1 (meets the constraints) or -1, evaluating few of them."""
    heights = lattice.heights
    d, size = len(heights), len(nodes)
    tags = np.zeros(size, dtype=np.int8)
    stats: dict[int, NodeStats] = {}

    def meets(i: int) -> bool:
        if not tags[i]:
            stats[i] = lattice.evaluate(nodes[i])
            if stats[i].suppressed <= allowed:
                tags[(nodes >= nodes[i]).all(axis=1)] = 1
            else:
                tags[(nodes <= nodes[i]).all(axis=1)] = -1
        return bool(tags[i] > 0)

    def path_up(i: int) -> list[int]:
        """From node *i* step up through untagged nodes, least generalised attribute first."""
        path = [i]
        while True:
            node = nodes[path[-1]]
            order = sorted(range(d), key=lambda a: (node[a] / heights[a] if heights[a] else 1,
                                                    a))
            step = next((path[-1] + strides[a] for a in order
                         if node[a] < heights[a] and not tags[path[-1] + strides[a]]), None)
            if step is None:
                return path
            path.append(step)

    for i in np.lexsort((np.arange(size), nodes.sum(axis=1))):
        if tags[i]:
            continue
        path = path_up(int(i))
        if not meets(path[-1]):
            continue
        low, high = 0, len(path) - 1  # path[high] meets the constraints
        while low < high:
            middle = (low + high) // 2
            if meets(path[middle]):
                high = middle
            else:
                low = middle + 1
    return tags, stats


def search(lattice: Lattice, allowed: int, floor: Sequence[int] | None = None
           ) -> SearchResult:
    """The node with the least loss (then fewest suppressed, then smallest level vector)
    among those suppressing at most *allowed* records and at or above *floor* (a least
    level per attribute; default none); if none does, the top node with ``forced`` set. See
    the module docstring."""
    heights = lattice.heights
    d = len(heights)
    size = math.prod(h + 1 for h in heights)
    if size > MAX_LATTICE:
        raise ValueError(f"the generalisation lattice has {size:,} nodes (more than "
                         f"{MAX_LATTICE:,}): use fewer quasi-identifiers or shorter hierarchies")
    nodes = np.array(list(itertools.product(*[range(h + 1) for h in heights])),
                     dtype=np.int16).reshape(size, d)
    strides = [math.prod(h + 1 for h in heights[a + 1:]) for a in range(d)]
    tags, stats = _tag(lattice, allowed, nodes, strides)
    met = tags > 0
    if floor is not None:  # the nodes at or above the floor are an up-set: tags still hold
        met &= (nodes >= np.asarray(floor, dtype=np.int16)).all(axis=1)
    candidates = np.flatnonzero(met)
    if not len(candidates):
        top = stats.get(size - 1) or lattice.evaluate(nodes[size - 1])
        return SearchResult(top, True, lattice.evaluations, size)
    bounds = np.array([lattice.lower_bound(nodes[i]) for i in candidates])
    best = None
    for j in np.lexsort((candidates, bounds)):
        if best is not None and bounds[j] > best.loss + 1e-12:
            break  # no node from here on can lose less
        i = int(candidates[j])
        found = stats.get(i) or lattice.evaluate(nodes[i])
        if best is None or (found.loss, found.suppressed, found.node) < \
                (best.loss, best.suppressed, best.node):
            best = found
    return SearchResult(best, False, lattice.evaluations, size)

"""Publishing every one- and two-way table of a count cube as one protected set.

A reader who may ask for persons by any one or two dimensions — by sex; by sex and age band;
by age band — gets tables whose figures are tied together: for each sex, the persons by sex
and age band add up to the persons of that sex, which the table by sex shows. Suppressing
each table on its own therefore leaks: a table by sex and age band that hides one small count
in the women's row (and its complement in the men's row) gives the small count back to
anyone who also fetches the table by sex. :func:`protect_marginals` writes every table of the
set into one linear system (``palermo.disclosure.attack``), hides the counts from 1 to the
threshold, then hides more until no such count can be worked out from all the tables
together — whichever of them the reader fetches, in whatever order.

The relations a reader is given: each table's counts against the table with one dimension
fewer (their sum equals the coarser count where the true figures say so; where a person may
fall under several values — several types of exploitation — or under none, the inequality
they obey), and every count at most the coarser count it belongs to. Counts absent from a
table are zero and known to be.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from palermo.disclosure.attack import System
from palermo.disclosure.suppression import is_sensitive

Dims = tuple[str, ...]
Tables = Mapping[Dims, Mapping[tuple, int]]

ROUNDS = 25  # rounds of hiding more; then every count of the set is hidden (fail safe)


def _check(tables: Tables) -> None:
    if () not in tables:
        raise ValueError("the set needs its total: the table of no dimension, ()")
    for dims, counts in tables.items():
        for i in range(len(dims)):
            coarser = dims[:i] + dims[i + 1:]
            if coarser not in tables:
                raise ValueError(f"table {dims} needs the table {coarser} in the set")
        for key, value in counts.items():
            if len(key) != len(dims):
                raise ValueError(f"table {dims}: key {key!r} has {len(key)} values, "
                                 f"expected {len(dims)}")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"table {dims}: count {key!r} must be a non-negative "
                                 f"integer, got {value!r}")


def _system(tables: Tables, shown: Mapping[tuple, bool]) -> System:
    """What a reader holding every table of the set knows, as a linear system."""
    system = System()
    for dims, counts in tables.items():
        for key, value in counts.items():
            system.entry((dims, key), value, shown[(dims, key)])
    for dims, counts in tables.items():
        for i in range(len(dims)):
            coarser = dims[:i] + dims[i + 1:]
            parts: dict[tuple, list[tuple]] = defaultdict(list)
            for key in tables[coarser]:
                parts[key] = []
            for key in counts:
                parts[key[:i] + key[i + 1:]].append(key)
            for whole, keys in parts.items():
                if whole not in tables[coarser]:  # persons counted finely but not coarsely
                    raise ValueError(f"table {dims}: {keys[0]!r} has no count in {coarser}")
                total = (coarser, whole)
                system.relate([((dims, k), 1) for k in keys] + [(total, -1)])
                for k in keys:
                    system.at_most((dims, k), total)
    return system


def protect_marginals(tables: Tables, *, threshold: int = 10
                      ) -> dict[Dims, dict[tuple, int | None]]:
    """What may be shown of each table of a set: ``None`` for a hidden count.

    *tables* maps dimension names (a tuple, ``()`` for the total) to counts by value tuple;
    with every table, the set must hold each table of one dimension fewer. Counts from 1 to
    *threshold* are hidden, then the nearest shown counts they are tied to, until a linear
    programme over all the tables pins none of them; if that takes more than ``ROUNDS``
    rounds, everything is hidden. Deterministic: the same counts give the same result.
    """
    if threshold < 0:
        raise ValueError(f"threshold must be >= 0, got {threshold}")
    _check(tables)
    shown = {(dims, key): not is_sensitive(value, threshold)
             for dims, counts in tables.items() for key, value in counts.items()}
    for round_ in range(ROUNDS + 1):
        system = _system(tables, shown)
        found = system.exposed(threshold)
        if not found:
            return {dims: {key: value if shown[(dims, key)] else None
                           for key, value in counts.items()}
                    for dims, counts in tables.items()}
        if round_ == ROUNDS:
            break
        hidden = False
        for entry in found:
            target = system.neighbour(entry, lambda _key: True)
            if target is not None and system.shown[target]:
                shown[target] = system.shown[target] = False
                hidden = True
        if not hidden:
            break
    return {dims: dict.fromkeys(counts) for dims, counts in tables.items()}

"""k-anonymity for microdata: generalisation hierarchies, a lattice search that generalises
before it suppresses, and record suppression, verified independently with pycanon.

A *quasi-identifier* (QI) is a column an outsider could link to other knowledge (sex, age,
citizenship, year). A release is k-anonymous when every combination of QI values that occurs
is shared by at least k records. We get there by

1. *generalising* QIs along a :class:`Hierarchy` (age 23 → "21--23" → "18--29" → "18+" → "*"),
   the same level for the whole column (full-domain generalisation), and
2. *suppressing* (dropping) the records still in classes smaller than k, at most
   ``max_suppression`` of the records (default :data:`DEFAULT_MAX_SUPPRESSION`, 5 %).

The combinations of levels form a lattice, searched by :mod:`palermo.disclosure.lattice` on
the counts of the distinct value combinations (never on the records): among all the nodes
that stay within the suppression limit, the one with the least information loss wins
(Iyengar's Loss Metric, a suppressed record counting as fully generalised; ties: fewer
records suppressed, then the smaller level vector). So a column is generalised rather than
a large share of the records dropped, and no less generalised node would do as well: any
node strictly below the chosen one breaks the limit or loses more. If no node stays within
the limit (possible only with fewer than k records, or a hierarchy that does not end in
"*"), the top node is taken, the records still in small classes are suppressed, and the
result says ``forced``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from palermo.disclosure import lattice

__all__ = ["Hierarchy", "KAnonResult", "k_anonymise", "verify_k", "age_bands",
           "mapping_hierarchy", "year_periods", "SUPPRESSED", "CTDC_AGE_BANDS",
           "DEFAULT_MAX_SUPPRESSION"]

SUPPRESSED = "*"
# The CTDC "ageBroad" bands (lower bounds); the default hierarchy coarsens them in nesting steps.
CTDC_AGE_BANDS = (0, 9, 18, 21, 24, 27, 30, 39, 48)
# At most 5 % of the records may be suppressed (ARX allows 0-10 %): enough room that a few
# outliers do not force a whole column up a level, little enough that the records dropped
# (the rarest combinations, so not a random sample) barely move the released marginals.
DEFAULT_MAX_SUPPRESSION = 0.05


def _missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Hierarchy:
    """Generalisation levels of one quasi-identifier, finest first.

    ``levels[0]`` is normally the identity and the last level maps everything to ``"*"``.
    Each level is a function of the *original* value; missing values (None, NaN, "") stay
    missing at every level but the last, where they too become ``"*"``.
    """

    levels: tuple[Callable[[object], Hashable], ...]
    names: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.levels:
            raise ValueError("a hierarchy needs at least one level")
        if self.names and len(self.names) != len(self.levels):
            raise ValueError(f"a hierarchy of {len(self.levels)} levels needs "
                             f"{len(self.levels)} names, got {len(self.names)}")

    def level_name(self, level: int) -> str:
        """What *level* is called in reports ("region", "5-year periods", "*")."""
        return self.names[level] if self.names else f"level {level}"

    @property
    def height(self) -> int:
        """Number of generalisation steps above the original values."""
        return len(self.levels) - 1

    def generalise(self, value, level: int):
        """*value* at generalisation *level* (0 = as recorded)."""
        if _missing(value):
            return SUPPRESSED if level == self.height and level > 0 else None
        return self.levels[level](value)


def _identity(value):
    return value


def _top(_value):
    return SUPPRESSED


def _band_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}--{high}"


def _lower_bound(value) -> int:
    """The lower bound of an age or of a band label such as "18--20" or "48+"."""
    if isinstance(value, int | np.integer | float):
        return int(value)
    text = str(value).strip()
    try:
        return int(text.split("--")[0].rstrip("+").split("-")[0])
    except ValueError:
        raise ValueError(f"age value {value!r} is neither a number nor a band "
                         "such as '18--20' or '48+'") from None


def age_bands(levels: Sequence[Sequence[int]] = (CTDC_AGE_BANDS, (0, 18, 30, 48), (0, 18)),
              ) -> Hierarchy:
    """Age (a number or a band label) → each level's bands → "*".

    *levels* lists, finest first, the lower bounds of each level's bands; every level's bounds
    must be a subset of the previous one's so bands nest. The default is the CTDC bands
    (0--8 … 48+), then 0--17 / 18--29 / 30--47 / 48+, then minors / adults.
    """
    for finer, coarser in itertools.pairwise(levels):
        if not set(coarser) <= set(finer):
            raise ValueError(f"age bands {list(coarser)} do not nest in {list(finer)}")

    def banding(bounds: Sequence[int]):
        bounds = sorted(bounds)

        def band(value):
            age = _lower_bound(value)
            if age < bounds[0]:
                raise ValueError(f"age {value!r} is below the lowest band {bounds[0]}")
            i = max(i for i, b in enumerate(bounds) if b <= age)
            high = bounds[i + 1] - 1 if i + 1 < len(bounds) else None
            return _band_label(bounds[i], high)
        return band

    return Hierarchy((_identity, *[banding(b) for b in levels], _top),
                     ("as recorded", *[f"{len(b)} bands" for b in levels], SUPPRESSED))


def mapping_hierarchy(levels: Sequence[Mapping[Hashable, Hashable]],
                      names: Sequence[str] = ()) -> Hierarchy:
    """Value → ``levels[0][value]`` → ``levels[1][...]`` … → "*".

    Each mapping maps the previous level's values (e.g. country → region, region →
    continent). A value a mapping does not cover is an error naming the value and level.
    *names* names the levels for reports, "*" included (default "as recorded", "level 1" …).
    """
    def chain(depth: int):
        def generalise(value):
            for i, mapping in enumerate(levels[:depth]):
                try:
                    value = mapping[value]
                except KeyError:
                    raise ValueError(f"hierarchy level {i + 1} has no entry for "
                                     f"{value!r}") from None
            return value
        return generalise

    return Hierarchy((_identity, *[chain(d) for d in range(1, len(levels) + 1)], _top),
                     tuple(names) or ("as recorded", *[f"level {d}" for d in
                                                       range(1, len(levels) + 1)], SUPPRESSED))


def year_periods(widths: Sequence[int] = (5, 10), origin: int = 2000) -> Hierarchy:
    """Year → periods of ``widths[0]`` years ("2015--2019") → … → "*".

    Periods are aligned on *origin*; each width must be a multiple of the previous one so
    periods nest.
    """
    for finer, coarser in itertools.pairwise(widths):
        if coarser % finer:
            raise ValueError(f"a period of {coarser} years does not nest periods of {finer}")

    def period(width: int):
        def generalise(value):
            try:
                year = int(value)
            except (TypeError, ValueError):
                raise ValueError(f"year value {value!r} is not a year") from None
            start = origin + (year - origin) // width * width
            return f"{start}--{start + width - 1}"
        return generalise

    return Hierarchy((_identity, *[period(w) for w in widths], _top),
                     ("year", *[f"{w}-year periods" for w in widths], SUPPRESSED))


@dataclass(frozen=True)
class KAnonResult:
    """The k-anonymous release (generalised data without the suppressed records) and the
    report of how it was made: the chosen level per quasi-identifier, the records
    suppressed, the information loss (LM, 0–1), the smallest class, and whether the
    suppression limit had to be broken (``forced``: no node of the lattice met it)."""

    data: pd.DataFrame
    levels: dict[str, int]
    level_names: dict[str, str]
    records: int
    suppressed: int
    k: int
    max_suppression: float
    information_loss: float
    min_class_size: int
    classes: int
    forced: bool
    nodes_evaluated: int
    lattice_size: int

    @property
    def suppressed_share(self) -> float:
        """Share of the input records suppressed (0 when there were none)."""
        return self.suppressed / self.records if self.records else 0.0

    def report(self) -> dict:
        """The figures of the report as plain JSON values (for a release log)."""
        return {"k": self.k, "max_suppression": self.max_suppression,
                "levels": dict(self.levels), "level_names": dict(self.level_names),
                "records": self.records, "suppressed": self.suppressed,
                "suppressed_share": round(self.suppressed_share, 6),
                "information_loss": round(self.information_loss, 6),
                "min_class_size": self.min_class_size, "classes": self.classes,
                "forced": self.forced, "nodes_evaluated": self.nodes_evaluated,
                "lattice_size": self.lattice_size}

    def summary(self) -> str:
        """One line: levels, suppression against the limit, loss, smallest class."""
        levels = ", ".join(f"{qi} {self.level_names[qi]} (level {lvl})"
                           for qi, lvl in self.levels.items())
        line = (f"levels {levels or 'none (no quasi-identifier)'}; {self.suppressed:,} of "
                f"{self.records:,} records suppressed ({self.suppressed_share:.1%}, limit "
                f"{100 * self.max_suppression:g}%); information loss {self.information_loss:.3f}; "
                f"smallest class {self.min_class_size:,}; {self.nodes_evaluated} of "
                f"{self.lattice_size} lattice nodes evaluated")
        if self.forced:
            line += ("; FORCED: no generalisation meets the suppression limit, so the most "
                     "general one was taken and the records still in small classes suppressed")
        return line


def _encode(column: pd.Series, hierarchy: Hierarchy, name: str
            ) -> tuple[np.ndarray, lattice.Attribute, list[np.ndarray]]:
    """Per record its leaf (level-0 value) code; the attribute's level maps; and per level
    the generalised values by code. Only the distinct values are generalised."""
    original, uniques = pd.factorize(column, use_na_sentinel=True)
    missing = bool((original < 0).any())
    per_level = []
    for level in range(hierarchy.height + 1):
        generalised = [hierarchy.generalise(v, level) for v in uniques]
        if missing:
            generalised.append(hierarchy.generalise(None, level))
        codes, values = pd.factorize(pd.Series(generalised, dtype=object),
                                     use_na_sentinel=False)
        per_level.append((codes.astype(np.int64), np.asarray(values, dtype=object)))
    leaf_of_unique = per_level[0][0]
    leaves = leaf_of_unique[np.where(original < 0, len(uniques), original)]
    maps = []
    for level, (codes, _values) in enumerate(per_level):
        leaf_map = np.zeros(len(per_level[0][1]), dtype=np.int64)
        leaf_map[leaf_of_unique] = codes
        if not (leaf_map[leaf_of_unique] == codes).all():
            raise ValueError(f"the hierarchy of {name!r} does not nest: level {level} splits "
                             f"values that level 0 puts together")
        maps.append(leaf_map)
    return leaves, lattice.attribute(name, maps), [values for _c, values in per_level]


def k_anonymise(df: pd.DataFrame, quasi_identifiers: Sequence[str], k: int,
                hierarchies: Mapping[str, Hierarchy], *,
                max_suppression: float = DEFAULT_MAX_SUPPRESSION,
                min_levels: Mapping[str, int] | None = None) -> KAnonResult:
    """Generalise *quasi_identifiers* of *df* along *hierarchies* (one level per column) and
    drop the records left in classes smaller than *k*: the generalisation with the least
    information loss among those suppressing at most *max_suppression* of the records (or,
    if none does, the most general one, reported as forced). *min_levels* (QI → level)
    keeps the chosen levels at or above those (a release audited with earlier ones may need
    a column coarser than k alone does). Columns other than the QIs are returned
    unchanged. See the module docstring and :mod:`palermo.disclosure.lattice`."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if not 0 <= max_suppression <= 1:
        raise ValueError(f"max_suppression must be between 0 and 1, got {max_suppression}")
    qis = list(quasi_identifiers)
    for qi in qis:
        if qi not in df.columns:
            raise ValueError(f"quasi-identifier {qi!r} is not a column of the data")
        if qi not in hierarchies:
            raise ValueError(f"quasi-identifier {qi!r} has no generalisation hierarchy")
    n = len(df)
    allowed = math.floor(max_suppression * n + 1e-9)
    report = {"records": n, "k": k, "max_suppression": max_suppression}
    if not qis or n == 0:
        kept = df.copy() if n >= k or n == 0 else df.iloc[0:0].copy()
        return KAnonResult(kept, {qi: 0 for qi in qis},
                           {qi: hierarchies[qi].level_name(0) for qi in qis},
                           suppressed=n - len(kept), information_loss=0.0 if len(kept) else
                           float(n > 0), min_class_size=len(kept), classes=int(len(kept) > 0),
                           forced=n - len(kept) > allowed, nodes_evaluated=0,
                           lattice_size=1, **report)

    encoded = [_encode(df[qi], hierarchies[qi], qi) for qi in qis]
    attributes = [attribute for _leaves, attribute, _values in encoded]
    bottom, row_class = lattice.group([leaves for leaves, _a, _v in encoded], attributes)
    space = lattice.Lattice(attributes, bottom, k)
    floor = [min(int((min_levels or {}).get(qi, 0)), hierarchies[qi].height) for qi in qis]
    found = lattice.search(space, allowed, floor if any(floor) else None)
    node = found.best.node
    kept = ~space.small(node)[row_class]
    out = df.loc[kept].copy()
    for qi, level, (leaves, attribute, values) in zip(qis, node, encoded, strict=True):
        out[qi] = pd.Series(values[level][attribute.maps[level][leaves[kept]]],
                            index=out.index, dtype=object)
    return KAnonResult(
        out, dict(zip(qis, node, strict=True)),
        {qi: hierarchies[qi].level_name(level) for qi, level in zip(qis, node, strict=True)},
        suppressed=found.best.suppressed, information_loss=found.best.loss,
        min_class_size=found.best.min_class, classes=found.best.classes, forced=found.forced,
        nodes_evaluated=found.evaluated, lattice_size=found.lattice_size, **report)


def verify_k(df: pd.DataFrame, quasi_identifiers: Sequence[str], k: int) -> bool:
    """Independent check with pycanon that every QI combination in *df* occurs >= *k* times.
    Missing values count as a value of their own (pycanon's groupby would drop them)."""
    from pycanon import anonymity

    if len(df) == 0:
        return True
    qis = list(quasi_identifiers)
    frame = df[qis].astype(object).where(df[qis].notna(), "\x00missing")
    return anonymity.k_anonymity(frame.reset_index(drop=True), qis) >= k

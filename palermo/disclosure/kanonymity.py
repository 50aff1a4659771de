"""k-anonymity for microdata: generalisation hierarchies, a full-lattice search and record
suppression, verified independently with pycanon.

A *quasi-identifier* (QI) is a column an outsider could link to other knowledge (sex, age,
citizenship, year). A release is k-anonymous when every combination of QI values that occurs
is shared by at least k records. We get there by

1. *generalising* QIs along a :class:`Hierarchy` (age 23 → "21--23" → "18--29" → "18+" → "*"),
   the same level for the whole column (full-domain generalisation), and
2. *suppressing* (dropping) the records still in classes smaller than k, up to
   ``max_suppression`` of the records.

Every combination of levels (the lattice) is evaluated; among those that need at most
``max_suppression`` record suppression, the one with the least information loss wins:
first the mean relative generalisation height (the "precision" metric), then the number of
records suppressed, then the level vector (so results are reproducible). The top of the
lattice (every QI "*") suppresses nothing when there are at least k records, so a solution
always exists.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Hierarchy", "KAnonResult", "k_anonymise", "verify_k", "age_bands",
           "mapping_hierarchy", "year_periods", "SUPPRESSED", "CTDC_AGE_BANDS"]

SUPPRESSED = "*"
# The CTDC "ageBroad" bands (lower bounds); the default hierarchy coarsens them in nesting steps.
CTDC_AGE_BANDS = (0, 9, 18, 21, 24, 27, 30, 39, 48)


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
                     ("value", *[f"bands{len(b)}" for b in levels], SUPPRESSED))


def mapping_hierarchy(levels: Sequence[Mapping[Hashable, Hashable]]) -> Hierarchy:
    """Value → ``levels[0][value]`` → ``levels[1][...]`` … → "*".

    Each mapping maps the previous level's values (e.g. country → region, region →
    continent). A value a mapping does not cover is an error naming the value and level.
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
                     ("value", *[f"level{d}" for d in range(1, len(levels) + 1)], SUPPRESSED))


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
                     ("year", *[f"{w}y" for w in widths], SUPPRESSED))


@dataclass(frozen=True)
class KAnonResult:
    """The k-anonymous release: generalised data without the suppressed records."""

    data: pd.DataFrame
    levels: dict[str, int]
    suppressed: int
    k: int
    information_loss: float
    nodes_evaluated: int


def _codes(df: pd.DataFrame, qi: str, hierarchy: Hierarchy) -> list[tuple[np.ndarray, list]]:
    """Per level: integer codes of each record's generalised value and the value list.
    Only the distinct original values are generalised, so this is cheap on large frames."""
    original_codes, uniques = pd.factorize(df[qi], use_na_sentinel=True)
    has_missing = (original_codes < 0).any()
    out = []
    for level in range(hierarchy.height + 1):
        values = [hierarchy.generalise(v, level) for v in uniques]
        if has_missing:
            values.append(hierarchy.generalise(None, level))
        level_codes, level_values = pd.factorize(pd.Series(values, dtype=object),
                                                 use_na_sentinel=False)
        mapped = level_codes[np.where(original_codes < 0, len(uniques), original_codes)]
        out.append((mapped.astype(np.int64), list(level_values)))
    return out


def _class_sizes(codes: Sequence[np.ndarray], cardinalities: Sequence[int]) -> np.ndarray:
    """For each record, the size of its equivalence class under the combined codes."""
    key = np.zeros(len(codes[0]), dtype=np.int64)
    radix = 1
    for c, card in zip(codes, cardinalities, strict=True):
        key = key * card + c
        radix *= card
    if radix <= 20_000_000:
        return np.bincount(key, minlength=radix)[key]
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inverse]


def k_anonymise(df: pd.DataFrame, quasi_identifiers: Sequence[str], k: int,
                hierarchies: Mapping[str, Hierarchy], *,
                max_suppression: float = 0.05) -> KAnonResult:
    """Generalise *quasi_identifiers* of *df* along *hierarchies* and drop the records left in
    classes smaller than *k* (at most *max_suppression* of them), minimising information loss.
    Columns other than the QIs are returned unchanged. See the module docstring."""
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
    if not qis or n == 0:
        kept = df.copy() if n >= k or n == 0 else df.iloc[0:0].copy()
        return KAnonResult(kept, {}, n - len(kept), k, 0.0, 0)

    per_qi = {qi: _codes(df, qi, hierarchies[qi]) for qi in qis}
    heights = [hierarchies[qi].height for qi in qis]
    allowed = math.floor(max_suppression * n + 1e-9)
    best = None
    evaluated = 0
    winners: list[tuple[int, ...]] = []
    for node in sorted(itertools.product(*[range(h + 1) for h in heights]),
                       key=lambda node: (sum(node), node)):
        # A generalisation of an acceptable node loses more precision: it cannot win.
        if any(all(a >= b for a, b in zip(node, w, strict=True)) for w in winners):
            continue
        evaluated += 1
        codes = [per_qi[qi][lvl][0] for qi, lvl in zip(qis, node, strict=True)]
        cards = [len(per_qi[qi][lvl][1]) for qi, lvl in zip(qis, node, strict=True)]
        small = _class_sizes(codes, cards) < k
        n_small = int(small.sum())
        if n_small > allowed and n_small < n:
            continue
        if n_small == n and n >= k:
            continue  # everything suppressed although the top node would keep all records
        winners.append(node)
        loss = float(np.mean([lvl / h if h else 0.0 for lvl, h in zip(node, heights,
                                                                        strict=True)]))
        candidate = (loss, n_small, node, small)
        if best is None or candidate[:3] < best[:3]:
            best = candidate
    loss, n_small, node, small = best
    out = df.loc[~small].copy()
    for qi, lvl in zip(qis, node, strict=True):
        codes, values = per_qi[qi][lvl]
        out[qi] = pd.Series(np.asarray(values, dtype=object)[codes[~small]], index=out.index,
                            dtype=object)
    return KAnonResult(out, dict(zip(qis, node, strict=True)), n_small, k, loss, evaluated)


def verify_k(df: pd.DataFrame, quasi_identifiers: Sequence[str], k: int) -> bool:
    """Independent check with pycanon that every QI combination in *df* occurs >= *k* times.
    Missing values count as a value of their own (pycanon's groupby would drop them)."""
    from pycanon import anonymity

    if len(df) == 0:
        return True
    qis = list(quasi_identifiers)
    frame = df[qis].astype(object).where(df[qis].notna(), "\x00missing")
    return anonymity.k_anonymity(frame.reset_index(drop=True), qis) >= k

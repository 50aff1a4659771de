"""Differentially private counts (OpenDP's discrete Laplace mechanism) and the privacy-budget
ledger arithmetic.

A count changes by at most ``sensitivity`` when one person is added to or removed from the
data (1 for a head count; for a table where a person can fall in several cells — multi-response
variables — the L1 sensitivity is the most cells one person can occupy). Adding integer Laplace
noise of scale ``sensitivity / epsilon`` makes the release epsilon-differentially private;
OpenDP builds the measurement and its privacy map confirms the epsilon it costs. Clamping the
noisy count at zero afterwards is post-processing and costs no privacy.

Note that differential privacy and threshold suppression answer different questions: DP
bounds what any release can reveal about one person; it does not promise no published count
is small. Callers that publish DP counts state the method, epsilon and the error margin
(:func:`error_margin`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

__all__ = ["dp_count", "dp_counts", "noise_scale", "error_margin", "PrivacyBudget",
           "BudgetExhausted"]

# Tolerance for floating-point budget sums (0.1 + 0.2 must fit in a budget of 0.3).
_SLACK = 1e-9


def _prelude():
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


def _check(epsilon: float, sensitivity: int) -> None:
    if not (isinstance(epsilon, int | float) and math.isfinite(epsilon) and epsilon > 0):
        raise ValueError(f"epsilon must be a positive number, got {epsilon!r}")
    if isinstance(sensitivity, bool) or not isinstance(sensitivity, int) or sensitivity < 1:
        raise ValueError(f"sensitivity must be a positive integer, got {sensitivity!r}")


def noise_scale(epsilon: float, sensitivity: int = 1) -> float:
    """The Laplace scale giving *epsilon*-DP for a query of L1 *sensitivity*."""
    _check(epsilon, sensitivity)
    return sensitivity / epsilon


def error_margin(epsilon: float, sensitivity: int = 1, alpha: float = 0.05) -> float:
    """Half-width of the interval that holds the noise with probability ``1 - alpha``
    (e.g. "± 7 with 95% confidence"), for publication next to DP counts."""
    dp = _prelude()
    return dp.discrete_laplacian_scale_to_accuracy(noise_scale(epsilon, sensitivity), alpha)


def _measurement(epsilon: float, sensitivity: int, vector: bool):
    dp = _prelude()
    scale = noise_scale(epsilon, sensitivity)
    if vector:
        domain, metric = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    else:
        domain, metric = dp.atom_domain(T=int), dp.absolute_distance(T=int)
    measurement = dp.m.make_laplace(domain, metric, scale)
    # OpenDP's own privacy map must agree with the epsilon we claim to spend.
    if measurement.map(sensitivity) > epsilon * (1 + 1e-6):
        raise RuntimeError("OpenDP's privacy map exceeds the requested epsilon")
    return measurement


def dp_count(true_count: int, epsilon: float, *, sensitivity: int = 1,
             clamp: bool = True) -> int:
    """*true_count* plus discrete Laplace noise of scale ``sensitivity / epsilon``; clamped at
    zero (post-processing) unless *clamp* is False."""
    if isinstance(true_count, bool) or not isinstance(true_count, int) or true_count < 0:
        raise ValueError(f"count must be a non-negative integer, got {true_count!r}")
    noisy = int(_measurement(epsilon, sensitivity, vector=False)(true_count))
    return max(noisy, 0) if clamp else noisy


def dp_counts(counts: Mapping[Hashable, int], epsilon: float, sensitivity: int = 1, *,
              clamp: bool = True) -> dict[Hashable, int]:
    """Noisy versions of all *counts* in one *epsilon*-DP release.

    *sensitivity* is the L1 sensitivity of the whole vector: 1 when each person is in at most
    one cell (a histogram), more when a person can be counted in several cells.
    """
    keys = list(counts)
    values = [counts[k] for k in keys]
    for key, value in zip(keys, values, strict=True):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"count {key!r} must be a non-negative integer, got {value!r}")
    if not keys:
        return {}
    noisy = _measurement(epsilon, sensitivity, vector=True)(values)
    return {k: (max(int(v), 0) if clamp else int(v)) for k, v in zip(keys, noisy, strict=True)}


class BudgetExhausted(Exception):
    """A query would spend more privacy budget than remains."""

    def __init__(self, requested: float, remaining: float):
        self.requested = requested
        self.remaining = remaining
        super().__init__(f"privacy budget exhausted: this release needs epsilon {requested:g} "
                         f"but only {remaining:g} remains")


@dataclass
class PrivacyBudget:
    """The epsilon a dataset may still spend, under basic (sequential) composition: the
    epsilons of all releases from the same data add up. Pure arithmetic — the persisted
    ledger keeps ``spent`` and calls :meth:`charge` before every release."""

    total_epsilon: float
    spent: float = 0.0

    def __post_init__(self):
        if not (math.isfinite(self.total_epsilon) and self.total_epsilon > 0):
            raise ValueError(f"total epsilon must be positive, got {self.total_epsilon!r}")
        if not (math.isfinite(self.spent) and 0 <= self.spent):
            raise ValueError(f"spent epsilon must be non-negative, got {self.spent!r}")

    @property
    def remaining(self) -> float:
        """Epsilon still available (never negative)."""
        return max(self.total_epsilon - self.spent, 0.0)

    def can_afford(self, epsilon: float) -> bool:
        """True when a release costing *epsilon* fits in the remaining budget."""
        return epsilon > 0 and self.spent + epsilon <= self.total_epsilon + _SLACK

    def charge(self, epsilon: float) -> float:
        """Record a release costing *epsilon*; raise :class:`BudgetExhausted` (spending
        nothing) if it does not fit. Returns the remaining budget."""
        if not (isinstance(epsilon, int | float) and math.isfinite(epsilon) and epsilon > 0):
            raise ValueError(f"epsilon must be a positive number, got {epsilon!r}")
        if not self.can_afford(epsilon):
            raise BudgetExhausted(epsilon, self.remaining)
        self.spent += epsilon
        return self.remaining

"""Will a DP synthetic release carry signal? An estimate from pac-synth's own noise scale,
made before any privacy budget is spent.

pac-synth (the synthetic data showcase's *DP Aggregate Seeded* synthesizer, docs/dp of
microsoft/synthetic-data-showcase) adds Gaussian noise to the count of every single value
(1-counts) and keeps a value only when its noisy count exceeds a threshold; a synthetic cell
can only hold a value that was kept. With its defaults as Palermo calls it:

* ε_N = ``record_count_share`` × ε buys the noisy number of records; ε_M = ε − ε_N the
  counts; δ = 1 / (n ln n) unless given;
* ρ = (√(ε_M + ln(2/δ)) − √ln(2/δ))²; the percentile step takes Q = 1 % of it;
* the noise scale of combination length k is σ_k = σ / k ("prioritise long combinations"),
  σ = √(Σ k² / (2ρ(1 − Q))) over k = 1 … reporting length;
* the count of one value gets noise σ_1 √Δ₁ N(0, 1), where Δ₁ is the 99th percentile of the
  number of non-empty cells of a record, and is kept when above
  ρ₁ = 1 + σ_1 √Δ₁ Φ⁻¹[(1 − δ/2)^(1/Δ₁)].

:func:`estimate` computes these from the data — counts of each value, not a release — and the
expected share of the recorded (non-empty) cells whose value would be kept. Below
``MIN_SIGNAL`` the release carries too little to be worth its budget: :func:`check_signal`
refuses it and names the smallest epsilon (at this size) and the smallest number of records
(at this epsilon) that would carry signal. Pure: numpy, pandas, scipy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from palermo.disclosure.synthetic import SynthesisRefused, as_strings

MIN_SIGNAL = 0.25  # refuse when under a quarter of the recorded values would survive
PERCENTILE_SHARE = 0.01  # pac-synth's default share of the budget for the DP percentile
PERCENTILE = 99  # pac-synth's default percentile of the record sensitivity
EPSILON_CEILING = 64.0  # no larger epsilon is suggested


class SignalTooWeak(SynthesisRefused):
    """The synthetic release would carry (almost) nothing at these parameters; nothing was
    synthesised, released or charged."""

    def __init__(self, estimate: SignalEstimate, smallest_epsilon: float | None,
                 smallest_records: int | None):
        self.estimate = estimate
        self.smallest_epsilon = smallest_epsilon
        self.smallest_records = smallest_records
        options = []
        if smallest_epsilon is not None:
            options.append(f"epsilon {smallest_epsilon:g} or more for these {estimate.records:,}"
                           " records")
        if smallest_records is not None:
            options.append(f"at least {smallest_records:,} records at epsilon "
                           f"{estimate.epsilon:g}")
        suggestion = "" if smallest_epsilon is not None else \
            f" No epsilon up to {EPSILON_CEILING:g} would do for these records."
        if options:
            suggestion += " It would carry signal with " + ", or with ".join(options) + "."
        super().__init__(
            f"Refused before spending any privacy budget: at epsilon {estimate.epsilon:g}, "
            f"{estimate.records:,} records of {estimate.columns} columns and reporting length "
            f"{estimate.reporting_length}, pac-synth adds noise of about ±"
            f"{1.96 * estimate.noise:,.0f} to each value's count and keeps only values counted "
            f"more than about {estimate.threshold:,.0f} times, so about "
            f"{estimate.kept_share:.0%} of the recorded values would survive (at least "
            f"{MIN_SIGNAL:.0%} needed); the file would be (nearly) empty.{suggestion}")


@dataclass(frozen=True)
class SignalEstimate:
    """pac-synth's noise at these parameters and what it leaves of the data."""

    records: int
    columns: int
    epsilon: float
    reporting_length: int
    noise: float  # standard deviation of the noise on one value's count
    threshold: float  # a value is kept when its noisy count exceeds this
    kept_share: float  # expected share of the non-empty cells whose value is kept

    @property
    def carries_signal(self) -> bool:
        return self.kept_share >= MIN_SIGNAL


def _profile(df: pd.DataFrame) -> tuple[np.ndarray, float]:
    """The count of every non-empty value of every column, and Δ₁."""
    text = as_strings(df)
    filled = text != ""
    counts = [text[c][filled[c]].value_counts().to_numpy() for c in text.columns]
    per_record = filled.sum(axis=1).to_numpy()
    sensitivity = float(np.percentile(per_record, PERCENTILE)) if len(per_record) else 1.0
    return (np.concatenate(counts) if counts else np.zeros(0)), max(sensitivity, 1.0)


def _scale(records: int, epsilon: float, reporting_length: int, record_count_share: float,
           delta: float | None, sensitivity: float) -> tuple[float, float]:
    """(noise, threshold) of pac-synth's 1-counts."""
    from scipy.stats import norm

    delta = delta if delta is not None else 1 / (records * math.log(records))
    epsilon_m = epsilon * (1 - record_count_share)
    log_term = math.log(2 / delta)
    rho = (math.sqrt(epsilon_m + log_term) - math.sqrt(log_term)) ** 2
    weights = sum(k * k for k in range(1, reporting_length + 1))  # Σ 1/p_k², p_k = 1/k
    sigma = math.sqrt(weights / (2 * rho * (1 - PERCENTILE_SHARE)))
    noise = sigma * math.sqrt(sensitivity)
    quantile = norm.ppf((1 - delta / 2) ** (1 / sensitivity))
    return noise, 1 + noise * quantile


def _kept(counts: np.ndarray, noise: float, threshold: float) -> float:
    from scipy.stats import norm

    total = counts.sum()
    if not total:
        return 0.0
    return float((counts * norm.cdf((counts - threshold) / noise)).sum() / total)


def estimate(df: pd.DataFrame, *, epsilon: float, reporting_length: int = 3,
             record_count_share: float = 0.05, delta: float | None = None) -> SignalEstimate:
    """What pac-synth would leave of *df* at these parameters (see the module docstring)."""
    counts, sensitivity = _profile(df)
    records = max(len(df), 2)
    noise, threshold = _scale(records, epsilon, reporting_length, record_count_share, delta,
                              sensitivity)
    return SignalEstimate(len(df), df.shape[1], epsilon, reporting_length, noise, threshold,
                          _kept(counts, noise, threshold))


def check_signal(df: pd.DataFrame, *, epsilon: float, reporting_length: int = 3,
                 record_count_share: float = 0.05, delta: float | None = None
                 ) -> SignalEstimate:
    """:func:`estimate`, or :class:`SignalTooWeak` naming the smallest epsilon (two
    significant digits, rounded up) and the smallest number of records (the same data
    scaled up) that would carry signal."""
    found = estimate(df, epsilon=epsilon, reporting_length=reporting_length,
                     record_count_share=record_count_share, delta=delta)
    if found.carries_signal:
        return found
    counts, sensitivity = _profile(df)

    def carries(eps: float, scale: float = 1.0) -> bool:
        records = max(int(round(max(len(df), 2) * scale)), 2)
        noise, threshold = _scale(records, eps, reporting_length, record_count_share,
                                  None if scale != 1.0 else delta, sensitivity)
        return _kept(counts * scale, noise, threshold) >= MIN_SIGNAL

    smallest_epsilon = None
    if carries(EPSILON_CEILING):
        low, high = epsilon, EPSILON_CEILING
        while high - low > 0.005 * high:
            middle = (low + high) / 2
            low, high = (low, middle) if carries(middle) else (middle, high)
        smallest_epsilon = _round_up(high)
    smallest_records = None
    if len(df) and carries(epsilon, 1e6 / len(df)):
        low, high = 1.0, 1e6 / len(df)
        while high - low > 0.005 * high:
            middle = (low + high) / 2
            low, high = (low, middle) if carries(epsilon, middle) else (middle, high)
        smallest_records = int(_round_up(high * len(df)))
    raise SignalTooWeak(found, smallest_epsilon, smallest_records)


def _round_up(value: float) -> float:
    """*value* rounded up to two significant digits."""
    digits = 1 - math.floor(math.log10(value))
    step = 10.0 ** -digits
    return round(math.ceil(value / step - 1e-9) * step, max(digits, 0))


def has_content(df: pd.DataFrame) -> bool:
    """Does *df* hold at least one non-empty cell?"""
    return bool(len(df)) and bool((as_strings(df) != "").to_numpy().any())

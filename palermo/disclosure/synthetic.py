"""Differentially private synthetic microdata with pac-synth, and its utility report.

pac-synth's *DP Aggregate Seeded* synthesizer is the algorithm behind the CTDC Global Synthetic
Dataset: it publishes, with differential privacy, the counts of all attribute combinations up
to ``reporting_length`` columns long, and then samples synthetic records whose short
combinations follow those noisy counts. No synthetic record is a real person; the guarantee is
epsilon-DP (with a small delta) for the whole file.

:func:`utility_report` compares every 1-, 2- and 3-way marginal (the distribution of each
column, pair and triple) of the real and the synthetic data. It is computed from the real
data, so it is shown only to those allowed to see real counts.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from palermo.disclosure.cumulative import ReleaseRefused

__all__ = ["synthesise", "as_strings", "utility_report", "UtilityReport", "MarginalError",
           "SynthesisRefused"]


class SynthesisRefused(ReleaseRefused):
    """pac-synth could not synthesise these data at these parameters, or made nothing worth
    releasing (nothing released, no budget spent)."""


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))  # 2015.0 (a year read with missing values) reads as 2015
    return str(value)


def as_strings(df: pd.DataFrame) -> pd.DataFrame:
    """*df* with every value as text and missing values as "" (pac-synth's input form)."""
    return pd.DataFrame({c: [_text(v) for v in df[c]] for c in df.columns}, index=df.index,
                        dtype=object)


def synthesise(df: pd.DataFrame, *, epsilon: float, reporting_length: int = 3,
               delta: float | None = None, n_records: int | None = None,
               record_count_share: float = 0.05) -> pd.DataFrame:
    """DP synthetic records with the columns of *df* (values as text, missing as "").

    *epsilon* is the privacy budget of the whole release; *reporting_length* the longest
    attribute combination whose counts are preserved; *delta* defaults to pac-synth's
    ``1 / (ln n * n)``. The number of records defaults to the DP estimate of the real
    number, which spends *record_count_share* of epsilon (pac-synth's 0.5 % gives noise of
    about ±100 records at epsilon 2, too much for an organisation's few hundred cases); pass
    *n_records* to fix the number instead. Sampling dominates the
    run time (about 2-3 ms a record for 27 CTDC columns on a 2-core machine).
    pac-synth draws its own randomness: it offers no seed, so two runs differ.
    """
    import pacsynth

    if not (math.isfinite(epsilon) and epsilon > 0):
        raise ValueError(f"epsilon must be positive, got {epsilon!r}")
    if not 0 < record_count_share < 1:
        raise ValueError(f"record_count_share must be between 0 and 1, got {record_count_share}")
    if reporting_length < 1:
        raise ValueError(f"reporting length must be at least 1, got {reporting_length}")
    if df.shape[1] == 0:
        raise ValueError("the data has no columns to synthesise")
    if len(df) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in df.columns})
    columns = [str(c) for c in df.columns]
    if len(set(columns)) != len(columns):
        raise ValueError("column names must be unique")
    text = as_strings(df)
    text.columns = columns
    # Every column lists "0" as a real value: pac-synth would otherwise treat "0" as empty.
    dataset = pacsynth.Dataset.from_data_frame(text, sensitive_zeros=columns)
    builder = (pacsynth.DpAggregateSeededParametersBuilder()
               .reporting_length(reporting_length).epsilon(float(epsilon))
               .number_of_records_epsilon_proportion(record_count_share))
    if delta is not None:
        builder = builder.delta(float(delta))
    synthesizer = pacsynth.DpAggregateSeededSynthesizer(builder.build())
    try:
        synthesizer.fit(dataset)
        # pac-synth's own default ("use all noisy counts") can overshoot the real size by
        # half on sparse data; the DP estimate of the number of records is already paid for.
        target = n_records if n_records is not None else synthesizer.get_dp_number_of_records()
        raw = synthesizer.sample(target)
    except BaseException as exc:  # pac-synth reports its refusals as Rust panics
        # pyo3_runtime.PanicException derives from BaseException, not Exception.
        if type(exc).__name__ != "PanicException":
            raise
        raise SynthesisRefused(
            f"pac-synth refused these data at epsilon {epsilon}: {exc}. With few records "
            f"the noisy record count can fall below zero; release a larger dataset, a "
            f"larger epsilon, or k-anonymised data instead. Nothing was released and no "
            f"privacy budget was spent.") from None
    out = pacsynth.Dataset.raw_data_to_data_frame(raw)
    out = out.reindex(columns=columns, fill_value="")
    out.columns = list(df.columns)
    return out.astype(object).fillna("").reset_index(drop=True)


@dataclass(frozen=True)
class MarginalError:
    """How far one marginal of the synthetic data is from the real one (proportions)."""

    columns: tuple[str, ...]
    mean_abs_error: float
    max_abs_error: float
    total_variation: float


@dataclass(frozen=True)
class UtilityReport:
    """Errors of all marginals up to ``max_order`` columns, and summaries by order."""

    marginals: dict[tuple[str, ...], MarginalError]
    real_rows: int
    synthetic_rows: int
    by_order: dict[int, dict[str, float]] = field(default_factory=dict)

    def rows(self) -> list[dict]:
        """One dict per marginal, for tables and CSV."""
        return [{"columns": " × ".join(m.columns), "order": len(m.columns),
                 "mean_abs_error": m.mean_abs_error, "max_abs_error": m.max_abs_error,
                 "total_variation": m.total_variation} for m in self.marginals.values()]


def utility_report(real_df: pd.DataFrame, synthetic_df: pd.DataFrame,
                   max_order: int = 3, columns: Sequence[str] | None = None) -> UtilityReport:
    """Compare every 1- to *max_order*-way marginal of *real_df* and *synthetic_df*.

    For each set of columns the distribution of value combinations (missing = "") is taken as
    proportions in each frame; the report gives the mean and the largest absolute difference
    over all combinations seen in either frame, and the total variation distance (half the sum
    of the differences: 0 = identical, 1 = disjoint).
    """
    cols = list(columns) if columns is not None else list(real_df.columns)
    missing = [c for c in cols if c not in synthetic_df.columns or c not in real_df.columns]
    if missing:
        raise ValueError(f"columns missing from one of the frames: {missing}")
    if max_order < 1:
        raise ValueError(f"max_order must be at least 1, got {max_order}")
    real, synth = as_strings(real_df[cols]), as_strings(synthetic_df[cols])
    n_real, n_synth = len(real), len(synth)
    # Codes shared by both frames, so a combination means the same in each.
    codes: dict[str, tuple[np.ndarray, np.ndarray, int]] = {}
    for c in cols:
        both, uniques = pd.factorize(pd.concat([real[c], synth[c]], ignore_index=True))
        codes[c] = (both[:n_real].astype(np.int64), both[n_real:].astype(np.int64),
                    len(uniques))

    marginals: dict[tuple[str, ...], MarginalError] = {}
    for order in range(1, min(max_order, len(cols)) + 1):
        for combo in itertools.combinations(cols, order):
            p = _distribution([codes[c][0] for c in combo], [codes[c][2] for c in combo])
            q = _distribution([codes[c][1] for c in combo], [codes[c][2] for c in combo])
            keys = set(p) | set(q)
            diffs = np.array([abs(p.get(key, 0.0) - q.get(key, 0.0)) for key in keys])
            marginals[combo] = MarginalError(
                combo, float(diffs.mean()) if len(diffs) else 0.0,
                float(diffs.max()) if len(diffs) else 0.0,
                min(float(diffs.sum() / 2), 1.0))  # rounding can give 1.0000000000000002
    by_order: dict[int, dict[str, float]] = {}
    for order in range(1, min(max_order, len(cols)) + 1):
        errs = [m for m in marginals.values() if len(m.columns) == order]
        by_order[order] = {
            "marginals": len(errs),
            "mean_total_variation": float(np.mean([m.total_variation for m in errs])),
            "max_total_variation": float(max(m.total_variation for m in errs)),
            "mean_abs_error": float(np.mean([m.mean_abs_error for m in errs])),
            "max_abs_error": float(max(m.max_abs_error for m in errs)),
        }
    return UtilityReport(marginals, n_real, n_synth, by_order)


def _distribution(codes: Sequence[np.ndarray], cardinalities: Sequence[int]) -> dict[int, float]:
    """Proportion of records per combined code (empty frame: no proportions)."""
    if len(codes[0]) == 0:
        return {}
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c, card in zip(codes, cardinalities, strict=True):
        key = key * card + c
    values, counts = np.unique(key, return_counts=True)
    return dict(zip(values.tolist(), (counts / counts.sum()).tolist(), strict=True))

"""``palermo bench`` steps of the exchange app: k-anonymisation and DP synthesis of the CTDC
release, and the HTCDS import against a bare ``executemany`` (see docs/benchmarks.md).

The import runs last: it adds cases (and facts) for a scratch organisation.
"""

from __future__ import annotations

import time

import pandas as pd

from palermo.cases.facts import CaseFact
from palermo.disclosure import synthesise
from palermo.exchange import ctdc
from palermo_bench.figures import Figure
from palermo_bench.htcds_import import measure_import

# pac-synth needs about 2.5 ms a record on the 27 CTDC columns (docs/disclosure.md): the
# synthesis step works on a sample, the import on a slice; both say how large in the note.
SYNTHESIS_ROWS = 5_000
IMPORT_ROWS = 20_000


def _timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def _ctdc_frame(data) -> pd.DataFrame:
    if getattr(data, "_ctdc_frame", None) is None:
        seconds, frame = _timed(lambda: ctdc.real_frame(CaseFact.objects.all()))
        data._ctdc_frame = frame
        data.notes.append(f"CTDC frame: {len(frame):,} persons read from CaseFact in "
                          f"{seconds:.1f} s")
    return data._ctdc_frame


def _one_pass(frame: pd.DataFrame, columns: list[str]) -> None:
    """The baseline: one pandas pass counting the distinct values of every column."""
    for column in columns:
        frame[column].value_counts(dropna=False)


def kanonymity(data) -> list[Figure]:
    """k-anonymise the CTDC persons as the export does (k = 11, at most 5 % suppressed, the
    lattice search for the least information loss) and confirm k with pycanon, against one
    pandas group-by of the same quasi-identifiers."""
    real = ctdc._frame_for_kanon(_ctdc_frame(data))
    qis = list(ctdc.QUASI_IDENTIFIERS)
    ours, result = _timed(lambda: ctdc.kanonymise(real, ctdc.DEFAULT_K, ctdc.MAX_SUPPRESSION))
    baseline, _ = _timed(lambda: real.groupby(qis, dropna=False).size())
    data.notes.append(f"k-anonymity: {len(real):,} persons, k={ctdc.DEFAULT_K}, "
                      f"{result.summary()}")
    return [Figure("kanon/groupby", ours, baseline, "s",
                   f"k-anonymise {len(real):,} persons + pycanon check vs one pandas "
                   f"group-by of the quasi-identifiers")]


def synthesis(data) -> list[Figure]:
    """DP synthetic CTDC rows with pac-synth (epsilon 1, reporting length 3) from a sample
    of persons, against one pandas pass over the same sample."""
    real = _ctdc_frame(data)
    sample = real.sample(n=min(SYNTHESIS_ROWS, len(real)), random_state=6)
    ours, synthetic = _timed(lambda: synthesise(sample, epsilon=1.0, reporting_length=3))
    baseline, _ = _timed(lambda: _one_pass(sample, list(sample.columns)))
    per_record = ours / max(len(sample), 1) * 1000
    data.notes.append(f"DP synthesis: {len(sample):,} sampled persons in, "
                      f"{len(synthetic):,} synthetic rows out ({per_record:.2f} ms per record)")
    return [Figure("synthesis/pass", ours, baseline, "s",
                   f"pac-synth on {len(sample):,} persons x {len(sample.columns)} columns "
                   f"vs one pandas pass over them")]


def htcds_import(data) -> list[Figure]:
    """The HTCDS import (validation, encryption, history, facts) against a bare
    ``executemany`` of the same rows into a scratch table."""
    rows = min(IMPORT_ROWS, data.n)
    figures = measure_import(rows)
    data.notes.append(f"HTCDS import: {figures['rows']:,} rows at "
                      f"{figures['rows_per_second']:,.0f} rows/s (bare executemany "
                      f"{figures['baseline_rows_per_second']:,.0f} rows/s); "
                      f"{figures['imported']:,} imported, {figures['errors']} errors")
    return [Figure("htcds-import/executemany", figures["seconds"],
                   figures["baseline_seconds"], "s",
                   f"import {rows:,} HTCDS rows vs bare executemany of the same rows")]


STEPS = [kanonymity, synthesis, htcds_import]

"""DP synthetic microdata (pac-synth) and the marginal utility report."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.disclosure import as_strings, synthesise, utility_report


def victims(n: int = 600) -> pd.DataFrame:
    """A CTDC-like frame: categories, a year, a binary flag (1 or empty) and missing values."""
    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "yearOfRegistration": rng.integers(2018, 2022, n),
        "gender": rng.choice(["Man", "Woman"], n, p=[0.4, 0.6]),
        "ageBroad": rng.choice(["9--17", "18--20", "21--23", None], n),
        "citizenship": rng.choice(["UKR", "NGA", "PHL"], n),
        "isForcedLabour": rng.choice(["1", ""], n, p=[0.3, 0.7]),
    })


def test_synthetic_data_keeps_the_columns_and_about_the_row_count():
    real = victims()
    synthetic = synthesise(real, epsilon=4.0)
    assert list(synthetic.columns) == list(real.columns)
    assert abs(len(synthetic) - len(real)) < 0.15 * len(real)
    text = as_strings(real)
    for column in real.columns:
        assert all(isinstance(v, str) for v in synthetic[column])
        # Only values of the real data appear (years without ".0"); "" is missing, which
        # the synthesizer may also produce where it dropped a rare combination.
        assert set(synthetic[column]) <= set(text[column]) | {""}
    assert "2019" in set(synthetic["yearOfRegistration"])
    report = utility_report(real, synthetic)
    assert report.by_order[1]["mean_total_variation"] < 0.1
    fixed = synthesise(real, epsilon=4.0, n_records=250)
    assert len(fixed) == 250


def test_utility_report_covers_every_marginal_up_to_three_columns():
    real = victims(200)
    report = utility_report(real, synthesise(real, epsilon=2.0))
    columns = list(real.columns)
    expected = {combo for order in (1, 2, 3) for combo in itertools.combinations(columns, order)}
    assert set(report.marginals) == expected
    assert {o: report.by_order[o]["marginals"] for o in (1, 2, 3)} == {1: 5, 2: 10, 3: 10}
    assert all(0 <= m.total_variation <= 1 for m in report.marginals.values())
    assert len(report.rows()) == 25


frames = st.lists(st.tuples(st.sampled_from(["a", "b", None]), st.integers(0, 3),
                            st.sampled_from(["x", "y"])), min_size=1, max_size=30).map(
    lambda rows: pd.DataFrame(rows, columns=["p", "q", "r"]))


@settings(max_examples=40, deadline=None)
@given(df=frames)
def test_a_frame_compared_with_itself_has_no_error(df):
    report = utility_report(df, df.sample(frac=1, random_state=1))  # order does not matter
    assert len(report.marginals) == 7
    assert all(m.total_variation == 0 and m.max_abs_error == 0
               for m in report.marginals.values())


def test_disjoint_frames_are_maximally_different():
    report = utility_report(pd.DataFrame({"a": ["x", "x"]}), pd.DataFrame({"a": ["y"]}))
    error = report.marginals[("a",)]
    assert error.total_variation == pytest.approx(1.0)
    assert error.max_abs_error == pytest.approx(1.0)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="epsilon must be positive"):
        synthesise(victims(10), epsilon=0)
    with pytest.raises(ValueError, match="missing from one of the frames"):
        utility_report(pd.DataFrame({"a": [1]}), pd.DataFrame({"b": [1]}))


def test_pac_synth_refusals_become_a_clear_error():
    """Two records at a small epsilon: pac-synth's noisy record count falls below zero (or its
    default delta leaves (0, 1)) and it panics; Palermo reports SynthesisRefused instead."""
    import pandas as pd

    from palermo.disclosure import SynthesisRefused

    tiny = pd.DataFrame({"a": ["x", "y"], "b": ["1", ""]})
    refused = 0
    for _ in range(20):
        try:
            synthesise(tiny, epsilon=0.01)
        except SynthesisRefused as exc:
            assert "epsilon 0.01" in str(exc)
            refused += 1
    assert refused > 0

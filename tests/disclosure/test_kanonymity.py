"""k-anonymity: pycanon confirms k, the suppressed count is right, generalisation follows the
hierarchies, and the search does not generalise more than it needs to."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.disclosure import (
    age_bands,
    k_anonymise,
    mapping_hierarchy,
    verify_k,
    year_periods,
)

REGIONS = {"ALB": "Europe", "SRB": "Europe", "UKR": "Europe", "NGA": "Africa",
           "GHA": "Africa", "PHL": "Asia", "VNM": "Asia"}
CONTINENT_GROUPS = {"Europe": "Europe", "Africa": "Africa and Asia", "Asia": "Africa and Asia"}
HIERARCHIES = {
    "age": age_bands(),
    "citizenship": mapping_hierarchy([REGIONS, CONTINENT_GROUPS]),
    "year": year_periods(),
    "gender": mapping_hierarchy([]),
}
QIS = ["age", "citizenship", "year", "gender"]

records = st.fixed_dictionaries({
    "age": st.one_of(st.none(), st.integers(0, 90)),
    "citizenship": st.one_of(st.none(), st.sampled_from(sorted(REGIONS))),
    "year": st.integers(2002, 2022),
    "gender": st.sampled_from(["Man", "Woman", "Trans/Transgender/NonConforming"]),
    "isForcedLabour": st.sampled_from(["1", ""]),
})
frames = st.lists(records, min_size=0, max_size=60).map(pd.DataFrame)


def values(column) -> list:
    """Values with every kind of missing (None, NaN) as None."""
    return [None if pd.isna(v) else v for v in column]


def generalised(df: pd.DataFrame, levels: dict[str, int]) -> pd.DataFrame:
    """The frame at the given levels, computed value by value from the hierarchies."""
    out = df.copy()
    for qi, level in levels.items():
        out[qi] = [HIERARCHIES[qi].generalise(v, level) for v in df[qi]]
    return out


def small_records(df: pd.DataFrame, qis: list[str], k: int) -> int:
    """Records in classes smaller than k (missing values form a class of their own)."""
    if df.empty:
        return 0
    sizes = df.groupby(qis, dropna=False)[qis[0]].transform("size")
    return int((sizes < k).sum())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=frames, k=st.integers(1, 6), max_suppression=st.sampled_from([0.0, 0.05, 0.2]))
def test_k_anonymise_is_confirmed_by_pycanon(df, k, max_suppression):
    if df.empty:
        df = pd.DataFrame(columns=[*QIS, "isForcedLabour"])
    result = k_anonymise(df, QIS, k, HIERARCHIES, max_suppression=max_suppression)
    n = len(df)

    assert verify_k(result.data, QIS, k)
    assert result.suppressed == n - len(result.data)
    if n >= k:
        assert result.suppressed <= math.floor(max_suppression * n + 1e-9)
    else:
        assert result.suppressed == n and result.data.empty
    if n == 0:
        return
    # Each kept value is its original generalised at the chosen level, same record.
    expected = generalised(df, result.levels)
    for qi in QIS:
        assert values(result.data[qi]) == values(expected.loc[result.data.index, qi])
    assert list(result.data["isForcedLabour"]) == list(df.loc[result.data.index,
                                                             "isForcedLabour"])
    # The reported suppression is exactly the records in small classes at those levels.
    if n >= k:
        assert result.suppressed == small_records(expected, QIS, k)
        # Not over-generalised: one step finer on any QI would suppress too many records.
        allowed = math.floor(max_suppression * n + 1e-9)
        for qi, level in result.levels.items():
            if level:
                finer = generalised(df, {**result.levels, qi: level - 1})
                assert small_records(finer, QIS, k) > allowed


def test_ctdc_k11_on_a_realistic_frame():
    rows = [{"age": 14 + (i * 7) % 50, "citizenship": sorted(REGIONS)[i % 7],
             "year": 2010 + i % 12, "gender": ["Man", "Woman"][i % 2],
             "isForcedLabour": "1"} for i in range(400)]
    df = pd.DataFrame(rows)
    assert not verify_k(df, QIS, 11)  # the raw data is not 11-anonymous
    result = k_anonymise(df, QIS, 11, HIERARCHIES)
    assert verify_k(result.data, QIS, 11)
    assert result.suppressed <= 20 and len(result.data) == 400 - result.suppressed
    assert set(result.levels) == set(QIS)


def test_verify_k_detects_a_unique_record():
    df = pd.DataFrame({"a": ["x", "x", "y"], "b": [1, 1, 2]})
    assert verify_k(df, ["a", "b"], 1)
    assert not verify_k(df, ["a", "b"], 2)
    with_missing = pd.DataFrame({"a": ["x", "x", None], "b": [1, 1, None]})
    assert not verify_k(with_missing, ["a", "b"], 2)  # the missing row is a class of one


def test_hierarchy_levels():
    ages = age_bands()
    assert [ages.generalise(23, lvl) for lvl in range(ages.height + 1)] == \
        [23, "21--23", "18--29", "18+", "*"]
    assert ages.generalise("9--17", 2) == "0--17"
    assert ages.generalise("48+", 1) == "48+"
    assert ages.generalise(None, 2) is None and ages.generalise(None, ages.height) == "*"
    years = year_periods()
    assert [years.generalise(2017, lvl) for lvl in range(3)] == [2017, "2015--2019",
                                                                "2010--2019"]
    countries = HIERARCHIES["citizenship"]
    assert [countries.generalise("NGA", lvl) for lvl in range(4)] == \
        ["NGA", "Africa", "Africa and Asia", "*"]


def test_bad_hierarchies_and_inputs_are_refused():
    with pytest.raises(ValueError, match="do not nest"):
        age_bands([(0, 18), (0, 10)])
    with pytest.raises(ValueError, match="does not nest"):
        year_periods((5, 7))
    with pytest.raises(ValueError, match="level 1 has no entry for 'FRA'"):
        HIERARCHIES["citizenship"].generalise("FRA", 1)
    df = pd.DataFrame({"age": [1], "town": ["x"]})
    with pytest.raises(ValueError, match="'town' has no generalisation hierarchy"):
        k_anonymise(df, ["age", "town"], 2, HIERARCHIES)
    with pytest.raises(ValueError, match="'sex' is not a column"):
        k_anonymise(df, ["sex"], 2, HIERARCHIES)

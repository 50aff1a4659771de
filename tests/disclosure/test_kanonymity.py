"""k-anonymity: pycanon confirms k, suppression stays within the limit unless reported as
forced, the chosen generalisation is the least lossy one (checked against a brute force over
the whole lattice), results do not depend on the order of the records, and a column is
generalised rather than most records dropped."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycanon import anonymity

from palermo.disclosure import (
    Hierarchy,
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
some_qis = st.lists(st.sampled_from(QIS), min_size=1, max_size=4, unique=True)
limits = st.sampled_from([0.0, 0.05, 0.1, 0.3, 0.6, 1.0])


def empty_if_needed(df: pd.DataFrame) -> pd.DataFrame:
    return df if not df.empty else pd.DataFrame(columns=[*QIS, "isForcedLabour"])


def values(column) -> list:
    """Values with every kind of missing (None, NaN) as None."""
    return [None if pd.isna(v) else v for v in column]


def generalised(df: pd.DataFrame, levels: dict[str, int], hierarchies=HIERARCHIES
                ) -> pd.DataFrame:
    """The frame at the given levels, computed value by value from the hierarchies."""
    out = df.copy()
    for qi, level in levels.items():
        out[qi] = [hierarchies[qi].generalise(v, level) for v in values(df[qi])]
    return out


def brute_force(df: pd.DataFrame, qis: list[str], k: int, hierarchies=HIERARCHIES
                ) -> dict[tuple, tuple[int, float]]:
    """Every node of the lattice → (records in classes smaller than k, LM loss), computed
    record by record without the library's search: a value generalised to a group covering
    m of the D distinct recorded values loses (m-1)/(D-1), a suppressed record 1 per QI."""
    n, d = len(df), len(qis)
    originals = {qi: values(df[qi]) for qi in qis}
    heights = [hierarchies[qi].height for qi in qis]
    out = {}
    for node in itertools.product(*[range(h + 1) for h in heights]):
        columns, losses = [], []
        for qi, level in zip(qis, node, strict=True):
            hierarchy = hierarchies[qi]
            leaf = [hierarchy.generalise(v, 0) for v in originals[qi]]
            general = [hierarchy.generalise(v, level) for v in originals[qi]]
            covers = Counter(g for _leaf, g in set(zip(leaf, general, strict=True)))
            domain = len(set(leaf))
            columns.append(general)
            losses.append([(covers[g] - 1) / (domain - 1) if domain > 1 else 0.0
                           for g in general])
        rows = list(zip(*columns, strict=True))
        sizes = Counter(rows)
        small = [sizes[r] < k for r in rows]
        total = sum(d if small[i] else sum(loss[i] for loss in losses) for i in range(n))
        out[node] = (sum(small), total / (n * d) if n else 0.0)
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=frames, k=st.integers(1, 6), max_suppression=limits)
def test_output_is_k_anonymous_as_pycanon_confirms(df, k, max_suppression):
    df = empty_if_needed(df)
    result = k_anonymise(df, QIS, k, HIERARCHIES, max_suppression=max_suppression)
    n = len(df)

    assert verify_k(result.data, QIS, k)
    assert result.records == n and result.suppressed == n - len(result.data)
    if len(result.data):
        frame = result.data[QIS].astype(object).where(result.data[QIS].notna(), "\x00na")
        assert anonymity.k_anonymity(frame.reset_index(drop=True), QIS) == \
            result.min_class_size >= k
    if n < k:
        assert result.data.empty and result.suppressed == n
    if n == 0:
        return
    # Each kept value is its original generalised at the chosen level, same record; the other
    # columns are untouched; the suppressed records are exactly those in small classes.
    expected = generalised(df, result.levels)
    for qi in QIS:
        assert values(result.data[qi]) == values(expected.loc[result.data.index, qi])
    assert list(result.data["isForcedLabour"]) == list(df.loc[result.data.index,
                                                             "isForcedLabour"])
    sizes = Counter(zip(*[values(expected[qi]) for qi in QIS], strict=True))
    assert result.classes == sum(1 for size in sizes.values() if size >= k)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=frames, qis=some_qis, k=st.integers(1, 6), max_suppression=limits)
def test_chosen_node_is_the_least_lossy_within_the_limit(df, qis, k, max_suppression):
    df = empty_if_needed(df)
    result = k_anonymise(df, qis, k, HIERARCHIES, max_suppression=max_suppression)
    n = len(df)
    if n == 0:
        assert result.suppressed == 0 and not result.forced
        return
    lattice = brute_force(df, qis, k)
    allowed = math.floor(max_suppression * n + 1e-9)
    meeting = {node: figures for node, figures in lattice.items() if figures[0] <= allowed}
    chosen = tuple(result.levels[qi] for qi in qis)
    assert (result.suppressed, result.information_loss) == pytest.approx(lattice[chosen])
    assert result.lattice_size == len(lattice)

    # Suppression never above the limit unless reported as forced, and forced only when no
    # node of the lattice meets the limit (then the top node is used).
    assert result.forced == (not meeting)
    if result.forced:
        assert chosen == max(lattice) and result.suppressed > allowed
        return
    assert result.suppressed <= allowed
    # The least information loss of all nodes within the limit (brute force).
    assert result.information_loss == pytest.approx(min(loss for _s, loss in meeting.values()))
    # Minimal: a strictly less generalised node either breaks the limit, or suppresses
    # more records and so loses more information.
    for node, (suppressed, loss) in meeting.items():
        if node != chosen and all(a <= b for a, b in zip(node, chosen, strict=True)):
            assert suppressed > result.suppressed
            assert loss >= result.information_loss - 1e-12


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=frames, k=st.integers(2, 6), max_suppression=limits, seed=st.integers(0, 10**6))
def test_result_is_deterministic_and_independent_of_record_order(df, k, max_suppression,
                                                                   seed):
    df = empty_if_needed(df)
    first = k_anonymise(df, QIS, k, HIERARCHIES, max_suppression=max_suppression)
    again = k_anonymise(df, QIS, k, HIERARCHIES, max_suppression=max_suppression)
    shuffled = k_anonymise(df.sample(frac=1, random_state=seed), QIS, k, HIERARCHIES,
                           max_suppression=max_suppression)
    assert first.report() == again.report() == shuffled.report()
    pd.testing.assert_frame_equal(first.data, again.data)
    pd.testing.assert_frame_equal(first.data, shuffled.data.loc[first.data.index])


# A skewed population: 480 persons from 4 frequent countries, 720 from 36 rare ones (20 each),
# over two regions; men and women, registered in 2016 or 2017.
RARE = [f"R{i:02d}" for i in range(36)]
FREQUENT = ["F1", "F2", "F3", "F4"]
SKEWED_REGIONS = {c: ("North" if i % 2 else "South") for i, c in enumerate(FREQUENT + RARE)}
SKEWED_HIERARCHIES = {"citizenship": mapping_hierarchy([SKEWED_REGIONS],
                                                       names=("country", "region", "*")),
                      "gender": mapping_hierarchy([]), "year": year_periods()}
SKEWED_QIS = ["citizenship", "gender", "year"]


def skewed_frame(per_frequent: int = 120) -> pd.DataFrame:
    countries = [c for c in FREQUENT for _ in range(per_frequent)] + \
        [c for c in RARE for _ in range(20)]
    return pd.DataFrame({"citizenship": countries,
                         "gender": [["Woman", "Man"][i % 2] for i in range(len(countries))],
                         "year": [2016 + (i // 2) % 2 for i in range(len(countries))]})


def test_skewed_data_is_generalised_instead_of_mostly_suppressed():
    df = skewed_frame()
    lattice = brute_force(df, SKEWED_QIS, 11, SKEWED_HIERARCHIES)
    # The old rule — fewest generalisation steps within the limit, suppression not counted
    # as a loss — kept the countries and dropped every person from a rare one: 60 %.
    steps = {node: sum(lvl / SKEWED_HIERARCHIES[qi].height for qi, lvl in
                       zip(SKEWED_QIS, node, strict=True)) for node in lattice}
    old = min((node for node, (s, _l) in lattice.items() if s <= 0.6 * len(df)),
              key=lambda node: (steps[node], lattice[node][0], node))
    assert old == (0, 0, 0) and lattice[old][0] == 720

    for limit in (0.05, 0.6):
        result = k_anonymise(df, SKEWED_QIS, 11, SKEWED_HIERARCHIES, max_suppression=limit)
        assert result.levels == {"citizenship": 1, "gender": 0, "year": 0}
        assert result.level_names["citizenship"] == "region"
        assert result.suppressed == 0 and result.suppressed_share == 0.0
        assert len(result.data) == 1200 and set(result.data["citizenship"]) == {"North",
                                                                                "South"}
        assert result.min_class_size == 150 and result.classes == 8 and not result.forced
        assert verify_k(result.data, SKEWED_QIS, 11)
    assert "citizenship region (level 1)" in result.summary()
    assert "0 of 1,200 records suppressed (0.0%, limit 60%)" in result.summary()


def test_without_a_limit_dropping_30_percent_loses_more_than_regions():
    """With 2,400 persons, 30 % from rare countries and no suppression limit, keeping the
    countries and dropping those persons (loss 0.30) loses more than showing regions (0.16)."""
    df = skewed_frame(per_frequent=420)
    lattice = brute_force(df, SKEWED_QIS, 11, SKEWED_HIERARCHIES)
    assert lattice[(0, 0, 0)] == (720, pytest.approx(0.3))
    result = k_anonymise(df, SKEWED_QIS, 11, SKEWED_HIERARCHIES, max_suppression=1.0)
    assert result.levels == {"citizenship": 1, "gender": 0, "year": 0}
    assert result.suppressed == 0 and result.information_loss == pytest.approx(19 / 39 / 3)


def test_ctdc_k11_on_a_realistic_frame():
    rows = [{"age": 14 + (i * 7) % 50, "citizenship": sorted(REGIONS)[i % 7],
             "year": 2010 + i % 12, "gender": ["Man", "Woman"][i % 2],
             "isForcedLabour": "1"} for i in range(400)]
    df = pd.DataFrame(rows)
    assert not verify_k(df, QIS, 11)  # the raw data is not 11-anonymous
    result = k_anonymise(df, QIS, 11, HIERARCHIES)
    assert verify_k(result.data, QIS, 11)
    assert result.suppressed <= 20 and len(result.data) == 400 - result.suppressed
    assert set(result.levels) == set(QIS) and result.max_suppression == 0.05


def test_forced_when_no_generalisation_meets_the_limit():
    towns = [f"A{i}" for i in range(20)] + ["B1"] * 15
    df = pd.DataFrame({"town": towns})
    initial = Hierarchy((lambda v: v, lambda v: v[0]), names=("town", "initial"))
    result = k_anonymise(df, ["town"], 16, {"town": initial})
    assert result.forced and result.levels == {"town": 1}
    assert result.suppressed == 15 and result.suppressed_share == pytest.approx(15 / 35)
    assert list(result.data["town"]) == ["A"] * 20 and verify_k(result.data, ["town"], 16)
    assert "FORCED" in result.summary() and result.report()["forced"] is True
    too_few = k_anonymise(df.head(5), ["town"], 11, {"town": initial})
    assert too_few.forced and too_few.data.empty and too_few.suppressed == 5


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
    assert [ages.level_name(lvl) for lvl in range(ages.height + 1)] == \
        ["as recorded", "9 bands", "4 bands", "2 bands", "*"]
    years = year_periods()
    assert [years.generalise(2017, lvl) for lvl in range(3)] == [2017, "2015--2019",
                                                                "2010--2019"]
    assert years.level_name(1) == "5-year periods"
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
    with pytest.raises(ValueError, match="3 levels needs 3 names, got 2"):
        mapping_hierarchy([REGIONS], names=("country", "region"))
    df = pd.DataFrame({"age": [1], "town": ["x"]})
    with pytest.raises(ValueError, match="'town' has no generalisation hierarchy"):
        k_anonymise(df, ["age", "town"], 2, HIERARCHIES)
    with pytest.raises(ValueError, match="'sex' is not a column"):
        k_anonymise(df, ["sex"], 2, HIERARCHIES)
    with pytest.raises(ValueError, match="max_suppression must be between 0 and 1"):
        k_anonymise(df, ["age"], 2, HIERARCHIES, max_suppression=5)
    # A level that splits what the level below put together would break the search.
    crossing = Hierarchy((lambda v: v, lambda v: v[0], lambda v: v[1]))
    towns = pd.DataFrame({"town": ["A1", "A2", "B1"]})
    with pytest.raises(ValueError, match="hierarchy of 'town' does not nest: level 2"):
        k_anonymise(towns, ["town"], 2, {"town": crossing})

"""One- and two-way tables of one count cube, protected as one set: nothing from 1 to the
threshold is shown, shown counts are true, and — the recovery test — no hidden count from 1
to the threshold can be worked out by linear programming over *all* the tables together.

The attack (``tests/disclosure/marginal_attack.py``) is written independently of
``palermo.disclosure.attack``.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palermo.disclosure import protect_marginals, suppress_counts
from tests.disclosure.marginal_attack import recovered

DIMS = ("sex", "age", "kind")


def tables_of(persons: list[tuple[str, str, tuple[str, ...]]], most: int = 2) -> dict:
    """Persons by every choice of up to *most* dimensions; a person with several kinds
    counts under each (a multi-response dimension, as exploitation types are)."""
    out = {}
    for size in range(most + 1):
        for dims in combinations(DIMS, size):
            counts: dict[tuple, set] = defaultdict(set)
            for number, (sex, age, kinds) in enumerate(persons):
                values = {"sex": sex, "age": age}
                for kind in (kinds if "kind" in dims else (None,)):
                    counts[tuple(kind if d == "kind" else values[d] for d in dims)].add(number)
            out[dims] = {key: len(found) for key, found in counts.items()}
    return out


person = st.tuples(st.sampled_from(["female", "male", "unknown"]),
                   st.sampled_from(["0--17", "18--29", "30+"]),
                   st.lists(st.sampled_from(["labour", "sexual", "begging"]), min_size=1,
                            max_size=2, unique=True).map(tuple))
# Few persons and many of one kind: plenty of small counts next to large ones.
people = st.lists(person, min_size=1, max_size=60).flatmap(
    lambda some: st.integers(0, 40).map(lambda many: some + [("female", "18--29",
                                                             ("labour",))] * many))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(persons=people, threshold=st.sampled_from([3, 5, 10]))
def test_no_hidden_count_can_be_recovered_from_all_the_tables(persons, threshold):
    tables = tables_of(persons)
    shown = protect_marginals(tables, threshold=threshold)
    assert recovered(tables, shown, threshold) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(persons=people, threshold=st.sampled_from([3, 10]))
def test_shown_counts_are_true_and_never_small(persons, threshold):
    tables = tables_of(persons)
    shown = protect_marginals(tables, threshold=threshold)
    assert shown.keys() == tables.keys()
    for dims, counts in shown.items():
        assert counts.keys() == tables[dims].keys()
        for key, value in counts.items():
            assert value is None or (value == tables[dims][key]
                                     and not 1 <= value <= threshold)


WOMEN_AND_MEN = {(): {(): 100}, ("sex",): {("f",): 35, ("m",): 65},
                 ("age",): {("18",): 70, ("24",): 30},
                 ("age", "sex"): {("18", "f"): 30, ("24", "f"): 5, ("18", "m"): 40,
                                  ("24", "m"): 25}}


def test_each_table_suppressed_alone_gives_a_small_count_back():
    """The attack works: the two-way table suppressed on its own against the total (as core
    indicators once were) hides 5 women aged 24 and 25 men, and the table by sex gives the
    5 back (35 - 30)."""
    alone = {dims: suppress_counts(counts, sum(counts.values())).counts
             for dims, counts in WOMEN_AND_MEN.items()}
    assert alone[("age", "sex")] == {("18", "f"): 30, ("24", "f"): None, ("18", "m"): 40,
                                     ("24", "m"): None}
    assert recovered(WOMEN_AND_MEN, alone, 10) == [(("age", "sex"), ("24", "f"), 5)]
    together = protect_marginals(WOMEN_AND_MEN)
    assert recovered(WOMEN_AND_MEN, together, 10) == []
    assert together[("age", "sex")][("24", "f")] is None
    assert together[()][()] == 100 and together[("sex",)][("m",)] == 65


def test_a_set_with_nothing_small_shows_everything():
    tables = tables_of([("female", "18--29", ("labour",))] * 20
                       + [("male", "30+", ("begging", "labour"))] * 15)
    assert protect_marginals(tables) == tables


@pytest.mark.parametrize("tables, reason", [
    ({("sex",): {("f",): 3}}, "needs its total"),
    ({(): {(): 3}, ("sex", "age"): {("f", "18"): 3}}, "needs the table ('age',)"),
    ({(): {(): 3}, ("sex",): {("f", "x"): 3}}, "has 2 values, expected 1"),
    ({(): {(): 3}, ("sex",): {("f",): -1}}, "non-negative integer"),
    ({(): {}, ("sex",): {("f",): 4}}, "has no count in ()"),
])
def test_a_malformed_set_is_refused_with_the_reason(tables, reason):
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        protect_marginals(tables)

"""Releases audited together (palermo.disclosure.cumulative): a table suppressed on its own and
a file or table released later must not give back together what each hides.

The attacker is tests/disclosure/union_attack.py, written independently: it shows the
recovery when the audit is skipped (so these tests can tell), and none once it ran."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.disclosure import suppress_table
from palermo.disclosure.cumulative import (
    Disclosure,
    Extent,
    ReleaseConflict,
    audit,
    microdata,
    protect,
)
from tests.disclosure.union_attack import recovered

YEARS = ["2022", "2023", "2024", "2025", "2026"]
GENDER = {"Female": {"Feminine"}, "Male": {"Masculine"}, "Woman": {"Feminine"},
          "Man": {"Masculine"}, "Other": {"NonConforming"}}
# The demo's 2022 finding: persons by year, women and men (issue 13 §6).
WOMEN = [44, 54, 48, 50, 61]
MEN = [12, 12, 15, 13, 10]


def covers(field: str, label: str) -> set[str]:
    """What a label stands for, written out for the attacker (finite sets)."""
    if field == "gender":
        return GENDER[label]
    if field == "year" and "--" in label:
        low, high = map(int, label.split("--"))
        return {str(y) for y in range(low, high + 1)}
    return {label}


def gender_extents(disclosure: Disclosure) -> None:
    for label, values in GENDER.items():
        disclosure.define("gender", label, Extent.of(values))


def table_by(rows: dict[str, list[int]], columns: list[str], column_field: str,
             row_field: str, threshold: int = 10) -> Disclosure:
    """A two-way table with its totals, suppressed on its own as a table is
    (``suppress_table``): cells, row totals, column totals, the total."""
    labels = list(rows)
    result = suppress_table([rows[r] for r in labels], threshold=threshold)
    out = Disclosure(name="table")
    gender_extents(out)
    for i, r in enumerate(labels):
        for j, c in enumerate(columns):
            out.add({row_field: r, column_field: c}, rows[r][j], result.cells[i][j] is not None)
        out.add({row_field: r}, sum(rows[r]), result.row_totals[i] is not None)
    for j, c in enumerate(columns):
        out.add({column_field: c}, sum(rows[r][j] for r in labels),
                result.column_totals[j] is not None)
    out.add({}, sum(map(sum, rows.values())), result.total is not None)
    return out


def persons(year_of: list[str], gender_of: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"yearOfRegistration": year_of, "gender": gender_of})


def demo_file(period: bool = False) -> Disclosure:
    """The k-anonymised file of the finding: year (or five-year period) × gender exact, the
    ten men of 2026 suppressed (a class smaller than 11)."""
    years, genders = [], []
    for y, w, m in zip(YEARS, WOMEN, MEN, strict=True):
        years += [y] * w
        genders += ["Woman"] * w
        if y != "2026":
            years += [y] * m
            genders += ["Man"] * m
    frame = persons(years, genders)
    if period:
        frame["yearOfRegistration"] = ["2020--2024" if y < "2025" else "2025--2029"
                                       for y in frame["yearOfRegistration"]]
    extents = {"gender": {"Woman": Extent.of({"Feminine"}), "Man": Extent.of({"Masculine"})}}
    if period:
        extents["year"] = {p: Extent.of(covers("year", p)) for p in ("2020--2024",
                                                                     "2025--2029")}
    return microdata(frame, {"yearOfRegistration": "year", "gender": "gender"},
                     extents=extents, name="file")


def as_release(disclosure: Disclosure):
    return (disclosure.tables, covers)


def by_year_table() -> Disclosure:
    return table_by({"Female": WOMEN, "Male": MEN}, YEARS, "year", "gender")


def test_extent_containment():
    finite, other = Extent.of({"a", "b"}), Extent.all_but({"a", "b", ""})
    assert Extent.of({"a"}).within(finite) and not finite.within(Extent.of({"a"}))
    assert Extent.of({"c"}).within(other) and not Extent.of({"a"}).within(other)
    assert Extent.all_but({"a", "b", "", "c"}).within(other)
    assert not other.within(finite) and not other.within(Extent.all_but({"a"}) and finite)


def test_the_2022_finding_is_caught():
    """The by-year table hides 2022 women and men as complements of the ten men of 2026;
    the file gives 2022 × gender exactly, and the men of 2026 follow."""
    table, file = by_year_table(), demo_file()
    hidden = {k for k, (n, shown) in table.tables[("gender", "year")].items() if not shown}
    assert {("Female", "2022"), ("Male", "2022"), ("Male", "2026")} <= hidden
    assert recovered([as_release(table)], 10) == []
    assert (0, ("gender", "year"), ("Male", "2026"), 10) in recovered(
        [as_release(table), as_release(file)], 10)
    finding = audit([table], file, 10)
    assert finding.conflicts() == ["table: gender Male × year 2026"]
    with pytest.raises(ReleaseConflict, match="gender Male × year 2026"):
        raise ReleaseConflict(finding.conflicts())


def test_five_year_periods_still_give_the_2026_men_back():
    """Generalising years to periods is not enough here: 2025-2029 men = 2025 + 2026 men."""
    table = by_year_table()
    file = demo_file(period=True)
    file.tables[("gender", "year")][("Man", "2025--2029")] = (23, True)  # 13 + 10, nobody dropped
    file.tables[("gender",)][("Man",)] = (62, True)
    file.tables[()][()] = (319, True)
    assert audit([table], file, 10).pinned
    assert recovered([as_release(table), as_release(file)], 10)


def test_a_table_released_after_the_file_hides_more():
    file, table = demo_file(), by_year_table()
    assert recovered([as_release(file), as_release(table)], 10)  # unaudited: recovered
    safe, hidden = protect([file], table, 10)
    assert hidden and all(key[0] == 0 for key in hidden)
    assert recovered([as_release(file), as_release(safe)], 10) == []
    assert audit([file], safe, 10).pinned == []
    # Hiding only adds: what the table alone showed hidden stays hidden.
    for dims, cells in table.tables.items():
        for labels, (_n, shown) in cells.items():
            assert shown or not safe.tables[dims][labels][1]


def test_counts_pinned_before_the_candidate_are_not_its_doing():
    table = by_year_table()
    leaked = demo_file()  # already out
    assert audit([table, leaked], demo_file(), 10).pinned == []


GENDERS3 = ["Female", "Male", "Other"]


@st.composite
def populations(draw):
    size = draw(st.integers(20, 150))
    years = draw(st.lists(st.sampled_from(YEARS[:3]), min_size=size, max_size=size))
    genders = draw(st.lists(st.sampled_from(GENDERS3), min_size=size, max_size=size))
    return pd.DataFrame({"year": years, "gender": genders})


def file_and_table(frame: pd.DataFrame, k: int = 5) -> tuple[Disclosure, Disclosure]:
    """A file of the persons by year and gender without the classes smaller than *k* (as a
    k-anonymised file drops them), and the table of gender × year suppressed alone."""
    sizes = frame.groupby(["year", "gender"]).size()
    kept = frame[[sizes[(y, g)] >= k for y, g in zip(frame["year"], frame["gender"],
                                                     strict=True)]]
    file = microdata(kept, {"year": "year", "gender": "gender"}, name="file",
                     extents={"gender": {g: Extent.of(GENDER[g]) for g in GENDERS3}})
    counts = {g: [int(sizes.get((y, g), 0)) for y in YEARS[:3]] for g in GENDERS3}
    return file, table_by(counts, YEARS[:3], "year", "gender")


@settings(max_examples=40, deadline=None)
@given(frame=populations())
def test_a_table_protected_against_a_file_pins_no_small_count(frame):
    file, table = file_and_table(frame)
    safe, _hidden = protect([file], table, 10)
    # The file may itself show a count from 1 to 10 (a class of 5 to 10): hiding it in the
    # table cannot take it back. Anything else recovered would be the table's doing.
    in_file = {(fields, labels, n) for fields, cells in file.tables.items()
               for labels, (n, _shown) in cells.items()}
    assert [x for x in recovered([as_release(file), as_release(safe)], 10)
            if x[1:] not in in_file] == []


def test_a_table_suppressed_alone_leaks_beside_the_file_and_the_attack_sees_it():
    """Without the audit, the file gives back small counts of the table in many generated
    sets (so the property above is not vacuous)."""
    rng = random.Random(5)
    leaks = 0
    for _ in range(30):
        n = rng.randint(20, 150)
        frame = pd.DataFrame({"year": rng.choices(YEARS[:3], k=n),
                              "gender": rng.choices(GENDERS3, k=n)})
        file, table = file_and_table(frame)
        assert recovered([as_release(table)], 10) == []
        leaks += bool(recovered([as_release(file), as_release(table)], 10))
    assert leaks >= 5


def test_disclosure_round_trips_through_json():
    file = demo_file(period=True)
    again = Disclosure.from_json(file.to_json())
    assert again.tables == file.tables and again.fingerprint() == file.fingerprint()
    assert again.extent("year", "2020--2024") == Extent.of(covers("year", "2020--2024"))

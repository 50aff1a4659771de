"""Core indicators from organisations without a case system: validated, merged, suppressed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from palermo.exchange import indicators
from palermo.exchange.models import CoreIndicatorCount
from tests.exchange.conftest import csv_bytes

HEADER = "period,sex,age_band,exploitation_type,citizenship,persons"


def test_a_valid_file_is_stored_and_a_later_one_replaces_the_same_cells(cast):
    result = indicators.submit_file(cast.emre, csv_bytes(
        HEADER, "2024,female,18--20,ForcedLabour,UKR,12", "2024,male,48+,ForcedBegging,,3"),
        "counts.csv")
    assert result.problems == [] and result.rows == 2
    indicators.submit_file(cast.fatima, csv_bytes(HEADER, "2024,female,18--20,ForcedLabour,"
                                                  "Ukraine,15"), "again.csv")
    current = CoreIndicatorCount.objects.filter(current=True)
    assert sorted(current.values_list("persons", flat=True)) == [3, 15]


def test_bad_rows_are_reported_and_nothing_is_stored(cast):
    result = indicators.submit_file(cast.emre, csv_bytes(
        HEADER, "2024,female,18--20,ForcedLabour,UKR,12", "24,woman,18--20,ForcedLabour,,x",
        "2024,female,18--20,ForcedLabour,UKR,4"), "bad.csv")
    assert not CoreIndicatorCount.objects.exists()
    found = {(p.row, p.field) for p in result.problems}
    assert {(3, "period"), (3, "sex"), (3, "persons"), (4, "(row)")} <= found


def test_merged_counts_combine_case_facts_and_submissions(cast, case_a):
    indicators.submit_records(cast.emre, [
        {"period": "2026-Q1", "sex": "female", "age_band": "24--26",
         "exploitation_type": "SexualExploitation", "persons": 30}])
    merged = indicators.merged_counts(cast.emre, ("sex",))
    assert merged == [{"period": "2026", "sex": "female", "case_system": 1, "submitted": 30,
                       "total": 31}]


def test_published_counts_hide_small_cells(cast, case_a):
    indicators.submit_records(cast.emre, [
        {"period": "2026", "sex": "male", "age_band": "30--38",
         "exploitation_type": "ForcedLabour", "persons": 40}])
    published = indicators.published_counts(cast.chen, ("sex",))
    by_sex = {r["sex"]: r["persons"] for r in published}
    assert by_sex["female"] is None  # 1 person: below the threshold
    assert by_sex["male"] is None or by_sex["total"] is None  # no recovery by subtraction


@pytest.mark.parametrize("name", ["amina", "boris", "chen", "dana", "root"])
def test_who_may_not_submit(cast, name):
    with pytest.raises(PermissionDenied):
        indicators.submit_records(cast.membership(name), [])


@pytest.mark.parametrize("name", ["amina", "fatima", "dana", "root"])
def test_who_may_not_read_merged_counts(cast, name):
    with pytest.raises(PermissionDenied):
        indicators.merged_counts(cast.membership(name))

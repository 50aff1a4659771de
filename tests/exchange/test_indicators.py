"""Core indicators from organisations without a case system: validated, merged, suppressed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from palermo.analytics.models import Release
from palermo.exchange import indicators
from palermo.exchange.models import CoreIndicatorCount
from tests.disclosure.marginal_attack import recovered
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


# A table by sex and age band suppressed on its own against the year's total hides the 5
# women aged 24--26 and the 25 men of that band; the table by sex would then give the 5 back.
TWO_BY_TWO = [("female", "18--20", 30), ("female", "24--26", 5), ("male", "18--20", 40),
              ("male", "24--26", 25)]


def _fetched(client, by: list[str]) -> list[dict]:
    response = client.get("/api/exchange/core-indicators?" + "&".join(f"by={d}" for d in by))
    assert response.status_code == 200, response.content
    return [r for r in response.json() if r["period"] == "2024"]


def test_counts_fetched_by_any_dimensions_give_no_hidden_count_back(cast, api_client):
    indicators.submit_records(cast.emre, [
        {"period": "2024", "sex": sex, "age_band": band, "exploitation_type": "ForcedLabour",
         "citizenship": "UKR", "persons": persons} for sex, band, persons in TWO_BY_TWO])
    client = api_client("chen")
    by_sex, by_age = _fetched(client, ["sex"]), _fetched(client, ["age_band"])
    crossed = _fetched(client, ["sex", "age_band"])
    shown = {(): {(): by_sex[-1]["persons"]},
             ("sex",): {(r["sex"],): r["persons"] for r in by_sex[:-1]},
             ("age_band",): {(r["age_band"],): r["persons"] for r in by_age[:-1]},
             ("sex", "age_band"): {(r["sex"], r["age_band"]): r["persons"] for r in crossed[:-1]}}
    truth = {dims: {tuple(r[d] for d in dims): r["total"] for r in
                    indicators.merged_counts(cast.chen, dims) if r["period"] == "2024"}
             for dims in shown if dims}
    truth[()] = {(): 100}
    assert crossed[-1] == {"period": "2024", "sex": "total", "age_band": "total",
                           "persons": 100}
    assert shown[("sex", "age_band")][("female", "24--26")] is None
    assert recovered(truth, shown, 10) == []
    # The same request in the other order names the same counts.
    reordered = _fetched(client, ["age_band", "sex"])
    assert {(r["sex"], r["age_band"]): r["persons"] for r in reordered} == \
        {(r["sex"], r["age_band"]): r["persons"] for r in crossed}


def test_each_fetch_of_published_counts_is_a_release(cast, api_client):
    _fetched(api_client("chen"), ["sex", "exploitation_type"])
    release = Release.objects.get(spec="core-indicators")
    assert release.user == cast.chen.user and release.channel == "api"
    assert release.parameters == {"by": ["sex", "exploitation_type"], "threshold": 10}


@pytest.mark.parametrize("query, named", [
    ("by=sex&by=age_band&by=citizenship", "at most 2 dimensions"),
    ("by=colour", "unknown dimension(s) ['colour']"),
    ("by=sex&by=sex", "named twice"),
    ("by=citizenship&by=sex", "by citizenship alone"),
])
def test_published_counts_refuse_other_dimensions_with_the_reason(api_client, query, named):
    response = api_client("emre").get(f"/api/exchange/core-indicators?{query}")
    assert response.status_code == 422 and named in response.json()["detail"]
    assert not Release.objects.exists()


@pytest.mark.parametrize("name, status", [("emre", 200), ("chen", 200), ("amina", 403),
                                          ("fatima", 403), ("boris", 403), ("dana", 403),
                                          ("root", 403)])
def test_who_may_fetch_published_counts(api_client, name, status):
    assert api_client(name).get("/api/exchange/core-indicators").status_code == status


@pytest.mark.parametrize("name", ["amina", "fatima", "boris", "dana", "root"])
@pytest.mark.parametrize("query", ["by=colour", "by=sex&by=age_band&by=citizenship",
                                   "by=sex&by=sex"])
def test_who_may_not_fetch_published_counts_is_refused_before_the_query_is_read(
        api_client, name, query):
    """403, not 422: a role without the counts learns nothing about valid dimensions."""
    response = api_client(name).get(f"/api/exchange/core-indicators?{query}")
    assert response.status_code == 403
    assert not Release.objects.exists()


@pytest.mark.parametrize("name", ["dana", "amina"])
def test_merged_counts_refuse_the_role_before_the_dimensions(cast, name):
    with pytest.raises(PermissionDenied):
        indicators.merged_counts(cast.membership(name), ("colour",))

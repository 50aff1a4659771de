"""Both CTM tables reproduce the known marginals of the constructed dataset (conftest.py) under
the CTM and CTDC conventions: persons counted once, missing values without a row."""

from __future__ import annotations

import datetime as dt

import pytest

from palermo.analytics.engine import Filters
from palermo.analytics.specs import get_spec, parse_spec
from palermo.analytics.tables import build_table, percent


def block(table, name):
    found = next(b for b in table.blocks if b.name == name)
    return {r.label: (r.counts, r.percents) for r in found.rows}


def single_column(table, name):
    return {label: (counts[0], pcts[0]) for label, (counts, pcts) in block(table, name).items()}


# Expected (n, %) of Table 1, CTM convention: % of known for single-response variables,
# % of all N = 8 persons for the multi-response industry.
FULL_SAMPLE_CTM = {
    "gender": {"Female": (4, 57.1), "Male": (2, 28.6), "Other gender identity": (1, 14.3)},
    "age_band": {"Less than 15": (1, 14.3), "15-17": (1, 14.3), "18-24": (2, 28.6),
                 "25-30": (2, 28.6), "Greater than 31": (1, 14.3)},
    "education": {"Primary or Elementary School": (1, 20.0), "Middle School": (1, 20.0),
                  "High School": (1, 20.0), "Technical Training": (0, 0.0),
                  "University": (1, 20.0), "Secondary School": (0, 0.0),
                  "Religious Education": (0, 0.0), "None": (1, 20.0)},
    # p6 was assisted in 2020 and 2021: counted in both years, once in N.
    "year_of_assistance": {"2020": (3, 37.5), "2021": (4, 50.0), "2022": (2, 25.0)},
    "destination_region": {
        "United States, Canada, Latin America, and the Caribbean": (0, 0.0),
        "European Union and Turkey": (2, 28.6), "Gulf States and the Middle East": (1, 14.3),
        "Russian Federation, Caucasus, and Central Asia": (2, 28.6),
        "Southeastern Europe": (1, 14.3), "North and Sub-Saharan Africa": (0, 0.0),
        "South Asia and Southeast Asia": (0, 0.0), "East Asia": (0, 0.0), "Other": (1, 14.3)},
    "recruiter_relationship": {"Family": (3, 50.0), "Relative": (0, 0.0), "Partner": (0, 0.0),
                               "Friend": (0, 0.0), "Pimp": (0, 0.0), "Stranger": (1, 16.7),
                               "Business Contact": (0, 0.0), "Acquaintance": (2, 33.3),
                               "Neighbour": (0, 0.0)},
    "trafficking_type": {"In Country": (2, 33.3), "Transnational": (4, 66.7)},
    "industry": {"Sexual Exploitation": (3, 37.5), "Forced Labor": (3, 37.5),
                 "Low-level Criminal Activities": (1, 12.5),
                 "Other forms of exploitation*": (1, 12.5)},
}


def test_full_sample_ctm_convention(known_facts):
    table = build_table(get_spec("ctm_full_sample"))
    assert table.columns == ["All Countries"] and table.column_n == [8]
    for name, expected in FULL_SAMPLE_CTM.items():
        assert single_column(table, name) == expected, name
    # The printed order of the rows is the specification's.
    assert list(block(table, "education"))[:3] == ["Primary or Elementary School",
                                                   "Middle School", "High School"]


def test_full_sample_ctdc_convention(known_facts):
    table = build_table(get_spec("ctm_full_sample"), convention="ctdc")
    # Single-response rows are their own group: the same as % of known.
    for name in ("gender", "age_band", "education", "trafficking_type"):
        assert single_column(table, name) == FULL_SAMPLE_CTM[name]
    # Industry: % of the 6 persons with a known type of exploitation (p4 has none recorded,
    # p5 answered Unknown).
    assert single_column(table, "industry") == {
        "Sexual Exploitation": (3, 50.0), "Forced Labor": (3, 50.0),
        "Low-level Criminal Activities": (1, 16.7), "Other forms of exploitation*": (1, 16.7)}


def test_ctdc_group_denominator_is_persons_with_any_variable_of_the_group(known_facts):
    spec = parse_spec({
        "key": "profile", "title": "Profile",
        "rows": [
            {"name": "gender", "field": "gender", "label": "Gender", "group": "profile",
             "categories": [{"label": "Female", "values": ["Feminine"]},
                            {"label": "Male", "values": ["Masculine"]}],
             "missing": ["", "Unknown", "DeclinedToAnswer", "NonSpecifiedUnknown"]},
            {"name": "education", "field": "education", "label": "Education",
             "group": "profile",
             "categories": [{"label": "Primary", "values": ["PrimaryEducation"]}]}]},
        "test")
    ctm = build_table(spec)
    ctdc = build_table(spec, convention="ctdc")
    assert single_column(ctm, "gender") == {"Female": (4, 57.1), "Male": (2, 28.6)}
    # Everyone has a known gender or a known education: the denominator is all 8.
    assert single_column(ctdc, "gender") == {"Female": (4, 50.0), "Male": (2, 25.0)}
    assert single_column(ctdc, "education") == {"Primary": (1, 12.5)}
    assert single_column(ctm, "education") == {"Primary": (1, 20.0)}


def test_regions_of_origin(known_facts):
    table = build_table(get_spec("ctm_regions_of_origin"))
    assert table.columns[:4] == ["Southeast Europe", "Central Asia",
                                 "Russian Federation and Caucasus", "Eastern Europe"]
    assert len(table.columns) == 10 and table.columns[-1] == "Other"
    # p4 has no region of origin: in no column. Total n per region:
    assert table.column_n == [1, 4, 0, 2, 0, 0, 0, 0, 0, 0]
    central_asia, eastern_europe = 1, 3
    gender = block(table, "gender")
    assert gender["Female"][0][central_asia] == 4 and gender["Female"][1][central_asia] == 100.0
    assert gender["Male"][0][eastern_europe] == 1 and gender["Male"][1][eastern_europe] == 50.0
    age = block(table, "age_band")
    assert [age[b][0][central_asia] for b in age] == [1, 1, 2, 0, 0]
    assert [age[b][1][central_asia] for b in age] == [25.0, 25.0, 50.0, 0.0, 0.0]
    industry = block(table, "industry")
    assert industry["Sexual Exploitation"][0][central_asia] == 3
    assert industry["Sexual Exploitation"][1][central_asia] == 75.0  # of N = 4
    assert industry["Forced Labor"][1][central_asia] == 50.0
    assert industry["Forced Labor"][1][eastern_europe] == 50.0
    # An empty region has no percentage.
    assert industry["Forced Labor"][1][2] is None
    ctdc = block(build_table(get_spec("ctm_regions_of_origin"), convention="ctdc"), "industry")
    # Eastern Europe: p3 known (forced labour), p5 answered Unknown → 1 of 1.
    assert ctdc["Forced Labor"][1][eastern_europe] == 100.0


def test_filters_period_organisation_and_client_category(known_facts, cast):
    spec = get_spec("ctm_full_sample")
    ngo_a = build_table(spec, Filters(organisations=(cast.ngo_a.pk,)))
    assert ngo_a.column_n == [7]
    assert single_column(ngo_a, "gender")["Female"] == (3, 50.0)
    since_2021 = build_table(spec, Filters(date_from=dt.date(2021, 1, 1)))
    assert since_2021.column_n == [6]
    assert single_column(since_2021, "year_of_assistance") == {"2021": (4, 66.7),
                                                               "2022": (2, 33.3)}
    # p6's 2020 case (aged 18, forced begging) is outside the period.
    assert single_column(since_2021, "industry")["Low-level Criminal Activities"] == (0, 0.0)
    until_2020 = build_table(spec, Filters(date_to=dt.date(2020, 12, 31)))
    assert until_2020.column_n == [3]
    possible = build_table(spec, Filters(client_categories=("possible_victim",)))
    assert possible.column_n == [1]
    assert build_table(spec, scope_orgs=(cast.ngo_b.pk,)).column_n == [1]
    # Filtering on an organisation outside the scope counts nothing.
    assert build_table(spec, Filters(organisations=(cast.ngo_a.pk,)),
                       scope_orgs=(cast.ngo_b.pk,)).column_n == [0]


@pytest.mark.parametrize("by, columns, n", [
    ("year", ["2020", "2021", "2022"], [3, 4, 2]),
    ("destination_region", None, None),
    ("sex_age", None, None),
])
def test_other_column_groupings(known_facts, by, columns, n):
    table = build_table(get_spec("ctm_full_sample"), by=by)
    if columns:
        assert table.columns == columns and table.column_n == n
    if by == "destination_region":
        assert table.columns[1] == "European Union and Turkey" and table.column_n[1] == 2
    if by == "sex_age":
        assert "Female, 18-24" in table.columns
        assert table.column_n[table.columns.index("Female, 18-24")] == 2  # p6 (twice), p8


def test_grouping_by_organisation_uses_names(known_facts, cast):
    table = build_table(get_spec("ctm_full_sample"), by="organisation")
    assert dict(zip(table.columns, table.column_n, strict=True)) == {"NGO A": 7, "NGO B": 1}


def test_counting_cases_instead_of_persons(known_facts):
    spec = get_spec("ctm_full_sample")
    from dataclasses import replace

    by_case = build_table(replace(spec, counts="cases"))
    assert by_case.column_n == [9]
    assert single_column(by_case, "gender")["Female"] == (5, 62.5)


def test_percent_rounds_half_up():
    assert percent(1, 8) == 12.5 and percent(1, 3) == 33.3 and percent(2, 3) == 66.7
    assert percent(1, 16) == 6.3  # 6.25 → 6.3
    assert percent(0, 0) is None

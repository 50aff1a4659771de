"""Fact rows for the analytics tests, written straight into CaseFact (analytics reads nothing
else). ``known_facts`` is the constructed dataset whose marginals test_ctm_tables.py checks."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from palermo.cases.models import CaseFact

_case_keys = itertools.count(1)


def fact(org, person: str, *, year: int = 2021, month: int = 3, **values) -> CaseFact:
    """One CaseFact row; unspecified variables are missing."""
    defaults = {"status": "Active", "client_category": "victim", "gender": "", "age": None,
                "education": "", "origin_region": "", "destination_region": "",
                "recruiter_relationship": "", "trafficking_type": "",
                "exploitation_types": []}
    defaults.update(values)
    return CaseFact(case_key=next(_case_keys), person_key=person, organisation=org,
                    year=year, opened_on=dt.date(year, month, 1), **defaults)


def known_rows(ngo_a, ngo_b) -> list[CaseFact]:
    """Eight persons, nine cases: missing values, a refusal, a person with two cases (p6,
    counted once), multi-response answers and one person of NGO B (p8)."""
    return [
        fact(ngo_a, "p1", year=2020, gender="Feminine", age=14, education="PrimaryEducation",
             origin_region="central-asia",
             destination_region="russian-federation-caucasus-and-central-asia",
             recruiter_relationship="Familial", trafficking_type="transnational",
             exploitation_types=["SexualExploitation"]),
        fact(ngo_a, "p2", year=2020, gender="Feminine", age=16, origin_region="central-asia",
             destination_region="european-union-and-turkey",
             recruiter_relationship="Acquainted", trafficking_type="transnational",
             exploitation_types=["ForcedLabour", "SexualExploitation"]),
        fact(ngo_a, "p3", gender="Masculine", age=31, education="UpperSecondaryEducation",
             origin_region="eastern-europe", destination_region="european-union-and-turkey",
             recruiter_relationship="Unaquainted", trafficking_type="in_country",
             exploitation_types=["ForcedLabour"]),
        fact(ngo_a, "p4", gender="Masculine", education="Unknown",
             client_category="possible_victim"),
        fact(ngo_a, "p5", gender="TransgenderFeminine", age=25,
             education="BachelorsOrEquivalentLevel", origin_region="eastern-europe",
             destination_region="other", recruiter_relationship="DeclinedToAnswer",
             trafficking_type="Unknown", exploitation_types=["Unknown"]),
        fact(ngo_a, "p6", year=2020, gender="Feminine", age=18, origin_region="central-asia",
             destination_region="gulf-states-and-the-middle-east",
             recruiter_relationship="Familial", trafficking_type="transnational",
             exploitation_types=["ForcedBegging"]),
        fact(ngo_a, "p6", year=2021, gender="Feminine", age=19, origin_region="central-asia",
             destination_region="gulf-states-and-the-middle-east",
             recruiter_relationship="Familial", trafficking_type="transnational",
             exploitation_types=["ForcedLabour"]),
        fact(ngo_a, "p7", year=2022, age=30, education="EarlyChildhoodEducation",
             origin_region="southeast-europe", destination_region="southeastern-europe",
             recruiter_relationship="Acquainted", trafficking_type="in_country",
             exploitation_types=["ForcedMarriage"]),
        fact(ngo_b, "p8", year=2022, gender="Feminine", age=22,
             education="LowerSecondaryEducation", origin_region="central-asia",
             destination_region="russian-federation-caucasus-and-central-asia",
             recruiter_relationship="Familial", trafficking_type="transnational",
             exploitation_types=["SexualExploitation"]),
    ]


@pytest.fixture
def known_facts(cast):
    """The constructed dataset of known marginals (see known_rows)."""
    return CaseFact.objects.bulk_create(known_rows(cast.ngo_a, cast.ngo_b))


def mixed_rows(org, prefix: str, n: int) -> list[CaseFact]:
    """*n* persons with a deterministic spread: large and small cells side by side."""
    genders = ["Feminine"] * 7 + ["Masculine"] * 2 + ["NonConforming"]
    regions = ["central-asia"] * 6 + ["eastern-europe"] * 3 + ["south-asia"]
    types = [["SexualExploitation"], ["ForcedLabour"], ["ForcedLabour", "SexualExploitation"],
             ["ForcedBegging"], ["SexualExploitation"], ["ForcedLabour"]]
    return [fact(org, f"{prefix}{i}", year=2019 + i % 4, gender=genders[i % 10],
                 age=12 + (i * 7) % 40, origin_region=regions[i % 10],
                 destination_region="european-union-and-turkey" if i % 3 else "east-asia",
                 recruiter_relationship=["Familial", "Acquainted", "Unaquainted"][i % 3],
                 trafficking_type="transnational" if i % 5 else "in_country",
                 exploitation_types=types[i % 6]) for i in range(n)]


@pytest.fixture
def mixed_facts(cast):
    """60 persons at NGO A and 45 at NGO B: tables with counts above and below 11."""
    return CaseFact.objects.bulk_create(mixed_rows(cast.ngo_a, "a", 60)
                                        + mixed_rows(cast.ngo_b, "b", 45))

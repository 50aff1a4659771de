"""The fixed table set: readers without the real counts (chen, dana, emre) choose no
population — no period, organisation, client category or data source — and get each table
over their whole scope, ungrouped and in every column grouping. The set is protected as one:
a reader who fetches all of it and writes one linear programme over every published figure,
with the ungrouped table's rows tied to the grouped tables' rows, pins no small count.
fatima (supervisor: real counts of NGO A) keeps every filter; caseworkers get 403."""

from __future__ import annotations

import random

import pytest

from palermo.analytics import publication
from palermo.analytics.filtering import POPULATION_FIELDS
from palermo.analytics.specs import get_spec
from palermo.analytics.tables import GROUPINGS, build_table
from palermo.cases.models import CaseFact
from tests.analytics.conftest import fact
from tests.analytics.family_attack import attack, view_of_json, view_of_published

TABLE = "/reports/ctm_full_sample/"
API = "/api/statistics/tables/"
SPECS = ("ctm_full_sample", "ctm_regions_of_origin")
BYS = [None] + [value for value, _label in GROUPINGS if value]

# NGO A's persons came in 2020, NGO B's in 2021, one case each (so a person is in exactly one
# year and one organisation: rows of the grouped tables add up exactly). 3 persons of another
# gender identity, all at NGO B. Suppressed table by table, the ungrouped table hides the 3
# and, as its complement, the 34 of unknown gender; the by-year (by-organisation) table hides
# NGO B's 3 and, as complement, NGO B's 11 men. But the ungrouped table shows 36 men: 36 - 25
# gives the 11 back, and column B then gives the 3.
CROWD = {(2020, "a"): {"Feminine": 60, "Masculine": 25, "NonConforming": 0, "": 14},
         (2021, "b"): {"Feminine": 40, "Masculine": 11, "NonConforming": 3, "": 20}}


def crowd(cast) -> list[CaseFact]:
    orgs = {"a": cast.ngo_a, "b": cast.ngo_b}
    destinations = ["european-union-and-turkey"] * 5 + ["east-asia", ""]
    return [fact(orgs[org], f"{org}-{gender}-{i}", year=year, gender=gender, age=16 + i % 20,
                 education="PrimaryEducation" if i % 4 else "",
                 destination_region=destinations[i % 7], trafficking_type="transnational",
                 origin_region=["central-asia", "eastern-europe", ""][i % 3],
                 exploitation_types=["ForcedLabour"] if i % 9 else ["ForcedBegging"])
            for (year, org), genders in CROWD.items() for gender, n in genders.items()
            for i in range(n)]


def test_the_whole_set_fetched_by_chen_pins_no_small_count(api_client, cast):
    CaseFact.objects.bulk_create(crowd(cast))
    client = api_client("chen")
    tables, views = [], []
    for key in SPECS:  # Table 1 as printed (ungrouped) first
        for by in BYS:
            tables.append(build_table(get_spec(key), by=by))  # the real counts
            body = client.get(API + key, {"by": by} if by else {}).json()
            assert body["suppressed"] and body["by"] == list(tables[-1].by)
            counts = [c["n"] for b in body["blocks"] for r in b["rows"] for c in r["cells"]]
            counts += [c["n"] for c in body["columns"]]
            assert not [n for n in counts if n is not None and 1 <= n <= 10]
            views.append(view_of_json(body))
    assert attack(tables, views, 10) == []
    # Every table shows counts (none fell back to hiding everything) …
    assert all(any(n for b in v["blocks"].values() for cells in b.values() for n, _ in cells)
               for v in views)
    # … and the attack has teeth: each table suppressed on its own, as before the fixed set,
    # gives the 3 persons of another gender identity back.
    alone = [view_of_published(publication.publish(t, real_counts=False)) for t in tables]
    found = attack(tables, alone, 10)
    assert "(0, 'gender', 'Other gender identity', 0) = 3" in found


@pytest.mark.parametrize("seed", [4, 5])
def test_random_sets_pin_no_small_count(cast, seed):
    rnd = random.Random(seed)
    CaseFact.objects.bulk_create([
        fact(rnd.choice([cast.ngo_a, cast.ngo_b]), f"r{rnd.randint(0, 70)}",
             year=rnd.choice([2019, 2020, 2021]),
             gender=rnd.choice(["Feminine"] * 4 + ["Masculine", "", "NonConforming"]),
             age=rnd.choice([None, 12, 16, 20, 27, 35]),
             education=rnd.choice(["", "PrimaryEducation", "UpperSecondaryEducation"]),
             origin_region=rnd.choice(["central-asia", "eastern-europe", ""]),
             destination_region=rnd.choice(["european-union-and-turkey", "east-asia", ""]),
             exploitation_types=rnd.sample(["ForcedLabour", "SexualExploitation",
                                            "ForcedBegging"], rnd.randint(0, 2)))
        for _ in range(90)])  # persons with several cases: in several years, organisations
    spec = get_spec("ctm_full_sample")
    groupings = publication.fixed_groupings(spec)
    published = [publication.publish_tables([spec], scope_orgs=None, real_counts=False,
                                            by=g)[0] for g in groupings]
    tables = [p.table for p in published]
    assert attack(tables, [view_of_published(p) for p in published], 10) == []


def test_the_set_is_the_same_whichever_table_is_asked_for(cast, mixed_facts):
    # Regions of Origin as printed is Table 1 by region of origin; either table ungrouped is
    # the other ungrouped: the same counts, the same suppression.
    def cells(p):
        return [p.column_n] + [[c.n for c in r.cells] for b in p.blocks for r in b.rows]

    def get(key, by):
        return publication.publish_tables([get_spec(key)], scope_orgs=None, real_counts=False,
                                          by=by)[0]

    assert cells(get("ctm_regions_of_origin", None)) == cells(
        get("ctm_full_sample", "origin_region"))
    assert cells(get("ctm_regions_of_origin", "all")) == cells(get("ctm_full_sample", None))
    # The ungrouped table is the table published on its own.
    alone = publication.publish(build_table(get_spec("ctm_full_sample")), real_counts=False)
    assert cells(get("ctm_full_sample", None)) == cells(alone)


def test_publish_tables_refuses_a_population_without_real_counts(mixed_facts, cast):
    from palermo.analytics.engine import Filters

    spec = get_spec("ctm_full_sample")
    for filters in (Filters(organisations=(cast.ngo_a.pk,)), Filters(data_sources=("form",)),
                    Filters(client_categories=("victim",))):
        with pytest.raises(ValueError, match="filters: readers without the real counts"):
            publication.publish_tables([spec], filters, scope_orgs=None, real_counts=False)
    with pytest.raises(ValueError, match="by: education is not in the fixed table set"):
        publication.publish_tables([spec], scope_orgs=None, real_counts=False, by="education")
    real = publication.publish_tables([spec], Filters(organisations=(cast.ngo_b.pk,)),
                                      scope_orgs=None, real_counts=True, by="education")[0]
    assert real.column_n[0] == 0 and not real.suppressed


# --- who may choose a population --------------------------------------------------------------

SENT = {"organisation": "ORG", "client_category": "victim", "data_source": "casework",
        "date_from": "2021-01-01", "date_to": "2021-12-31"}


@pytest.mark.parametrize("name", ["chen", "dana", "emre"])
@pytest.mark.parametrize("field", POPULATION_FIELDS)
def test_readers_without_real_counts_are_refused_each_population_field(
        browser, api_client, mixed_facts, cast, name, field):
    value = str(cast.ngo_a.pk) if field == "organisation" else SENT[field]
    response = api_client(name).get(API + "ctm_full_sample", {field: value})
    assert response.status_code == 422 and list(response.json()["fields"]) == [field]
    assert "not available" in response.json()["fields"][field][0]
    page = browser(name).get(TABLE, {field: value}).content.decode()
    assert "not available" in page and "All Countries (N=" not in page
    assert browser(name).get(TABLE + "export.xlsx", {field: value}).status_code == 400


@pytest.mark.parametrize("name", ["chen", "dana", "emre"])
def test_the_page_offers_them_no_population_field(browser, mixed_facts, name):
    html = browser(name).get(TABLE).content.decode()
    assert 'name="by"' in html and 'name="convention"' in html
    for field in POPULATION_FIELDS:
        assert f'name="{field}"' not in html
    assert "choose them as columns" in html
    # Empty fields (an old bookmark) are no choice: the table is shown.
    assert "All Countries (N=" in browser(name).get(TABLE, {"date_from": ""}).content.decode()


def test_fatima_may_choose_every_population_field(browser, api_client, mixed_facts, cast):
    html = browser("fatima").get(TABLE).content.decode()
    for field in POPULATION_FIELDS:
        assert f'name="{field}"' in html
    assert "HTCDS file import" in html  # a data source offered
    params = {"organisation": cast.ngo_a.pk, "client_category": "victim",
              "data_source": ["casework", "form"], "date_from": "2020-01-01",
              "date_to": "2020-12-31"}
    body = api_client("fatima").get(API + "ctm_full_sample", params).json()
    assert not body["suppressed"] and body["columns"][0]["n"] == 15  # NGO A in 2020
    assert body["filters"]["data_sources"] == ["casework", "form"]
    page = browser("fatima").get(TABLE, params).content.decode()
    assert "All Countries (N=15)" in page
    # A data source with no case counts nobody.
    assert api_client("fatima").get(API + "ctm_full_sample", {"data_source": "form"}
                                    ).json()["columns"][0]["n"] == 0


@pytest.mark.parametrize("name", ["amina", "boris"])
def test_roles_without_statistics_are_still_refused(browser, api_client, mixed_facts, name):
    assert browser(name).get(TABLE, {"data_source": "casework"}).status_code == 403
    assert api_client(name).get(API + "ctm_full_sample",
                                {"date_from": "2021-01-01"}).status_code == 403

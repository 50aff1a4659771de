"""The reference data files: complete, consistent, and faithful to the printed CTM key.

Plain pytest functions: no database, no Django models.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pycountry
import pytest

from palermo.core.reference_data import (
    htcds_choices,
    read_countries,
    read_picklists,
    read_regions,
)

#: The destination key printed under the CTM tables (Annex J of the 2010 IOM evaluation),
#: with the printed names resolved to ISO 3166-1 alpha-3 by hand. "Netherlands Antilles" is
#: its three successors (CUW, SXM, BES); Kosovo is the user-assigned XKX.
PRINTED_DESTINATION_KEY: dict[str, list[str]] = {
    "United States, Canada, Latin America, and the Caribbean": [
        "ARG", "BOL", "BRA", "COL", "DOM", "ECU", "HND", "SLV", "PRY", "URY", "PER", "MEX",
        "CUW", "SXM", "BES", "ABW", "BHS", "CAN", "CHL", "GTM", "JAM", "USA", "VEN",
    ],
    "European Union and Turkey": [
        "ITA", "POL", "LVA", "LTU", "HUN", "ROU", "EST", "SVK", "CZE", "SVN", "AUT", "BEL",
        "CHE", "CYP", "DEU", "ESP", "FRA", "GBR", "GRC", "IRL", "NLD", "MLT", "NOR", "PRT",
        "SWE", "TUR",
    ],
    "Gulf States and the Middle East": [
        "LBN", "IRN", "IRQ", "ARE", "BHR", "ISR", "JOR", "QAT", "SAU", "SYR",
    ],
    "Russian Federation, Caucasus, and Central Asia": [
        "RUS", "UKR", "BLR", "ARM", "AZE", "GEO", "KGZ", "UZB", "TKM", "TJK", "KAZ",
    ],
    "Southeastern Europe": ["ALB", "BIH", "BGR", "HRV", "MKD", "XKX", "SRB", "MNE", "MDA"],
    "North and Sub-Saharan Africa": [
        "EGY", "TUN", "MAR", "AGO", "BFA", "COD", "CIV", "CMR", "ETH", "BEN", "GHA", "GNB",
        "GIN", "ZWE", "TGO", "SWZ", "SEN", "SLE", "SYC", "RWA", "ZAF", "UGA", "MLI", "KEN",
        "NGA", "MOZ", "MRT", "DJI", "DZA", "LBR", "LBY", "TZA", "ZMB",
    ],
    "South Asia and Southeast Asia": [
        "LKA", "IND", "LAO", "THA", "KHM", "IDN", "VNM", "PHL", "MMR", "MYS", "SGP", "TLS",
    ],
    "East Asia": ["CHN", "HKG", "JPN", "KOR"],
}

PRINTED_ORIGIN_REGIONS = [
    "Southeast Europe", "Central Asia", "Russian Federation and Caucasus", "Eastern Europe",
    "North Africa and the Middle East", "South Asia", "Sub-Saharan Africa",
    "Latin America and the Caribbean", "East and Southeast Asia", "Other",
]


def region_names(scheme: str) -> dict[str, str]:
    """Region code -> name for one scheme."""
    return {r["code"]: r["name"] for r in read_regions() if r["scheme"] == scheme}


def destination_of() -> dict[str, str]:
    """alpha-3 -> destination region name."""
    names = region_names("destination")
    return {c["alpha3"]: names[c["destination_region"]] for c in read_countries()}


def test_every_pycountry_country_appears_exactly_once() -> None:
    counts = Counter(c["alpha3"] for c in read_countries())
    assert all(n == 1 for n in counts.values()), [code for code, n in counts.items() if n > 1]
    assert {c.alpha_3 for c in pycountry.countries} | {"XKX"} == set(counts)


def test_country_rows_match_pycountry() -> None:
    rows = {c["alpha3"]: c for c in read_countries()}
    for country in pycountry.countries:
        row = rows[country.alpha_3]
        assert (row["alpha2"], row["numeric"], row["name"]) == (
            country.alpha_2, country.numeric, country.name)
    assert rows["XKX"] == {
        "alpha3": "XKX", "alpha2": "XK", "numeric": "", "name": "Kosovo",
        "origin_region": "southeast-europe", "destination_region": "southeastern-europe",
        "key_source": "printed",
    }
    assert len({row["alpha2"] for row in rows.values()}) == len(rows)


def test_every_country_has_existing_origin_and_destination_regions() -> None:
    origin, destination = region_names("origin"), region_names("destination")
    for country in read_countries():
        assert country["origin_region"] in origin, country
        assert country["destination_region"] in destination, country
        assert country["key_source"] in {"printed", "palermo"}, country


def test_regions_are_the_printed_ones_in_printed_order() -> None:
    origin = sorted((r for r in read_regions() if r["scheme"] == "origin"),
                    key=lambda r: r["order"])
    destination = sorted((r for r in read_regions() if r["scheme"] == "destination"),
                         key=lambda r: r["order"])
    assert [r["name"] for r in origin] == PRINTED_ORIGIN_REGIONS
    assert [r["name"] for r in destination] == [*PRINTED_DESTINATION_KEY, "Other"]
    assert origin[0]["code"] == "southeast-europe"
    assert {r["scheme"] for r in read_regions()} == {"origin", "destination"}


def test_destination_key_reproduces_the_printed_key_exactly() -> None:
    countries = read_countries()
    where = destination_of()
    printed: dict[str, set[str]] = defaultdict(set)
    for country in countries:
        if country["key_source"] == "printed":
            printed[where[country["alpha3"]]].add(country["alpha3"])
    expected = {region: set(codes) for region, codes in PRINTED_DESTINATION_KEY.items()}
    assert dict(printed) == expected
    assert sum(len(codes) for codes in PRINTED_DESTINATION_KEY.values()) == len(
        {code for codes in PRINTED_DESTINATION_KEY.values() for code in codes})


def test_printed_key_quirks_are_kept() -> None:
    where = destination_of()
    assert where["NOR"] == where["CHE"] == where["TUR"] == "European Union and Turkey"
    assert where["MDA"] == "Southeastern Europe"
    assert where["BGR"] == "Southeastern Europe"
    assert where["EGY"] == "North and Sub-Saharan Africa"
    assert where["IRN"] == "Gulf States and the Middle East"
    assert where["HKG"] == "East Asia"


def test_palermo_additions_are_sensible() -> None:
    where = destination_of()
    assert where["DNK"] == where["FIN"] == where["ISL"] == "European Union and Turkey"
    assert where["KWT"] == where["YEM"] == "Gulf States and the Middle East"
    assert where["PAK"] == where["BGD"] == where["AFG"] == "South Asia and Southeast Asia"
    assert where["AUS"] == where["NZL"] == "Other"
    assert where["PRI"] == "United States, Canada, Latin America, and the Caribbean"


def test_origin_key() -> None:
    names = region_names("origin")
    origin = {c["alpha3"]: names[c["origin_region"]] for c in read_countries()}
    by_region: dict[str, set[str]] = defaultdict(set)
    for code, region in origin.items():
        by_region[region].add(code)
    assert by_region["Central Asia"] == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    assert by_region["Russian Federation and Caucasus"] == {"RUS", "ARM", "AZE", "GEO"}
    assert {"ALB", "BIH", "BGR", "HRV", "MKD", "XKX", "SRB", "MNE", "ROU", "MDA"} <= by_region[
        "Southeast Europe"]
    assert {"UKR", "BLR", "POL"} <= by_region["Eastern Europe"]
    assert {"USA", "DEU", "AUS"} <= by_region["Other"]
    assert set(by_region) == set(PRINTED_ORIGIN_REGIONS)


def test_order_columns_run_from_one_to_n() -> None:
    orders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for region in read_regions():
        orders[("region", region["scheme"])].append(region["order"])
    for value in read_picklists():
        orders[("picklist", value["field"])].append(value["order"])
    for key, values in orders.items():
        assert sorted(values) == list(range(1, len(values) + 1)), key


def test_picklists_are_clean() -> None:
    values = read_picklists()
    for row in values:
        assert row["value"] == row["value"].strip() and row["value"], row
        assert row["label"] == row["label"].strip() and row["label"], row
        assert row["source"] in {"htcds", "palermo"}, row
        assert not row["value"].startswith("Use ISO"), row
    pairs = Counter((row["field"], row["value"]) for row in values)
    assert max(pairs.values()) == 1
    assert {row["field"] for row in values if row["source"] == "palermo"} == {"org_Type"}


def test_org_type_choices() -> None:
    choices = htcds_choices("org_Type")
    assert choices[0] == ("NGO", "NGO")
    assert ("InternationalOrganisation",
            "International Organisation (e.g. IOM mission, UN agency)") in choices
    assert choices[-1] == ("DonorAgency", "Donor Agency")
    assert len(choices) == 11


def test_methods_of_control_has_debt_bondage_without_trailing_space() -> None:
    choices = htcds_choices("vic_MethodsOfControl")
    assert ("DebtBondage", "Debt bondage") in choices
    assert all(value == value.strip() for value, _ in choices)


def test_unknown_field_raises_key_error() -> None:
    with pytest.raises(KeyError, match="nope"):
        htcds_choices("nope")


def test_country_and_language_fields_are_not_picklists_here() -> None:
    fields = {row["field"] for row in read_picklists()}
    assert "prs_Citizenship" not in fields
    assert "prs_PrimaryLanguage" not in fields
    assert "org_ShippingCountry" not in fields

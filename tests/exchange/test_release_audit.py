"""Releases of the same facts audited together (issue 13 §6), end to end.

The finding: a donor's statistics table by year hid the 2022 women (44) and men (12) as
complements of the ten men of 2026; a k-anonymised CTDC file (k = 11) then gave year ×
gender exactly, and with it the hidden counts came back. Here the same persons are built as
facts, the table is fetched through the API and the file exported, and the reader's attack
(tests/disclosure/union_attack.py, written independently of the audit) is run on what they
received: the table's published counts and the file's rows. Without the audit it recovers
the ten men of 2026; with it, nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from palermo.analytics import releases
from palermo.analytics.models import Release
from palermo.cases.models import CaseFact
from palermo.disclosure import ReleaseConflict
from palermo.exchange import ctdc, indicators
from tests.analytics.conftest import fact
from tests.disclosure.union_attack import recovered

YEARS = ["2022", "2023", "2024", "2025", "2026"]
WOMEN = [44, 54, 48, 50, 61]
MEN = [12, 12, 15, 13, 10]
TRUE = {("Female", y): w for y, w in zip(YEARS, WOMEN, strict=True)} | {
    ("Male", y): m for y, m in zip(YEARS, MEN, strict=True)}
API = "/api/statistics/tables/ctm_full_sample"
SEX = {"Female": "Feminine", "Woman": "Feminine", "female": "Feminine",
       "Male": "Masculine", "Man": "Masculine", "male": "Masculine"}


@pytest.fixture
def finding_facts(cast):
    """319 persons, one case each, at NGO A: by year, women and men as in the finding; no
    other quasi-identifier recorded, so k = 11 keeps year and gender exact and suppresses
    the ten men of 2026 (3.1 % of the persons)."""
    rows, i = [], 0
    for year, women, men in zip(YEARS, WOMEN, MEN, strict=True):
        for gender, n in (("Feminine", women), ("Masculine", men)):
            for _ in range(n):
                rows.append(fact(cast.ngo_a, f"p{i}", year=int(year), gender=gender))
                i += 1
    return CaseFact.objects.bulk_create(rows)


def covers(field: str, label: str) -> set[str]:
    if field == "gender":
        return {SEX[label]}
    if "--" in label:
        low, high = map(int, label.split("--"))
        return {str(y) for y in range(low, high + 1)}
    return {label}


def table_release(body: dict) -> tuple[dict, object]:
    """What a reader of the API table holds: each column's N and the gender rows (the true
    counts beside, for the attack to know what it pins)."""
    gender = next(b for b in body["blocks"] if b["name"] == "gender")
    if body["by"] == ["all"]:
        tables = {(): {(): (sum(TRUE.values()), body["columns"][0]["n"] is not None)},
                  ("gender",): {(r["label"],): (sum(n for (g, _y), n in TRUE.items()
                                                    if g == r["label"]),
                                                r["cells"][0]["n"] is not None)
                                for r in gender["rows"]}}
        return tables, covers
    years = [c["label"] for c in body["columns"]]
    tables = {("year",): {(y,): (sum(n for (_g, yy), n in TRUE.items() if yy == y),
                                 c["n"] is not None) for y, c in zip(years, body["columns"],
                                                                      strict=True)},
              ("gender", "year"): {(r["label"], y): (TRUE[(r["label"], y)], c["n"] is not None)
                                   for r in gender["rows"]
                                   for y, c in zip(years, r["cells"], strict=True)}}
    return tables, covers


def file_release(data: pd.DataFrame) -> tuple[dict, object]:
    """What a reader of the CTDC file holds: every margin of year and gender it gives."""
    columns = [c for c, f in (("yearOfRegistration", "year"), ("gender", "gender"))
               if len(data) and (data[c] != "*").all()]
    field = {"yearOfRegistration": "year", "gender": "gender"}
    tables = {(): {(): (len(data), True)}}
    for chosen in ([c] for c in columns):
        counts = data.groupby(chosen).size()
        tables[(field[chosen[0]],)] = {(str(k),): (int(n), True) for k, n in counts.items()}
    if len(columns) == 2:
        counts = data.groupby(["gender", "yearOfRegistration"]).size()
        tables[("gender", "year")] = {(g, str(y)): (int(n), True) for (g, y), n in
                                      counts.items()}
    return tables, covers


def fetch_tables(api_client) -> list[tuple[dict, object]]:
    client = api_client("dana")
    return [table_release(client.get(API, {"by": by}).json()) for by in ("year", "all")]


def test_the_2022_finding_without_the_audit(cast, finding_facts, api_client, monkeypatch):
    """The test that failed before: with the audit switched off, the finding is back."""
    monkeypatch.setattr(releases, "earlier_disclosures", lambda facts: [])
    tables = fetch_tables(api_client)
    hidden = {k for k, (_n, shown) in tables[0][0][("gender", "year")].items() if not shown}
    assert {("Female", "2022"), ("Male", "2022"), ("Male", "2026")} <= hidden
    assert recovered(tables, 10) == []
    release = ctdc.export(cast.chen, method="kanon", k=11)
    assert release.parameters["levels"]["yearOfRegistration"] == 0
    assert release.parameters["levels"]["gender"] == 0
    got = recovered([*tables, file_release(release.data)], 10)
    assert (0, ("gender", "year"), ("Male", "2026"), 10) in got


def test_a_file_after_the_tables_is_generalised_until_nothing_comes_back(
        cast, finding_facts, api_client):
    tables = fetch_tables(api_client)
    logged = Release.objects.filter(facts="persons:all").exclude(cells=None)
    assert logged.count() == 2
    release = ctdc.export(cast.chen, method="kanon", k=11)
    levels = release.parameters["levels"]
    assert release.parameters["raised_for_earlier_releases"]
    assert levels["yearOfRegistration"] > 0 or levels["gender"] > 0
    assert recovered([*tables, file_release(release.data)], 10) == []
    assert any("Audited with earlier releases" in note for note in release.notes)
    assert "Audited with the earlier releases of the same facts" in \
        ctdc.dictionary_markdown(release)
    # The file is logged with what it disclosed: the next release is audited against it.
    file_row = Release.objects.get(pk=release.release_id)
    assert file_row.facts == "persons:all" and file_row.cells["tables"]


def test_tables_after_the_file_hide_more(cast, finding_facts, api_client, monkeypatch):
    release = ctdc.export(cast.chen, method="kanon", k=11)  # nothing before: exact
    assert release.parameters["levels"]["yearOfRegistration"] == 0
    file = file_release(release.data)
    tables = fetch_tables(api_client)
    assert recovered([file, *tables], 10) == []
    body = api_client("dana").get(API, {"by": "year"}).json()
    assert any("earlier releases" in note for note in body["notes"])
    # The same tables unaudited (the test that failed before) give the men of 2026 back.
    monkeypatch.setattr(releases, "earlier_disclosures", lambda facts: [])
    assert recovered([file, *fetch_tables(api_client)], 10)


def test_core_indicators_after_the_file_hide_more(cast, finding_facts, monkeypatch):
    release = ctdc.export(cast.chen, method="kanon", k=11)
    file = file_release(release.data)

    def view(rows: list[dict]) -> tuple[dict, object]:
        totals = {r["period"]: r for r in rows if r["sex"] == "total"}
        tables = {("year",): {(y,): (sum(n for (_g, yy), n in TRUE.items() if yy == y),
                                     totals[y]["persons"] is not None) for y in YEARS},
                  ("gender", "year"): {}}
        for r in rows:
            if r["sex"] in ("female", "male"):
                label = "Female" if r["sex"] == "female" else "Male"
                tables[("gender", "year")][(label, r["period"])] = (
                    TRUE[(label, r["period"])], r["persons"] is not None)
        return tables, covers

    rows = indicators.release_counts(cast.chen, ("sex",))
    assert recovered([file, view(rows)], 10) == []
    logged = Release.objects.filter(spec="core-indicators").latest("id")
    assert logged.facts == "persons:all" and logged.cells_sha256
    monkeypatch.setattr(indicators, "earlier_disclosures", lambda facts: [])
    assert recovered([file, view(indicators.release_counts(cast.chen, ("sex",)))], 10)


def test_a_file_that_cannot_be_made_safe_is_refused_and_nothing_logged(
        cast, finding_facts, api_client, monkeypatch):
    fetch_tables(api_client)
    before = Release.objects.count()
    monkeypatch.setattr(ctdc, "_columns_to_raise", lambda finding, levels: [])
    with pytest.raises(ReleaseConflict, match="gender Male × year 2026") as refused:
        ctdc.export(cast.chen, method="kanon", k=11)
    # The earlier release and the cell are named; the count is not.
    assert refused.value.conflicts[0].startswith("release #")
    assert refused.value.conflicts[0].endswith("): gender Male × year 2026")
    assert Release.objects.count() == before


def test_a_page_view_is_a_release_when_it_shows_something_new(cast, finding_facts, browser):
    client = browser("dana")
    assert client.get("/reports/ctm_full_sample/", {"by": "year"}).status_code == 200
    views = Release.objects.filter(channel="html")
    assert views.count() == 1 and views.get().user == cast.dana.user
    client.get("/reports/ctm_full_sample/", {"by": "year"})
    assert views.count() == 1  # the same counts again: nothing new has left
    browser("fatima").get("/reports/ctm_full_sample/")  # her real counts: not a release
    assert views.count() == 1

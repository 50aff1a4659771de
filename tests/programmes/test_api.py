"""The programmes endpoints under /api/programmes, persona by persona: who may and who may
not, and what they answer."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from palermo.programmes.demo import SEED_LIST
from palermo.programmes.models import PortfolioImport, Project
from tests.conftest import PERSONAS

API = "/api/programmes"
VIEWERS = {"fatima", "emre", "chen", "dana", "root"}


@pytest.mark.parametrize("name", PERSONAS)
def test_who_reads_what(api_client, project_a, project_b, person_a, name):
    client = api_client(name)
    listing = client.get(f"{API}/projects")
    a = client.get(f"{API}/projects/{project_a.pk}")
    b = client.get(f"{API}/projects/{project_b.pk}")
    xml = client.get(f"{API}/projects/{project_a.pk}/iati.xml")
    history = client.get(f"{API}/projects/{project_a.pk}/history")
    if name not in VIEWERS:
        assert {r.status_code for r in (listing, a, b, xml, history)} == {403}
        return
    titles = {p["title"] for p in listing.json()["projects"]}
    sees_b = name in ("chen", "root")
    assert titles == ({"Vatra shelter", "Kyrgyz hotline"} if sees_b else {"Vatra shelter"})
    assert a.status_code == 200 and xml.status_code == 200 and history.status_code == 200
    assert b.status_code == (200 if sees_b else 404)
    body = a.json()
    assert body["figures"]["committed"] == "1000000.00"
    assert body["figures"]["committed_not_disbursed"] == "400000.00"
    assert [y["year"] for y in body["years"]] == [2025, 2026]
    for response in (listing, a, history):
        assert "Okafor" not in response.content.decode()


@pytest.mark.parametrize("name, status", [("emre", 201), ("fatima", 403), ("chen", 403),
                                          ("dana", 403), ("root", 403), ("amina", 403),
                                          ("boris", 403)])
def test_who_creates_a_project(api_client, cast, name, status):
    response = api_client(name).post(f"{API}/projects", json.dumps(
        {"title": "Bangladesh prevention", "role": "4", "planned_start": "2026-01-01",
         "four_ps": ["prevention"]}), content_type="application/json")
    assert response.status_code == status
    assert Project.objects.filter(title="Bangladesh prevention").exists() is (status == 201)


@pytest.mark.parametrize("name, status", [("emre", 200), ("dana", 403), ("chen", 403),
                                          ("fatima", 403), ("root", 403), ("amina", 403)])
def test_who_changes_a_project(api_client, project_a, name, status):
    response = api_client(name).patch(f"{API}/projects/{project_a.pk}", json.dumps(
        {"title": "Renamed"}), content_type="application/json")
    assert response.status_code == status
    project_a.refresh_from_db()
    assert (project_a.title == "Renamed") is (status == 200)


def test_another_organisations_project_is_not_found(api_client, project_b):
    response = api_client("emre").post(f"{API}/projects/{project_b.pk}/agreements",
                                       json.dumps({"year": 2026}),
                                       content_type="application/json")
    assert response.status_code == 404 and not project_b.agreements.exists()


def test_money_and_places_by_the_api(api_client, project_a):
    emre = api_client("emre")
    refused = emre.put(f"{API}/projects/{project_a.pk}/places", json.dumps(
        {"countries": [{"code": "AL", "percentage": "50"}],
         "regions": [{"code": "89", "percentage": "40"}]}), content_type="application/json")
    assert refused.status_code == 422 and "sum to 90" in refused.content.decode()
    ok = emre.put(f"{API}/projects/{project_a.pk}/places", json.dumps(
        {"countries": [{"code": "ALB", "percentage": "60"}],
         "regions": [{"code": "89", "percentage": "40"}]}), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["countries"][0]["code"] == "ALB"
    euros = emre.post(f"{API}/projects/{project_a.pk}/transactions", json.dumps(
        {"type": "3", "date": "2025-09-01", "value": "1000", "currency": "EUR",
         "value_date": "2025-09-01", "exchange_rate": "11.2"}),
        content_type="application/json")
    assert euros.status_code == 201
    assert euros.json()["figures"]["disbursed"] == "611200.00"
    unconverted = emre.post(f"{API}/projects/{project_a.pk}/transactions", json.dumps(
        {"type": "3", "date": "2025-10-01", "value": "1000", "currency": "USD",
         "value_date": "2025-10-01"}), content_type="application/json")
    figures = unconverted.json()["figures"]
    assert (figures["disbursed"], figures["unconverted"]) == ("611200.00", 1)
    carry = emre.post(f"{API}/projects/{project_a.pk}/agreements", json.dumps(
        {"year": 2026, "carry_over": "500000"}), content_type="application/json")
    assert carry.status_code == 422 and "carry_over" in carry.json()["fields"]


@pytest.mark.parametrize("name, status", [("emre", 200), ("fatima", 403), ("chen", 403),
                                          ("dana", 403), ("root", 403), ("amina", 403)])
def test_who_imports_a_funding_list(api_client, name, status):
    upload = SimpleUploadedFile(SEED_LIST.name, SEED_LIST.read_bytes())
    response = api_client(name).post(f"{API}/imports/funding_list?currency=NOK",
                                     {"file": upload})
    assert response.status_code == status
    assert not Project.objects.exists()  # a check writes nothing
    if status == 200:
        report = response.json()
        assert report["acceptable"] and not report["imported"]
        assert {"unit_typo", "duplicate_row", "subtotal_row"} <= {
            f["kind"] for f in report["findings"]}


def test_accepting_an_import_by_the_api(api_client, cast, ngo_b_me):
    upload = SimpleUploadedFile(SEED_LIST.name, SEED_LIST.read_bytes())
    checked = api_client("emre").post(f"{API}/imports/funding_list", {"file": upload}).json()
    batch = checked["batch"]
    for name in ("dana", "chen", "fatima"):
        assert api_client(name).post(f"{API}/import-batches/{batch}/accept").status_code == 403
    from django.test import Client

    from palermo.core.models import ApiToken

    _token, raw = ApiToken.issue(ngo_b_me, "test")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert other.post(f"{API}/import-batches/{batch}/accept").status_code == 404
    assert not Project.objects.exists()
    accepted = api_client("emre").post(f"{API}/import-batches/{batch}/accept")
    assert accepted.status_code == 200 and accepted.json()["imported"]
    assert Project.objects.count() == 143
    assert PortfolioImport.objects.get(pk=batch).status == "imported"
    assert api_client("emre").post(f"{API}/import-batches/{batch}/accept").status_code == 409


def test_a_refused_iati_file_answers_422_with_the_breaches(api_client):
    bad = b'<?xml version="1.0"?><iati-activities version="2.03"><iati-activity/>' \
          b'</iati-activities>'
    response = api_client("emre").post(f"{API}/imports/iati",
                                       {"file": SimpleUploadedFile("a.xml", bad)})
    assert response.status_code == 422
    finding = response.json()["findings"][0]
    assert finding["kind"] == "schema" and finding["rows"] == [1]
    assert "iati-identifier" in finding["reason"]


@pytest.mark.parametrize("name, status", [("emre", 200), ("chen", 200), ("root", 200),
                                          ("dana", 403), ("fatima", 403), ("amina", 403)])
def test_partner_register(api_client, name, status):
    response = api_client(name).get(f"{API}/partners")
    assert response.status_code == status
    if status == 200:
        kn = next(p for p in response.json() if p["name"] == "Kirkens Nødhjelp")
        assert "KN" in kn["aliases"]


@pytest.mark.parametrize("name, status", [("emre", 201), ("root", 201), ("chen", 403),
                                          ("dana", 403)])
def test_who_adds_a_partner(api_client, name, status):
    response = api_client(name).post(f"{API}/partners", json.dumps(
        {"name": f"Happy Childhood {name}", "type": "24"}), content_type="application/json")
    assert response.status_code == status


def test_a_name_already_taken_is_refused(api_client):
    response = api_client("emre").post(f"{API}/partners", json.dumps({"name": "KN"}),
                                       content_type="application/json")
    assert response.status_code == 422
    assert "Kirkens Nødhjelp" in response.json()["fields"]["name"][0]


def test_portfolio_iati_for_a_donor_holds_only_what_it_funds(api_client, project_a,
                                                             project_b):
    content = api_client("dana").get(f"{API}/iati.xml").content
    assert b"Vatra shelter" in content and b"Kyrgyz hotline" not in content


def test_options_that_are_not_valid_answer_400_naming_the_field(api_client):
    upload = SimpleUploadedFile(SEED_LIST.name, SEED_LIST.read_bytes())
    response = api_client("emre").post(f"{API}/imports/funding_list?currency=KRONER",
                                       {"file": upload})
    assert response.status_code == 400 and "currency" in response.json()["fields"]

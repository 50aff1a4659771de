"""Who may use the exchange pages and endpoints, and what they see."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from palermo.exchange.models import ImportBatch
from tests.exchange.conftest import counts, csv_bytes

GOOD = csv_bytes("prs_FirstName,prs_Gender", "Ana,Feminine", "Bea,Sometimes")


def _upload(content=GOOD, name="f.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_supervisor_checks_then_confirms_an_import(browser):
    client = browser("fatima")
    page = client.get(reverse("web:exchange_import"))
    assert page.status_code == 200 and b"template.xlsx" in page.content
    checked = client.post(reverse("web:exchange_import"),
                          {"layout": "htcds", "file": _upload()}, follow=True)
    assert checked.status_code == 200 and checked.redirect_chain[0][0].startswith("/jobs/")
    assert b"prs_Gender" in checked.content and b"not one of the allowed" in checked.content
    assert b"Sometimes" not in checked.content  # no cell is repeated (issue 13)
    assert counts() == (0, 0, 0, 0)
    batch = ImportBatch.objects.get(status="checked")
    done = client.post(reverse("web:exchange_import_confirm", args=[batch.pk]),
                       {"quarantine": "on"}, follow=True)
    assert done.status_code == 200 and counts()[0] == 1
    assert b"Imported 1 of 2 rows; 1 rows in quarantine." in done.content
    again = client.post(reverse("web:exchange_import_confirm", args=[batch.pk]))
    assert again.status_code == 409


@pytest.mark.parametrize("name", ["amina", "emre", "chen", "dana", "root"])
def test_bulk_import_page_refused_to_other_roles(browser, name):
    client = browser(name)
    assert client.get(reverse("web:exchange_import")).status_code == 403
    assert client.post(reverse("web:exchange_import"),
                       {"layout": "htcds", "file": _upload()}).status_code == 403
    assert client.get(reverse("web:exchange_template", args=["csv"])).status_code == 403
    assert counts() == (0, 0, 0, 0)


def test_another_organisations_checked_file_is_not_found(browser, cast):
    from palermo.core.models import Membership, Role

    browser("fatima").post(reverse("web:exchange_import"),
                           {"layout": "htcds", "file": _upload()})
    batch = ImportBatch.objects.get()
    # boris, a confirmed supervisor of NGO B (a role change alone would await confirmation)
    Membership.objects.filter(pk=cast.boris.pk).update(role=Role.SUPERVISOR,
                                                       confirmed_role=Role.SUPERVISOR)
    response = browser("boris").post(reverse("web:exchange_import_confirm", args=[batch.pk]))
    assert response.status_code == 404 and counts() == (0, 0, 0, 0)


def test_template_download(browser):
    response = browser("fatima").get(reverse("web:exchange_template", args=["xlsx"]))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_export_page_by_role(browser, case_a):
    assert b"HTCDS" in browser("fatima").get(reverse("web:exchange_export")).content
    chen = browser("chen").get(reverse("web:exchange_export"))
    assert chen.status_code == 200 and b"name=\"what\" value=\"htcds\"" not in chen.content
    for name in ("amina", "emre", "dana", "root"):
        assert browser(name).get(reverse("web:exchange_export")).status_code == 403
    refused = browser("chen").post(reverse("web:exchange_export"), {
        "what": "htcds", "htcds-format": "csv", "htcds-passphrase": "long enough words"})
    assert refused.status_code == 403


def test_sealed_download_from_the_export_page(browser, case_a):
    response = browser("fatima").post(reverse("web:exchange_export"), {
        "what": "htcds", "htcds-format": "csv", "htcds-passphrase": "long enough words"})
    assert response.status_code == 200
    assert response.content.startswith(b"PALERMO-SEALED-1") and b"Adaeze" not in \
        response.content


def test_core_indicator_page(browser):
    response = browser("emre").post(reverse("web:exchange_indicators"), {
        "file": _upload(csv_bytes("period,sex,age_band,exploitation_type,persons",
                                  "2025,female,9--17,ForcedBegging,many"))})
    assert response.status_code == 422 and b"persons" in response.content
    for name in ("amina", "chen", "dana", "root"):
        assert browser(name).get(reverse("web:exchange_indicators")).status_code == 403


def test_import_endpoint(api_client):
    client = api_client("fatima")
    response = client.post("/api/exchange/imports/htcds?dry_run=true", {"file": _upload()})
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] == 1 and body["problems"][0]["field"] == "prs_Gender"
    assert counts() == (0, 0, 0, 0)
    response = client.post("/api/exchange/imports/htcds?dry_run=false", {"file": _upload()})
    assert response.status_code == 422 and counts() == (0, 0, 0, 0)
    for name in ("amina", "chen", "dana"):
        refused = api_client(name).post("/api/exchange/imports/htcds", {"file": _upload()})
        assert refused.status_code == 403


def test_core_indicator_endpoints(api_client, case_a):
    rows = {"rows": [{"period": "2026", "sex": "male", "age_band": "30--38",
                      "exploitation_type": "ForcedLabour", "persons": 25}]}
    created = api_client("emre").post("/api/exchange/core-indicators", rows,
                                      content_type="application/json")
    assert created.status_code == 201 and created.json()["rows"] == 1
    bad = api_client("emre").post("/api/exchange/core-indicators",
                                  {"rows": [{"period": "soon"}]},
                                  content_type="application/json")
    assert bad.status_code == 422 and bad.json()["problems"][0]["row"] == 1
    assert api_client("amina").post("/api/exchange/core-indicators", rows,
                                    content_type="application/json").status_code == 403
    published = api_client("chen").get("/api/exchange/core-indicators?by=sex")
    assert published.status_code == 200
    assert {"period": "2026", "sex": "female", "persons": None} in published.json()
    assert api_client("dana").get("/api/exchange/core-indicators").status_code == 403

"""Receipts of the entitlement ledger through the API: multipart upload, encrypted at rest,
download logged — and refused to those who may not see the case."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from palermo.cases import returns
from palermo.cases.models import Disbursement
from palermo.core.models import AccessLog, Country

RECEIPT = b"\x89PNG receipt: tools for Adaeze Okafor"


@pytest.fixture
def payment(cast, case_a) -> Disbursement:
    journey = returns.start(cast.amina, case_a, Country.objects.get(pk="NGA"),
                            budget=Decimal("500"))
    return returns.disburse(cast.amina, journey, amount=Decimal("120"), kind="in_kind",
                            purpose="Tools")


def url(item: Disbursement) -> str:
    return f"/api/returns/{item.journey_id}/disbursements/{item.pk}/receipt"


def test_upload_then_download(api_client, cast, payment):
    amina = api_client("amina")
    assert amina.get(url(payment)).status_code == 404  # none yet
    uploaded = amina.post(url(payment), {"file": SimpleUploadedFile("tools.png", RECEIPT)})
    assert uploaded.status_code == 200
    assert uploaded.json()["receipt_name"] == "tools.png"
    with connection.cursor() as cursor:
        cursor.execute("SELECT receipt FROM cases_disbursement WHERE id = %s", [payment.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1.") and "Okafor" not in stored

    for name in ("amina", "fatima"):
        response = api_client(name).get(url(payment))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == RECEIPT
        assert response["Content-Type"] == "image/png"
    assert AccessLog.objects.filter(record_type="cases.disbursement", action="receipt",
                                    channel="api").count() == 2


def test_empty_or_missing_file_is_refused(api_client, payment):
    amina = api_client("amina")
    empty = amina.post(url(payment), {"file": SimpleUploadedFile("r.pdf", b"")})
    assert empty.status_code == 422 and "receipt" in empty.json()["fields"]
    assert amina.post(url(payment), {}).status_code == 422
    payment.refresh_from_db()
    assert not payment.receipt_name


def test_a_payment_of_another_return_is_not_found(api_client, cast, payment, person_a):
    from palermo.cases.casework import open_case

    other = returns.start(cast.amina, open_case(cast.amina, person_a),
                          Country.objects.get(pk="NGA"))
    wrong = f"/api/returns/{other.pk}/disbursements/{payment.pk}/receipt"
    assert api_client("amina").get(wrong).status_code == 404


@pytest.mark.parametrize("name, status", [("boris", 404), ("emre", 403), ("chen", 403),
                                          ("dana", 403), ("root", 403)])
def test_outsiders_get_no_receipt(api_client, cast, payment, name, status):
    returns.attach_receipt(cast.amina, payment, "tools.png", RECEIPT)
    client = api_client(name)
    assert client.get(url(payment)).status_code == status
    assert client.post(url(payment), {"file": SimpleUploadedFile("x.png", b"x")}
                       ).status_code == status
    payment.refresh_from_db()
    assert payment.receipt_name == "tools.png"
    assert not AccessLog.objects.filter(record_type="cases.disbursement").exists()


def test_disbursements_say_whether_they_have_a_receipt(api_client, payment):
    created = api_client("amina").post(
        f"/api/returns/{payment.journey_id}/disbursements",
        {"amount": 10, "kind": "cash", "purpose": "Bus"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["receipt_name"] == ""

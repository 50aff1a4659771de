"""Referral endpoints under the policy: sender, receiver, outsiders."""

from __future__ import annotations

import pytest

from palermo.cases.assistance import record_consent
from palermo.cases.models import Referral

JSON = {"content_type": "application/json"}


@pytest.fixture
def case_a(cast, person_a):
    from palermo.cases.casework import open_case

    return open_case(cast.amina, person_a)


def test_referral_round_trip(api_client, cast, case_a, person_a):
    """NGO A refers to NGO B with consent; boris accepts and then sees the person."""
    record_consent(cast.amina, case_a, kind="data_processing", decision="given")
    record_consent(cast.amina, case_a, kind="sharing", organisation=cast.ngo_b,
                   decision="given")
    amina, boris = api_client("amina"), api_client("boris")
    assert boris.get(f"/api/persons/{person_a.pk}").status_code == 404
    sent = amina.post(f"/api/cases/{case_a.pk}/referrals", {
        "to_organisation_id": cast.ngo_b.pk, "reason": "MigrationOrChangeOfLocation",
        "requested_services": ["shelter"]}, **JSON)
    assert sent.status_code == 201
    waiting = boris.get("/api/referrals/incoming").json()
    assert [r["id"] for r in waiting] == [sent.json()["id"]]
    assert amina.post(f"/api/referrals/{sent.json()['id']}/accept", {},
                      **JSON).status_code == 403
    accepted = boris.post(f"/api/referrals/{sent.json()['id']}/accept", {}, **JSON)
    assert accepted.status_code == 200 and accepted.json()["shares_identity"]
    assert boris.get(f"/api/persons/{person_a.pk}").json()["given_name"] == "Adaeze"
    assert boris.patch(f"/api/cases/{case_a.pk}", {"version": 1, "exploitation_months": 2},
                       **JSON).status_code == 403


@pytest.mark.parametrize("name, status", [("boris", 404), ("dana", 403), ("chen", 403)])
def test_outsiders_cannot_refer(api_client, cast, case_a, name, status):
    response = api_client(name).post(f"/api/cases/{case_a.pk}/referrals", {
        "to_organisation_id": cast.mission.pk, "reason": "Other"}, **JSON)
    assert response.status_code == status
    assert not Referral.objects.exists()


def test_unknown_target_and_bad_reason_are_named(api_client, case_a):
    amina = api_client("amina")
    missing = amina.post(f"/api/cases/{case_a.pk}/referrals", {
        "to_organisation_id": 999999, "reason": "Other"}, **JSON)
    assert missing.status_code == 422 and "to_organisation_id" in missing.json()["fields"]


def test_third_organisation_sees_no_referral(api_client, cast, case_a):
    from palermo.cases import referrals

    referral = referrals.send(cast.amina, case_a, cast.ngo_b, reason="Other")
    # amina acting for the Mission is a third organisation
    from django.test import Client

    from palermo.core.models import ApiToken

    _t, raw = ApiToken.issue(cast.amina_mission, "mission")
    mission = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert mission.get("/api/referrals/incoming").json() == []
    assert mission.post(f"/api/referrals/{referral.pk}/accept", {},
                        **JSON).status_code == 404

"""Return endpoints under the policy."""

from __future__ import annotations

import pytest

JSON = {"content_type": "application/json"}


def test_return_through_the_api(api_client, case_a):
    amina, fatima = api_client("amina"), api_client("fatima")
    started = amina.post(f"/api/cases/{case_a.pk}/return",
                         {"country_id": "NGA", "budget": 1000, "currency": "EUR"}, **JSON)
    assert started.status_code == 201
    rid = started.json()["id"]
    skipped = amina.post(f"/api/returns/{rid}/advance", {"step": "travelling"}, **JSON)
    assert skipped.status_code == 422 and "step" in skipped.json()["fields"]
    amina.post(f"/api/returns/{rid}/advance", {"step": "registered"}, **JSON)
    missing = amina.post(f"/api/returns/{rid}/advance", {"step": "safety_assessed"}, **JSON)
    assert missing.status_code == 422 and "safety" in missing.json()["fields"]
    ok = amina.post(f"/api/returns/{rid}/advance", {"step": "safety_assessed",
                                                    "safety": "safe"}, **JSON)
    assert ok.json()["step"] == "safety_assessed"
    paid = amina.post(f"/api/returns/{rid}/disbursements",
                      {"amount": 900, "kind": "cash", "purpose": "Rent"}, **JSON)
    assert paid.status_code == 201
    assert amina.post(f"/api/returns/{rid}/disbursements",
                      {"amount": 200, "kind": "cash", "purpose": "Tools"},
                      **JSON).status_code == 403
    over = fatima.post(f"/api/returns/{rid}/disbursements",
                       {"amount": 200, "kind": "cash", "purpose": "Tools",
                        "override_reason": "Agreed at review"}, **JSON)
    assert over.status_code == 201
    assert amina.get(f"/api/returns/{rid}").json()["balance"] == -100


@pytest.mark.parametrize("name, status", [("boris", 404), ("dana", 403), ("chen", 403)])
def test_outsiders_get_nothing(api_client, case_a, name, status):
    from palermo.cases import returns
    from palermo.core.models import Country

    journey = returns.start(case_a.assigned_to.memberships.get(organisation=case_a.organisation),
                            case_a, Country.objects.get(pk="NGA"))
    assert api_client(name).get(f"/api/returns/{journey.pk}").status_code == status
    assert api_client(name).post(f"/api/cases/{case_a.pk}/return", {"country_id": "NGA"},
                                 **JSON).status_code == status

"""Case endpoints: the policy on every one, conflicts, field-named errors."""

from __future__ import annotations

import pytest

from palermo.cases.models import Case, CaseFact
from palermo.core.models import AccessLog

REFUSAL = {"boris": 404, "emre": 403, "chen": 403, "dana": 403, "root": 403}
JSON = {"content_type": "application/json"}


@pytest.fixture
def case_a(cast, person_a):
    from palermo.cases.casework import open_case

    return open_case(cast.amina, person_a, exploitation_types=["ForcedLabour"],
                     origin_country_id="NGA")


@pytest.mark.parametrize("name", ["amina", "fatima", *REFUSAL])
def test_get_case(api_client, case_a, name):
    response = api_client(name).get(f"/api/cases/{case_a.pk}")
    assert response.status_code == REFUSAL.get(name, 200)
    if response.status_code == 200:
        assert response.json()["number"] == case_a.number
        assert AccessLog.objects.get().channel == "api"
    else:
        assert not AccessLog.objects.exists()


@pytest.mark.parametrize("name, count", [("amina", 1), ("fatima", 1), ("boris", 0)])
def test_list_cases(api_client, case_a, name, count):
    body = api_client(name).get("/api/cases").json()
    assert body["count"] == count
    if count:
        assert "person" not in body["items"][0] and body["items"][0]["number"] == case_a.number


@pytest.mark.parametrize("name", ["emre", "chen", "dana", "root"])
def test_list_cases_refused(api_client, case_a, name):
    assert api_client(name).get("/api/cases").status_code == 403


@pytest.mark.parametrize("name, status", [("amina", 201), ("fatima", 201), ("boris", 404),
                                          ("dana", 403)])
def test_open_case(api_client, person_a, name, status):
    response = api_client(name).post("/api/cases", {
        "person_id": person_a.pk, "exploitation_types": ["SexualExploitation"],
        "exploitation_countries": ["ITA"], "trafficking_status": None}, **JSON)
    assert response.status_code == status
    assert Case.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert CaseFact.objects.get().destination_country == "ITA"


def test_open_case_names_the_bad_field(api_client, person_a):
    response = api_client("amina").post("/api/cases", {
        "person_id": person_a.pk, "means_of_control": ["Hypnosis"]}, **JSON)
    assert response.status_code == 422
    assert "means_of_control" in response.json()["fields"]
    assert not Case.objects.exists()


def test_change_case_and_conflict(api_client, case_a):
    amina, fatima = api_client("amina"), api_client("fatima")
    first = amina.patch(f"/api/cases/{case_a.pk}", {"version": 1, "exploitation_months": 6},
                        **JSON)
    assert first.status_code == 200 and first.json()["version"] == 2
    late = fatima.patch(f"/api/cases/{case_a.pk}", {"version": 1, "exploitation_months": 9},
                        **JSON)
    assert late.status_code == 409
    assert late.json()["current"]["exploitation_months"] == 6
    again = fatima.patch(f"/api/cases/{case_a.pk}", {"version": 2, "exploitation_months": 9,
                                                     "reason": "Checked with amina"}, **JSON)
    assert again.status_code == 200
    history = fatima.get(f"/api/cases/{case_a.pk}/history").json()
    assert any(c["field"] == "exploitation_months" and c["reason"] == "Checked with amina"
               for c in history)


@pytest.mark.parametrize("name", ["boris", "dana"])
def test_change_case_refused(api_client, case_a, name):
    response = api_client(name).patch(f"/api/cases/{case_a.pk}",
                                      {"version": 1, "exploitation_months": 1}, **JSON)
    assert response.status_code == REFUSAL[name]
    assert Case.objects.get().version == 1


def test_notes_and_events(api_client, case_a):
    amina = api_client("amina")
    note = amina.post(f"/api/cases/{case_a.pk}/notes", {"text": "Called the shelter"}, **JSON)
    assert note.status_code == 201 and note.json()["author"] == "amina"
    assert [n["text"] for n in amina.get(f"/api/cases/{case_a.pk}/notes").json()] == [
        "Called the shelter"]
    event = amina.post(f"/api/cases/{case_a.pk}/events", {
        "type": "Exploitation", "country_id": "ITA", "place": "Castel Volturno"}, **JSON)
    assert event.status_code == 201
    bad = amina.post(f"/api/cases/{case_a.pk}/events", {"type": "Holiday"}, **JSON)
    assert bad.status_code == 422 and "type" in bad.json()["fields"]
    assert api_client("boris").post(f"/api/cases/{case_a.pk}/notes", {"text": "x"},
                                    **JSON).status_code == 404


def test_consents_and_services(api_client, case_a, cast):
    amina = api_client("amina")
    refused = amina.post(f"/api/cases/{case_a.pk}/services", {"type": "medical", "cost": 40},
                         **JSON)
    assert refused.status_code == 422 and "currency" in refused.json()["fields"]
    made = amina.post(f"/api/cases/{case_a.pk}/services",
                      {"type": "medical", "cost": 40.5, "currency": "EUR"}, **JSON)
    assert made.status_code == 201 and made.json()["provider_id"] == cast.ngo_a.pk
    consent = amina.post(f"/api/cases/{case_a.pk}/consents", {
        "kind": "sharing", "decision": "given", "organisation_id": cast.mission.pk}, **JSON)
    assert consent.status_code == 201
    assert [c["kind"] for c in amina.get(f"/api/cases/{case_a.pk}/consents").json()] == [
        "sharing"]
    assert api_client("boris").get(f"/api/cases/{case_a.pk}/services").status_code == 404
    assert api_client("dana").post(f"/api/cases/{case_a.pk}/consents", {
        "kind": "assistance", "decision": "given"}, **JSON).status_code == 403


def test_follow_ups(api_client, case_a, cast):
    amina = api_client("amina")
    closed = amina.patch(f"/api/cases/{case_a.pk}", {
        "version": 1, "status": "Closed", "closure_reason": "Returned"}, **JSON)
    assert closed.status_code == 200
    scheduled = amina.get(f"/api/cases/{case_a.pk}/follow-ups").json()
    assert [f["months_after"] for f in scheduled] == [3, 6, 12]
    late = amina.post(f"/api/cases/{case_a.pk}/follow-ups", {"due_on": "2025-01-01"}, **JSON)
    assert late.status_code == 201
    assert [f["id"] for f in amina.get("/api/follow-ups/overdue").json()] == [late.json()["id"]]
    assert api_client("boris").get("/api/follow-ups/overdue").json() == []
    assert api_client("dana").get("/api/follow-ups/overdue").status_code == 403
    done = amina.patch(f"/api/follow-ups/{late.json()['id']}", {
        "status": "done", "safety": "safe", "retrafficked": "DeclinedToAnswer"}, **JSON)
    assert done.status_code == 200 and done.json()["retrafficked"] == "DeclinedToAnswer"
    bad = amina.patch(f"/api/follow-ups/{late.json()['id']}", {"status": "done",
                                                               "health": "splendid"}, **JSON)
    assert bad.status_code == 422 and "health" in bad.json()["fields"]
    assert api_client("boris").patch(f"/api/follow-ups/{late.json()['id']}",
                                     {"status": "done"}, **JSON).status_code == 404

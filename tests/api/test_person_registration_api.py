"""Registering and correcting persons through the API: the duplicate check, citizenships and
languages as codes, and who may."""

from __future__ import annotations

import json

import pytest

from palermo.cases.models import Person

ADAEZE = {"given_name": "Adaeze", "family_name": "Okafor", "birth_date": "2001-05-17"}


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_register_round_trips_citizenships_and_languages(api_client, cast):
    client = api_client("amina")
    response = _post(client, "/api/persons", {
        "given_name": "Joy", "family_name": "Osagie", "gender": "Feminine",
        "citizenships": ["NGA", "GHA"], "languages": ["eng", "pcm"]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["citizenship_id"], body["citizenships"], body["languages"]) == (
        "NGA", ["NGA", "GHA"], ["eng", "pcm"])
    stored = Person.objects.values("citizenship_id", "other_citizenships", "languages").get()
    assert stored == {"citizenship_id": "NGA", "other_citizenships": ["GHA"],
                      "languages": ["eng", "pcm"]}
    read = client.get(f"/api/persons/{body['id']}").json()
    assert read["citizenships"] == ["NGA", "GHA"] and read["languages"] == ["eng", "pcm"]


def test_a_possible_duplicate_is_409_until_declared_different(api_client, person_a):
    client = api_client("amina")
    stopped = _post(client, "/api/persons", ADAEZE)
    assert stopped.status_code == 409
    (candidate,) = stopped.json()["candidates"]
    assert candidate["person"]["id"] == person_a.pk and candidate["strong"]
    assert Person.objects.count() == 1
    saved = _post(client, "/api/persons", {**ADAEZE, "different_from": [person_a.pk]})
    assert saved.status_code == 201 and Person.objects.count() == 2


def test_boris_registers_without_seeing_ngo_a(api_client, person_a):
    response = _post(api_client("boris"), "/api/persons", ADAEZE)
    assert response.status_code == 201
    assert "candidates" not in response.json()


def test_bad_codes_are_422_naming_the_field(api_client):
    response = _post(api_client("amina"), "/api/persons", {
        "given_name": "Joy", "citizenships": ["NGA", "XXX"], "languages": ["xx"]})
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"other_citizenships", "languages"}
    assert not Person.objects.exists()


@pytest.mark.parametrize("name", ["emre", "chen", "dana", "root"])
def test_register_refused_without_case_access(api_client, name):
    response = _post(api_client(name), "/api/persons", {"given_name": "Joy"})
    assert response.status_code == 403 and not Person.objects.exists()


def test_correct_changes_only_the_fields_sent(api_client, person_a):
    client = api_client("fatima")
    response = _patch(client, f"/api/persons/{person_a.pk}", {
        "languages": ["eng", "yor"], "citizenships": ["NGA", "ITA"], "reason": "Intake"})
    assert response.status_code == 200, response.content
    person_a.refresh_from_db()
    assert person_a.languages == ["eng", "yor"] and person_a.citizenships == ["NGA", "ITA"]
    assert person_a.given_name == "Adaeze" and person_a.phone == "+234 801 555 0101"
    history = client.get(f"/api/persons/{person_a.pk}/history").json()
    change = next(c for c in history if c["field"] == "languages")
    assert (change["new"], change["reason"]) == ("English, Yoruba", "Intake")


@pytest.mark.parametrize("name, status", [("boris", 404), ("emre", 403), ("dana", 403),
                                          ("root", 403)])
def test_correct_refused(api_client, person_a, name, status):
    response = _patch(api_client(name), f"/api/persons/{person_a.pk}", {"languages": ["eng"]})
    assert response.status_code == status
    person_a.refresh_from_db()
    assert person_a.languages == []


def test_openapi_documents_the_codes(api_client):
    schema = api_client("amina").get("/api/openapi.json").json()
    person_in = schema["components"]["schemas"]["PersonIn"]["properties"]
    assert "ISO 3166-1 alpha-3" in json.dumps(person_in["citizenships"])
    assert "ISO 639-3" in json.dumps(person_in["languages"])

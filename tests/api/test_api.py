"""The API: health, token authentication, and the access policy on every endpoint."""

from __future__ import annotations

import pytest
from django.test import Client

from palermo.core.models import AccessLog, ApiToken


def test_health_needs_no_token(db):
    response = Client().get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_openapi_describes_the_endpoints(db):
    spec = Client().get("/api/openapi.json").json()
    assert spec["info"]["title"] == "Palermo API"
    assert {"/api/health", "/api/me", "/api/persons", "/api/persons/search",
            "/api/persons/{person_id}",
            "/api/persons/{person_id}/history"} <= set(spec["paths"])


@pytest.mark.parametrize("header", ["", "Bearer ", "Bearer plm_not-a-token", "Token abc"])
def test_missing_or_unknown_token_is_refused(cast, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    assert client.get("/api/me").status_code == 401


def test_token_acts_for_its_membership(api_client):
    body = api_client("amina").get("/api/me").json()
    assert body == {"username": "amina", "acting_for": {
        "organisation_id": body["acting_for"]["organisation_id"], "organisation": "NGO A",
        "role": "caseworker"}}


def test_revoked_token_stops_working(cast):
    token, raw = ApiToken.issue(cast.amina, "script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/me").status_code == 200
    token.revoke()
    assert client.get("/api/me").status_code == 401


def test_token_of_deactivated_membership_stops_working(cast):
    _token, raw = ApiToken.issue(cast.boris, "script")
    cast.boris.active = False
    cast.boris.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/me").status_code == 401


def test_token_is_stored_as_a_digest_only(cast):
    token, raw = ApiToken.issue(cast.amina, "script")
    stored = ApiToken.objects.values_list("prefix", "digest").get()
    assert raw not in stored and stored[0] == raw[4:12]
    assert ApiToken.authenticate(raw) == token
    assert ApiToken.objects.get().last_used is not None


@pytest.mark.parametrize("name, status, count", [
    ("amina", 200, 1), ("fatima", 200, 1), ("boris", 200, 1), ("emre", 403, None),
    ("chen", 403, None), ("dana", 403, None), ("root", 403, None)])
def test_list_persons(api_client, person_a, person_b, name, status, count):
    response = api_client(name).get("/api/persons")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["count"] == count
        assert "given_name" not in body["items"][0]  # lists carry no identity fields
        mine = {"boris": person_b}.get(name, person_a)
        assert body["items"][0]["id"] == mine.pk


@pytest.mark.parametrize("name, found", [("amina", 1), ("fatima", 1), ("boris", 0)])
def test_search_persons_exactly(api_client, person_a, name, found):
    client = api_client(name)
    response = client.post("/api/persons/search", {"q": "adaeze  OKAFOR"},
                           content_type="application/json")
    assert len(response.json()) == found
    if found:
        assert response.json()[0]["id"] == person_a.pk
    assert client.post("/api/persons/search", {"q": "adaeze"},
                       content_type="application/json").json() == []


@pytest.mark.parametrize("name", ["emre", "chen", "dana", "root"])
def test_search_persons_refused_for_roles_without_identities(api_client, person_a, name):
    response = api_client(name).post("/api/persons/search", {"q": "Adaeze Okafor"},
                                     content_type="application/json")
    assert response.status_code == 403


def test_search_rejects_a_missing_query_clearly(api_client):
    response = api_client("amina").post("/api/persons/search", {},
                                        content_type="application/json")
    assert response.status_code == 422
    # One shape for every refused value (docs/api.md, Errors), naming the field.
    assert response.json() == {"detail": "invalid", "fields": {"q": ["Field required"]}}


@pytest.mark.parametrize("name, status", [
    ("amina", 200), ("fatima", 200), ("boris", 404), ("emre", 403), ("chen", 403),
    ("dana", 403), ("root", 403)])
def test_get_person(api_client, person_a, name, status):
    response = api_client(name).get(f"/api/persons/{person_a.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert (body["given_name"], body["birth_date"], body["identity_number"]) == (
            "Adaeze", "2001-05-17", "A12345678")
        entry = AccessLog.objects.get()
        assert (entry.channel, entry.user.username, entry.record_id) == (
            "api", name, str(person_a.pk))
    else:
        assert "Adaeze" not in response.text
        assert not AccessLog.objects.exists()


@pytest.mark.parametrize("name, status", [("amina", 200), ("boris", 404), ("dana", 403)])
def test_person_history(api_client, person_a, cast, name, status):
    from palermo.cases.services import update_person

    update_person(cast.fatima, person_a, phone="+234 801 555 0199", reason="New phone")
    response = api_client(name).get(f"/api/persons/{person_a.pk}/history")
    assert response.status_code == status
    if status == 200:
        change = next(c for c in response.json() if c["field"] == "phone"
                      and c["action"] == "changed")
        assert (change["old"], change["new"], change["by"], change["reason"]) == (
            "+234 801 555 0101", "+234 801 555 0199", "fatima", "New phone")


def test_person_without_birth_date_is_served(api_client, cast):
    from palermo.cases.services import register_person

    person = register_person(cast.amina, given_name="Joy", birth_date="")
    body = api_client("amina").get(f"/api/persons/{person.pk}").json()
    assert (body["given_name"], body["birth_date"]) == ("Joy", None)


@pytest.mark.parametrize("name, found", [("amina", 1), ("boris", 0)])
def test_duplicate_candidates(api_client, person_a, name, found):
    response = api_client(name).post("/api/persons/duplicates", {
        "given_name": "adaeze", "family_name": "OKAFOR", "birth_date": "2001-05-17"},
        content_type="application/json")
    assert len(response.json()) == found
    if found:
        assert response.json()[0]["strong"] is True


def test_duplicate_search_refused_without_identity_access(api_client, person_a):
    assert api_client("dana").post("/api/persons/duplicates", {"given_name": "Adaeze"},
                                   content_type="application/json").status_code == 403


def test_merge_persons(api_client, cast, person_a, person_b):
    from palermo.cases.services import register_person

    twin = register_person(cast.amina, given_name="Adaeze", family_name="Okafor")
    amina = api_client("amina")
    missing_reason = amina.post(f"/api/persons/{person_a.pk}/merge",
                                {"duplicate_id": twin.pk, "reason": ""},
                                content_type="application/json")
    assert missing_reason.status_code == 422 and "reason" in missing_reason.json()["fields"]
    assert amina.post(f"/api/persons/{person_a.pk}/merge",
                      {"duplicate_id": person_b.pk, "reason": "x"},
                      content_type="application/json").status_code == 404
    done = amina.post(f"/api/persons/{person_a.pk}/merge",
                      {"duplicate_id": twin.pk, "reason": "Same passport"},
                      content_type="application/json")
    assert done.status_code == 200
    assert amina.get("/api/persons").json()["count"] == 1


def test_erase_and_export_persons(api_client, person_a):
    exported = api_client("amina").get(f"/api/persons/{person_a.pk}/export")
    assert exported.status_code == 200 and "Adaeze" in exported.content.decode()
    assert exported["Content-Disposition"].endswith(f'{person_a.reference}.json"')
    assert api_client("boris").get(f"/api/persons/{person_a.pk}/export").status_code == 404
    assert api_client("amina").post(f"/api/persons/{person_a.pk}/erase", {"reason": "asked"},
                                    content_type="application/json").status_code == 403
    missing = api_client("fatima").post(f"/api/persons/{person_a.pk}/erase", {},
                                        content_type="application/json")
    assert missing.status_code == 422
    done = api_client("fatima").post(f"/api/persons/{person_a.pk}/erase",
                                     {"reason": "Asked in writing"},
                                     content_type="application/json")
    assert done.status_code == 200
    assert api_client("fatima").get(f"/api/persons/{person_a.pk}").json()["given_name"] == ""

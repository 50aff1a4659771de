"""Numbers the database cannot hold are refused with 422 naming the parameter, never a 500:
record ids, ``limit`` and ``offset`` (found by fuzzing: OverflowError and "datatype
mismatch" on SQLite, "out of range" on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from palermo.api.schemas import MAX_ID
from palermo.cases.casework import open_case

HUGE = 2**70


@pytest.mark.parametrize("url, named", [
    (f"/api/cases/{HUGE}", "case_id"),
    (f"/api/persons/{HUGE}", "person_id"),
    (f"/api/persons/{MAX_ID + 1}/history", "person_id"),
    (f"/api/returns/{HUGE}", "return_id"),
    # The one that answered 500: the return id is looked up through the payment's key.
    (f"/api/returns/{HUGE}/disbursements/1/receipt", "return_id"),
    (f"/api/returns/1/disbursements/{HUGE}/receipt", "disbursement_id"),
    (f"/api/forms/screening/submissions/{HUGE}", "pk"),
    ("/api/forms/screening?version=-1", "version"),
    (f"/api/cases?limit={HUGE}", "limit"),
    ("/api/cases?limit=1001", "limit"),
    (f"/api/cases?offset={HUGE}", "offset"),
    (f"/api/persons?offset={MAX_ID + 1}", "offset"),
    ("/api/persons?offset=-1", "offset"),
])
@pytest.mark.parametrize("name", ["amina", "fatima", "boris", "chen", "dana"])
def test_out_of_range_numbers_are_refused_naming_the_parameter(api_client, case_a, url,
                                                                named, name):
    response = api_client(name).get(url)
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == "invalid" and named in response.json()["fields"]


@pytest.mark.parametrize("url", ["/api/cases/9223372036854775807", "/api/persons/1/history",
                                 "/api/cases?limit=1000&offset=9223372036854775807"])
def test_the_largest_numbers_the_database_holds_are_looked_up(api_client, case_a, url):
    response = api_client("boris").get(url)
    assert response.status_code in (200, 404), response.content  # boris sees no NGO A record


def test_a_huge_id_in_a_body_is_refused_naming_it(api_client, case_a):
    response = api_client("amina").post("/api/cases", {"person_id": HUGE},
                                        content_type="application/json")
    assert response.status_code == 422
    assert "person_id" in response.json()["fields"]


def test_opening_a_case_with_a_null_date_is_refused_naming_it(api_client, case_a):
    client = api_client("amina")
    refused = client.post("/api/cases", {"person_id": case_a.person_id, "opened_on": None},
                          content_type="application/json")
    assert refused.status_code == 422 and "opened_on" in refused.json()["fields"]
    assert case_a.person.cases.count() == 1  # nothing written
    opened = client.post("/api/cases", {"person_id": case_a.person_id},
                         content_type="application/json")
    assert opened.status_code == 201
    assert opened.json()["opened_on"] == dt.date.today().isoformat()


def test_the_domain_refuses_a_case_without_an_opening_date(cast, person_a):
    with pytest.raises(ValidationError) as refused:
        open_case(cast.amina, person_a, opened_on="")
    assert "opened_on" in refused.value.message_dict


def test_an_unbounded_number_reaching_the_database_is_a_422_and_one_log_line(
        api_client, case_a, monkeypatch, caplog):
    """The safety net behind the schema bounds: OverflowError (SQLite) and DataError
    (PostgreSQL) answer 422, logged on one line that names the endpoint, not the value."""
    def overflow(*args, **kwargs):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr("palermo.api.cases.casework.add_note", overflow)
    with caplog.at_level(logging.WARNING, logger="palermo.api"):
        response = api_client("amina").post(f"/api/cases/{case_a.pk}/notes",
                                            {"text": "x"}, content_type="application/json")
    assert response.status_code == 422 and "__all__" in response.json()["fields"]
    lines = [r for r in caplog.records if r.name == "palermo.api"]
    assert len(lines) == 1 and f"/api/cases/{case_a.pk}/notes" in lines[0].getMessage()
    assert lines[0].exc_info is None


def _integers(node, path=()):
    """Every integer in a JSON schema, with where it is."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            yield path, node
        for key, value in node.items():
            yield from _integers(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _integers(value, (*path, i))


def test_every_id_and_paging_parameter_is_bounded_to_the_database(db):
    """A new endpoint with an ``int`` id or page parameter instead of ``RecordId`` /
    ``Paging`` fails here (docs/api.md, Limits)."""
    spec = Client().get("/api/openapi.json").json()
    unbounded = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                for _where, node in _integers(parameter["schema"]):
                    if node.get("maximum", HUGE) > MAX_ID:
                        unbounded.append(f"{method.upper()} {path} {parameter['name']}")
    for name, component in spec["components"]["schemas"].items():
        if not name.endswith(("In", "Change", "Record", "Start")):
            continue  # answers: what Palermo sends back
        for where, node in _integers(component):
            field = next((p for p in reversed(where) if isinstance(p, str)
                          and p not in ("properties", "anyOf", "items")), "")
            if (field == "id" or field.endswith("_id")) and node.get("maximum", HUGE) > MAX_ID:
                unbounded.append(f"{name}.{field}")
    assert unbounded == []

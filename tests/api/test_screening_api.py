"""Screening endpoints: caseworker records, supervisor reviews, others are refused."""

from __future__ import annotations

import pytest

JSON = {"content_type": "application/json"}
ANSWERS = {"recruitment": "yes", "deception": "declined", "forced_labour": "yes"}


def test_record_and_approve(api_client, case_a):
    amina, fatima = api_client("amina"), api_client("fatima")
    made = amina.post(f"/api/cases/{case_a.pk}/screenings", {
        "answers": ANSWERS, "age": 29, "decision": "possible_victim"}, **JSON)
    assert made.status_code == 201
    body = made.json()
    assert body["recommendation"] == "possible_victim"
    assert any("declined to answer about deception" in r for r in body["reasons"])
    assert [s["id"] for s in fatima.get("/api/screenings/pending").json()] == [body["id"]]
    assert amina.post(f"/api/screenings/{body['id']}/approve", {},
                      **JSON).status_code == 403
    approved = fatima.post(f"/api/screenings/{body['id']}/approve", {"comment": "ok"}, **JSON)
    assert approved.status_code == 200 and approved.json()["approval"] == "approved"


def test_differing_decision_without_reason_is_named(api_client, case_a):
    response = api_client("amina").post(f"/api/cases/{case_a.pk}/screenings", {
        "answers": ANSWERS, "age": 29, "decision": "presumed_victim"}, **JSON)
    assert response.status_code == 422
    assert "differing_reason" in response.json()["fields"]


@pytest.mark.parametrize("name, status", [("boris", 404), ("emre", 403), ("dana", 403),
                                          ("root", 403)])
def test_outsiders_cannot_screen(api_client, case_a, name, status):
    response = api_client(name).post(f"/api/cases/{case_a.pk}/screenings", {
        "answers": ANSWERS, "decision": "possible_victim"}, **JSON)
    assert response.status_code == status

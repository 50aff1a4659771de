"""The forms API: list, definition, submit, list responses — who may and who may not."""

from __future__ import annotations

import json

import pytest

from palermo.cases.models import Screening
from palermo.questionnaires import services
from palermo.questionnaires.models import Submission
from tests.questionnaires.forms import BRANCHING, xlsform

SURVEY = xlsform([["type", "name", "label", "required"], ["integer", "score", "Score", "yes"]],
                 None, [["form_id", "palermo_kind"], ["pulse", "survey"]])


@pytest.fixture
def forms(cast):
    branching = services.publish(cast.emre, services.upload(cast.emre, BRANCHING, "b.xlsx"))
    pulse = services.publish(cast.emre, services.upload(cast.emre, SURVEY, "p.xlsx"))
    return branching, pulse


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_list_and_definition(api_client, forms):
    listed = api_client("amina").get("/api/forms").json()
    assert {f["name"] for f in listed} == {"branching", "pulse"}
    form = api_client("amina").get("/api/forms/branching").json()
    assert form["number"] == 1 and form["definition"]["children"][0]["name"] == "age"
    assert api_client("boris").get("/api/forms/branching").status_code == 404  # NGO A's
    assert api_client("boris").get("/api/forms").json() == []
    assert api_client("amina").get("/api/forms/nothing").status_code == 404


def test_draft_versions_only_for_managers(api_client, cast, forms):
    services.upload(cast.emre, BRANCHING, "b.xlsx")
    assert api_client("emre").get("/api/forms/branching?version=2").status_code == 200
    assert api_client("amina").get("/api/forms/branching?version=2").status_code == 404


def test_submit_valid_and_invalid(api_client, forms):
    client = api_client("amina")
    refused = post(client, "/api/forms/pulse/submissions", {"answers": {"score": "many"}})
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"score": ["Enter a whole number."]}
    assert not Submission.objects.exists()
    made = post(client, "/api/forms/pulse/submissions", {"answers": {"score": 4}})
    assert made.status_code == 201 and made.json()["answers"] == {"score": 4}
    assert made.json()["status"] == "submitted"


def test_interview_through_the_api_writes_the_case(api_client, forms, case_a):
    made = post(api_client("amina"), "/api/forms/branching/submissions", {
        "case": case_a.pk, "answers": {"age": 25, "recruited": "yes",
                                       "means": ["WithholdsDocuments"]}})
    assert made.status_code == 201 and made.json()["case"] == case_a.pk
    case_a.refresh_from_db()
    assert case_a.means_of_control == ["WithholdsDocuments"]
    assert Screening.objects.filter(case=case_a).exists()
    # Boris may not interview about NGO A's case; donors never.
    assert post(api_client("boris"), "/api/forms/branching/submissions", {
        "case": case_a.pk, "answers": {}}).status_code == 404
    assert post(api_client("dana"), "/api/forms/pulse/submissions",
                {"answers": {"score": 1}}).status_code == 403


@pytest.mark.parametrize("name", ["amina", "fatima"])
def test_each_channel_records_itself_as_the_source(api_client, browser, forms, case_a, name):
    """An interview or a response sent through the API is recorded as ``api``; one started
    on the case page as ``web``."""
    interview = post(api_client(name), "/api/forms/branching/submissions", {
        "case": case_a.pk, "answers": {"age": 25, "recruited": "no"}})
    survey = post(api_client(name), "/api/forms/pulse/submissions", {"answers": {"score": 3}})
    assert interview.json()["source"] == survey.json()["source"] == "api"
    assert Submission.objects.get(pk=interview.json()["id"]).source == "api"
    branching = forms[0]
    page = browser(name).post(f"/cases/{case_a.pk}/interviews/",
                              {"version": branching.pk})
    assert page.status_code == 302
    started = Submission.objects.exclude(pk__in=[interview.json()["id"],
                                                 survey.json()["id"]]).get()
    assert started.source == "web" and started.about_case


def test_who_lists_which_responses(api_client, cast, forms, case_a):
    post(api_client("amina"), "/api/forms/pulse/submissions", {"answers": {"score": 2}})
    post(api_client("amina"), "/api/forms/branching/submissions", {
        "case": case_a.pk, "answers": {"age": 25, "recruited": "no"}})
    assert len(api_client("amina").get("/api/forms/pulse/submissions").json()) == 1
    assert len(api_client("emre").get("/api/forms/pulse/submissions").json()) == 1
    assert api_client("boris").get("/api/forms/pulse/submissions").status_code == 404
    assert api_client("dana").get("/api/forms/pulse/submissions").status_code == 403
    # A case interview: the case's people see it, the M&E officer does not.
    assert len(api_client("fatima").get("/api/forms/branching/submissions").json()) == 1
    assert api_client("emre").get("/api/forms/branching/submissions").json() == []
    interview = Submission.objects.get(about_case=True)
    url = f"/api/forms/branching/submissions/{interview.pk}"
    assert api_client("fatima").get(url).json()["answers"]["age"] == 25
    assert api_client("boris").get(url).status_code == 404
    for who in ("emre", "chen", "dana"):  # roles that never open a case's records
        assert api_client(who).get(url).status_code == 403, who

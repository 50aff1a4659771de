"""The API answers what the case page shows about a referred case (issue 13 §1): the
receiving organisation gets none of the sender's notes, consents, services, follow-ups or
history, and sees the person's identity only while a consent to it is in force."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from palermo.cases import casework, followups, referrals
from palermo.cases.assistance import add_service, record_consent
from palermo.cases.models import Case

PRIVATE = ("Ngozi knows the recruiter", "Grace Okafor", "8242.24", "Back at school")


@pytest.fixture
def received(cast, case_a) -> Case:
    """NGO A's case, with NGO A's private records, referred to NGO B with the person's
    consent and accepted: NGO B's own case continuing it."""
    amina = cast.amina
    casework.add_note(amina, case_a, "Internal: sister Ngozi knows the recruiter")
    record_consent(amina, case_a, kind="assistance", decision="given", given_by="guardian",
                   guardian_name="Grace Okafor")
    add_service(amina, case_a, type="shelter", status="ongoing", cost="8242.24",
                currency="EUR")
    done = followups.add_follow_up(amina, case_a, dt.date(2026, 6, 2))
    followups.record_follow_up(amina, done, status="done", notes="Back at school")
    record_consent(amina, case_a, kind="data_processing", decision="given")
    record_consent(amina, case_a, kind="sharing", organisation=cast.ngo_b, decision="given")
    referral = referrals.send(amina, case_a, cast.ngo_b, reason="AdditionalServicesRequired")
    referrals.accept(cast.boris, referral)
    return Case.objects.get(organisation=cast.ngo_b, referred_by=referral)


def withdraw(cast, case_a) -> None:
    record_consent(cast.amina, case_a, kind="sharing", organisation=cast.ngo_b,
                   decision="withdrawn")


@pytest.mark.parametrize("part", ["notes", "consents", "services", "follow-ups"])
def test_the_receiver_gets_none_of_the_senders_records(api_client, case_a, received, part):
    url = f"/api/cases/{case_a.pk}/{part}"
    sender = api_client("amina").get(url)
    assert sender.status_code == 200 and sender.json()
    assert any(p in sender.text for p in PRIVATE) or part == "consents"
    receiver = api_client("boris").get(url)
    assert receiver.status_code == 200 and receiver.json() == []
    assert api_client("amina_mission").get(url).status_code == 404
    for name in ("emre", "dana"):
        assert api_client(name).get(url).status_code == 403


def test_the_receivers_own_records_are_its_own(api_client, cast, case_a, received):
    casework.add_note(cast.boris, received, "Lawyer booked")
    assert [n["text"] for n in api_client("boris").get(
        f"/api/cases/{received.pk}/notes").json()] == ["Lawyer booked"]
    assert api_client("amina").get(f"/api/cases/{received.pk}/notes").status_code == 404


def test_the_person_export_leaves_out_the_senders_records(api_client, cast, case_a, person_a,
                                                          received):
    url = f"/api/persons/{person_a.pk}/export"
    sender = api_client("amina").get(url)
    assert all(p in sender.text for p in PRIVATE)
    receiver = api_client("boris").get(url)
    assert receiver.status_code == 200 and "Adaeze" in receiver.text
    assert not [p for p in PRIVATE if p in receiver.text]
    sections = {case["case"]["case number"]: case for case in json.loads(receiver.text)["cases"]}
    assert set(sections) == {case_a.number, received.number}
    shared = sections[case_a.number]
    assert shared["notes"] == shared["consents"] == shared["services"] == []
    assert shared["follow_ups"] == [] and shared["events"] == []


def test_the_case_history_is_read_by_its_own_organisation(api_client, case_a, received):
    assert api_client("amina").get(f"/api/cases/{case_a.pk}/history").status_code == 200
    refused = api_client("boris").get(f"/api/cases/{case_a.pk}/history")
    assert refused.status_code == 403 and "Adaeze" not in refused.text
    assert api_client("boris").get(f"/api/cases/{case_a.pk}").status_code == 200
    own = api_client("boris").get(f"/api/cases/{received.pk}/history")
    assert own.status_code == 200
    person = next(c for c in own.json() if c["field"] == "person")
    assert person["new"] == "Adaeze Okafor"  # the identity is shared with NGO B


def test_after_withdrawal_the_receiver_keeps_its_case_without_the_identity(
        api_client, cast, case_a, person_a, received):
    boris = api_client("boris")
    shown = boris.get(f"/api/cases/{received.pk}").json()
    assert (shown["identity_shown"], shown["identity_notice"]) == (True, "")
    withdraw(cast, case_a)
    assert boris.get(f"/api/persons/{person_a.pk}").status_code == 404
    assert boris.get(f"/api/cases/{case_a.pk}").status_code == 404
    own = boris.get(f"/api/cases/{received.pk}")
    assert own.status_code == 200 and own.json()["identity_shown"] is False
    assert "consent" in own.json()["identity_notice"]
    history = boris.get(f"/api/cases/{received.pk}/history")
    assert history.status_code == 200 and "Adaeze" not in history.text
    person = next(c for c in history.json() if c["field"] == "person")
    assert person["new"] == "(identity not shared)"
    # NGO A's own view of its case is unchanged.
    assert api_client("amina").get(f"/api/cases/{case_a.pk}").json()["identity_shown"]


def test_the_receivers_own_consent_shows_the_identity_again(api_client, cast, case_a,
                                                           person_a, received):
    withdraw(cast, case_a)
    boris = api_client("boris")
    recorded = boris.post(f"/api/cases/{received.pk}/consents",
                          {"kind": "data_processing", "decision": "given"},
                          content_type="application/json")
    assert recorded.status_code == 201
    assert boris.get(f"/api/persons/{person_a.pk}").json()["given_name"] == "Adaeze"
    assert boris.get(f"/api/cases/{received.pk}").json()["identity_shown"] is True
    # Its own consent shows the person, not NGO A's case; nor may it change the person.
    assert boris.get(f"/api/cases/{case_a.pk}").status_code == 404
    assert boris.patch(f"/api/persons/{person_a.pk}", {"phone": "1", "reason": "x"},
                       content_type="application/json").status_code == 403
    # Withdrawn again on its own case: hidden again.
    boris.post(f"/api/cases/{received.pk}/consents",
               {"kind": "data_processing", "decision": "withdrawn"},
               content_type="application/json")
    assert boris.get(f"/api/persons/{person_a.pk}").status_code == 404

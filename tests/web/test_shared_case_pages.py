"""The pages of a referred case show what the access policy says (issue 13 §1): the
receiving organisation sees the person's identity while a consent to it is in force, and
otherwise its own case without it, with a notice saying why; the history of NGO A's case
stays with NGO A."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from palermo.cases import casework, referrals
from palermo.cases.assistance import record_consent
from palermo.cases.models import Case
from palermo.cases.services import update_person
from palermo.core.models import Role, User
from palermo.exchange.sealed import unseal
from tests.conftest import confirmed_membership, signed_in

NOTICE = "identity is not shared"


@pytest.fixture
def received(cast, case_a) -> Case:
    """NGO A's case referred to NGO B with consent, accepted: NGO B's own case."""
    casework.add_event(cast.amina, case_a, type="Recruitment", place="Benin City")
    record_consent(cast.amina, case_a, kind="data_processing", decision="given")
    record_consent(cast.amina, case_a, kind="sharing", organisation=cast.ngo_b,
                   decision="given")
    referral = referrals.send(cast.amina, case_a, cast.ngo_b, reason="Other")
    referrals.accept(cast.boris, referral)
    own = Case.objects.get(organisation=cast.ngo_b, referred_by=referral)
    own.assigned_to = cast.boris.user
    own.save()
    return own


def withdraw(cast, case_a) -> None:
    record_consent(cast.amina, case_a, kind="sharing", organisation=cast.ngo_b,
                   decision="withdrawn")


def pages(case: Case) -> dict[str, str]:
    today = timezone.localdate().isoformat()
    return {"case": f"/cases/{case.pk}/", "list": "/cases/", "home": "/",
            "history": f"/cases/{case.pk}/history/", "edit": f"/cases/{case.pk}/edit/",
            "as of": f"/cases/{case.pk}/as-of/?date={today}"}


def test_the_receivers_case_shows_the_person_while_consent_is_in_force(browser, person_a,
                                                                       received):
    boris = browser("boris")
    for name, url in pages(received).items():
        page = boris.get(url)
        assert page.status_code == 200, name
        assert "Adaeze Okafor" in page.text and NOTICE not in page.text, name
    assert f'href="/cases/persons/{person_a.pk}/"' in boris.get(f"/cases/{received.pk}/").text


def test_after_withdrawal_every_page_of_the_receivers_case_hides_the_person(
        browser, cast, case_a, person_a, received):
    withdraw(cast, case_a)
    boris = browser("boris")
    for name, url in pages(received).items():
        page = boris.get(url)
        assert page.status_code == 200, name
        assert "Adaeze" not in page.text and "Okafor" not in page.text, name
        assert f"/cases/persons/{person_a.pk}/" not in page.text, name
    detail = boris.get(f"/cases/{received.pk}/").text
    assert NOTICE in detail and person_a.reference in detail
    assert "record that consent on this case" in detail
    assert NOTICE in boris.get(f"/cases/{received.pk}/edit/").text
    assert "identity not shared" in boris.get("/cases/").text
    history = boris.get(f"/cases/{received.pk}/history/").text
    assert "(identity not shared)" in history
    assert boris.get(f"/cases/persons/{person_a.pk}/").status_code == 404
    assert boris.get(f"/cases/{case_a.pk}/").status_code == 404
    # NGO A sees its own case as before.
    own = browser("amina").get(f"/cases/{case_a.pk}/").text
    assert "Adaeze Okafor" in own and NOTICE not in own


def test_the_receivers_own_consent_shows_the_person_again(browser, cast, case_a, person_a,
                                                          received):
    withdraw(cast, case_a)
    boris = browser("boris")
    response = boris.post(f"/cases/{received.pk}/consents/", {
        "kind": "data_processing", "decision": "given", "given_by": "person",
        "guardian_name": "", "decided_on": dt.date.today().isoformat()})
    assert response.status_code == 302
    for name, url in pages(received).items():
        page = boris.get(url)
        assert "Adaeze Okafor" in page.text and NOTICE not in page.text, name
    assert boris.get(f"/cases/persons/{person_a.pk}/").status_code == 200
    assert boris.get(f"/cases/{case_a.pk}/").status_code == 404  # NGO A's case: not shared


def test_the_history_of_the_senders_case_stays_with_the_sender(browser, case_a, received):
    boris = browser("boris")
    shared = boris.get(f"/cases/{case_a.pk}/").text
    assert "Adaeze Okafor" in shared
    assert f"/cases/{case_a.pk}/history/" not in shared
    assert f"/cases/{case_a.pk}/as-of/" not in shared
    assert "stay with NGO A" in shared
    for url in (f"/cases/{case_a.pk}/history/", f"/cases/{case_a.pk}/as-of/?date=2026-03-02"):
        refused = boris.get(url)
        assert refused.status_code == 403 and "Benin City" not in refused.text
        assert browser("amina").get(url).status_code == 200
        assert browser("dana").get(url).status_code == 403


def test_the_persons_history_is_read_while_the_identity_is_seen(browser, cast, case_a,
                                                                 person_a, received):
    update_person(cast.amina, person_a, reason="Second interview", aliases="Ada")
    boris = browser("boris")
    page = boris.get(f"/cases/persons/{person_a.pk}/")
    assert page.status_code == 200 and "Second interview" in page.text
    as_of = boris.get(f"/cases/persons/{person_a.pk}/as-of/?date=2026-01-01")
    assert as_of.status_code == 200
    withdraw(cast, case_a)
    for url in (f"/cases/persons/{person_a.pk}/", f"/cases/persons/{person_a.pk}/as-of/"):
        assert boris.get(url).status_code == 404


def test_the_identified_export_holds_the_organisations_own_cases_and_seen_identities(
        cast, case_a, received, settings):
    """NGO B's supervisor exports: its own case, never NGO A's (nor its events), and the
    person's identity only while NGO B sees it."""
    settings.PALERMO_REQUIRE_2FA = False
    bianca = confirmed_membership(User.objects.create_user("bianca"), cast.ngo_b,
                                  Role.SUPERVISOR)
    passphrase = "seven long words for the export test"

    def exported() -> str:
        response = signed_in(bianca).post("/exchange/export/", {
            "what": "htcds", "htcds-format": "csv", "htcds-passphrase": passphrase})
        assert response.status_code == 200
        return unseal(b"".join(response.streaming_content) if response.streaming
                      else response.content, passphrase)[1].decode("utf-8-sig")

    shared = exported()
    assert "Adaeze" in shared and "Benin City" not in shared
    assert shared.count("\n") == 2  # the header and NGO B's own case
    withdraw(cast, case_a)
    hidden = exported()
    assert hidden.count("\n") == 2
    assert not [s for s in ("Adaeze", "Okafor", "A12345678", "555 0101") if s in hidden]

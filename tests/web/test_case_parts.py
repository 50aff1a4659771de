"""The parts of a case page — consent, services, referrals, follow-ups — and the referrals
page: who may, who may not, and that a refusal or a bad answer writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from palermo.cases import followups, referrals
from palermo.cases.assistance import add_service, record_consent
from palermo.cases.casework import open_case
from palermo.cases.models import Case, Consent, FollowUp, Referral, Service, ServiceFeedback
from palermo.core.models import Organisation
from tests.conftest import signed_in

ON_CASE = {"amina": 200, "fatima": 200, "boris": 404, "emre": 403, "chen": 403, "dana": 403,
           "root": 403}
POST_ON_CASE = {**ON_CASE, "amina": 302, "fatima": 302}
REFUSED = ["boris", "emre", "chen", "dana", "root"]

CONSENT = {"kind": "data_processing", "decision": "given", "given_by": "person",
           "guardian_name": "", "decided_on": "2026-03-03"}
SERVICE = {"type": "shelter", "status": "ongoing", "started_on": "2026-03-04",
           "ended_on": "", "cost": "350.00", "currency": "eur"}
REFERRAL = {"reason": "AdditionalServicesRequired",
            "requested_services": ["legal_aid", "shelter"], "details": "Needs a lawyer in Bishkek"}
OUTCOME = {"status": "done", "done_on": "2026-06-05", "living_situation": "family",
           "income": "training", "health": "good", "safety": "safe", "retrafficked": "no",
           "notes": "Back at school"}


def page_of(client, case: Case) -> str:
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.text


@pytest.fixture
def shelter(cast, case_a) -> Service:
    return add_service(cast.amina, case_a, type="shelter", status="ongoing",
                       started_on=dt.date(2026, 3, 4))


@pytest.fixture
def follow_up(cast, case_a) -> FollowUp:
    return followups.add_follow_up(cast.amina, case_a, dt.date(2026, 6, 2))


@pytest.fixture
def referral(cast, case_a) -> Referral:
    """NGO A's case referred to NGO B, without consent to sharing."""
    return referrals.send(cast.amina, case_a, cast.ngo_b, reason="AdditionalServicesRequired",
                          requested_services=["legal_aid"], details="Needs a lawyer")


def consent_to_share_with(cast, case, organisation):
    record_consent(cast.amina, case, kind="data_processing", decision="given")
    record_consent(cast.amina, case, kind="sharing", organisation=organisation,
                   decision="given")


# --- who may: pages and anonymous visitors -------------------------------------------------


@pytest.mark.parametrize("name, status", ON_CASE.items())
def test_form_pages_of_the_case(browser, case_a, shelter, follow_up, name, status):
    client = browser(name)
    for url in ("consents/", "services/", f"services/{shelter.pk}/", "referrals/",
                "follow-ups/", f"follow-ups/{follow_up.pk}/"):
        response = client.get(f"/cases/{case_a.pk}/{url}")
        assert response.status_code == status, url
        assert (case_a.number in response.text) is (status == 200)


@pytest.mark.parametrize("url", [
    "/cases/{case}/consents/", "/cases/{case}/services/", "/cases/{case}/services/{service}/",
    "/cases/{case}/referrals/", "/cases/{case}/follow-ups/",
    "/cases/{case}/follow-ups/{follow_up}/", "/referrals/", "/referrals/{referral}/accept/",
    "/referrals/{referral}/decline/", "/referrals/{referral}/complete/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, case_a, shelter, follow_up, referral,
                                                url):
    url = url.format(case=case_a.pk, service=shelter.pk, follow_up=follow_up.pk,
                     referral=referral.pk)
    for response in (client.get(url), client.post(url, {**CONSENT, "reason": "x"})):
        assert response.status_code == 302 and response.url.startswith("/account/login/")
    assert not Consent.objects.exists()
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_sections_are_shown_to_the_owner_only(browser, cast, case_a):
    page = page_of(browser("amina"), case_a)
    for heading in ("Consent", "Services", "Referrals", "Follow-ups"):
        assert f">{heading}</h2>" in page
    # NGO B, sharing the case after a referral with consent, sees none of NGO A's parts.
    consent_to_share_with(cast, case_a, cast.ngo_b)
    referrals.accept(cast.boris, referrals.send(cast.amina, case_a, cast.ngo_b,
                                                reason="AdditionalServicesRequired"))
    shared = page_of(browser("boris"), case_a)
    assert "Adaeze Okafor" in shared
    for heading in ("Consent", "Services", "Referrals", "Follow-ups"):
        assert f">{heading}</h2>" not in shared
    assert "Processing of personal data" not in shared


# --- consent -----------------------------------------------------------------------------


@pytest.mark.parametrize("name, status", POST_ON_CASE.items())
def test_record_consent(browser, cast, case_a, name, status):
    response = browser(name).post(f"/cases/{case_a.pk}/consents/", CONSENT)
    assert response.status_code == status
    if status == 302:
        assert response.url == f"/cases/{case_a.pk}/#consent-title"
        consent = Consent.objects.get()
        assert (consent.case, consent.kind, consent.decision, consent.decided_on,
                consent.recorded_by) == (case_a, "data_processing", "given",
                                         dt.date(2026, 3, 3), cast.membership(name).user)
    else:
        assert not Consent.objects.exists()


def test_sharing_consent_without_an_organisation_is_refused(browser, case_a):
    response = browser("amina").post(f"/cases/{case_a.pk}/consents/",
                                     {**CONSENT, "kind": "sharing"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"organisation"}
    assert "Name the organisation the data may be shared with." in response.text
    assert 'role="alert"' in response.text and "<h1>Record a consent decision" in response.text
    assert not Consent.objects.exists()


def test_guardian_consent_needs_the_guardians_name(browser, case_a):
    response = browser("amina").post(f"/cases/{case_a.pk}/consents/",
                                     {**CONSENT, "given_by": "guardian"})
    assert set(response.context["form"].errors) == {"guardian_name"}
    assert not Consent.objects.exists()


def test_unknown_answers_are_refused(browser, case_a):
    response = browser("amina").post(f"/cases/{case_a.pk}/consents/",
                                     {**CONSENT, "kind": "everything", "decided_on": "soon"})
    assert set(response.context["form"].errors) == {"kind", "decided_on"}
    assert not Consent.objects.exists()


def test_consents_are_listed_latest_first_with_the_one_in_force(browser, cast, case_a):
    client = browser("amina")
    client.post(f"/cases/{case_a.pk}/consents/", CONSENT)
    client.post(f"/cases/{case_a.pk}/consents/", {
        **CONSENT, "kind": "sharing", "organisation": cast.ngo_b.pk, "decision": "given",
        "given_by": "guardian", "guardian_name": "Ngozi Okafor"})
    client.post(f"/cases/{case_a.pk}/consents/", {**CONSENT, "decision": "withdrawn",
                                                  "decided_on": "2026-03-20"})
    response = client.get(f"/cases/{case_a.pk}/")
    rows = [(c.kind, c.decision, c.in_force) for c in response.context["consents"]]
    assert rows == [("data_processing", "withdrawn", True), ("sharing", "given", True),
                    ("data_processing", "given", False)]
    page = response.text
    section = page[page.index('id="consent-title"'):page.index('id="services-title"')]
    assert section.index("<td>Withdrawn</td>") < section.index("<td>Given</td>")
    assert "NGO B" in section and "Guardian (Ngozi Okafor)" in section
    assert "Superseded" in section and "2026-03-20" in section


def test_consent_form_is_accessible(browser, case_a):
    page = page_of(browser("amina"), case_a)
    assert '<label for="consent_kind">' in page and '<label for="consent_organisation">' in page
    assert 'type="date"' in page and 'id="consent_decided_on"' in page


# --- services ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, status", POST_ON_CASE.items())
def test_add_a_service(browser, cast, case_a, name, status):
    response = browser(name).post(f"/cases/{case_a.pk}/services/", SERVICE)
    assert response.status_code == status
    if status == 302:
        service = Service.objects.get()
        assert (service.case, service.type, service.provider, service.status, str(service.cost),
                service.currency) == (case_a, "shelter", cast.ngo_a, "ongoing", "350.00",
                                      "EUR")
        page = page_of(browser(name), case_a)
        section = page[page.index('id="services-title"'):page.index('id="referrals-title"')]
        assert "Shelter" in section and "350.00 EUR" in section and "2026-03-04" in section
        assert "NGO A" in section and "Ongoing" in section
    else:
        assert not Service.objects.exists()


def test_service_by_a_partner(browser, cast, case_a):
    browser("amina").post(f"/cases/{case_a.pk}/services/", {
        **SERVICE, "type": "legal_aid", "provider": cast.mission.pk, "cost": ""})
    service = Service.objects.get()
    assert (service.provider, service.cost) == (cast.mission, None)


def test_a_cost_needs_a_currency(browser, case_a):
    response = browser("amina").post(f"/cases/{case_a.pk}/services/",
                                     {**SERVICE, "currency": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"currency"}
    assert "Give the currency of the cost." in response.text
    assert not Service.objects.exists()


def test_no_service_while_the_person_rejects_all(browser, cast, case_a):
    record_consent(cast.amina, case_a, kind="reject_all", decision="given")
    response = browser("amina").post(f"/cases/{case_a.pk}/services/", SERVICE)
    assert set(response.context["form"].errors) == {"type"}
    assert not Service.objects.exists()


@pytest.mark.parametrize("name, status", POST_ON_CASE.items())
def test_change_a_service(browser, case_a, shelter, name, status):
    response = browser(name).post(f"/cases/{case_a.pk}/services/{shelter.pk}/",
                                  {"status": "completed", "ended_on": "2026-04-30"})
    assert response.status_code == status
    shelter.refresh_from_db()
    if status == 302:
        assert (shelter.status, shelter.ended_on) == ("completed", dt.date(2026, 4, 30))
        assert "2026-04-30" in page_of(browser(name), case_a)
    else:
        assert (shelter.status, shelter.ended_on) == ("ongoing", None)


def test_a_service_cannot_end_before_it_started(browser, case_a, shelter):
    response = browser("amina").post(f"/cases/{case_a.pk}/services/{shelter.pk}/",
                                     {"status": "completed", "ended_on": "2026-01-01"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"ended_on"}
    shelter.refresh_from_db()
    assert (shelter.status, shelter.ended_on) == ("ongoing", None)


def test_a_service_of_another_case_is_not_found(browser, cast, case_a, shelter, person_a):
    other = open_case(cast.amina, person_a)
    response = browser("amina").post(f"/cases/{other.pk}/services/{shelter.pk}/",
                                     {"status": "completed"})
    assert response.status_code == 404


# --- referrals: sending ------------------------------------------------------------------------


@pytest.mark.parametrize("name, status", POST_ON_CASE.items())
def test_refer_a_case(browser, cast, case_a, name, status):
    response = browser(name).post(f"/cases/{case_a.pk}/referrals/",
                                  {**REFERRAL, "to_organisation": cast.ngo_b.pk})
    assert response.status_code == status
    if status == 302:
        sent = Referral.objects.get()
        assert (sent.case, sent.to_organisation, sent.from_organisation, sent.status,
                sent.requested_services, sent.sent_by) == (
            case_a, cast.ngo_b, cast.ngo_a, "sent", ["legal_aid", "shelter"],
            cast.membership(name).user)
        page = page_of(browser(name), case_a)
        section = page[page.index('id="referrals-title"'):page.index('id="follow-ups-title"')]
        assert "NGO B" in section and "Legal aid, Shelter" in section and "Sent" in section
    else:
        assert not Referral.objects.exists()


def test_refer_form_offers_other_active_organisations_and_htcds_reasons(browser, cast,
                                                                         case_a):
    Organisation.objects.create(name="Closed NGO", type="NGO", active=False)
    form = browser("amina").get(f"/cases/{case_a.pk}/").context["referral_form"]
    offered = set(form.fields["to_organisation"].queryset)
    assert cast.ngo_b in offered and cast.mission in offered
    assert cast.ngo_a not in offered
    assert not any(o.name == "Closed NGO" for o in offered)
    assert ("AdditionalServicesRequired" in dict(form.fields["reason"].choices))
    page = page_of(browser("amina"), case_a)
    assert "<legend>Services requested</legend>" in page
    assert 'type="checkbox" name="requested_services" value="legal_aid"' in page


def test_referring_to_nowhere_or_own_organisation_is_refused(browser, cast, case_a):
    client = browser("amina")
    response = client.post(f"/cases/{case_a.pk}/referrals/",
                           {**REFERRAL, "to_organisation": cast.ngo_a.pk,
                            "requested_services": ["spa"]})
    assert set(response.context["form"].errors) == {"to_organisation", "requested_services"}
    response = client.post(f"/cases/{case_a.pk}/referrals/", {"reason": ""})
    assert set(response.context["form"].errors) == {"to_organisation", "reason"}
    assert not Referral.objects.exists()


# --- referrals: receiving ----------------------------------------------------------------------


@pytest.mark.parametrize("name, status", [("amina", 200), ("fatima", 200), ("boris", 200),
                                          ("emre", 403), ("chen", 403), ("dana", 403),
                                          ("root", 403)])
def test_referrals_page(browser, referral, name, status):
    response = browser(name).get("/referrals/")
    assert response.status_code == status
    shown = name == "boris"
    assert ("Needs a lawyer" in response.text) is shown
    if status == 200:
        assert "<h1>Referrals for your organisation</h1>" in response.text
        assert [r.pk for r in response.context["incoming"]] == ([referral.pk] if shown else [])
    # The referral shows what is asked, never who the person is.
    assert "Adaeze" not in response.text


def test_referral_flow_with_consent(browser, cast, case_a):
    amina, boris = browser("amina"), browser("boris")
    amina.post(f"/cases/{case_a.pk}/consents/", CONSENT)
    amina.post(f"/cases/{case_a.pk}/consents/", {**CONSENT, "kind": "sharing",
                                                 "organisation": cast.ngo_b.pk})
    amina.post(f"/cases/{case_a.pk}/referrals/", {**REFERRAL, "to_organisation": cast.ngo_b.pk})
    sent = Referral.objects.get()

    listing = boris.get("/referrals/").text
    assert "From NGO A" in listing and "Legal aid, Shelter" in listing
    assert "Needs a lawyer in Bishkek" in listing
    assert f'action="/referrals/{sent.pk}/accept/"' in listing

    response = boris.post(f"/referrals/{sent.pk}/accept/")
    own = Case.objects.get(organisation=cast.ngo_b)
    assert own.referred_by == sent and own.person == case_a.person
    assert response.status_code == 302 and response.url == f"/cases/{own.pk}/"
    page = boris.get(response.url)
    assert page.status_code == 200 and "Adaeze Okafor" in page.text
    assert f"Case {own.number} opened for the person." in page.text
    sent.refresh_from_db()
    assert (sent.status, sent.shares_identity, sent.decided_by) == (
        "accepted", True, cast.boris.user)

    # Accepted, it waits to be completed.
    listing = boris.get("/referrals/")
    assert [r.pk for r in listing.context["accepted"]] == [sent.pk]
    assert "Mark completed" in listing.text
    assert boris.post(f"/referrals/{sent.pk}/complete/").url == "/referrals/"
    sent.refresh_from_db()
    assert sent.status == "completed"
    page = page_of(amina, case_a)
    assert "<td>Completed</td>" in page[page.index('id="referrals-title"'):]


def test_referral_accepted_without_consent_shows_only_the_referral(browser, cast, case_a,
                                                                   referral):
    boris = browser("boris")
    response = boris.post(f"/referrals/{referral.pk}/accept/", follow=True)
    assert response.redirect_chain == [("/referrals/", 302)]
    assert "has not consented to sharing their data with your organisation" in response.text
    assert "you see only the referral" in response.text
    assert not Case.objects.filter(organisation=cast.ngo_b).exists()
    assert boris.get(f"/cases/{case_a.pk}/").status_code == 404
    referral.refresh_from_db()
    assert (referral.status, referral.shares_identity) == ("accepted", False)


@pytest.mark.parametrize("name, status", [("amina", 403), ("fatima", 403), ("emre", 403),
                                          ("chen", 403), ("dana", 403), ("root", 403)])
def test_only_the_receiver_decides(browser, referral, name, status):
    client = browser(name)
    for action, data in (("accept", {}), ("decline", {"reason": "Full"}), ("complete", {})):
        assert client.post(f"/referrals/{referral.pk}/{action}/", data).status_code == status
    referral.refresh_from_db()
    assert referral.status == "sent" and not referral.decision_reason
    assert Case.objects.count() == 1


def test_another_organisation_does_not_find_the_referral(cast, referral, settings):
    settings.PALERMO_REQUIRE_2FA = False
    mission = signed_in(cast.amina_mission)
    assert mission.post(f"/referrals/{referral.pk}/accept/").status_code == 404
    assert mission.get(f"/referrals/{referral.pk}/decline/").status_code == 404
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_accepting_is_a_post(browser, referral):
    assert browser("boris").get(f"/referrals/{referral.pk}/accept/").status_code == 405
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_decline_needs_a_reason(browser, referral):
    response = browser("boris").post(f"/referrals/{referral.pk}/decline/", {"reason": " "})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"reason"}
    assert 'role="alert"' in response.text and "<h1>Decline the referral</h1>" in response.text
    referral.refresh_from_db()
    assert (referral.status, referral.decision_reason) == ("sent", "")


def test_decline_with_a_reason(browser, cast, case_a, referral):
    response = browser("boris").post(f"/referrals/{referral.pk}/decline/",
                                     {"reason": "No lawyer free this month"})
    assert response.status_code == 302 and response.url == "/referrals/"
    referral.refresh_from_db()
    assert (referral.status, referral.decision_reason, referral.decided_by) == (
        "declined", "No lawyer free this month", cast.boris.user)
    assert "No lawyer free this month" in page_of(browser("amina"), case_a)
    # A decided referral cannot be decided again.
    again = browser("boris").post(f"/referrals/{referral.pk}/accept/", follow=True)
    assert "already declined" in again.text
    referral.refresh_from_db()
    assert referral.status == "declined"


def test_referrals_page_is_accessible(browser, referral):
    page = browser("boris").get("/referrals/").text
    assert f'<label for="decline-{referral.pk}">' in page and f'id="decline-{referral.pk}"' in page
    assert page.index("<h1>") < page.index("<h2") < page.index("<h3")


# --- follow-ups ----------------------------------------------------------------------------


@pytest.mark.parametrize("name, status", POST_ON_CASE.items())
def test_add_a_follow_up(browser, case_a, name, status):
    response = browser(name).post(f"/cases/{case_a.pk}/follow-ups/", {"due_on": "2026-09-01"})
    assert response.status_code == status
    if status == 302:
        assert FollowUp.objects.get().due_on == dt.date(2026, 9, 1)
        page = page_of(browser(name), case_a)
        assert "2026-09-01" in page and "Scheduled" in page
    else:
        assert not FollowUp.objects.exists()


def test_a_follow_up_needs_a_date(browser, case_a):
    response = browser("amina").post(f"/cases/{case_a.pk}/follow-ups/", {"due_on": ""})
    assert set(response.context["form"].errors) == {"due_on"}
    assert not FollowUp.objects.exists()


def test_record_page_asks_satisfaction_per_service(browser, cast, case_a, shelter, follow_up):
    legal = add_service(cast.amina, case_a, type="legal_aid", status="planned")
    page = browser("amina").get(f"/cases/{case_a.pk}/follow-ups/{follow_up.pk}/").text
    for service in (shelter, legal):
        assert f'<label for="id_satisfaction_{service.pk}">' in page
    assert "Satisfaction with Shelter (Ongoing)" in page
    assert '<label for="id_living_situation">' in page
    assert page.index("<h1>") < page.index('id="outcome-title"') < page.index(
        'id="satisfaction-title"')
    assert f'href="/cases/{case_a.pk}/follow-ups/{follow_up.pk}/"' in page_of(
        browser("amina"), case_a)


@pytest.mark.parametrize("name, status", POST_ON_CASE.items())
def test_record_a_follow_up(browser, cast, case_a, shelter, follow_up, name, status):
    response = browser(name).post(f"/cases/{case_a.pk}/follow-ups/{follow_up.pk}/",
                                  {**OUTCOME, f"satisfaction_{shelter.pk}": "4"})
    assert response.status_code == status
    follow_up.refresh_from_db()
    if status == 302:
        assert (follow_up.status, follow_up.done_on, follow_up.done_by,
                follow_up.living_situation) == ("done", dt.date(2026, 6, 5),
                                                cast.membership(name).user, "family")
        assert ServiceFeedback.objects.get().satisfaction == "4"
        page = page_of(browser(name), case_a)
        section = page[page.index('id="follow-ups-title"'):]
        assert "Shelter: Satisfied" in section and "With family" in section
        assert "Done (2026-06-05)" in section and "Back at school" in section
        # Recorded, it is no longer offered for recording.
        assert browser(name).get(
            f"/cases/{case_a.pk}/follow-ups/{follow_up.pk}/").status_code == 404
    else:
        assert follow_up.status == "scheduled" and follow_up.done_by is None
        assert not ServiceFeedback.objects.exists()


def test_unasked_services_get_no_feedback(browser, case_a, shelter, follow_up):
    browser("amina").post(f"/cases/{case_a.pk}/follow-ups/{follow_up.pk}/",
                          {**OUTCOME, f"satisfaction_{shelter.pk}": ""})
    assert not ServiceFeedback.objects.exists()
    follow_up.refresh_from_db()
    assert follow_up.status == "done"


def test_bad_follow_up_answers_write_nothing(browser, case_a, shelter, follow_up):
    response = browser("amina").post(f"/cases/{case_a.pk}/follow-ups/{follow_up.pk}/", {
        **OUTCOME, "health": "excellent", f"satisfaction_{shelter.pk}": "9"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"health", f"satisfaction_{shelter.pk}"}
    follow_up.refresh_from_db()
    assert follow_up.status == "scheduled" and not ServiceFeedback.objects.exists()


def test_a_follow_up_of_another_case_is_not_found(browser, cast, case_a, follow_up, person_a):
    other = open_case(cast.amina, person_a)
    response = browser("amina").post(f"/cases/{other.pk}/follow-ups/{follow_up.pk}/", OUTCOME)
    assert response.status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.status == "scheduled"


def test_shared_case_page_hides_the_senders_notes_and_events(browser, cast, case_a):
    """boris's organisation receives the case by referral with consent: he sees the case,
    not NGO A's notes and events (docs/access.md)."""
    from palermo.cases import referrals
    from palermo.cases.assistance import record_consent
    from palermo.cases.casework import add_event, add_note

    add_note(cast.amina, case_a, "Internal: sister Ngozi knows the recruiter")
    add_event(cast.amina, case_a, type="Recruitment", place="Benin City",
              description="Approached by Mrs B")
    record_consent(cast.amina, case_a, kind="data_processing", decision="given")
    record_consent(cast.amina, case_a, kind="sharing", organisation=cast.ngo_b,
                   decision="given")
    referrals.accept(cast.boris, referrals.send(cast.amina, case_a, cast.ngo_b,
                                                reason="Other"))
    page = browser("boris").get(f"/cases/{case_a.pk}/")
    assert page.status_code == 200 and "Adaeze" in page.text
    assert "Ngozi knows" not in page.text and "Mrs B" not in page.text

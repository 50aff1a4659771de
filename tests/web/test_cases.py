"""Case pages: who may list, open, read, edit and annotate a case — and who may not."""

from __future__ import annotations

import datetime as dt

import pytest

from palermo.cases.casework import open_case, update_case
from palermo.cases.models import Case, CaseNote, TraffickingEvent
from palermo.core.models import AccessLog
from palermo.web.forms_cases import CaseEditForm

# persona -> status on a page of NGO A's case
ON_CASE = {"amina": 200, "fatima": 200, "boris": 404, "emre": 403, "chen": 403, "dana": 403,
           "root": 403}
# persona -> status of a successful post on NGO A's case (redirect back to the case)
POST_ON_CASE = {**ON_CASE, "amina": 302, "fatima": 302}
CONFLICT_MESSAGE = "Someone else saved this case while you were editing."


def posted(initial: dict) -> dict:
    """Form initial values as a browser would post them."""
    data = {}
    for name, value in initial.items():
        if value is None:
            value = ""
        elif isinstance(value, dt.date):
            value = value.isoformat()
        data[name] = value
    return data


def edit_data(case: Case, **changes) -> dict:
    """What the edit form of *case* (as loaded) posts, with *changes*."""
    return {**posted(CaseEditForm.initial_for(case)), "reason": "", **changes}


NEW_CASE = {"client_category": "possible_victim", "identified_on": "2026-04-01",
            "identification_country": "NGA", "identification_place": "Lagos",
            "identifying_agency": "hotline", "trafficking_status": "PossibleVictimOfTrafficking",
            "trafficking_type": "transnational", "origin_country": "NGA",
            "exploitation_countries": ["ITA", "FRA"], "exploitation_types": ["ForcedLabour"],
            "means_of_control": ["DeclinedToAnswer"], "age_at_exploitation": "19",
            "exploitation_months": "7"}


# --- who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, status", ON_CASE.items())
def test_case_page(browser, case_a, name, status):
    response = browser(name).get(f"/cases/{case_a.pk}/")
    assert response.status_code == status
    if status == 200:
        assert case_a.number in response.text and "Adaeze Okafor" in response.text
    else:
        assert case_a.number not in response.text and "Adaeze" not in response.text


@pytest.mark.parametrize("name, status", [("amina", 200), ("fatima", 200), ("boris", 200),
                                          ("emre", 403), ("chen", 403), ("dana", 403),
                                          ("root", 403)])
def test_case_list_shows_own_organisation_only(browser, case_a, name, status):
    response = browser(name).get("/cases/")
    assert response.status_code == status
    if status == 200:
        listed = [c.pk for c in response.context["page"]]
        assert listed == ([case_a.pk] if name != "boris" else [])
    assert ("Adaeze" in response.text) is (name in ("amina", "fatima"))


@pytest.mark.parametrize("name, status", ON_CASE.items())
def test_open_a_case_page(browser, person_a, name, status):
    response = browser(name).get(f"/cases/new/?person={person_a.pk}")
    assert response.status_code == status
    assert ("Adaeze" in response.text) is (status == 200)


@pytest.mark.parametrize("name, status", POST_ON_CASE.items())
def test_open_a_case(browser, cast, person_a, name, status):
    response = browser(name).post(f"/cases/new/?person={person_a.pk}", NEW_CASE)
    assert response.status_code == status
    if status == 302:
        case = Case.objects.get()
        assert response.url == f"/cases/{case.pk}/"
        assert (case.person, case.organisation, case.assigned_to) == (
            person_a, cast.ngo_a, cast.membership(name).user)
        assert case.exploitation_countries == ["ITA", "FRA"]
        assert case.means_of_control == ["DeclinedToAnswer"]
        assert (case.identification_country_id, case.age_at_exploitation) == ("NGA", 19)
    else:
        assert not Case.objects.exists()


def test_open_a_case_needs_a_person(browser, person_a):
    assert browser("amina").get("/cases/new/").status_code == 404
    assert browser("amina").get("/cases/new/?person=x").status_code == 404
    assert browser("amina").get(f"/cases/new/?person={person_a.pk + 99}").status_code == 404


@pytest.mark.parametrize("name, status", ON_CASE.items())
def test_edit_page(browser, case_a, name, status):
    response = browser(name).get(f"/cases/{case_a.pk}/edit/")
    assert response.status_code == status
    if status == 200:
        assert response.context["form"]["version"].value() == 1
    assert ("Adaeze" in response.text) is (status == 200)


@pytest.mark.parametrize("name, status", POST_ON_CASE.items())
def test_edit_a_case(browser, case_a, name, status):
    response = browser(name).post(f"/cases/{case_a.pk}/edit/", edit_data(
        case_a, exploitation_months="15", reason="Second interview"))
    assert response.status_code == status
    case_a.refresh_from_db()
    if status == 302:
        assert response.url == f"/cases/{case_a.pk}/"
        assert (case_a.exploitation_months, case_a.version) == (15, 2)
        # The rest of the case is kept as it was.
        assert case_a.means_of_control == ["DebtBondage", "WithholdsDocuments"]
        assert case_a.exploitation_countries == ["ITA", "NOR"]
        page = browser(name).get(f"/cases/{case_a.pk}/")
        change = next(c for c in page.context["changes"] if c.field == "exploitation_months")
        assert (change.old, change.new, change.by, change.reason) == (
            "14", "15", name, "Second interview")
    else:
        assert (case_a.exploitation_months, case_a.version) == (14, 1)


@pytest.mark.parametrize("name, status", POST_ON_CASE.items())
def test_add_a_note(browser, case_a, name, status):
    response = browser(name).post(f"/cases/{case_a.pk}/notes/",
                                  {"text": "Called the shelter in Turin."})
    assert response.status_code == status
    if status == 302:
        assert response.url == f"/cases/{case_a.pk}/"
        page = browser(name).get(f"/cases/{case_a.pk}/").text
        assert "Called the shelter in Turin." in page and name in page
    else:
        assert not CaseNote.objects.exists()


@pytest.mark.parametrize("name, status", POST_ON_CASE.items())
def test_add_an_event(browser, case_a, name, status):
    response = browser(name).post(f"/cases/{case_a.pk}/events/", {
        "type": "Recruitment", "country": "NGA", "place": "Benin City",
        "date": "2024-01-10", "description": "Offer of hairdressing work"})
    assert response.status_code == status
    if status == 302:
        assert response.url == f"/cases/{case_a.pk}/"
        page = browser(name).get(f"/cases/{case_a.pk}/").text
        assert "Benin City" in page and "Offer of hairdressing work" in page
        assert "2024-01-10" in page
    else:
        assert not TraffickingEvent.objects.exists()


@pytest.mark.parametrize("url", ["/cases/", "/cases/new/?person={person}", "/cases/{case}/",
                                 "/cases/{case}/edit/", "/cases/{case}/notes/",
                                 "/cases/{case}/events/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, case_a, url):
    url = url.format(case=case_a.pk, person=case_a.person_id)
    for response in (client.get(url), client.post(url, {"text": "x"})):
        assert response.status_code == 302 and response.url.startswith("/account/login/")
    assert not CaseNote.objects.exists() and not AccessLog.objects.exists()


# --- the case page -------------------------------------------------------------------


def test_opening_a_case_is_logged(browser, case_a, cast):
    browser("fatima").get(f"/cases/{case_a.pk}/")
    entry = AccessLog.objects.get()
    assert (entry.user, entry.organisation, entry.role, entry.record_type, entry.record_id,
            entry.owner, entry.channel, entry.action) == (
        cast.fatima.user, cast.ngo_a, "supervisor", "cases.case", str(case_a.pk), cast.ngo_a,
        "web", "view")


def test_refused_openings_are_not_logged(browser, case_a):
    for name in ("boris", "dana", "root"):
        browser(name).get(f"/cases/{case_a.pk}/")
        browser(name).get(f"/cases/{case_a.pk}/edit/")
    assert not AccessLog.objects.exists()


def test_case_page_shows_labels_not_codes(browser, cast, case_a):
    update_case(cast.amina, case_a, version=1, recruitment_methods=["DeclinedToAnswer"],
                forced_labour_industries=["Unknown"])
    page = browser("amina").get(f"/cases/{case_a.pk}/").text
    for heading in ("Person", "Identification", "Trafficking process",
                    "Pattern of exploitation", "Notes", "History"):
        assert f">{heading}</h2>" in page
    sections = page[:page.index('id="history-title"')]
    assert "Debt bondage, Withholds documents" in sections
    assert "DebtBondage" not in page  # the history table shows labels too
    assert "Sexual exploitation" in sections and "Actual victim of trafficking" in sections
    assert "Italy, Norway" in sections and "Police" in sections
    assert "Declined to answer" in sections and ">Unknown<" in sections
    assert case_a.person.reference in page and f"/cases/persons/{case_a.person_id}/" in page


def test_notes_are_shown_newest_first(browser, cast, case_a):
    client = browser("amina")
    client.post(f"/cases/{case_a.pk}/notes/", {"text": "First call"})
    client.post(f"/cases/{case_a.pk}/notes/", {"text": "Second call"})
    page = client.get(f"/cases/{case_a.pk}/").text
    assert page.index("Second call") < page.index("First call")


def test_empty_note_is_refused_with_a_message(browser, case_a):
    response = browser("amina").post(f"/cases/{case_a.pk}/notes/", {"text": ""})
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not CaseNote.objects.exists()


def test_bad_event_is_refused_with_messages_and_nothing_saved(browser, case_a):
    response = browser("amina").post(f"/cases/{case_a.pk}/events/", {
        "type": "Holiday", "country": "XYZ", "date": "31/31/2024"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"type", "country", "date"}
    assert 'role="alert"' in response.text
    assert not TraffickingEvent.objects.exists()


# --- the list --------------------------------------------------------------------------


@pytest.fixture
def three_cases(cast, person_a):
    """Active (amina), follow-up (fatima) and closed (amina) cases of NGO A."""
    active = open_case(cast.amina, person_a, client_category="victim")
    follow_up = open_case(cast.fatima, person_a, status="FollowUp",
                          client_category="other_migrant")
    closed = open_case(cast.amina, person_a, status="Closed", closure_reason="Returned home",
                       client_category="victim")
    return active, follow_up, closed


def listed(client, **query) -> list[str]:
    response = client.get("/cases/", query)
    assert response.status_code == 200
    return [c.number for c in response.context["page"]]


def test_list_is_newest_first(browser, three_cases):
    active, follow_up, closed = three_cases
    assert listed(browser("amina")) == [closed.number, follow_up.number, active.number]


def test_list_filters(browser, three_cases):
    active, follow_up, closed = three_cases
    amina, fatima = browser("amina"), browser("fatima")
    assert listed(amina, status="FollowUp") == [follow_up.number]
    assert listed(amina, status="Closed") == [closed.number]
    assert listed(amina, mine="on") == [closed.number, active.number]
    assert listed(fatima, mine="on") == [follow_up.number]
    assert listed(amina, client_category="victim") == [closed.number, active.number]
    assert listed(amina, client_category="victim", status="Active") == [active.number]
    assert listed(amina, number=follow_up.number.lower()) == [follow_up.number]
    assert listed(amina, number=follow_up.number[:-1]) == []
    assert listed(browser("boris"), number=follow_up.number) == []


def test_an_invalid_filter_is_shown_not_ignored(browser, three_cases):
    response = browser("amina").get("/cases/", {"status": "Bogus"})
    assert response.status_code == 200 and not list(response.context["page"])
    assert "status" in response.context["filters"].errors


def test_pages_keep_the_filters(browser, cast, person_a):
    for _ in range(51):
        open_case(cast.amina, person_a)
    page = browser("amina").get("/cases/", {"status": "Active"})
    assert len(page.context["page"]) == 50
    assert 'href="?status=Active&amp;page=2"' in page.text
    second = browser("amina").get("/cases/", {"status": "Active", "page": "2"})
    assert len(second.context["page"]) == 1


def test_list_links_to_cases_and_persons(browser, three_cases):
    page = browser("amina").get("/cases/").text
    assert f'href="/cases/{three_cases[0].pk}/"' in page
    assert 'href="/cases/persons/"' in page and "Adaeze Okafor" in page
    assert 'method="get" role="search"' in page


def test_navigation_points_to_the_case_list(browser):
    assert 'href="/cases/"' in browser("amina").get("/").text
    assert 'href="/cases/"' not in browser("dana").get("/").text


# --- opening and editing -----------------------------------------------------------------


def test_open_rejects_an_unknown_answer_beside_the_field(browser, person_a):
    response = browser("amina").post(f"/cases/new/?person={person_a.pk}",
                                     {**NEW_CASE, "trafficking_status": "Martian"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"trafficking_status"}
    assert 'role="alert"' in response.text
    assert not Case.objects.exists()


def test_open_shows_the_domain_rules_beside_the_field(browser, person_a):
    response = browser("amina").post(f"/cases/new/?person={person_a.pk}", {
        **NEW_CASE, "means_of_control": ["DeclinedToAnswer", "DebtBondage"],
        "age_at_exploitation": "140"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"means_of_control", "age_at_exploitation"}
    assert "cannot be combined" in response.text
    assert not Case.objects.exists()


def test_open_a_case_form_is_accessible(browser, person_a):
    page = browser("amina").get(f"/cases/new/?person={person_a.pk}").text
    assert "<legend>Types of exploitation</legend>" in page
    assert '<label for="id_trafficking_status">' in page
    assert '<select name="exploitation_countries"' in page and "multiple" in page
    assert 'value="DeclinedToAnswer"' in page


def test_closing_without_a_reason_is_refused_and_nothing_saved(browser, case_a):
    response = browser("amina").post(f"/cases/{case_a.pk}/edit/",
                                     edit_data(case_a, status="Closed", closure_reason=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"closure_reason"}
    assert "Give the reason for closing the case." in response.text
    case_a.refresh_from_db()
    assert (case_a.status, case_a.version) == ("Active", 1)
    assert len(case_a.history.all()) == 1


def test_closing_with_a_reason(browser, case_a):
    response = browser("fatima").post(f"/cases/{case_a.pk}/edit/", edit_data(
        case_a, status="Closed", closure_reason="Returned home safely"))
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.is_closed and case_a.closed_on is not None
    assert "Returned home safely" in browser("fatima").get(f"/cases/{case_a.pk}/").text


def test_edit_conflict_is_shown_and_the_second_save_goes_through(browser, case_a):
    amina, fatima = browser("amina"), browser("fatima")
    loaded = amina.get(f"/cases/{case_a.pk}/edit/")
    assert loaded.context["form"]["version"].value() == 1

    first = fatima.post(f"/cases/{case_a.pk}/edit/", edit_data(case_a, exploitation_months="12"))
    assert first.status_code == 302

    second = amina.post(f"/cases/{case_a.pk}/edit/", edit_data(
        case_a, exploitation_months="20", reason="Her own estimate"))
    assert second.status_code == 200
    assert CONFLICT_MESSAGE in second.text
    assert second.context["form"].conflict_rows() == [
        ("Duration of exploitation (months)", "20", "12")]
    assert second.context["form"]["version"].value() == "2"
    assert 'name="version" value="2"' in second.text
    case_a.refresh_from_db()
    assert (case_a.exploitation_months, case_a.version) == (12, 2)

    again = amina.post(f"/cases/{case_a.pk}/edit/", edit_data(
        case_a, exploitation_months="20", reason="Her own estimate", version="2"))
    assert again.status_code == 302
    case_a.refresh_from_db()
    assert (case_a.exploitation_months, case_a.version) == (20, 3)


# --- the person page -------------------------------------------------------------------


def test_person_page_lists_cases_and_offers_to_open_one(browser, case_a, person_a):
    page = browser("amina").get(f"/cases/persons/{person_a.pk}/").text
    assert f'<a href="/cases/{case_a.pk}/">{case_a.number}</a>' in page
    assert "Active" in page and "2026-03-02" in page
    assert f'href="/cases/new/?person={person_a.pk}"' in page and "Open a case" in page


def test_person_page_of_another_organisation_shows_no_foreign_case(browser, case_a, person_b):
    page = browser("boris").get(f"/cases/persons/{person_b.pk}/").text
    assert case_a.number not in page
    assert "No cases opened for this person." in page



def test_prior_awareness_is_shown_with_labels(browser, cast, case_a):
    update_case(cast.amina, case_a, version=1, knew_risks="DeclinedToAnswer",
                awareness_sources=["campaign", "returnee"])
    page = browser("amina").get(f"/cases/{case_a.pk}/").text
    assert "Information campaign, A returned migrant" in page
    assert ">Prior awareness</h2>" in page

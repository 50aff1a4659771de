"""Person pages: who may list, open, register and correct — and who may not."""

from __future__ import annotations

import pytest

from palermo.cases.models import Person
from palermo.core.models import AccessLog

# persona -> status of NGO A's person page
DETAIL = {"amina": 200, "fatima": 200, "boris": 404, "emre": 403, "chen": 403, "dana": 403,
          "root": 403}


@pytest.mark.parametrize("name, status", DETAIL.items())
def test_person_detail(browser, person_a, name, status):
    response = browser(name).get(f"/cases/persons/{person_a.pk}/")
    assert response.status_code == status
    if status == 200:
        assert "Adaeze Okafor" in response.text
        assert "A12345678" in response.text
    else:
        assert "Adaeze" not in response.text


@pytest.mark.parametrize("name, status, sees", [
    ("amina", 200, "Adaeze Okafor"), ("fatima", 200, "Adaeze Okafor"),
    ("boris", 200, "Aigerim Asanova"), ("emre", 403, None), ("chen", 403, None),
    ("dana", 403, None), ("root", 403, None)])
def test_person_list_shows_own_organisation_only(browser, person_a, person_b, name, status,
                                                 sees):
    response = browser(name).get("/cases/persons/")
    assert response.status_code == status
    if sees:
        assert sees in response.text
        other = "Aigerim" if sees.startswith("Adaeze") else "Adaeze"
        assert other not in response.text


def test_search_is_posted_so_names_stay_out_of_urls(browser, person_a):
    page = browser("amina").get("/cases/persons/").text
    assert 'method="post" role="search"' in page


def test_search_never_reaches_other_organisations(browser, person_a):
    response = browser("boris").post("/cases/persons/", {"q": "Adaeze Okafor"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert f"/cases/persons/{person_a.pk}/" not in response.text
    assert browser("dana").post("/cases/persons/", {"q": "Adaeze Okafor"}).status_code == 403


def test_search_by_exact_name_through_blind_index(browser, person_a, cast):
    from palermo.cases.services import register_person

    register_person(cast.amina, given_name="Blessing", family_name="Eze")
    page = browser("amina").post("/cases/persons/", {"q": "ADAEZE okafor"})
    assert "Adaeze Okafor" in page.text and "Blessing" not in page.text
    assert "(1)" in page.text
    none = browser("amina").post("/cases/persons/", {"q": "Adaeze"})
    assert "No person matches exactly" in none.text


def test_htmx_search_returns_the_results_fragment(browser, person_a):
    response = browser("amina").post("/cases/persons/", {"q": "Adaeze Okafor"},
                                     HTTP_HX_REQUEST="true")
    assert "<html" not in response.text and "Adaeze Okafor" in response.text


def test_opening_a_person_is_logged(browser, person_a, cast):
    browser("fatima").get(f"/cases/persons/{person_a.pk}/")
    entry = AccessLog.objects.get()
    assert (entry.user, entry.organisation, entry.role, entry.record_type, entry.record_id,
            entry.owner, entry.channel) == (cast.fatima.user, cast.ngo_a, "supervisor",
                                             "cases.person", str(person_a.pk), cast.ngo_a,
                                             "web")


def test_refused_openings_are_not_logged_as_views(browser, person_a):
    browser("boris").get(f"/cases/persons/{person_a.pk}/")
    browser("dana").get(f"/cases/persons/{person_a.pk}/")
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("name, status", [("amina", 302), ("fatima", 302), ("boris", 302),
                                          ("emre", 403), ("chen", 403), ("dana", 403),
                                          ("root", 403)])
def test_register_person(browser, cast, name, status):
    response = browser(name).post("/cases/persons/new/", {
        "given_name": "Joy", "family_name": "Osagie", "birth_date": "2004-07-01",
        "gender": "Feminine", "citizenship": "NGA"})
    assert response.status_code == status
    if status == 302:
        person = Person.objects.get()
        assert person.organisation == cast.membership(name).organisation
        assert person.registered_by == cast.membership(name).user
        assert response.url == f"/cases/persons/{person.pk}/"
    else:
        assert not Person.objects.exists()


def test_register_rejects_bad_input_with_field_messages(browser):
    response = browser("amina").post("/cases/persons/new/", {
        "given_name": "", "birth_date": "31/31/2004", "gender": "Unknown-value"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"given_name", "birth_date", "gender"}
    assert not Person.objects.exists()


@pytest.mark.parametrize("name, status", [("amina", 302), ("fatima", 302), ("boris", 404),
                                          ("emre", 403), ("dana", 403), ("root", 403)])
def test_correct_details_keeps_history(browser, person_a, name, status):
    response = browser(name).post(f"/cases/persons/{person_a.pk}/edit/", {
        "given_name": "Adaeze", "family_name": "Okafor-Eze", "birth_date": "2001-05-17",
        "gender": "Feminine", "citizenship": "NGA", "phone": "+234 801 555 0101",
        "identity_number": "A12345678", "reason": "Married name"})
    assert response.status_code == status
    person_a.refresh_from_db()
    if status == 302:
        assert person_a.family_name == "Okafor-Eze"
        page = browser(name).get(f"/cases/persons/{person_a.pk}/")
        history = page.context["changes"]
        change = next(c for c in history if c.field == "family_name" and c.action == "changed")
        assert (change.old, change.new, change.by, change.reason) == (
            "Okafor", "Okafor-Eze", name, "Married name")
    else:
        assert person_a.family_name == "Okafor"


def test_anonymous_visitors_are_sent_to_sign_in(client, person_a):
    response = client.get(f"/cases/persons/{person_a.pk}/")
    assert response.status_code == 302 and response.url.startswith("/account/login/")


def test_navigation_shows_only_built_modules_for_the_role(browser):
    assert "Cases" in browser("amina").get("/").text
    assert 'href="/referrals/"' in browser("amina").get("/").text
    assert 'href="/referrals/"' not in browser("dana").get("/").text
    home = browser("dana").get("/").text
    assert "Cases" not in home and "Admin" not in home
    # Programmes is built: donors read the projects their organisation funds; caseworkers
    # have no use for it (docs/access.md).
    assert 'href="/programmes/"' in home
    assert 'href="/programmes/"' not in browser("amina").get("/").text
    assert "Admin" in browser("root").get("/").text

"""Registration with the duplicate check shown before saving, and citizenships and languages
through the form."""

from __future__ import annotations

import pytest

from palermo.cases.models import Person

ADAEZE = {"given_name": "Adaeze", "family_name": "Okafor", "birth_date": "2001-05-17",
          "gender": "Feminine", "citizenship": "NGA"}


def test_candidates_are_shown_before_saving_and_nothing_is_saved(browser, person_a):
    response = browser("amina").post("/cases/persons/new/", ADAEZE)
    assert response.status_code == 200
    assert Person.objects.count() == 1
    page = response.text
    assert "Check before saving" in page and "Nothing has been saved yet" in page
    assert f'href="/cases/persons/{person_a.pk}/"' in page
    assert "Likely the same person:" in page
    assert "same full name, same date of birth, a citizenship in common" in page
    assert 'name="confirm" value="different"' in page
    assert f'name="different_from" value="{person_a.pk}"' in page


def test_confirming_a_different_person_saves(browser, person_a):
    response = browser("amina").post("/cases/persons/new/", {
        **ADAEZE, "different_from": str(person_a.pk), "confirm": "different"})
    assert response.status_code == 302
    new = Person.objects.exclude(pk=person_a.pk).get()
    assert response.url == f"/cases/persons/{new.pk}/"
    assert new.history.get().history_change_reason.endswith(person_a.reference)


def test_saving_again_without_confirming_does_not_save(browser, person_a):
    response = browser("amina").post("/cases/persons/new/", {
        **ADAEZE, "different_from": str(person_a.pk)})
    assert response.status_code == 200 and Person.objects.count() == 1


def test_confirmation_covers_only_the_candidates_shown(browser, cast, person_a):
    from palermo.cases.services import register_person

    register_person(cast.amina, given_name="Other", identity_number="Z999")
    response = browser("amina").post("/cases/persons/new/", {
        **ADAEZE, "identity_number": "z999", "different_from": str(person_a.pk),
        "confirm": "different"})
    assert response.status_code == 200 and Person.objects.count() == 2
    assert len(response.context["candidates"]) == 2


def test_boris_sees_no_candidate_from_ngo_a(browser, cast, person_a):
    check = browser("boris").post("/cases/persons/check/", ADAEZE, HTTP_HX_REQUEST="true")
    assert check.status_code == 200 and "Adaeze" not in check.text
    assert "possible match" not in check.text
    response = browser("boris").post("/cases/persons/new/", {**ADAEZE, "citizenship": "KGZ"})
    assert response.status_code == 302
    assert Person.objects.get(organisation=cast.ngo_b).given_name == "Adaeze"


def test_live_check_returns_the_candidates_fragment(browser, person_a):
    response = browser("amina").post("/cases/persons/check/", {
        "given_name": "adaeze", "family_name": "OKAFOR"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.text
    assert person_a.reference in response.text and "Possibly:" in response.text
    assert 'value="different"' not in response.text  # confirming happens on saving
    assert Person.objects.count() == 1


def test_registration_page_wires_the_live_check(browser):
    page = browser("amina").get("/cases/persons/new/").text
    assert 'hx-post="/cases/persons/check/"' in page and 'hx-trigger="change"' in page
    assert 'id="candidates" aria-live="polite"' in page


@pytest.mark.parametrize("name, status", [("emre", 403), ("chen", 403), ("dana", 403),
                                          ("root", 403)])
def test_live_check_refused_without_case_access(browser, person_a, name, status):
    response = browser(name).post("/cases/persons/check/", ADAEZE)
    assert response.status_code == status and "Adaeze" not in response.text


def test_live_check_is_posted_only(browser):
    assert browser("amina").get("/cases/persons/check/?given_name=Adaeze").status_code == 405


def test_citizenships_and_languages_round_trip_through_the_form(browser, person_a):
    response = browser("amina").post(f"/cases/persons/{person_a.pk}/edit/", {
        "given_name": "Adaeze", "family_name": "Okafor", "birth_date": "2001-05-17",
        "gender": "Feminine", "citizenship": "NGA", "other_citizenships": ["ITA", "GHA"],
        "languages": ["eng", "pcm"], "reason": "Intake"})
    assert response.status_code == 302
    person_a.refresh_from_db()
    assert person_a.citizenships == ["NGA", "ITA", "GHA"]  # codes, in the order given
    assert person_a.languages == ["eng", "pcm"]
    page = browser("amina").get(f"/cases/persons/{person_a.pk}/").text
    assert "Italy, Ghana" in page and "English, Nigerian Pidgin" in page
    form = browser("amina").get(f"/cases/persons/{person_a.pk}/edit/").text
    assert '<option value="pcm" selected>' in form and '<option value="ITA" selected>' in form


def test_form_refuses_the_main_citizenship_twice(browser, person_a):
    response = browser("amina").post(f"/cases/persons/{person_a.pk}/edit/", {
        "given_name": "Adaeze", "citizenship": "NGA", "other_citizenships": ["NGA"]})
    assert response.status_code == 200
    assert "other_citizenships" in response.context["form"].errors
    person_a.refresh_from_db()
    assert person_a.other_citizenships == []

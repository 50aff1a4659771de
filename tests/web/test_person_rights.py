"""Merge, erasure and export pages: who may, who may not, and what each does."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from palermo.cases.casework import open_case
from palermo.cases.models import CaseFact, Person
from palermo.cases.services import register_person
from palermo.core.models import AccessLog

REFUSED = {"boris": 404, "emre": 403, "chen": 403, "dana": 403, "root": 403}


@pytest.fixture
def twin(cast):
    """NGO A registered Adaeze a second time, with a case of her own."""
    person = register_person(cast.amina, given_name="Adaeze", family_name="Okafor",
                             birth_date=dt.date(2001, 5, 17), phone="+234 801 555 0199")
    open_case(cast.amina, person, opened_on=dt.date(2026, 5, 1))
    return person


# --- merge -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["amina", "fatima"])
def test_merge_choice_lists_the_candidates(browser, person_a, twin, name):
    response = browser(name).get(f"/cases/persons/{person_a.pk}/merge/")
    assert response.status_code == 200
    assert f"?duplicate={twin.reference}" in response.text
    assert "same full name, same date of birth" in response.text


@pytest.mark.parametrize("name, status", REFUSED.items())
def test_merge_pages_refused(browser, person_a, twin, name, status):
    client = browser(name)
    assert client.get(f"/cases/persons/{person_a.pk}/merge/").status_code == status
    url = f"/cases/persons/{person_a.pk}/merge/?duplicate={twin.pk}"
    assert client.get(url).status_code == status
    assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == status
    twin.refresh_from_db()
    assert twin.merged_into is None


def test_compare_side_by_side_then_merge_with_a_reason(browser, cast, person_a, case_a, twin):
    client = browser("amina")
    url = f"/cases/persons/{person_a.pk}/merge/?duplicate={twin.reference}"
    page = client.get(url)
    assert page.status_code == 200
    rows = {label: (left, right, differs) for label, left, right, differs
            in page.context["rows"]}
    assert rows["phone"] == ("+234 801 555 0101", "+234 801 555 0199", True)
    assert rows["given name"] == ("Adaeze", "Adaeze", False)
    assert AccessLog.objects.filter(action="compare", record_id=str(twin.pk)).exists()
    refused = client.post(url, {"reason": "", "confirm": ""})
    assert set(refused.context["form"].errors) == {"reason", "confirm"}
    twin.refresh_from_db()
    assert twin.merged_into is None
    done = client.post(url, {"reason": "Same passport seen at intake", "confirm": "on"})
    assert done.status_code == 302 and done.url == f"/cases/persons/{person_a.pk}/"
    twin.refresh_from_db()
    assert twin.merged_into == person_a
    assert person_a.cases.count() == 2
    assert CaseFact.objects.values("person_key").distinct().count() == 1
    merged_page = client.get(f"/cases/persons/{twin.pk}/").text
    assert f"merged into {person_a.reference}" in merged_page


def test_merge_with_itself_or_another_organisation_is_refused(browser, person_a, person_b):
    client = browser("amina")
    itself = client.get(f"/cases/persons/{person_a.pk}/merge/?duplicate={person_a.pk}")
    assert "duplicate" in itself.context["choice"].errors
    other = client.get(f"/cases/persons/{person_a.pk}/merge/?duplicate={person_b.pk}")
    assert other.status_code == 404 and "Aigerim" not in other.text
    nonsense = client.get(f"/cases/persons/{person_a.pk}/merge/?duplicate=abc")
    assert "duplicate" in nonsense.context["choice"].errors


def test_person_page_lists_possible_duplicates_with_a_merge_link(browser, person_a, twin):
    page = browser("amina").get(f"/cases/persons/{person_a.pk}/").text
    assert "Possible duplicate records" in page
    assert f"/cases/persons/{person_a.pk}/merge/?duplicate={twin.reference}" in page


# --- erase -------------------------------------------------------------------------------

def test_supervisor_erases_with_reason_and_typed_reference(browser, person_a, case_a, cast):
    client = browser("fatima")
    url = f"/cases/persons/{person_a.pk}/erase/"
    page = client.get(url)
    assert page.status_code == 200 and "cannot be undone" in page.text
    wrong = client.post(url, {"reason": "Request by the person", "confirm": "P-999999"})
    assert "confirm" in wrong.context["form"].errors
    assert Person.objects.get(pk=person_a.pk).given_name == "Adaeze"
    done = client.post(url, {"reason": "Request by the person, 2026-11-20",
                             "confirm": person_a.reference.lower()})
    assert done.status_code == 302
    person = Person.objects.get(pk=person_a.pk)
    assert person.given_name == "" and person.erased_at
    entry = AccessLog.objects.get(action="erase")
    assert (entry.user, entry.detail) == (cast.fatima.user, "Request by the person, 2026-11-20")
    after = client.get(f"/cases/persons/{person_a.pk}/").text
    assert "(identity erased)" in after and "Adaeze" not in after
    assert "already erased" in client.get(url).text


@pytest.mark.parametrize("name, status", [("amina", 403), *REFUSED.items()])
def test_erasure_refused_for_all_but_the_supervisor(browser, person_a, name, status):
    url = f"/cases/persons/{person_a.pk}/erase/"
    client = browser(name)
    assert client.get(url).status_code == status
    response = client.post(url, {"reason": "Request", "confirm": person_a.reference})
    assert response.status_code == status
    assert Person.objects.get(pk=person_a.pk).given_name == "Adaeze"


def test_erase_button_only_for_the_supervisor(browser, person_a):
    erase = f"/cases/persons/{person_a.pk}/erase/"
    assert erase in browser("fatima").get(f"/cases/persons/{person_a.pk}/").text
    assert erase not in browser("amina").get(f"/cases/persons/{person_a.pk}/").text


# --- export ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["amina", "fatima"])
def test_export_downloads_a_readable_file_and_is_logged(browser, cast, person_a, case_a, name):
    client = browser(name)
    url = f"/cases/persons/{person_a.pk}/export/"
    assert client.get(url).status_code == 200
    assert not AccessLog.objects.filter(action="export").exists()  # the page exports nothing
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{person_a.reference}.json"')
    document = json.loads(response.content)
    assert document["person"]["given name"] == "Adaeze"
    assert document["cases"][0]["case"]["case number"] == case_a.number
    assert AccessLog.objects.get(action="export").user == cast.membership(name).user


@pytest.mark.parametrize("name, status", REFUSED.items())
def test_export_refused(browser, person_a, name, status):
    client = browser(name)
    url = f"/cases/persons/{person_a.pk}/export/"
    assert client.get(url).status_code == status
    response = client.post(url)
    assert response.status_code == status and b"Adaeze" not in response.content
    assert not AccessLog.objects.filter(action="export").exists()

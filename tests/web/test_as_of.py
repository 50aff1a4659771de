"""The record as it was on a date: the old value after a change, for persons and cases,
access-checked and logged like opening the record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from palermo.cases.casework import update_case
from palermo.cases.services import update_person
from palermo.core.models import AccessLog

REFUSED = {"boris": 404, "emre": 403, "chen": 403, "dana": 403, "root": 403}


def _backdate(record, day: dt.date) -> None:
    """Pretend the record was created on *day* (its first history version)."""
    first = record.history.order_by("history_date").first()
    record.history.filter(pk=first.pk).update(
        history_date=timezone.make_aware(dt.datetime.combine(day, dt.time(10))))


@pytest.fixture
def changed_person(cast, person_a):
    _backdate(person_a, dt.date(2026, 1, 5))
    update_person(cast.fatima, person_a, family_name="Okafor-Eze", phone="+234 1",
                  reason="Married name")
    return person_a


@pytest.mark.parametrize("name", ["amina", "fatima"])
def test_person_as_it_was_shows_the_old_value(browser, cast, changed_person, name):
    url = f"/cases/persons/{changed_person.pk}/as-of/?date=2026-03-01"
    response = browser(name).get(url)
    assert response.status_code == 200
    rows = {r.label: r for r in response.context["snapshot"].rows}
    assert (rows["family name"].then, rows["family name"].now) == ("Okafor", "Okafor-Eze")
    assert rows["family name"].changed and not rows["given name"].changed
    assert rows["date of birth"].then == "2001-05-17"  # encrypted fields decrypt as usual
    assert "Okafor-Eze" in response.text and "2026-01-05" in response.text
    entry = AccessLog.objects.get()
    assert (entry.user, entry.record_type, entry.record_id, entry.action, entry.detail) == (
        cast.membership(name).user, "cases.person", str(changed_person.pk), "view",
        "as of 2026-03-01")


def test_a_date_after_the_change_shows_todays_values(browser, changed_person):
    day = timezone.localdate().isoformat()
    response = browser("amina").get(f"/cases/persons/{changed_person.pk}/as-of/?date={day}")
    assert not any(r.changed for r in response.context["snapshot"].rows)


def test_a_date_before_registration_says_so(browser, changed_person):
    response = browser("amina").get(
        f"/cases/persons/{changed_person.pk}/as-of/?date=2025-12-31")
    assert "did not exist yet on 2025-12-31" in response.text
    assert "Okafor" not in response.text.split("</form>")[-1]


def test_without_a_date_nothing_is_shown_or_logged(browser, changed_person):
    response = browser("amina").get(f"/cases/persons/{changed_person.pk}/as-of/")
    assert response.status_code == 200 and response.context["snapshot"] is None
    bad = browser("amina").get(f"/cases/persons/{changed_person.pk}/as-of/?date=2026-13-01")
    assert "date" in bad.context["form"].errors
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("name, status", REFUSED.items())
def test_person_as_of_refused(browser, changed_person, name, status):
    response = browser(name).get(f"/cases/persons/{changed_person.pk}/as-of/?date=2026-03-01")
    assert response.status_code == status and "Okafor" not in response.text
    assert not AccessLog.objects.exists()


def test_person_page_links_to_the_as_of_page(browser, person_a):
    page = browser("amina").get(f"/cases/persons/{person_a.pk}/").text
    assert f'action="/cases/persons/{person_a.pk}/as-of/"' in page


@pytest.fixture
def changed_case(cast, case_a):
    _backdate(case_a, dt.date(2026, 3, 2))
    update_case(cast.amina, case_a, version=case_a.version, exploitation_months=20,
                reason="Corrected at the second interview")
    return case_a


@pytest.mark.parametrize("name", ["amina", "fatima"])
def test_case_as_it_was_shows_the_old_value(browser, cast, changed_case, name):
    response = browser(name).get(f"/cases/{changed_case.pk}/as-of/?date=2026-04-01")
    assert response.status_code == 200
    rows = {r.label: r for r in response.context["snapshot"].rows}
    row = rows["duration of exploitation (months)"]
    assert (row.then, row.now, row.changed) == ("14", "20", True)
    assert AccessLog.objects.get().record_type == "cases.case"


@pytest.mark.parametrize("name, status", REFUSED.items())
def test_case_as_of_refused(browser, changed_case, name, status):
    response = browser(name).get(f"/cases/{changed_case.pk}/as-of/?date=2026-04-01")
    assert response.status_code == status
    assert not AccessLog.objects.exists()

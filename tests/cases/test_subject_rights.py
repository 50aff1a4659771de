"""Erasure of a person's identity and export of their own data."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied

from palermo.cases.assistance import record_consent
from palermo.cases.casework import add_event, add_note, update_case
from palermo.cases.models import CaseFact, Person
from palermo.cases.services import update_person
from palermo.cases.subject_rights import erase_identity, export_person
from palermo.core.models import AccessLog


def test_erasure_clears_identity_everywhere_and_keeps_the_facts(cast, person_a, case_a):
    update_person(cast.amina, person_a, family_name="Okafor-Eze", reason="Married name")
    add_note(cast.amina, case_a, "Spoke with her sister Ngozi")
    add_event(cast.amina, case_a, type="Recruitment", description="Mrs B at church")
    record_consent(cast.amina, case_a, kind="assistance", decision="given",
                   given_by="guardian", guardian_name="Grace Okafor")
    update_case(cast.amina, case_a, version=1, exploitation_months=15, reason="Per Adaeze")
    fact_before = CaseFact.objects.values().get()
    erase_identity(cast.fatima, person_a, reason="Request by the person, 2026-11-20")

    person = Person.objects.get(pk=person_a.pk)
    assert (person.given_name, person.family_name, person.birth_date, person.phone,
            person.identity_number, person.name_index) == ("", "", None, "", "", "")
    assert person.full_name == "(identity erased)" and person.erased_at
    assert not Person.objects.matching("Adaeze Okafor").exists()
    for model_history in (person.history.all(),):
        assert all(h.given_name == "" and h.name_index == "" for h in model_history)
    assert case_a.notes.get().text == "" and case_a.events.get().description == ""
    assert case_a.consents.get().guardian_name == ""
    assert all(not h.history_change_reason for h in case_a.history.all())
    # Non-identifying answers and the facts remain
    case_a.refresh_from_db()
    assert case_a.exploitation_months == 15
    fact_after = CaseFact.objects.values().get()
    assert {k: v for k, v in fact_after.items() if k != "updated"} == {
        k: v for k, v in fact_before.items() if k != "updated"}
    entry = AccessLog.objects.get(action="erase")
    assert (entry.user, entry.detail) == (cast.fatima.user,
                                          "Request by the person, 2026-11-20")


@pytest.mark.parametrize("name", ["amina", "boris", "emre", "chen", "dana", "root"])
def test_only_a_supervisor_of_the_organisation_erases(cast, person_a, name):
    with pytest.raises(PermissionDenied):
        erase_identity(cast.membership(name), person_a, reason="x")
    assert Person.objects.get(pk=person_a.pk).given_name == "Adaeze"


def test_export_is_readable_and_logged(cast, person_a, case_a):
    add_note(cast.amina, case_a, "First meeting")
    exported = json.loads(export_person(cast.amina, person_a))
    assert exported["person"]["given name"] == "Adaeze"
    assert exported["person"]["date of birth"] == "2001-05-17"
    (case,) = exported["cases"]
    assert case["case"]["means of control"] == ["Debt bondage", "Withholds documents"]
    assert case["notes"][0]["note"] == "First meeting"
    assert AccessLog.objects.filter(action="export", user=cast.amina.user).exists()


@pytest.mark.parametrize("name", ["boris", "dana", "chen"])
def test_export_refused_outside(cast, person_a, name):
    with pytest.raises(PermissionDenied):
        export_person(cast.membership(name), person_a)
    assert not AccessLog.objects.exists()


def test_erasure_reaches_merged_records(cast, person_a):
    from palermo.cases.duplicates import merge
    from palermo.cases.services import register_person

    twin = register_person(cast.amina, given_name="Adaeze", family_name="Okafor",
                           birth_date=dt.date(2001, 5, 17))
    merge(cast.amina, person_a, twin, reason="Same person")
    erase_identity(cast.fatima, person_a, reason="Request")
    assert Person.objects.get(pk=twin.pk).given_name == ""

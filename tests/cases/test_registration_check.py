"""Registration after the duplicate check: nothing is saved while a candidate has not been
seen and declared a different person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.cases.models import Person
from palermo.cases.services import PossibleDuplicates, register_checked

ADAEZE = {"given_name": "Adaeze", "family_name": "Okafor", "birth_date": dt.date(2001, 5, 17)}


def test_a_match_stops_the_registration(cast, person_a):
    with pytest.raises(PossibleDuplicates) as stopped:
        register_checked(cast.amina, **ADAEZE)
    (candidate,) = stopped.value.candidates
    assert candidate.person == person_a and candidate.strong
    assert Person.objects.count() == 1


def test_declaring_the_seen_candidates_different_registers_and_records_the_check(cast,
                                                                                  person_a):
    person = register_checked(cast.amina, **ADAEZE, different_from=[person_a.pk])
    assert Person.objects.count() == 2
    first = person.history.get()
    assert first.history_change_reason == (
        f"Duplicate check: not the same person as {person_a.reference}")
    assert "Adaeze" not in first.history_change_reason


def test_a_candidate_not_seen_stops_it_again(cast, person_a):
    other = register_checked(cast.amina, given_name="Adaeze", family_name="Okafor",
                             phone="+234 1", different_from=[person_a.pk])
    with pytest.raises(PossibleDuplicates) as stopped:
        register_checked(cast.amina, **ADAEZE, different_from=[person_a.pk])
    assert {c.person for c in stopped.value.candidates} == {person_a, other}


def test_no_candidate_registers_at_once(cast, person_a):
    person = register_checked(cast.amina, given_name="Blessing", family_name="Eze")
    assert person.pk and not person.history.get().history_change_reason


def test_another_organisations_person_is_never_a_candidate(cast, person_a):
    person = register_checked(cast.boris, **ADAEZE)
    assert person.organisation == cast.ngo_b


def test_bad_input_is_refused_before_the_check(cast, person_a):
    with pytest.raises(ValidationError) as refused:
        register_checked(cast.amina, given_name="", birth_date="2001-13-45")
    assert {"given_name", "birth_date"} <= set(refused.value.message_dict)


@pytest.mark.parametrize("name", ["emre", "chen", "dana", "root"])
def test_roles_without_case_access_may_not_register(cast, name):
    with pytest.raises(PermissionDenied):
        register_checked(cast.membership(name), given_name="Joy")

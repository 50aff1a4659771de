"""Registering and correcting persons: the policy applies and nothing is half-written."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.cases.models import Person
from palermo.cases.services import register_person, update_person


@pytest.mark.parametrize("name", ["emre", "chen", "dana", "root"])
def test_roles_without_identity_access_cannot_register(cast, name):
    with pytest.raises(PermissionDenied):
        register_person(cast.membership(name), given_name="Joy")
    assert not Person.objects.exists()


def test_invalid_person_is_refused_whole(cast):
    with pytest.raises(ValidationError) as refused:
        register_person(cast.amina, given_name="Joy", gender="Robot", birth_date="2004-13-40")
    assert set(refused.value.message_dict) == {"gender", "birth_date"}
    assert not Person.objects.exists()
    assert not Person.history.exists()


def test_other_organisation_cannot_correct(cast, person_a):
    with pytest.raises(PermissionDenied):
        update_person(cast.boris, person_a, family_name="X")
    person_a.refresh_from_db()
    assert person_a.family_name == "Okafor"


def test_failed_correction_leaves_record_and_history_unchanged(cast, person_a):
    versions = person_a.history.count()
    with pytest.raises(ValidationError):
        update_person(cast.amina, person_a, family_name="Okafor-Eze", gender="Robot")
    fresh = Person.objects.get(pk=person_a.pk)
    assert (fresh.family_name, fresh.gender) == ("Okafor", "Feminine")
    assert person_a.history.count() == versions


def test_person_is_registered_for_the_acting_organisation(cast):
    person = register_person(cast.amina_mission, given_name="Joy")
    assert person.organisation == cast.mission
    assert person.history.get().history_user == cast.amina.user

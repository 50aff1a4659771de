"""Several citizenships and languages on a person: stored as ISO codes, validated, shown by
name, exported, compared by the duplicate check — and the migration that adds them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from palermo.cases.duplicates import candidates
from palermo.cases.models import CaseFact, Person
from palermo.cases.services import register_person, update_person
from palermo.cases.subject_rights import export_person
from palermo.core.history import field_changes
from palermo.core.languages import is_language, language_choices, language_name


def test_citizenships_and_languages_are_stored_as_codes(cast):
    person = register_person(cast.amina, given_name="Joy", citizenships=["nga", "GHA"],
                             languages=["eng", "pcm", "bin"])
    row = Person.objects.filter(pk=person.pk).values("citizenship_id", "other_citizenships",
                                                     "languages").get()
    assert row == {"citizenship_id": "NGA", "other_citizenships": ["GHA"],
                   "languages": ["eng", "pcm", "bin"]}
    person.refresh_from_db()
    assert person.citizenships == ["NGA", "GHA"]
    assert person.citizenship_names == ["Nigeria", "Ghana"]
    assert person.language_names == ["English", "Nigerian Pidgin", "Bini"]


@pytest.mark.parametrize("fields, field", [
    ({"citizenships": ["NGA", "XXX"]}, "other_citizenships"),
    ({"other_citizenships": ["GHA"]}, "citizenship"),
    ({"citizenship_id": "NGA", "other_citizenships": ["NGA"]}, "other_citizenships"),
    ({"languages": ["eng", "klingon"]}, "languages"),
    ({"languages": ["eng", "eng"]}, "languages"),
    ({"languages": "eng"}, "languages"),
])
def test_bad_codes_are_refused_naming_the_field(cast, fields, field):
    with pytest.raises(ValidationError) as refused:
        register_person(cast.amina, given_name="Joy", **fields)
    assert field in refused.value.message_dict
    assert not Person.objects.exists()


def test_main_citizenship_still_feeds_the_facts(cast, person_a, case_a):
    update_person(cast.amina, person_a, citizenships=["GHA", "NGA"], reason="Passport seen")
    assert CaseFact.objects.get().citizenship == "GHA"
    assert person_a.other_citizenships == ["NGA"]


def test_history_and_export_show_names(cast, person_a, case_a):
    update_person(cast.amina, person_a, languages=["eng", "yor"],
                  citizenships=["NGA", "GBR"], reason="Intake interview")
    changes = {c.field: c for c in field_changes(person_a)}
    assert changes["languages"].new == "English, Yoruba"
    assert changes["other_citizenships"].new == "United Kingdom"
    exported = json.loads(export_person(cast.amina, person_a))["person"]
    assert exported["languages spoken"] == ["English", "Yoruba"]
    assert exported["other citizenships"] == ["United Kingdom"]
    assert exported["citizenship"] == "Nigeria"


def test_a_second_citizenship_counts_as_a_match(cast, person_a):
    update_person(cast.amina, person_a, citizenships=["NGA", "ITA"])
    (found,) = candidates(cast.amina, given_name="Adaeze", family_name="Okafor",
                          citizenships=["ITA"])
    assert found.matched == ("name", "citizenship")
    assert found.reasons == ["same full name", "a citizenship in common"]


def test_language_list_is_iso_639_with_names():
    codes = dict(language_choices())
    assert len(codes) > 200 and codes["pcm"] == "Nigerian Pidgin"
    assert all(len(code) == 3 for code in codes)
    assert is_language("kir") and not is_language("ky")
    assert language_name("zzz") == "zzz"


def test_the_migration_applies_to_existing_persons(db, migrated_back):
    """Persons registered before the migration get empty lists and keep their citizenship."""
    old = migrated_back("0004_case_interview")
    alias = old.database.alias
    old.create("cases.Person", organisation=old.organisation, registered_by=old.user,
               given_name="Ifeoma", citizenship_id="NGA", birth_date=dt.date(1990, 1, 1))
    old.migrate_to_latest()
    person = Person.objects.using(alias).get()
    assert (person.given_name, person.citizenships, person.languages) == (
        "Ifeoma", ["NGA"], [])

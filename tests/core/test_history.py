"""The history component: who, when, field, old → new — on every tracked model."""

from __future__ import annotations

from palermo.cases.services import update_person
from palermo.core.history import field_changes
from palermo.core.models import Organisation


def test_creation_and_each_change_are_listed_newest_first(cast, person_a):
    update_person(cast.fatima, person_a, family_name="Okafor-Eze", reason="Married name")
    update_person(cast.amina, person_a, gender="NonSpecifiedUnknown")
    changes = field_changes(person_a)
    assert [(c.action, c.field, c.old, c.new, c.by) for c in changes[:2]] == [
        ("changed", "gender", "Feminine", "Not Specified/Unknown", "amina"),
        ("changed", "family_name", "Okafor", "Okafor-Eze", "fatima")]
    assert changes[1].reason == "Married name"
    created = {c.field: c.new for c in changes if c.action == "created"}
    assert created["given_name"] == "Adaeze" and created["birth_date"] == "2001-05-17"
    assert created["citizenship"] == "Nigeria"
    assert "name_index" not in created  # blind indexes are bookkeeping, not history


def test_unchanged_save_adds_no_field_change(cast, person_a):
    before = len(field_changes(person_a))
    update_person(cast.amina, person_a)
    assert len(field_changes(person_a)) == before


def test_organisations_and_memberships_keep_history(cast):
    cast.ngo_b.name = "NGO B Bishkek"
    cast.ngo_b.save()
    names = [(c.old, c.new) for c in field_changes(cast.ngo_b) if c.field == "name"]
    assert names[0] == ("NGO B", "NGO B Bishkek")
    cast.boris.role = "supervisor"
    cast.boris.save()
    assert field_changes(cast.boris)[0].new == "Supervisor"
    assert Organisation.history.count() >= 6

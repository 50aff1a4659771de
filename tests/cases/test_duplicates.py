"""Duplicate detection through blind indexes, and merging two records of one person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.cases.casework import open_case
from palermo.cases.duplicates import candidates, merge
from palermo.cases.models import CaseFact, Person
from palermo.cases.services import register_person
from palermo.core.history import field_changes


def test_same_name_and_birth_date_is_a_strong_candidate(cast, person_a):
    found = candidates(cast.fatima, given_name="ADAEZE", family_name="okafor",
                       birth_date=dt.date(2001, 5, 17), citizenship_id="NGA")
    assert [(c.person, c.matched, c.strong) for c in found] == [
        (person_a, ("name", "birth date", "citizenship"), True)]


def test_same_name_other_birth_date_is_weak(cast, person_a):
    (found,) = candidates(cast.amina, given_name="Adaeze", family_name="Okafor",
                          birth_date=dt.date(1990, 1, 1))
    assert found.matched == ("name",) and not found.strong


def test_identity_number_alone_is_strong(cast, person_a):
    (found,) = candidates(cast.amina, identity_number="a12345678")
    assert found.strong


def test_other_organisations_records_are_never_candidates(cast, person_a):
    assert candidates(cast.boris, given_name="Adaeze", family_name="Okafor",
                      birth_date=dt.date(2001, 5, 17)) == []
    with pytest.raises(PermissionDenied):
        candidates(cast.dana, given_name="Adaeze", family_name="Okafor")


def test_nothing_to_compare_finds_nothing(cast, person_a):
    assert candidates(cast.amina, birth_date=dt.date(2001, 5, 17)) == []


def test_merge_keeps_both_histories_and_counts_one_person(cast, person_a):
    twin = register_person(cast.fatima, given_name="Adaeze", family_name="Okafor",
                           birth_date=dt.date(2001, 5, 17))
    first = open_case(cast.amina, person_a, opened_on=dt.date(2025, 1, 10))
    second = open_case(cast.fatima, twin, opened_on=dt.date(2026, 2, 1))
    assert CaseFact.objects.values("person_key").distinct().count() == 2
    merge(cast.fatima, person_a, twin, reason="Same passport seen at intake")
    second.refresh_from_db()
    assert second.person == person_a
    assert CaseFact.objects.values("person_key").distinct().count() == 1
    assert CaseFact.objects.get(case_key=second.pk).is_retrafficked
    assert first.pk != second.pk
    twin.refresh_from_db()
    assert twin.merged_into == person_a
    assert list(Person.objects.current()) == [person_a]
    assert any(c.reason.startswith("Merged into P-") for c in field_changes(twin))
    assert field_changes(person_a)  # the kept record's history is untouched


@pytest.mark.parametrize("reason", ["", "   "])
def test_merge_needs_a_reason(cast, person_a, reason):
    twin = register_person(cast.amina, given_name="Adaeze")
    with pytest.raises(ValidationError):
        merge(cast.amina, person_a, twin, reason=reason)
    twin.refresh_from_db()
    assert twin.merged_into is None


def test_merge_across_organisations_is_refused(cast, person_a, person_b):
    with pytest.raises(PermissionDenied):
        merge(cast.amina, person_a, person_b, reason="x")

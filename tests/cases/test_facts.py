"""CaseFact: de-identified, written with the case, counts persons, rebuildable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction

from palermo.cases import facts
from palermo.cases.casework import open_case, update_case
from palermo.cases.models import CaseFact
from palermo.cases.services import register_person, update_person


def test_fact_row_holds_the_case_without_identity(case_a, person_a):
    fact = CaseFact.objects.get(case_key=case_a.pk)
    assert (fact.organisation_id, fact.year, fact.gender, fact.age, fact.citizenship) == (
        case_a.organisation_id, 2026, "Feminine", 24, "NGA")
    assert (fact.origin_country, fact.origin_region) == ("NGA", "sub-saharan-africa")
    assert (fact.destination_country, fact.destination_region) == (
        "ITA", "european-union-and-turkey")
    assert fact.means_of_control == ["DebtBondage", "WithholdsDocuments"]
    row = " ".join(str(v) for v in CaseFact.objects.filter(pk=fact.pk).values().get().values())
    for identity in ("Adaeze", "Okafor", "2001-05-17", "A12345678", "0101"):
        assert identity not in row


def test_fact_has_no_link_back_to_the_case_or_person():
    relations = {f.name for f in CaseFact._meta.get_fields() if f.is_relation}
    assert relations == {"organisation"}


def test_person_key_is_stable_and_pseudonymous(cast, person_a, case_a):
    second = open_case(cast.amina, person_a, opened_on=dt.date(2026, 9, 1))
    keys = set(CaseFact.objects.values_list("person_key", flat=True))
    assert len(keys) == 1 and CaseFact.objects.count() == 2
    (key,) = keys
    assert len(key) == 32 and str(person_a.pk) not in key
    assert CaseFact.objects.get(case_key=second.pk).is_retrafficked
    assert not CaseFact.objects.get(case_key=case_a.pk).is_retrafficked


def test_a_case_opened_or_redated_before_an_earlier_one_rewrites_both_facts(
        cast, person_a, case_a):
    def retrafficked():
        return dict(CaseFact.objects.values_list("case_key", "is_retrafficked"))

    earlier = open_case(cast.amina, person_a, opened_on=case_a.opened_on - dt.timedelta(days=400))
    assert retrafficked() == {earlier.pk: False, case_a.pk: True}
    update_case(cast.amina, earlier, version=1, opened_on=case_a.opened_on + dt.timedelta(days=1))
    assert retrafficked() == {earlier.pk: True, case_a.pk: False}
    call_command("rebuild_facts", verbosity=0)
    assert retrafficked() == {earlier.pk: True, case_a.pk: False}


def test_fact_follows_every_change_of_case_and_person(cast, person_a, case_a):
    update_case(cast.amina, case_a, version=1, exploitation_countries=["NOR"])
    assert CaseFact.objects.get(case_key=case_a.pk).destination_country == "NOR"
    update_person(cast.amina, person_a, birth_date=dt.date(2010, 1, 1))
    assert CaseFact.objects.get(case_key=case_a.pk).age == 16


def test_case_and_fact_are_written_together_or_not_at_all(cast, person_a, monkeypatch):
    def broken(case):
        raise RuntimeError("disk full")

    monkeypatch.setattr(facts, "project", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        open_case(cast.amina, person_a)
    from palermo.cases.models import Case

    assert not Case.objects.exists()


def test_rebuild_reports_and_repairs_differences(cast, person_a, case_a, capsys):
    other = register_person(cast.boris, given_name="Aigerim")
    open_case(cast.boris, other)
    CaseFact.objects.filter(case_key=case_a.pk).update(gender="Masculine", age=70)
    CaseFact.objects.create(case_key=99999, person_key="x", organisation=cast.ngo_a,
                            year=2020, opened_on=dt.date(2020, 1, 1), status="Active",
                            client_category="victim")
    call_command("rebuild_facts")
    out = capsys.readouterr().out
    assert "2 cases: 0 rows created, 1 changed (age: 1, gender: 1), 1 removed" in out
    fact = CaseFact.objects.get(case_key=case_a.pk)
    assert (fact.gender, fact.age) == ("Feminine", 24)
    call_command("rebuild_facts")
    assert "0 rows created, 0 changed, 0 removed" in capsys.readouterr().out


def test_prior_awareness_reaches_the_facts(cast, case_a):
    update_case(cast.amina, case_a, version=1, knew_risks="yes",
                awareness_sources=["campaign", "family"])
    fact = CaseFact.objects.get(case_key=case_a.pk)
    assert (fact.knew_risks, fact.awareness_sources) == ("yes", ["campaign", "family"])


def test_unknown_awareness_source_is_refused(cast, case_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        update_case(cast.amina, case_a, version=1, awareness_sources=["billboard"])
    assert "awareness_sources" in refused.value.message_dict


def test_project_many_matches_project_one_by_one(cast, person_a, case_a):
    from palermo.cases.models import Case

    second = open_case(cast.amina, person_a, opened_on=dt.date(2026, 9, 1))
    one_by_one = {f.case_key: {k: getattr(f, k) for k in facts.FACT_FIELDS}
                  for f in CaseFact.objects.all()}
    CaseFact.objects.all().delete()
    cases = list(Case.objects.select_related("person", "origin_country__origin_region"))
    assert facts.project_many(cases) == 2
    in_bulk = {f.case_key: {k: getattr(f, k) for k in facts.FACT_FIELDS}
               for f in CaseFact.objects.all()}
    assert in_bulk == one_by_one
    assert in_bulk[second.pk]["is_retrafficked"] and not in_bulk[case_a.pk]["is_retrafficked"]

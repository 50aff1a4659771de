"""The data source of a case — how it entered Palermo — on the case, in its history, in the
fact row (rebuilt like every fact) and through the migration that added it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from palermo.cases import facts
from palermo.cases.casework import open_case, update_case
from palermo.cases.models import Case, CaseFact


def test_a_case_entered_in_palermo_is_casework_down_to_its_fact_and_history(cast, person_a):
    case = open_case(cast.amina, person_a, opened_on=dt.date(2026, 2, 1))
    assert Case.objects.get(pk=case.pk).data_source == "casework"
    assert CaseFact.objects.get(case_key=case.pk).data_source == "casework"
    assert [h.data_source for h in case.history.all()] == ["casework"]


def test_the_channel_sets_the_source_and_an_edit_keeps_it(cast, person_a):
    case = open_case(cast.amina, person_a, data_source="htcds_import")
    update_case(cast.amina, case, version=1, exploitation_months=4)
    assert CaseFact.objects.get(case_key=case.pk).data_source == "htcds_import"
    assert [h.data_source for h in case.history.order_by("history_id")] == [
        "htcds_import", "htcds_import"]


def test_an_unknown_source_is_refused_naming_the_field(cast, person_a):
    with pytest.raises(ValidationError) as refused:
        open_case(cast.amina, person_a, data_source="spreadsheet")
    assert "data_source" in refused.value.message_dict
    assert not Case.objects.exists()


def test_data_sources_are_the_four_channels_with_translated_labels():
    assert [value for value, _label in facts.DATA_SOURCES] == [
        "casework", "form", "htcds_import", "template_import"]
    assert str(dict(facts.DATA_SOURCES)["htcds_import"]) == "HTCDS file import"
    assert "DATA_SOURCES" in facts.__all__ and "data_source" in facts.FACT_FIELDS


def test_rebuild_repairs_a_wrong_source_and_then_finds_nothing(cast, person_a, capsys):
    imported = open_case(cast.amina, person_a, opened_on=dt.date(2026, 2, 1),
                         data_source="template_import")
    open_case(cast.amina, person_a, opened_on=dt.date(2026, 9, 1))
    CaseFact.objects.filter(case_key=imported.pk).update(data_source="casework")
    call_command("rebuild_facts")
    assert "2 cases: 0 rows created, 1 changed (data_source: 1), 0 removed" in \
        capsys.readouterr().out
    assert CaseFact.objects.get(case_key=imported.pk).data_source == "template_import"
    call_command("rebuild_facts")
    assert "0 rows created, 0 changed, 0 removed" in capsys.readouterr().out


def test_the_migration_makes_existing_cases_casework(db, migrated_back):
    """Cases (and their fact rows) from before the migration are "entered in Palermo"."""
    old = migrated_back("0005_person_citizenships_languages")
    alias, org = old.database.alias, old.organisation
    person = old.create("cases.Person", organisation=org, registered_by=old.user,
                        given_name="Ifeoma")
    case = old.create("cases.Case", organisation=org, person=person, number="OLD-2020-00001",
                      opened_on=dt.date(2020, 1, 1))
    old.create("cases.HistoricalCase", id=case.pk, organisation=org, person=person,
               number=case.number, opened_on=case.opened_on,
               history_date=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), history_type="+")
    old.create("cases.CaseFact", case_key=case.pk, person_key="k", organisation=org,
               year=2020, opened_on=case.opened_on, status="Active", client_category="victim")
    old.migrate_to_latest()
    assert Case.objects.using(alias).get().data_source == "casework"
    assert Case.history.using(alias).get().data_source == "casework"
    assert CaseFact.objects.using(alias).get().data_source == "casework"

"""Cases: opening, numbering, editing with conflict detection, closure, notes, events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.cases.casework import EditConflict, add_event, add_note, open_case, update_case
from palermo.cases.models import Case, CaseFact
from palermo.core import access
from palermo.core.access import Action
from palermo.core.history import field_changes


def test_case_is_numbered_per_organisation_and_year(cast, person_a, case_a):
    second = open_case(cast.fatima, person_a, opened_on=dt.date(2026, 5, 1))
    other_year = open_case(cast.amina, person_a, opened_on=dt.date(2027, 1, 3))
    assert [case_a.number, second.number, other_year.number] == [
        "NGOA-2026-00001", "NGOA-2026-00002", "NGOA-2027-00001"]
    assert case_a.assigned_to == cast.amina.user and second.assigned_to == cast.fatima.user


@pytest.mark.parametrize("name", ["emre", "chen", "dana", "root", "boris"])
def test_only_own_caseworkers_open_cases(cast, person_a, name):
    with pytest.raises(PermissionDenied):
        open_case(cast.membership(name), person_a)
    assert not Case.objects.exists() and not CaseFact.objects.exists()


@pytest.mark.parametrize("name, sees", [("amina", True), ("fatima", True), ("boris", False),
                                        ("emre", False), ("chen", False), ("dana", False),
                                        ("root", False)])
def test_case_visibility_follows_the_policy(cast, case_a, name, sees):
    member = cast.membership(name)
    assert (case_a in access.visible(member, Case.objects.all())) is sees
    assert access.can(member, Action.CHANGE, case_a) is sees


def test_edit_keeps_history_and_raises_the_version(cast, case_a):
    updated = update_case(cast.fatima, case_a, version=1, reason="Police report received",
                          exploitation_types=["SexualExploitation", "ForcedLabour"])
    assert updated.version == 2
    change = next(c for c in field_changes(updated) if c.field == "exploitation_types")
    assert (change.by, change.reason) == ("fatima", "Police report received")
    assert (change.old, change.new) == ("Sexual exploitation",
                                        "Sexual exploitation, Forced labour")


def test_second_editor_gets_a_conflict_and_nothing_is_overwritten(cast, case_a):
    update_case(cast.amina, case_a, version=1, exploitation_months=12)
    with pytest.raises(EditConflict) as conflict:
        update_case(cast.fatima, case_a, version=1, exploitation_months=20)
    assert conflict.value.current.exploitation_months == 12
    assert Case.objects.get(pk=case_a.pk).exploitation_months == 12


@pytest.mark.parametrize("fields, field", [
    ({"exploitation_types": ["Tourism"]}, "exploitation_types"),
    ({"means_of_control": ["DeclinedToAnswer", "DebtBondage"]}, "means_of_control"),
    ({"exploitation_countries": ["XYZ"]}, "exploitation_countries"),
    ({"status": "Closed"}, "closure_reason"),
    ({"trafficking_status": "Maybe"}, "trafficking_status"),
    ({"identified_on": dt.date(2999, 1, 1)}, "identified_on"),
])
def test_bad_answers_are_refused_by_field(cast, case_a, fields, field):
    with pytest.raises(ValidationError) as refused:
        update_case(cast.amina, case_a, version=1, **fields)
    assert field in refused.value.message_dict
    assert Case.objects.get(pk=case_a.pk).version == 1


def test_declined_to_answer_is_kept_apart_from_unknown(cast, case_a):
    case = update_case(cast.amina, case_a, version=1, means_of_control=["DeclinedToAnswer"],
                       recruiter_relationship="Unknown")
    fact = CaseFact.objects.get(case_key=case.pk)
    assert (fact.means_of_control, fact.recruiter_relationship) == (["DeclinedToAnswer"],
                                                                    "Unknown")


def test_closing_needs_a_reason_and_records_the_date(cast, case_a):
    closed = update_case(cast.fatima, case_a, version=1, status="Closed",
                         closure_reason="Reintegrated; declined further contact")
    assert closed.closed_on is not None and closed.is_closed
    reopened = update_case(cast.fatima, closed, version=2, status="FollowUp")
    assert reopened.closed_on is None


def test_notes_and_events_are_encrypted_and_guarded(cast, case_a):
    from django.db import connection

    add_note(cast.amina, case_a, "Ngozi's cousin may know the recruiter")
    add_event(cast.amina, case_a, type="Recruitment", country_id="NGA", place="Benin City",
              date=dt.date(2024, 11, 1), description="Approached at church by Mrs B.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_casenote")
        note = cursor.fetchone()[0]
        cursor.execute("SELECT description FROM cases_traffickingevent")
        event = cursor.fetchone()[0]
    assert note.startswith("v1.") and "Ngozi" not in note
    assert event.startswith("v1.") and "Mrs B" not in event
    assert case_a.notes.get().text == "Ngozi's cousin may know the recruiter"
    with pytest.raises(PermissionDenied):
        add_note(cast.boris, case_a, "x")

"""Return and reintegration, the entitlement ledger, and the Norway workflow end to end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from palermo.cases import referrals, returns, screening
from palermo.cases.assistance import add_service, record_consent
from palermo.cases.casework import open_case, update_case
from palermo.cases.followups import record_follow_up
from palermo.cases.models import Case, CaseFact, Return
from palermo.core.models import Country, Organisation, Role, User
from tests.conftest import confirmed_membership


def _journey_to(cast, case, step_fields):
    journey = returns.start(cast.amina, case, Country.objects.get(pk="NGA"))
    for step, fields in step_fields:
        journey = returns.advance(cast.amina, journey, step, **fields)
    return journey


SAFE_PATH = [("registered", {}), ("safety_assessed", {"safety": "safe"}),
             ("hold_checked", {"hold_cleared": True}),
             ("travelling", {"travel_on": dt.date(2026, 5, 2)})]


def test_steps_cannot_be_skipped(cast, case_a):
    journey = returns.start(cast.amina, case_a, Country.objects.get(pk="NGA"))
    with pytest.raises(ValidationError, match="next step is"):
        returns.advance(cast.amina, journey, "travelling", travel_on=dt.date(2026, 5, 2))
    assert Return.objects.get().step == "interest"


@pytest.mark.parametrize("step_fields, field", [
    ([("registered", {}), ("safety_assessed", {})], "safety"),
    ([("registered", {}), ("safety_assessed", {"safety": "unsafe"}), ("hold_checked",
                                                                      {"hold_cleared": True})],
     "safety"),
    ([("registered", {}), ("safety_assessed", {"safety": "safe"}), ("hold_checked", {})],
     "hold_cleared"),
])
def test_each_step_checks_its_facts(cast, case_a, step_fields, field):
    with pytest.raises(ValidationError) as refused:
        _journey_to(cast, case_a, step_fields)
    assert field in refused.value.message_dict


def test_a_child_travels_only_after_a_best_interests_determination(cast, person_a, case_a):
    from palermo.cases.services import update_person

    update_person(cast.amina, person_a, birth_date=dt.date(2012, 1, 1))
    with pytest.raises(ValidationError) as refused:
        _journey_to(cast, case_a, SAFE_PATH)
    assert "best_interests_done_on" in refused.value.message_dict
    journey = Return.objects.get()
    returns.advance(cast.amina, journey, "travelling", travel_on=dt.date(2026, 5, 2),
                    best_interests_done_on=dt.date(2026, 4, 20), guardian_involved=True,
                    child_protection_involved=True)
    assert Return.objects.get().step == "travelling"


def test_unable_to_travel_needs_a_reason(cast, case_a):
    journey = returns.start(cast.amina, case_a, Country.objects.get(pk="NGA"))
    with pytest.raises(ValidationError):
        returns.advance(cast.amina, journey, "unable_to_travel")
    returns.advance(cast.amina, journey, "unable_to_travel",
                    unable_reason="No travel document can be issued")
    with pytest.raises(ValidationError, match="finished"):
        returns.advance(cast.amina, journey, "registered")


def test_ledger_balance_override_and_encrypted_receipt(cast, case_a):
    journey = returns.start(cast.amina, case_a, Country.objects.get(pk="NGA"))
    journey.budget = Decimal("1500.00")
    journey.save()
    returns.disburse(cast.amina, journey, amount=Decimal("1000"), kind="cash",
                     purpose="Start-up grant", receipt=("receipt.pdf", b"%PDF-1.4 Okafor"))
    assert journey.balance() == Decimal("500.00")
    with pytest.raises(PermissionDenied):
        returns.disburse(cast.amina, journey, amount=Decimal("600"), kind="in_kind",
                         purpose="Sewing machine")
    with pytest.raises(ValidationError) as refused:
        returns.disburse(cast.fatima, journey, amount=Decimal("600"), kind="in_kind",
                         purpose="Sewing machine")
    assert "override_reason" in refused.value.message_dict
    over = returns.disburse(cast.fatima, journey, amount=Decimal("600"), kind="in_kind",
                            purpose="Sewing machine", override_reason="Price rose; approved")
    assert over.override_by == cast.fatima.user and journey.balance() == Decimal("-100.00")
    first = journey.disbursements.first()
    assert returns.receipt_content(first) == b"%PDF-1.4 Okafor"
    with connection.cursor() as cursor:
        cursor.execute("SELECT receipt FROM cases_disbursement WHERE id = %s", [first.pk])
        assert cursor.fetchone()[0].startswith("v1.")


def test_nonpositive_amount_is_refused(cast, case_a):
    journey = returns.start(cast.amina, case_a, Country.objects.get(pk="NGA"))
    with pytest.raises(ValidationError) as refused:
        returns.disburse(cast.amina, journey, amount=Decimal("0"), kind="cash", purpose="x")
    assert "amount" in refused.value.message_dict


@pytest.mark.parametrize("name", ["boris", "emre", "dana", "root"])
def test_outsiders_cannot_run_a_return(cast, case_a, name):
    with pytest.raises(PermissionDenied):
        returns.start(cast.membership(name), case_a, Country.objects.get(pk="NGA"))


def test_norway_return_workflow_end_to_end(cast):
    """Referral in → screening → decision → consent → safety assessment → travel →
    reintegration plan and ledger → 3/6/12-month follow-ups → closure (001 L3495–3624)."""
    police = Organisation.objects.create(name="Oslo Police (demo)", type="LawEnforcement",
                                         country_id="NOR")
    officer = confirmed_membership(User.objects.create_user("ola"), police,
                                   Role.CASEWORKER)
    # The police identified the person and refer her to NGO A with her consent.
    from palermo.cases.services import register_person

    police_person = register_person(officer, given_name="Adaeze", family_name="Okafor")
    police_case = open_case(officer, police_person, identifying_agency="police")
    record_consent(officer, police_case, kind="data_processing", decision="given")
    record_consent(officer, police_case, kind="sharing", organisation=cast.ngo_a,
                   decision="given")
    referral = referrals.send(officer, police_case, cast.ngo_a,
                              reason="AdditionalServicesRequired",
                              requested_services=["shelter", "travel"])
    referrals.accept(cast.amina, referral)
    case = Case.objects.get(organisation=cast.ngo_a)
    assert case.referred_by == referral and case.person == police_person

    made = screening.record(cast.amina, case, age=24, decision="presumed_victim",
                            answers={"recruitment": "yes", "deception": "yes",
                                     "sexual_exploitation": "yes"})
    screening.approve(cast.fatima, made)
    record_consent(cast.amina, case, kind="return", decision="given")
    add_service(cast.amina, case, type="shelter", status="completed")

    journey = returns.start(cast.amina, case, Country.objects.get(pk="NGA"))
    journey.budget = Decimal("2000")
    journey.save()
    for step, fields in [("registered", {}),
                         ("safety_assessed", {"safety": "conditions",
                                              "safety_assessed_by": cast.mission}),
                         ("hold_checked", {"hold_cleared": True}),
                         ("travelling", {"travel_on": dt.date(2026, 5, 2)}),
                         ("arrived", {"arrived_on": dt.date(2026, 5, 3)})]:
        journey = returns.advance(cast.amina, journey, step, **fields)
    returns.set_plan(cast.amina, journey, objectives="Tailoring business in Benin City",
                     types=["Livelihood", "Education"], planned_end=dt.date(2026, 11, 30))
    returns.advance(cast.amina, journey, "reintegrating")
    returns.disburse(cast.amina, journey, amount=Decimal("1800"), kind="in_kind",
                     purpose="Sewing machines and fabric")

    follow_ups = list(case.follow_ups.order_by("due_on"))
    assert [(f.months_after, f.due_on) for f in follow_ups] == [
        (3, dt.date(2026, 8, 3)), (6, dt.date(2026, 11, 3)), (12, dt.date(2027, 5, 3))]
    for follow_up in follow_ups:
        record_follow_up(cast.amina, follow_up, status="done", living_situation="family",
                         income="self_employed", health="good", safety="safe",
                         retrafficked="no")
    returns.set_plan(cast.amina, journey, actual_end=dt.date(2026, 12, 15))
    returns.advance(cast.amina, journey, "completed")
    case.refresh_from_db()
    closed = update_case(cast.fatima, case, version=case.version, status="Closed",
                         closure_reason="Reintegration completed")
    assert closed.is_closed and case.follow_ups.count() == 3  # no second schedule
    assert CaseFact.objects.values("person_key").distinct().count() == 1
    assert CaseFact.objects.get(case_key=case.pk).client_category == "victim"

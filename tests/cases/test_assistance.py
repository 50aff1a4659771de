"""Consent records and services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.cases.assistance import (
    add_service,
    decision_in_force,
    may_share_with,
    record_consent,
    rejects_all_services,
    update_service,
)
from palermo.cases.models import Consent, Service


def test_sharing_needs_consent_to_sharing_and_processing(cast, case_a):
    assert not may_share_with(case_a, cast.ngo_b)
    record_consent(cast.amina, case_a, kind="sharing", organisation=cast.ngo_b,
                   decision="given")
    assert not may_share_with(case_a, cast.ngo_b)  # processing not yet consented
    record_consent(cast.amina, case_a, kind="data_processing", decision="given")
    assert may_share_with(case_a, cast.ngo_b)
    assert not may_share_with(case_a, cast.mission)  # named organisation only


def test_withdrawal_takes_effect_and_keeps_the_record(cast, case_a):
    record_consent(cast.amina, case_a, kind="data_processing", decision="given")
    record_consent(cast.amina, case_a, kind="sharing", organisation=cast.ngo_b,
                   decision="given", decided_on=dt.date(2026, 3, 1))
    record_consent(cast.fatima, case_a, kind="sharing", organisation=cast.ngo_b,
                   decision="withdrawn", decided_on=dt.date(2026, 4, 1))
    assert not may_share_with(case_a, cast.ngo_b)
    assert decision_in_force(case_a, "sharing", cast.ngo_b) == "withdrawn"
    assert case_a.consents.filter(kind="sharing").count() == 2


def test_guardian_consent_names_the_guardian_encrypted(cast, case_a):
    from django.db import connection

    with pytest.raises(ValidationError) as refused:
        record_consent(cast.amina, case_a, kind="assistance", decision="given",
                       given_by="guardian")
    assert "guardian_name" in refused.value.message_dict
    record_consent(cast.amina, case_a, kind="assistance", decision="given",
                   given_by="guardian", guardian_name="Mrs Grace Okafor")
    with connection.cursor() as cursor:
        cursor.execute("SELECT guardian_name FROM cases_consent")
        assert "Grace" not in cursor.fetchone()[0]


@pytest.mark.parametrize("fields, field", [
    ({"kind": "sharing", "decision": "given"}, "organisation"),
    ({"kind": "return", "decision": "maybe"}, "decision"),
])
def test_consent_errors_name_the_field(cast, case_a, fields, field):
    with pytest.raises(ValidationError) as refused:
        record_consent(cast.amina, case_a, **fields)
    assert field in refused.value.message_dict
    assert not Consent.objects.exists()


@pytest.mark.parametrize("name", ["boris", "emre", "dana", "root"])
def test_only_the_case_organisation_records_consent(cast, case_a, name):
    with pytest.raises(PermissionDenied):
        record_consent(cast.membership(name), case_a, kind="assistance", decision="given")


def test_services_with_provider_dates_status_and_cost(cast, case_a):
    shelter = add_service(cast.amina, case_a, type="shelter", started_on=dt.date(2026, 3, 2),
                          cost=Decimal("1200.00"), currency="EUR")
    assert shelter.provider == cast.ngo_a and shelter.status == "planned"
    legal = add_service(cast.amina, case_a, type="legal_aid", provider=cast.mission)
    update_service(cast.fatima, shelter, status="completed", ended_on=dt.date(2026, 6, 30))
    assert list(case_a.services.values_list("type", "status")) == [
        ("shelter", "completed"), ("legal_aid", "planned")]
    assert legal.provider == cast.mission


@pytest.mark.parametrize("fields, field", [
    ({"type": "spa"}, "type"),
    ({"type": "medical", "started_on": dt.date(2026, 5, 1), "ended_on": dt.date(2026, 4, 1)},
     "ended_on"),
    ({"type": "medical", "cost": Decimal("-5")}, "cost"),
    ({"type": "medical", "cost": Decimal("50")}, "currency"),
])
def test_service_errors_name_the_field(cast, case_a, fields, field):
    with pytest.raises(ValidationError) as refused:
        add_service(cast.amina, case_a, **fields)
    assert field in refused.value.message_dict
    assert not Service.objects.exists()


def test_declaration_rejecting_all_services_is_respected(cast, case_a):
    record_consent(cast.amina, case_a, kind="reject_all", decision="given")
    assert rejects_all_services(case_a)
    with pytest.raises(ValidationError, match="reject all services"):
        add_service(cast.amina, case_a, type="shelter")
    record_consent(cast.amina, case_a, kind="assistance", decision="given")
    assert add_service(cast.amina, case_a, type="shelter").pk

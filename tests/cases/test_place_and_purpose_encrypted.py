"""An event's place and a payment's purpose are free text about a person's case: encrypted
at rest like notes, in their tables and in their history tables, and the migration
encrypts the rows written before it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from palermo.cases import returns
from palermo.cases.casework import add_event
from palermo.cases.models import Disbursement, TraffickingEvent
from palermo.core.models import Country

PLACE = "Benin City, near Oba market"
PURPOSE = "School fees for her son Chidi"


def _stored(database, table: str, column: str) -> list[str]:
    with database.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - test tables
        return [row[0] for row in cursor.fetchall()]


def _payment(cast, case) -> Disbursement:
    journey = returns.start(cast.amina, case, Country.objects.get(pk="NGA"),
                            budget=Decimal("500"), currency="EUR")
    return returns.disburse(cast.amina, journey, amount=Decimal("100"), kind="cash",
                            purpose=PURPOSE)


def test_place_and_purpose_are_ciphertext_in_tables_and_history(cast, case_a):
    event = add_event(cast.amina, case_a, type="Recruitment", country_id="NGA", place=PLACE,
                      date=dt.date(2024, 11, 1))
    payment = _payment(cast, case_a)
    for table, column in [("cases_traffickingevent", "place"),
                          ("cases_historicaltraffickingevent", "place"),
                          ("cases_disbursement", "purpose"),
                          ("cases_historicaldisbursement", "purpose")]:
        stored = _stored(connection, table, column)
        assert stored and all(v.startswith("v1.") for v in stored), table
        assert not any("Oba" in v or "Chidi" in v for v in stored), table
    event.refresh_from_db()
    payment.refresh_from_db()
    assert (event.place, payment.purpose) == (PLACE, PURPOSE)
    assert event.history.first().place == PLACE
    assert payment.history.first().purpose == PURPOSE


def test_the_lengths_are_still_limited(cast, case_a):
    with pytest.raises(ValidationError) as refused:
        add_event(cast.amina, case_a, type="Recruitment", place="x" * 121)
    assert "place" in refused.value.message_dict
    journey = returns.start(cast.amina, case_a, Country.objects.get(pk="NGA"),
                            budget=Decimal("500"), currency="EUR")
    with pytest.raises(ValidationError) as refused:
        returns.disburse(cast.amina, journey, amount=Decimal("1"), kind="cash",
                         purpose="x" * 201)
    assert "purpose" in refused.value.message_dict


def test_the_api_reads_and_writes_them_in_clear(api_client, case_a):
    made = api_client("amina").post(f"/api/cases/{case_a.pk}/events",
                                    {"type": "Exploitation", "place": PLACE},
                                    content_type="application/json")
    assert made.status_code == 201 and made.json()["place"] == PLACE
    assert TraffickingEvent.objects.get(pk=made.json()["id"]).place == PLACE
    assert api_client("boris").post(f"/api/cases/{case_a.pk}/events",
                                    {"type": "Exploitation", "place": PLACE},
                                    content_type="application/json").status_code == 404


def test_the_migration_encrypts_existing_rows_and_their_history(db, migrated_back):
    old = migrated_back("0007_fewer_write_indexes")
    alias = old.database.alias
    person = old.create("cases.Person", organisation=old.organisation, registered_by=old.user,
                        given_name="Ifeoma", citizenship_id="NGA")
    case = old.create("cases.Case", organisation=old.organisation, person=person,
                      number="OLD-2024-00001", opened_on=dt.date(2024, 1, 2))
    event = old.create("cases.TraffickingEvent", case=case, type="Recruitment", place=PLACE)
    old.create("cases.HistoricalTraffickingEvent", id=event.pk, case_id=case.pk,
               type="Recruitment", place=PLACE, history_date=dt.datetime(2024, 1, 2, tzinfo=dt.UTC),
               history_type="+")
    journey = old.create("cases.Return", case=case, country_id="NGA", budget=Decimal("9"),
                         currency="EUR")
    paid = old.create("cases.Disbursement", journey=journey, paid_on=dt.date(2024, 2, 1),
                      amount=Decimal("5"), kind="cash", purpose=PURPOSE, recorded_by=old.user)
    old.create("cases.HistoricalDisbursement", id=paid.pk, journey_id=journey.pk,
               paid_on=dt.date(2024, 2, 1), amount=Decimal("5"), kind="cash", purpose=PURPOSE,
               recorded_by_id=old.user.pk, history_date=dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
               history_type="+")
    database = connections[alias]
    assert _stored(database, "cases_traffickingevent", "place") == [PLACE]  # as it was

    old.migrate_to_latest()

    for table, column in [("cases_traffickingevent", "place"),
                          ("cases_historicaltraffickingevent", "place"),
                          ("cases_disbursement", "purpose"),
                          ("cases_historicaldisbursement", "purpose")]:
        [stored] = _stored(database, table, column)
        assert stored.startswith("v1.") and "Oba" not in stored and "Chidi" not in stored
    assert TraffickingEvent.objects.using(alias).get().place == PLACE
    assert TraffickingEvent.history.using(alias).get().place == PLACE
    assert Disbursement.objects.using(alias).get().purpose == PURPOSE
    assert Disbursement.history.using(alias).get().purpose == PURPOSE


def test_the_migration_decrypts_when_reversed(db, migrated_back):
    from django.db.migrations.executor import MigrationExecutor

    old = migrated_back("0007_fewer_write_indexes")
    person = old.create("cases.Person", organisation=old.organisation, registered_by=old.user,
                        given_name="Ifeoma", citizenship_id="NGA")
    case = old.create("cases.Case", organisation=old.organisation, person=person,
                      number="OLD-2024-00001", opened_on=dt.date(2024, 1, 2))
    old.create("cases.TraffickingEvent", case=case, type="Recruitment", place=PLACE)
    old.migrate_to_latest()
    executor = MigrationExecutor(old.database)
    executor.migrate([("cases", "0007_fewer_write_indexes")])
    assert _stored(connections[old.database.alias], "cases_traffickingevent", "place") == [PLACE]

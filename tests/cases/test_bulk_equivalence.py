"""The batch functions of imports store exactly what the one-by-one functions store.

The same persons, cases and events are written once through ``register_person`` /
``open_case`` / ``add_event`` and once through ``register_people_bulk`` /
``open_cases_bulk`` / ``add_events_bulk``; the stored records — decrypted identities, blind
indexes, fact rows, history rows — must not differ except for keys, numbers and times.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from palermo.cases import casework, facts, services
from palermo.cases.models import Case, CaseFact, Person, TraffickingEvent

PEOPLE = [
    {"given_name": "Ámína  Bello", "family_name": "Ọkafor", "birth_date": dt.date(1990, 1, 31),
     "gender": "Feminine", "citizenship_id": "NGA", "other_citizenships": ["GHA"],
     "languages": ["eng", "yor"], "phone": "+234 801 555 0199",
     "identity_number": "A07-4471-2290",
     "address": "12 Marina, Lagos", "children": 2},
    {"given_name": "Nurlan", "middle_name": "T.", "gender": "Masculine",
     "citizenship_id": "KGZ"},
    {"given_name": "Oksana", "family_name": "Ivanova", "birth_date": dt.date(2004, 6, 1),
     "email": "o@example.org", "gender": "Unknown"},
]
CASES = [
    {"opened_on": dt.date(2025, 3, 1), "identified_on": dt.date(2025, 2, 20),
     "client_category": "victim", "trafficking_status": "ActualVictimOfTrafficking",
     "origin_country_id": "NGA", "exploitation_countries": ["ITA", "NOR"],
     "exploitation_types": ["SexualExploitation"],
     "means_of_control": ["DebtBondage", "WithholdsDocuments"], "exploitation_months": 9},
    {"opened_on": dt.date(2024, 11, 5), "status": "Closed", "closure_reason": "Returned home",
     "exploitation_types": ["ForcedLabour"], "forced_labour_industries": ["F_Construction"],
     "age_at_exploitation": 17, "origin_country_id": "KGZ",
     "exploitation_countries": ["RUS"]},
    {"opened_on": dt.date(2026, 1, 10)},
]
EVENTS = [(0, {"type": "Recruitment", "country_id": "NGA", "place": "Benin City",
               "date": dt.date(2024, 5, 1), "description": "Offered work in a salon"}),
          (1, {"type": "Exploitation", "country_id": "RUS", "place": "Moscow"})]

# Differ by construction between two writes of the same input.
KEYS = {"id", "history_id", "history_date", "registered_at", "number", "person_id",
        "case_id", "history_user_id", "case_key", "person_key", "updated"}


def _one_by_one(membership):
    persons = [services.register_person(membership, **fields) for fields in PEOPLE]
    cases = [casework.open_case(membership, p, **fields)
             for p, fields in zip(persons, CASES, strict=True)]
    for position, fields in EVENTS:
        casework.add_event(membership, cases[position], **fields)
    return persons, cases


def _in_bulk(membership):
    persons = services.register_people_bulk(membership, [dict(p) for p in PEOPLE])
    cases = casework.open_cases_bulk(membership, [(p, dict(c)) for p, c in
                                                  zip(persons, CASES, strict=True)])
    casework.add_events_bulk(membership, [(cases[i], dict(e)) for i, e in EVENTS])
    return persons, cases


def _stored(model, pks, key="pk"):
    """The rows as Palermo reads them back (decrypted), without keys and times."""
    rows = model.objects.filter(**{f"{key}__in": pks}).order_by(key).values()
    return [{k: v for k, v in row.items() if k not in KEYS} for row in rows]


def _history(model, pks):
    rows = model.history.filter(id__in=pks).order_by("id", "history_id").values()
    return [{k: v for k, v in row.items() if k not in KEYS} for row in rows]


@pytest.mark.django_db
def test_bulk_and_one_by_one_store_the_same_records(cast):
    single_persons, single_cases = _one_by_one(cast.amina)
    bulk_persons, bulk_cases = _in_bulk(cast.amina)
    single_p, bulk_p = [p.pk for p in single_persons], [p.pk for p in bulk_persons]
    single_c, bulk_c = [c.pk for c in single_cases], [c.pk for c in bulk_cases]

    # Decrypted identities and blind indexes (the name index of "Ámína  Bello" too).
    assert _stored(Person, bulk_p) == _stored(Person, single_p)
    assert Person.objects.get(pk=bulk_p[0]).given_name == "Ámína  Bello"
    assert all(Person.objects.get(pk=pk).name_index for pk in bulk_p)
    assert _stored(Case, bulk_c) == _stored(Case, single_c)
    assert _stored(TraffickingEvent, bulk_c, "case_id") == \
        _stored(TraffickingEvent, single_c, "case_id")
    # One creation row per record in each history, with the same (decrypted) values.
    assert _history(Person, bulk_p) == _history(Person, single_p)
    assert len(_history(Person, bulk_p)) == 3
    assert _history(Case, bulk_c) == _history(Case, single_c)
    assert Person.history.filter(id__in=bulk_p, history_type="+",
                                 history_user=cast.amina.user).count() == 3
    single_e = TraffickingEvent.objects.filter(case_id__in=single_c).values_list("pk")
    bulk_e = TraffickingEvent.objects.filter(case_id__in=bulk_c).values_list("pk")
    assert TraffickingEvent.history.filter(id__in=bulk_e).count() == \
        TraffickingEvent.history.filter(id__in=single_e).count() == 2

    # The fact rows, in the same transaction, with the pseudonymous key of each person.
    assert _stored(CaseFact, bulk_c, "case_key") == _stored(CaseFact, single_c, "case_key")
    for case in bulk_cases:
        assert CaseFact.objects.get(case_key=case.pk).person_key == facts.person_key(
            case.person_id)
    assert CaseFact.objects.get(case_key=bulk_c[0]).destination_region


@pytest.mark.django_db
def test_bulk_rows_hold_ciphertext_only(cast):
    persons, _cases = _in_bulk(cast.amina)
    with connection.cursor() as cursor:
        for table in ("cases_person", "cases_historicalperson"):
            cursor.execute(f"SELECT given_name, family_name, birth_date, phone, "
                           f"identity_number FROM {table} WHERE id = %s", [persons[0].pk])
            values = cursor.fetchone()
            assert all(v.startswith("v1.") for v in values)
            # Long, distinctive plaintexts: short ones turn up in random base64 by chance.
            assert not any(s in v for v in values
                           for s in ("Bello", "1990-01-31", "A07-4471-2290", "8015550199"))
        cursor.execute("SELECT given_name FROM cases_person WHERE id = %s", [persons[0].pk])
        main = cursor.fetchone()[0]
        cursor.execute("SELECT given_name FROM cases_historicalperson WHERE id = %s",
                       [persons[0].pk])
        # Bound to its own table: the history's ciphertext is not a copy of the record's.
        assert cursor.fetchone()[0] != main

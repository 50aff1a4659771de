"""insert_values: plain rows (the fact rows of an import) written without model instances."""

from __future__ import annotations

import datetime as dt

import pytest

from palermo.cases.models import Case, CaseFact, Person
from palermo.cases.writing import insert_values


def _fact(cast, key: int) -> dict:
    return {"case_key": key, "person_key": f"p{key}", "organisation_id":
            cast.fatima.organisation_id, "year": 2024, "opened_on": dt.date(2024, 5, 1),
            "status": "Active", "client_category": "victim",
            "means_of_control": ["DebtBondage"]}


def test_rows_get_their_values_defaults_and_keys(cast):
    ids = insert_values(CaseFact, [_fact(cast, 901), _fact(cast, 902)])
    stored = CaseFact.objects.get(pk=ids[1])
    assert (stored.case_key, stored.person_key, stored.opened_on) == (
        902, "p902", dt.date(2024, 5, 1))
    assert stored.means_of_control == ["DebtBondage"] and stored.exploitation_types == []
    assert stored.data_source == "casework" and stored.updated is not None
    assert (stored.gender, stored.age) == ("", None)  # not given: Django's defaults
    assert CaseFact.objects.filter(case_key__in=[901, 902]).count() == 2


def test_unknown_fields_and_protected_models_are_refused(cast):
    with pytest.raises(TypeError, match="no field 'nickname'"):
        insert_values(CaseFact, [_fact(cast, 903) | {"nickname": "x"}])
    for model in (Person, Case):  # encrypted, blind-indexed or with history
        with pytest.raises(ValueError, match="use insert_new_records"):
            insert_values(model, [{}])
    assert not CaseFact.objects.filter(case_key=903).exists()

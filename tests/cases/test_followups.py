"""Follow-ups: scheduled on leaving active assistance, overdue list, outcomes, feedback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.cases.assistance import add_service
from palermo.cases.casework import update_case
from palermo.cases.followups import add_follow_up, add_months, overdue, record_follow_up
from palermo.cases.models import FollowUp


@pytest.mark.parametrize("day, months, expected", [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15)),
    (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_closing_schedules_3_6_12_months_once(cast, case_a):
    closed = update_case(cast.fatima, case_a, version=1, status="Closed",
                         closure_reason="Returned home", closed_on=dt.date(2026, 4, 10))
    assert list(closed.follow_ups.values_list("months_after", "due_on")) == [
        (3, dt.date(2026, 7, 10)), (6, dt.date(2026, 10, 10)), (12, dt.date(2027, 4, 10))]
    reopened = update_case(cast.fatima, closed, version=2, status="Active")
    update_case(cast.fatima, reopened, version=3, status="FollowUp")
    assert FollowUp.objects.count() == 3  # not scheduled twice


def test_schedule_follows_the_organisation_setting(cast, case_a):
    cast.ngo_a.follow_up_months = [1, 24]
    cast.ngo_a.save()
    case_a.refresh_from_db()
    update_case(cast.amina, case_a, version=1, status="FollowUp")
    assert list(FollowUp.objects.values_list("months_after", flat=True)) == [1, 24]


def test_bad_schedule_setting_is_refused(cast):
    cast.ngo_a.follow_up_months = [3, "six"]
    with pytest.raises(ValidationError) as refused:
        cast.ngo_a.full_clean()
    assert "follow_up_months" in refused.value.message_dict


def test_overdue_list_is_per_organisation(cast, case_a, person_b):
    from palermo.cases.casework import open_case

    case_b = open_case(cast.boris, person_b)
    late = add_follow_up(cast.amina, case_a, dt.date(2026, 1, 5))
    add_follow_up(cast.amina, case_a, dt.date(2027, 1, 5))
    add_follow_up(cast.boris, case_b, dt.date(2026, 1, 5))
    today = dt.date(2026, 6, 1)
    assert list(overdue(cast.amina, today)) == [late]
    assert overdue(cast.boris, today).count() == 1
    assert not overdue(cast.dana, today).exists()


def test_outcomes_and_satisfaction_per_service(cast, case_a):
    shelter = add_service(cast.amina, case_a, type="shelter")
    legal = add_service(cast.amina, case_a, type="legal_aid")
    follow_up = add_follow_up(cast.amina, case_a, dt.date(2026, 7, 1))
    done = record_follow_up(cast.amina, follow_up, status="done", living_situation="family",
                            income="employed", health="good", safety="DeclinedToAnswer",
                            retrafficked="no", notes="Works at a tailor's shop",
                            satisfaction={shelter.pk: "5", legal.pk: "2"})
    assert done.done_on is not None and done.done_by == cast.amina.user
    assert sorted(done.feedback.values_list("service__type", "satisfaction")) == [
        ("legal_aid", "2"), ("shelter", "5")]


def test_feedback_on_another_case_is_refused_whole(cast, case_a, person_a):
    from palermo.cases.casework import open_case

    other_case = open_case(cast.amina, person_a)
    foreign = add_service(cast.amina, other_case, type="medical")
    follow_up = add_follow_up(cast.amina, case_a, dt.date(2026, 7, 1))
    with pytest.raises(ValidationError, match="another case"):
        record_follow_up(cast.amina, follow_up, status="done", health="fair",
                         satisfaction={foreign.pk: "4"})
    follow_up.refresh_from_db()
    assert follow_up.status == "scheduled" and follow_up.health == ""


def test_only_the_case_organisation_records_follow_ups(cast, case_a):
    follow_up = add_follow_up(cast.amina, case_a, dt.date(2026, 7, 1))
    for name in ("boris", "emre", "dana", "root"):
        with pytest.raises(PermissionDenied):
            record_follow_up(cast.membership(name), follow_up, status="done")

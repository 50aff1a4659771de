"""Screening decisions: recommendation recorded, caseworker decides, supervisor approves."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.cases import screening
from palermo.cases.models import Case, Screening

ALL_THREE = {"recruitment": "yes", "deception": "yes", "forced_labour": "yes"}


def test_recommendation_is_kept_with_its_reasons(cast, case_a):
    made = screening.record(cast.amina, case_a, answers=ALL_THREE, age=30,
                            decision="presumed_victim")
    assert made.recommendation == "presumed_victim" and made.approval == "pending"
    assert any("Means found: deception." == r for r in made.reasons)


def test_differing_decision_needs_a_reason(cast, case_a):
    with pytest.raises(ValidationError) as refused:
        screening.record(cast.amina, case_a, answers=ALL_THREE, age=30,
                         decision="possible_victim")
    assert "differing_reason" in refused.value.message_dict
    assert not Screening.objects.exists()
    made = screening.record(cast.amina, case_a, answers=ALL_THREE, age=30,
                            decision="possible_victim",
                            differing_reason="Account inconsistent; wait for police report")
    assert made.decision != made.recommendation


@pytest.mark.parametrize("answers", [{"recruitment": "maybe"}, {"teleportation": "yes"}])
def test_bad_answers_are_named(cast, case_a, answers):
    with pytest.raises(ValidationError) as refused:
        screening.record(cast.amina, case_a, answers=answers, decision="possible_victim")
    assert "answers" in refused.value.message_dict


def test_supervisor_approves_and_the_case_follows(cast, case_a):
    made = screening.record(cast.amina, case_a, answers={"recruitment": "yes",
                                                         "forced_begging": "yes"},
                            age=15, decision="presumed_victim")
    assert list(screening.waiting_for_approval(cast.fatima)) == [made]
    assert not screening.waiting_for_approval(cast.amina).exists()
    screening.approve(cast.fatima, made, comment="Child: act and purpose suffice")
    assert Case.objects.get(pk=case_a.pk).client_category == "victim"
    assert not screening.waiting_for_approval(cast.fatima).exists()
    with pytest.raises(ValidationError, match="already reviewed"):
        screening.approve(cast.fatima, made)


@pytest.mark.parametrize("name", ["amina", "boris", "emre", "chen", "dana", "root"])
def test_only_a_supervisor_of_the_organisation_approves(cast, case_a, name):
    made = screening.record(cast.amina, case_a, answers=ALL_THREE, age=30,
                            decision="presumed_victim")
    with pytest.raises(PermissionDenied):
        screening.approve(cast.membership(name), made)
    made.refresh_from_db()
    assert made.approval == "pending"


def test_nobody_approves_their_own_decision(cast, case_a):
    made = screening.record(cast.fatima, case_a, answers=ALL_THREE, age=30,
                            decision="presumed_victim")
    with pytest.raises(PermissionDenied):
        screening.approve(cast.fatima, made)


def test_returned_for_review_needs_a_comment(cast, case_a):
    made = screening.record(cast.amina, case_a, answers=ALL_THREE, age=30,
                            decision="presumed_victim")
    with pytest.raises(ValidationError):
        screening.return_for_review(cast.fatima, made, comment="")
    made.refresh_from_db()
    assert made.approval == "pending"
    screening.return_for_review(cast.fatima, made, comment="Ask about the debt")
    assert Case.objects.get(pk=case_a.pk).client_category == "victim"  # unchanged

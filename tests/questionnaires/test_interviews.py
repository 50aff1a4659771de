"""Interviews about a case: answers bound with palermo_field are written to the case."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from palermo.cases import interviews
from palermo.cases.models import CaseFact, CaseInterview, Screening
from palermo.questionnaires import services
from palermo.questionnaires.models import SubmissionStatus

INSTRUMENTS = Path(__file__).resolve().parents[2] / "palermo/questionnaires/instruments"


@pytest.fixture
def htcds(cast):
    data = (INSTRUMENTS / "htcds_xlsform.xlsx").read_bytes()
    return services.publish(cast.root, services.upload(cast.root, data, "htcds_xlsform.xlsx",
                                                       shared=True))


def test_branching_interview_writes_case_and_screening(cast, case_a, branching):
    draft = interviews.start_interview(cast.amina, case_a, branching, source="web")
    assert draft.about_case and CaseInterview.objects.get(submission=draft).case == case_a
    interviews.submit_response(cast.amina, draft, {
        "age": "16", "recruited": "yes", "means": ["DebtBondage"],
        "recruiter": "__declined__"})
    case_a.refresh_from_db()
    assert case_a.age_at_exploitation == 16
    assert case_a.means_of_control == ["DebtBondage"]
    assert case_a.history.first().history_change_reason.startswith("Interview Branching")
    screening = Screening.objects.get(case=case_a)
    assert screening.answers == {"recruitment": "yes"}
    assert screening.decision == screening.recommendation == "possible_victim"
    assert CaseInterview.objects.get(submission=draft).written_through is not None


def test_htcds_answers_populate_the_case_and_person(cast, case_a, htcds):
    draft = interviews.start_interview(cast.amina, case_a, htcds, source="web")
    interviews.submit_response(cast.amina, draft, {
        "prs_First_Name": "Ada", "prs_Gender": "Feminine", "prs_Citizenship": "IT",
        "vic_TypeOfExploitation": ["ForcedLabour", "ForcedBegging"],
        "vic_Methods_of_Control": ["DebtBondage"], "vic_TraffickingStatus":
        "ActualVictimOfTrafficking", "cas_Status": "Active"})
    case_a.refresh_from_db()
    person = case_a.person
    person.refresh_from_db()
    assert case_a.exploitation_types == ["ForcedLabour", "ForcedBegging"]
    assert case_a.trafficking_status == "ActualVictimOfTrafficking"
    assert (person.given_name, person.citizenship_id) == ("Ada", "ITA")
    fact = CaseFact.objects.get(organisation=cast.ngo_a)  # the de-identified row follows
    assert fact.exploitation_types == ["ForcedLabour", "ForcedBegging"]


def test_htcds_rejects_an_invalid_submission(cast, case_a, htcds):
    draft = interviews.start_interview(cast.amina, case_a, htcds, source="web")
    with pytest.raises(services.AnswersRefused) as caught:
        interviews.submit_response(cast.amina, draft, {
            "prs_Gender": "Robot", "prs_Birthdate": "17/05/2001"})
    assert set(caught.value.problems) == {"prs_Gender", "prs_Birthdate"}
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.DRAFT


def test_a_value_the_case_refuses_is_reported_against_its_question(cast, case_a, branching):
    draft = interviews.start_interview(cast.amina, case_a, branching, source="web")
    with pytest.raises(services.AnswersRefused) as caught:
        interviews.submit_response(cast.amina, draft, {
            "age": "20", "recruited": "yes", "means": ["other"], "means_other": "x"})
    assert list(caught.value.problems) == ["means"]  # "other" is no case value
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.DRAFT  # nothing half-written


def test_interview_access_follows_the_case(cast, case_a, branching):
    draft = interviews.start_interview(cast.amina, case_a, branching, source="web")
    assert interviews.get_response(cast.fatima, draft.pk) == draft
    with pytest.raises(Http404):
        interviews.get_response(cast.boris, draft.pk)
    with pytest.raises(PermissionDenied):  # M&E officers never open a case's interview
        interviews.get_response(cast.emre, draft.pk)
    with pytest.raises(PermissionDenied):
        interviews.get_response(cast.dana, draft.pk)
    with pytest.raises(PermissionDenied):
        interviews.start_interview(cast.boris, case_a, branching, source="web")
    with pytest.raises(PermissionDenied):  # the questionnaire rules alone never suffice
        services.save_draft(cast.fatima, draft, {})
    assert draft not in interviews.visible_responses(cast.emre)
    assert draft in interviews.visible_responses(cast.fatima)


def test_corrected_answer_is_written_again(cast, case_a, branching):
    draft = interviews.start_interview(cast.amina, case_a, branching, source="web")
    response = interviews.submit_response(cast.amina, draft, {"age": "20",
                                                               "recruited": "no"})
    interviews.change_answer(cast.amina, response, "age", "22", "misheard")
    case_a.refresh_from_db()
    assert case_a.age_at_exploitation == 22
    with pytest.raises(PermissionDenied):
        interviews.change_answer(cast.emre, response, "age", "23", "x")

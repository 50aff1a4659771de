"""Concurrent edits: a draft open in two windows, a save arriving after the submission,
two submissions at once, two corrections at once. Each test works with two copies of the
same row, as two requests would."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palermo.cases import interviews
from palermo.cases.models import CaseInterview
from palermo.questionnaires import services
from palermo.questionnaires.models import AnswerChange, Submission, SubmissionStatus
from tests.questionnaires.forms import xlsform

TWO = xlsform([["type", "name", "label"], ["text", "first", "First"],
               ["text", "second", "Second"]], None,
              [["form_id", "palermo_kind"], ["two_questions", "survey"]])


@pytest.fixture
def draft(cast):
    version = services.publish(cast.emre, services.upload(cast.emre, TWO, "two.xlsx"))
    return services.start(cast.amina, version, source="web")


def twice(submission: Submission) -> tuple[Submission, Submission]:
    return (Submission.objects.get(pk=submission.pk),
            Submission.objects.get(pk=submission.pk))


def test_a_save_after_the_submission_does_not_overwrite_the_checked_answers(cast, draft):
    window_a, window_b = twice(draft)
    services.submit(cast.amina, window_a, {"first": "checked"})
    with pytest.raises(services.DraftChanged):
        services.save_draft(cast.amina, window_b, {"first": "late draft"})
    stored = Submission.objects.get(pk=draft.pk)
    assert stored.status == SubmissionStatus.SUBMITTED
    assert stored.answers == {"first": "checked"}


def test_a_response_is_submitted_once_even_from_two_windows(cast, case_a, branching):
    interview = interviews.start_interview(cast.amina, case_a, branching, source="web")
    window_a, window_b = twice(interview)
    interviews.submit_response(cast.amina, window_a, {"age": "30", "recruited": "no"})
    with pytest.raises(services.DraftChanged):
        interviews.submit_response(cast.amina, window_b, {"age": "31", "recruited": "no"})
    case_a.refresh_from_db()
    assert case_a.age_at_exploitation == 30  # written through once, by the first
    assert CaseInterview.objects.get(submission=interview).submission.answers["age"] == 30


def test_a_draft_saved_in_another_window_is_not_silently_overwritten(cast, draft):
    window_a, window_b = twice(draft)
    opened = window_b.updated_at
    services.save_draft(cast.amina, window_a, {"first": "from A"}, seen=window_a.updated_at)
    with pytest.raises(services.DraftChanged, match="another window"):
        services.save_draft(cast.amina, window_b, {"second": "from B"}, seen=opened)
    assert Submission.objects.get(pk=draft.pk).answers == {"first": "from A"}


def test_two_corrections_at_once_both_stay(cast, draft):
    services.submit(cast.amina, draft, {"first": "1", "second": "2"})
    window_a, window_b = twice(draft)
    services.change_answer(cast.emre, window_a, "first", "one", "typo")
    services.change_answer(cast.fatima, window_b, "second", "two", "typo")
    stored = Submission.objects.get(pk=draft.pk)
    assert stored.answers == {"first": "one", "second": "two"}
    assert AnswerChange.objects.filter(submission=draft).count() == 2


def test_the_page_refuses_a_stale_save_and_keeps_the_typed_answers(cast, draft, browser):
    url = reverse("web:response_fill", args=[draft.pk])
    amina = browser("amina")
    page = amina.get(url).content.decode()
    assert 'name="_seen"' in page
    seen = page.split('name="_seen" value="', 1)[1].split('"', 1)[0]
    services.save_draft(cast.amina, Submission.objects.get(pk=draft.pk), {"first": "other"})
    stale = amina.post(url, {"_seen": seen, "first": "mine", "_action": "save"})
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "another window" in body and 'value="mine"' in body
    assert Submission.objects.get(pk=draft.pk).answers == {"first": "other"}
    fresh = amina.get(url).content.decode().split('name="_seen" value="', 1)[1]
    saved = amina.post(url, {"_seen": fresh.split('"', 1)[0], "first": "mine",
                             "_action": "save"})
    assert saved.status_code == 302
    assert Submission.objects.get(pk=draft.pk).answers == {"first": "mine"}

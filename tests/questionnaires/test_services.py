"""Uploading, publishing and filling in forms, under the access policy."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from palermo.questionnaires import services
from palermo.questionnaires.loader import FormRejected
from palermo.questionnaires.models import (
    AnswerChange,
    Form,
    FormVersion,
    Submission,
    SubmissionStatus,
    VersionStatus,
)
from tests.questionnaires.forms import BRANCHING, xlsform

VALID = {"age": "30", "recruited": "no"}
SURVEY = xlsform([["type", "name", "label", "required"],
                  ["select_one yn", "happy", "Happy?", "yes"]],
                 [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
                 [["form_id", "palermo_kind"], ["pulse", "survey"]])


def test_emre_uploads_versions_for_ngo_a(cast, branching):
    assert branching.form.organisation == cast.ngo_a and branching.number == 1
    again = services.upload(cast.emre, BRANCHING, "branching.xlsx")
    assert again.number == 2 and again.status == VersionStatus.DRAFT
    assert bytes(again.source) == BRANCHING  # the original file, for XLSForm export


@pytest.mark.parametrize("name", ["amina", "fatima", "boris", "chen", "dana"])
def test_other_roles_cannot_upload(cast, name):
    with pytest.raises(PermissionDenied):
        services.upload(cast.membership(name), BRANCHING, "branching.xlsx")


def test_another_organisation_cannot_take_over_a_form_id(cast, branching, db):
    from palermo.core.models import Membership, Role, User
    ngo_b_me = Membership.objects.create(user=User.objects.create_user("bea"),
                                         organisation=cast.ngo_b, role=Role.ME_OFFICER)
    with pytest.raises(FormRejected) as caught:
        services.upload(ngo_b_me, BRANCHING, "branching.xlsx")
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("settings", 2, "form_id")
    with pytest.raises(PermissionDenied):
        services.publish(ngo_b_me, branching)


def test_a_bad_form_saves_nothing(cast):
    bad = xlsform([["type", "name", "label"], ["select_one nowhere", "q", "Q"]])
    with pytest.raises(FormRejected):
        services.upload(cast.emre, bad, "bad.xlsx")
    assert not Form.objects.exists() and not FormVersion.objects.exists()


def test_shared_instruments_are_changed_by_administrators_only(cast):
    shared = services.upload(cast.root, SURVEY, "pulse.xlsx", shared=True)
    assert shared.form.organisation is None
    with pytest.raises(PermissionDenied):
        services.publish(cast.emre, shared)
    with pytest.raises(PermissionDenied):
        services.upload(cast.emre, SURVEY, "pulse.xlsx", shared=True)
    services.publish(cast.root, shared)
    assert shared.form in services.visible_forms(cast.boris)


def test_publishing_retires_the_previous_version(cast, branching):
    second = services.publish(cast.emre, services.upload(cast.emre, BRANCHING, "b.xlsx"))
    branching.refresh_from_db()
    assert branching.status == VersionStatus.RETIRED
    assert branching.form.published() == second
    services.retire(cast.emre, second)
    assert branching.form.published() is None


def test_fill_in_save_draft_and_submit(cast, branching):
    draft = services.start(cast.amina, branching, source="web")
    assert draft.status == SubmissionStatus.DRAFT and draft.author == cast.amina.user
    services.save_draft(cast.amina, draft, {"age": "3x", "zzz": 1})
    draft.refresh_from_db()
    assert draft.answers == {"age": "3x"}  # unknown names are not kept; drafts may be wrong
    with pytest.raises(services.AnswersRefused) as caught:
        services.submit(cast.amina, draft, {"age": "3x"})
    assert set(caught.value.problems) == {"age", "recruited"}
    done = services.submit(cast.amina, draft, {**VALID, "means": ["DebtBondage"]})
    done.refresh_from_db()
    assert done.status == SubmissionStatus.SUBMITTED
    assert done.answers == {"age": 30, "recruited": "no", "adult": "adult"}
    with pytest.raises(ValidationError):
        services.submit(cast.amina, done, VALID)


def test_only_published_versions_take_responses(cast, branching):
    draft_version = services.upload(cast.emre, BRANCHING, "b.xlsx")
    with pytest.raises(ValidationError):
        services.start(cast.amina, draft_version, source="web")
    with pytest.raises(PermissionDenied):
        services.start(cast.dana, branching, source="web")


def test_who_sees_which_response(cast, branching):
    mine = services.start(cast.amina, branching, source="web")
    assert services.get_submission(cast.amina, mine.pk) == mine     # her own
    assert services.get_submission(cast.fatima, mine.pk) == mine    # her supervisor
    assert services.get_submission(cast.emre, mine.pk) == mine      # NGO A's M&E officer
    with pytest.raises(Http404):
        services.get_submission(cast.boris, mine.pk)               # another organisation
    with pytest.raises(PermissionDenied):
        services.get_submission(cast.dana, mine.pk)                # donors never
    with pytest.raises(PermissionDenied):
        services.save_draft(cast.boris, mine, VALID)


def test_change_answer_keeps_history(cast, branching):
    response = services.submit(cast.amina, services.start(cast.amina, branching, source="web"),
                               VALID)
    with pytest.raises(PermissionDenied):  # caseworkers do not correct submitted responses
        services.change_answer(cast.amina, response, "age", "31", "typo")
    with pytest.raises(ValidationError):
        services.change_answer(cast.fatima, response, "age", "31", "")
    with pytest.raises(services.AnswersRefused):
        services.change_answer(cast.fatima, response, "age", "300", "typo")
    change = services.change_answer(cast.fatima, response, "age", "31", "typo")
    response.refresh_from_db()
    assert response.answers["age"] == 31
    assert (change.old_value, change.new_value, change.changed_by, change.reason) == (
        30, 31, cast.fatima.user, "typo")
    assert AnswerChange.objects.filter(submission=response).count() == 1


def test_confidential_responses_store_no_author_or_time(cast):
    data = xlsform([["type", "name", "label"], ["text", "q", "Q"]], None,
                   [["form_id", "palermo_confidential"], ["secret", "yes"]])
    version = services.publish(cast.emre, services.upload(cast.emre, data, "s.xlsx"))
    response = services.start(cast.amina, version, source="web")
    assert response.pk is None  # nothing stored until submitted
    with pytest.raises(ValidationError):
        services.save_draft(cast.amina, response, {"q": "x"})
    services.submit(cast.amina, response, {"q": "fine"})
    stored = Submission.objects.get()
    assert stored.author is None and stored.updated_at is None
    assert stored.organisation == cast.ngo_a and stored.submitted_on is not None
    with pytest.raises(Http404):  # never opened one by one, not even by the M&E officer
        services.get_submission(cast.emre, stored.pk)

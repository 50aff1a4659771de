"""The access helpers the questionnaires module uses (core/access.py): authored records,
shared (unowned) instruments, one kind's reach applied to another model — and a case's
interviews, which follow the case (a referred case's interviews stay with its owner)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from palermo.cases import interviews, referrals
from palermo.cases.assistance import record_consent
from palermo.core import access
from palermo.core.access import Action
from palermo.questionnaires import services
from palermo.questionnaires.models import Form, FormVersion, Submission
from tests.questionnaires.forms import BRANCHING, xlsform

PULSE = xlsform([["type", "name", "label"], ["text", "view", "Your view"]], None,
                [["form_id", "palermo_kind"], ["pulse", "survey"]])


@pytest.fixture
def pulse(cast):
    """NGO A's survey, published by emre."""
    return services.publish(cast.emre, services.upload(cast.emre, PULSE, "pulse.xlsx"))


@pytest.fixture
def branching(cast):
    """NGO A's branching interview (bound to the case), published by emre."""
    return services.publish(cast.emre, services.upload(cast.emre, BRANCHING, "b.xlsx"))


@pytest.fixture
def shared(cast):
    """An instrument shipped to every organisation (no owner)."""
    data = xlsform([["type", "name", "label"], ["text", "x", "X"]], None,
                   [["form_id", "palermo_kind"], ["shared_one", "survey"]])
    return services.publish(cast.root, services.upload(cast.root, data, "s.xlsx",
                                                       shared=True))


def test_reaches_says_whether_a_role_takes_an_action_on_a_kind_at_all(cast):
    assert access.reaches(cast.amina, "submission", Action.VIEW, Action.CREATE)
    assert not access.reaches(cast.amina, "submission", Action.VIEW)
    assert not access.reaches(cast.dana, "submission", Action.VIEW, Action.CREATE)
    assert access.reaches(cast.chen, "survey_results", Action.VIEW)
    assert not access.reaches(None, "form", Action.VIEW)


def test_authors_reopen_their_own_responses_and_nobody_elses(cast, pulse):
    mine = services.start(cast.amina, pulse, source="web")
    emres = services.start(cast.emre, pulse, source="web")
    everyone = Submission.objects.all()
    assert list(access.visible(cast.amina, everyone)) == []  # caseworkers see none …
    assert list(access.visible_or_authored(cast.amina, everyone)) == [mine]  # … but theirs
    assert set(access.visible_or_authored(cast.fatima, everyone)) == {mine, emres}
    assert list(access.visible_or_authored(cast.boris, everyone)) == []
    assert access.can_or_authored(cast.amina, Action.CHANGE, mine)
    assert not access.can_or_authored(cast.amina, Action.CHANGE, emres)
    assert access.can_or_authored(cast.fatima, Action.CHANGE, mine)
    # Acting for the Mission, amina's NGO A response is not hers to reopen there.
    assert not access.can_or_authored(cast.amina_mission, Action.CHANGE, mine)
    assert list(access.visible_or_authored(cast.amina_mission, everyone)) == []
    # A role that may not make responses gets nothing by authorship.
    assert not access.can_or_authored(cast.dana, Action.CHANGE, mine)


def test_shared_instruments_serve_everyone_but_only_admins_change_them(cast, pulse, shared):
    forms = Form.objects.all()
    assert set(access.own_or_unowned(cast.boris, forms)) == {shared.form}
    assert set(access.own_or_unowned(cast.amina, forms)) == {shared.form, pulse.form}
    versions = FormVersion.objects.all()
    assert set(access.own_or_unowned(cast.boris, versions)) == {shared}
    assert access.can_strict(cast.emre, Action.CHANGE, pulse.form)
    assert not access.can_strict(cast.emre, Action.CHANGE, shared.form)  # own reach only
    assert access.can_strict(cast.root, Action.CHANGE, shared.form)
    assert not access.can_strict(cast.boris, Action.CHANGE, pulse.form)
    assert access.can(cast.emre, Action.CHANGE, shared.form)  # why can_strict exists


def test_visible_as_applies_the_results_reach_to_responses(cast, pulse, shared):
    services.submit(cast.amina, services.start(cast.amina, pulse, source="web"), {"view": "ok"})
    services.submit(cast.boris, services.start(cast.boris, shared, source="web"), {"x": "b"})
    submitted = Submission.objects.all()
    assert access.visible_as(cast.emre, submitted, "survey_results").count() == 1
    assert access.visible_as(cast.chen, submitted, "survey_results").count() == 2
    assert access.visible_as(cast.amina, submitted, "survey_results").count() == 0
    forms = Form.objects.all()
    assert set(access.visible_as(cast.boris, forms, "form")) == {pulse.form, shared.form}
    assert set(access.visible_as(cast.fatima, forms, "survey_results")) == {pulse.form,
                                                                           shared.form}
    assert not access.visible_as(cast.dana, forms, "survey_results").exists()


def test_a_case_interview_follows_the_case_even_when_the_case_is_shared(
        cast, case_a, branching, browser):
    draft = interviews.start_interview(cast.amina, case_a, branching, source="web")
    interviews.submit_response(cast.amina, draft, {"age": "30", "recruited": "no"})
    # NGO B is sent the case and may see it (consent given, referral accepted) …
    record_consent(cast.amina, case_a, kind="data_processing", decision="given")
    record_consent(cast.amina, case_a, kind="sharing", organisation=cast.ngo_b,
                   decision="given")
    referrals.accept(cast.boris, referrals.send(cast.amina, case_a, cast.ngo_b,
                                                reason="AdditionalServicesRequired"),
                     open_case=False)
    assert access.can(cast.boris, Action.VIEW, case_a)
    # … but not the full interview, which holds more than the consented part.
    with pytest.raises(Http404):
        interviews.get_response(cast.boris, draft.pk)
    assert not interviews.may_fill(cast.boris, draft)
    assert not interviews.may_change(cast.boris, draft)
    for who in ("emre", "chen", "dana"):  # roles that never open a case
        with pytest.raises(PermissionDenied):
            interviews.get_response(cast.membership(who), draft.pk)
    assert interviews.get_response(cast.fatima, draft.pk) == draft
    url = reverse("web:response_detail", args=[draft.pk])
    assert browser("amina").get(url).status_code == 200
    assert browser("boris").get(url).status_code == 404
    for who in ("emre", "chen", "dana"):
        assert browser(who).get(url).status_code == 403, who
    page = browser("boris").get(reverse("web:case_interviews", args=[case_a.pk]))
    assert page.status_code == 200 and "Branching interview" not in page.content.decode()

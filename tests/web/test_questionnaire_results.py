"""Pages of survey results and invitations: who may see them, what they show, the XLSX
download, and answering through a personal invitation link."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from palermo.questionnaires import confidential
from palermo.questionnaires.models import Invitation, Submission
from tests.questionnaires.test_confidential import STAFF_ANSWERS, publish
from tests.questionnaires.test_results import answer


@pytest.fixture
def survey(cast):
    version = publish("awareness_survey")
    for i in range(6):
        answer(version, cast.ngo_a, round="baseline" if i < 5 else "followup",
               age_band="20_24", heard_of_trafficking="yes")
    return version


def test_results_pages_for_supervisors_me_officers_and_analysts_only(cast, browser, survey):
    url = reverse("web:survey_results_detail", args=[survey.form.pk])
    for who in ("fatima", "emre", "chen"):
        page = browser(who).get(url)
        assert page.status_code == 200, who
        assert "Have you heard of human trafficking?" in page.content.decode()
    for who in ("amina", "boris", "dana"):
        assert browser(who).get(url).status_code == 403, who
        assert browser(who).get(reverse("web:survey_results")).status_code == 403, who
    review = publish("document_review")  # not a survey: no results page
    assert browser("emre").get(reverse("web:survey_results_detail",
                                       args=[review.form.pk])).status_code == 404


def test_results_hide_small_groups_on_the_page(browser, survey):
    page = browser("emre").get(reverse("web:survey_results_detail", args=[survey.form.pk]),
                               {"group_by": "round"}).content.decode()
    assert "&lt; 5" in page  # the one follow-up response is hidden
    # 5 baseline and 1 follow-up: a column of 1 would show that person's answers, and
    # pooling it with the baseline leaves no group to show: the page says so.
    assert "enough responses to show groups" in page
    assert "Other groups and no answer" not in page
    bad = browser("emre").get(reverse("web:survey_results_detail", args=[survey.form.pk]),
                              {"group_by": "no_such_question"})
    assert bad.status_code == 200 and "single-choice question" in bad.content.decode()


def test_results_download_as_xlsx(browser, survey):
    response = browser("fatima").get(reverse("web:survey_results_xlsx", args=[survey.form.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('awareness_survey-results.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book["About"]["B3"].value == 6
    assert browser("amina").get(reverse("web:survey_results_xlsx",
                                        args=[survey.form.pk])).status_code == 403


def test_invitations_page_invites_and_shows_links_once(cast, browser, db):
    staff = publish("staff_survey")
    url = reverse("web:survey_invitations", args=[staff.form.pk])
    assert browser("amina").get(url).status_code == 403
    assert browser("chen").get(url).status_code == 403  # analysts see results, not people
    client = browser("emre")
    page = client.post(url, {"members": [cast.amina.pk, cast.fatima.pk]}).content.decode()
    links = re.findall(r"<code>(http[^<]+)</code>", page)
    assert len(links) == 2 and Invitation.objects.count() == 2
    assert "Invited: 2. Responded: 0." in page
    again = client.get(url).content.decode()
    assert "<code>" not in again  # shown once only

    token = links[0].rstrip("/").rsplit("/", 1)[1]
    anonymous = Client()
    form_page = anonymous.get(reverse("web:invitation_respond", args=[token]), follow=True)
    assert form_page.status_code == 200
    assert form_page.redirect_chain == [(reverse("web:invitation_answer"), 302)]
    assert "Section A: Current counter-trafficking work" in form_page.content.decode()
    done = anonymous.post(reverse("web:invitation_answer"),
                          {**STAFF_ANSWERS, "_action": "submit"})
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    stored = Submission.objects.get()
    assert stored.author is None and stored.answers["b9_coordinates"] == "yes"
    assert "Invited: 2. Responded: 1." in client.get(url).content.decode()
    assert anonymous.get(reverse("web:invitation_answer")).status_code == 410
    used = anonymous.get(reverse("web:invitation_respond", args=[token]), follow=True)
    assert used.status_code == 410


def test_a_bad_answer_through_an_invitation_is_shown_next_to_the_question(cast, db):
    staff = publish("staff_survey")
    token = confidential.invite(cast.emre, staff.form, [cast.amina.user])[0].token
    respondent = Client()
    respondent.get(reverse("web:invitation_respond", args=[token]))
    page = respondent.post(reverse("web:invitation_answer"),
                           {"b10_strengths": "x" * 300, "_action": "review"})
    assert page.status_code == 422
    assert "250 characters at most." in page.content.decode()
    assert not Submission.objects.exists()
    assert Client().get(reverse("web:invitation_respond", args=["forged"]),
                        follow=True).status_code == 410
    assert Client().get(reverse("web:invitation_answer")).status_code == 410

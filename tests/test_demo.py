"""The demo builder (``palermo demo``): what a new user finds after installing.

The demo is built once for this module, on the test database, inside a transaction that is
rolled back at the end; each test looks at it as one of the demo users would.
"""

from __future__ import annotations

import random
import re

import pytest
from django.db import transaction
from django.test import Client

from palermo import demo, demo_forms
from palermo.cases.models import Case, CaseInterview, FollowUp, Screening
from palermo.core.models import Membership, Organisation
from palermo.exchange import indicators
from palermo.exchange.models import CoreIndicatorSubmission
from palermo.learning.models import Lesson, Publication
from palermo.questionnaires import results
from palermo.questionnaires.models import Form, Invitation, Submission

INSTRUMENTS = sorted(p.stem for p in demo_forms.INSTRUMENTS.glob("*.xlsx"))


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The demo with 20 persons per NGO (the real one has 100)."""
    with django_db_blocker.unblock(), transaction.atomic():
        logins = demo.build(persons_per_ngo=20)
        yield logins
        transaction.set_rollback(True)


def member(username: str, short_name: str) -> Membership:
    return Membership.objects.get(user__username=username,
                                  organisation__short_name=short_name)


def client_for(username: str, short_name: str, settings) -> Client:
    """A browser signed in as a demo user acting for one of their organisations."""
    settings.PALERMO_REQUIRE_2FA = False
    membership = member(username, short_name)
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session["palermo_organisation"] = membership.organisation_id
    session.save()
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.django_db
def test_every_shipped_instrument_is_published_as_a_shared_form(built):
    published = {f.name: f.published() for f in Form.objects.all()}
    assert sorted(published) == INSTRUMENTS and len(INSTRUMENTS) >= 9
    assert all(v is not None for v in published.values())
    assert not Form.objects.exclude(organisation=None).exists()
    assert Form.objects.get(name="staff_survey").published().confidential


@pytest.mark.django_db
def test_case_interviews_are_written_through_to_the_cases(built, settings):
    ngo_a = Organisation.objects.get(short_name="Safe Harbour")
    made = CaseInterview.objects.filter(case__organisation=ngo_a)
    kinds = sorted(made.values_list("submission__version__form__name", flat=True))
    assert kinds == ["assistance_interview", "followup_interview", "followup_interview",
                     "followup_interview", "screening_interview", "screening_interview",
                     "screening_interview"]
    assert made.filter(submission__status="draft").count() == 1
    screened = made.filter(submission__version__form__name="screening_interview")
    waiting = Screening.objects.filter(case__in=screened.values("case"))
    assert waiting.count() == 3 and {s.approval for s in waiting} == {"pending"}
    done = made.filter(submission__version__form__name="followup_interview",
                       submission__status="submitted")
    assert FollowUp.objects.filter(case__in=done.values("case"), status="done").count() == 2
    assessed = made.get(submission__version__form__name="assistance_interview").case
    assert Case.objects.get(pk=assessed.pk).knew_risks == "yes"
    # The interviews page of a case: its caseworker sees it, another NGO's does not.
    url = f"/cases/{assessed.pk}/interviews/"
    assert client_for("amina", "Safe Harbour", settings).get(url).status_code == 200
    assert client_for("boris", "Horizon", settings).get(url).status_code == 404


@pytest.mark.django_db
def test_staff_survey_responses_are_anonymous_and_the_rate_is_known(built):
    staff = Form.objects.get(name="staff_survey")
    responses = Submission.objects.filter(version__form=staff)
    assert responses.count() == 24
    assert set(responses.values_list("author", "updated_at", "external_id")) == {
        (None, None, "")}
    assert set(responses.values_list("status", flat=True)) == {"submitted"}
    invited = Invitation.objects.filter(form=staff)
    assert sorted(invited.values_list("invitee__username", "responded")) == [
        ("amina", True), ("emre", False), ("fatima", True)]


@pytest.mark.django_db
def test_staff_survey_results_show_large_groups_and_hide_small_ones(built, settings):
    staff = Form.objects.get(name="staff_survey")
    emre = client_for("emre", "Safe Harbour", settings)
    page = emre.get(f"/forms/results/{staff.pk}/?group_by=f1_age")
    assert page.status_code == 200
    shown = text_of(page)
    # 25–34 (10 people) and 35–44 (8) are columns; the three smaller age groups are pooled.
    assert "Respondents per group All 25–34 35–44 Other groups and no answer 24 10 8 6" \
        in shown
    assert "Under 25" not in shown.split("Respondents per group")[1][:200]
    assert "&lt; 5" in page.content.decode()
    by_sex = results.compute(member("emre", "Safe Harbour"), staff, group_by="f2_sex")
    assert by_sex.group_sizes == [24, 10, 14]
    # Caseworkers and donors see no survey results; another organisation's M&E sees none of
    # NGO A's responses.
    assert client_for("amina", "Safe Harbour", settings).get(
        f"/forms/results/{staff.pk}/").status_code == 403
    assert client_for("dana", "MFA Donor", settings).get(
        f"/forms/results/{staff.pk}/").status_code == 403
    mission = results.compute(member("emre", "Mission NGA"), staff)
    assert mission.responses == 0 and mission.withheld


@pytest.mark.django_db
def test_awareness_and_knowledge_results_compare_the_rounds(built):
    emre = member("emre", "Safe Harbour")
    awareness = results.compute(emre, Form.objects.get(name="awareness_survey"),
                                group_by="round")
    assert awareness.group_sizes == [62, 32, 30]
    hotline = next(q for q in awareness.questions if q.name == "knows_hotline")
    yes = next(r for r in hotline.rows if r.name == "yes").counts
    assert yes[2] is not None and (yes[1] is None or yes[2] > yes[1])
    test = Form.objects.get(name="knowledge_test")
    assert results.compute(emre, test, group_by="test_round").group_sizes == [27, 14, 13]
    scores = {"pre": [], "post": []}  # calculated by the form on submission
    for answers in Submission.objects.filter(version__form=test).values_list("answers",
                                                                             flat=True):
        scores[answers["test_round"]].append(float(answers["score"]))
    assert sum(scores["post"]) / 13 > sum(scores["pre"]) / 14
    chen = results.compute(member("chen", "HQ"), Form.objects.get(name="satisfaction_feedback"))
    assert chen.responses == 12 and not chen.withheld


@pytest.mark.django_db
def test_reports_have_counts_for_the_supervisor_and_the_analyst(built, settings):
    # The supervisor sees her organisation's real counts, spread over the years.
    page = client_for("fatima", "Safe Harbour", settings).get("/reports/ctm_full_sample/")
    shown = text_of(page)
    assert page.status_code == 200 and "All Countries (N=20)" in shown
    for row in ("Female", "Primary or Elementary School", "Transnational", "Acquaintance",
                "Sexual Exploitation"):
        count = re.search(rf"{row} (\d+) ", shown)
        assert count and int(count.group(1)) > 0, row
    years = re.findall(r"\b(202[2-6]) (\d+) ", shown.split("Year of Assistance")[1])
    assert len({year for year, n in years if int(n) > 0}) >= 3
    # The analyst sees every organisation, with counts of 1 to 10 hidden.
    page = client_for("chen", "HQ", settings).get("/reports/ctm_full_sample/")
    shown = text_of(page)
    assert page.status_code == 200 and "All Countries (N=60)" in shown
    for row in ("Female", "Sexual Exploitation", "Forced Labor"):
        count = re.search(rf"{row} (\d+) ", shown)
        assert count and int(count.group(1)) > 10, row
    assert " – – " in shown
    assert client_for("amina", "Safe Harbour", settings).get(
        "/reports/ctm_full_sample/").status_code == 403


@pytest.mark.django_db
def test_the_mission_submitted_core_indicators(built):
    mission = Organisation.objects.get(short_name="Mission NGA")
    submission = CoreIndicatorSubmission.objects.get(organisation=mission)
    assert submission.counts.count() == len(demo.INDICATOR_YEARS) * len(demo.INDICATOR_CELLS)
    merged = indicators.merged_counts(member("chen", "HQ"), by=("sex",))
    submitted = {r["period"]: r["submitted"] for r in merged if r["sex"] == "female"}
    assert all(submitted[year] > 0 for year in demo.INDICATOR_YEARS)
    assert any(r["case_system"] > 0 for r in merged)  # the NGOs' cases, merged in
    published = indicators.published_counts(member("chen", "HQ"), by=("sex",))
    assert any(r["persons"] is None for r in published)  # the few "unknown" are hidden


@pytest.mark.django_db
def test_running_the_modules_again_adds_nothing(built):
    def counts():
        return (Form.objects.count(), Submission.objects.count(),
                Invitation.objects.count(), CaseInterview.objects.count(),
                CoreIndicatorSubmission.objects.count(), Publication.objects.count(),
                Lesson.objects.count())

    before = counts()
    orgs = {"hq": Organisation.objects.get(short_name="HQ"),
            "ngo_a": Organisation.objects.get(short_name="Safe Harbour"),
            "mission": Organisation.objects.get(short_name="Mission NGA")}
    demo.add_modules(orgs, random.Random(1))
    assert counts() == before
    lines = "\n".join(demo.summary())
    assert f"Forms: {len(INSTRUMENTS)} published; 6 case interviews" in lines
    assert "3 invited, 2 responded through Palermo, 24 anonymous responses" in lines
    assert "40 counts from Mission NGA" in lines


@pytest.mark.django_db
def test_free_text_says_it_is_demo_data(built):
    """Free-text answers say they are demo data; the core-indicator note too."""
    notes = [s.answers.get("interviewer_notes") for s in Submission.objects.filter(
        version__form__name="screening_interview")]
    assert notes == [demo_forms.DATA_MARK] * 3
    assert CoreIndicatorSubmission.objects.get().note.startswith(demo_forms.DATA_MARK)



@pytest.mark.django_db
def test_the_library_holds_seed_004_and_ngo_a_shares_its_lessons(built, settings):
    """Headquarters keeps seed 004's ten publications; NGO A's M&E officer recorded lessons,
    negative ones too; a donor finds both."""
    assert Publication.objects.filter(organisation__short_name="HQ").count() == 10
    recorded = Lesson.objects.filter(organisation__short_name="Safe Harbour")
    assert recorded.count() == 6 and recorded.filter(polarity="negative").count() == 3
    dana = client_for("dana", "MFA Donor", settings)
    page = text_of(dana.get("/learning/library/", {"q": "armed conflict"}))
    assert "1 publication found" in page and "Monitoring and Reporting Mechanism" in page
    assert "6 lessons found" in text_of(dana.get("/learning/lessons/"))
    assert "Learning: 10 publications in the library, 6 lessons learned" in "\n".join(
        demo.summary())

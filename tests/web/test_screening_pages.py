"""Screening pages: who records, who reviews, who may not."""

from __future__ import annotations

import pytest

from palermo.cases import screening
from palermo.cases.models import Case, Screening

REFUSED = {"boris": 404, "emre": 403, "chen": 403, "dana": 403, "root": 403}
PRESUMED = {"i_recruitment": "yes", "i_deception": "yes", "i_forced_labour": "yes",
            "age": "30", "decision": "presumed_victim"}


@pytest.mark.parametrize("name", ["amina", "fatima", *REFUSED])
def test_screening_page(browser, case_a, name):
    response = browser(name).get(f"/cases/{case_a.pk}/screening/")
    assert response.status_code == REFUSED.get(name, 200)
    if response.status_code == 200:
        assert "Means" in response.text and "Declined to answer" in response.text


@pytest.mark.parametrize("name", ["amina", "fatima", *REFUSED])
def test_record_screening(browser, case_a, name):
    response = browser(name).post(f"/cases/{case_a.pk}/screening/", PRESUMED)
    assert response.status_code == REFUSED.get(name, 302)
    assert Screening.objects.count() == (0 if name in REFUSED else 1)
    if name not in REFUSED:
        made = Screening.objects.get()
        assert (made.recommendation, made.decision) == ("presumed_victim", "presumed_victim")
        assert made.answers == {"recruitment": "yes", "deception": "yes",
                                "forced_labour": "yes"}


def test_differing_decision_without_reason_shows_the_error(browser, case_a):
    response = browser("amina").post(f"/cases/{case_a.pk}/screening/",
                                     {**PRESUMED, "decision": "other_migrant_in_need"})
    assert response.status_code == 200
    assert "differs from the recommendation" in response.text
    assert not Screening.objects.exists()


def test_case_page_shows_recommendation_and_supervisor_approves(browser, cast, case_a):
    screening.record(cast.amina, case_a, answers={"recruitment": "yes", "deception": "yes",
                                                  "forced_labour": "yes"},
                     age=30, decision="presumed_victim")
    made = Screening.objects.get()
    amina_page = browser("amina").get(f"/cases/{case_a.pk}/").text
    assert "Means found: deception." in amina_page
    assert f"/screenings/{made.pk}/approve/" not in amina_page
    fatima = browser("fatima")
    assert f"/screenings/{made.pk}/approve/" in fatima.get(f"/cases/{case_a.pk}/").text
    assert browser("amina").post(f"/screenings/{made.pk}/approve/").status_code == 403
    assert browser("boris").post(f"/screenings/{made.pk}/approve/").status_code == 404
    assert fatima.post(f"/screenings/{made.pk}/approve/", {"comment": "ok"}).status_code == 302
    made.refresh_from_db()
    assert made.approval == "approved"
    assert Case.objects.get(pk=case_a.pk).client_category == "victim"


def test_returning_needs_a_comment(browser, cast, case_a):
    made = screening.record(cast.amina, case_a, answers={"recruitment": "yes"}, age=30,
                            decision="possible_victim")
    fatima = browser("fatima")
    fatima.post(f"/screenings/{made.pk}/return/", {"comment": ""})
    made.refresh_from_db()
    assert made.approval == "pending"
    fatima.post(f"/screenings/{made.pk}/return/", {"comment": "Ask about the debt"})
    made.refresh_from_db()
    assert made.approval == "returned"
    assert browser("fatima").post(f"/screenings/{made.pk}/delete/").status_code == 404

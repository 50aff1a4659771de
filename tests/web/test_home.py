"""The start page: each role sees its own work, and nothing of other organisations."""

from __future__ import annotations

import datetime as dt

import pytest

from palermo.cases import referrals, screening
from palermo.cases.followups import add_follow_up


@pytest.fixture
def work(cast, case_a, person_b):
    from palermo.cases.casework import open_case

    case_b = open_case(cast.boris, person_b)
    add_follow_up(cast.amina, case_a, dt.date(2025, 1, 1))
    add_follow_up(cast.boris, case_b, dt.date(2025, 1, 1))
    referrals.send(cast.boris, case_b, cast.ngo_a, reason="Other")
    screening.record(cast.amina, case_a, answers={"recruitment": "yes"}, age=30,
                     decision="possible_victim")
    return case_a, case_b


def test_caseworker_sees_own_cases_overdue_and_incoming(browser, work):
    case_a, case_b = work
    page = browser("amina").get("/").text
    assert case_a.number in page and case_b.number not in page
    assert "due 2025-01-01" in page
    assert "NGO B" in page  # the referral from NGO B waits for NGO A
    assert "Screening decisions to approve" not in page


def test_supervisor_sees_the_approval_queue(browser, work):
    case_a, _ = work
    page = browser("fatima").get("/").text
    assert "Screening decisions to approve" in page and case_a.number in page


@pytest.mark.parametrize("name", ["emre", "chen", "dana", "root"])
def test_roles_without_cases_see_no_case_data(browser, work, name):
    case_a, case_b = work
    page = browser(name).get("/").text
    assert case_a.number not in page and case_b.number not in page
    assert "Overdue follow-ups" not in page


def test_other_caseworker_sees_only_own_organisation(browser, work):
    case_a, case_b = work
    page = browser("boris").get("/").text
    assert case_b.number in page and case_a.number not in page
    assert "No referral is waiting." in page

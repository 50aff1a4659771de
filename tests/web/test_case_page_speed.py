"""The case page's cost is pinned: a fixed number of queries, whatever the number of rows in
its sections (no query per row), and the history loaded on its own page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from palermo.cases import returns
from palermo.cases.assistance import add_service, record_consent
from palermo.cases.casework import add_event, add_note, update_case
from palermo.cases.followups import add_follow_up
from palermo.core.models import Country

# Session, user, membership, the policy's sharing checks, the case, the access log entry,
# one query per section (events, notes, screening, consent, services, referrals,
# follow-ups and their feedback, the return with its plan, payments, actions and ledger
# totals) and the shell of the page. Raise it only with a reason.
CASE_PAGE_QUERIES = 30


def _queries(client, url: str) -> int:
    client.get(url)  # warm caches (country list, keyring) as a running server has them
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _fill(cast, case, journey, n: int, start: int) -> None:
    """Add *n* rows to every section of the case page."""
    plan = getattr(journey, "plan", None) or returns.set_plan(
        cast.amina, journey, objectives="Shop", types=["Livelihood"],
        planned_end=dt.date(2027, 1, 1))
    for i in range(start, start + n):
        add_note(cast.amina, case, f"Note {i}")
        add_event(cast.amina, case, type="Transit", country=Country.objects.get(pk="ITA"),
                  place=f"Place {i}")
        record_consent(cast.amina, case, kind="sharing", organisation=cast.ngo_b,
                       decision="given" if i % 2 else "refused")
        add_service(cast.amina, case, type="shelter", status="ongoing",
                    provider=cast.mission)
        add_follow_up(cast.amina, case, dt.date(2026, 6, 1) + dt.timedelta(days=i))
        returns.add_action(cast.amina, plan, description=f"Action {i}")
        returns.disburse(cast.amina, journey, amount=Decimal("1"), kind="cash",
                         purpose=f"Item {i}", receipt=(f"r{i}.pdf", b"receipt"))
        case.refresh_from_db()
        update_case(cast.amina, case, version=case.version, exploitation_months=20 + i)


def test_case_page_queries_do_not_grow_with_its_rows(browser, cast, case_a):
    journey = returns.start(cast.amina, case_a, Country.objects.get(pk="NGA"),
                            budget=Decimal("100"))
    amina = browser("amina")
    url = f"/cases/{case_a.pk}/"
    _fill(cast, case_a, journey, 1, 0)
    few = _queries(amina, url)
    _fill(cast, case_a, journey, 6, 1)
    many = _queries(amina, url)
    assert many == few, f"{many - few} more queries for more rows"
    assert many <= CASE_PAGE_QUERIES
    page = amina.get(url).text
    assert "Action 6" in page and "r6.pdf" in page and "Note 6" in page


def test_case_page_without_a_return_stays_within_the_bound(browser, case_a):
    assert _queries(browser("amina"), f"/cases/{case_a.pk}/") <= CASE_PAGE_QUERIES - 4


def test_history_is_loaded_on_demand_a_page_at_a_time(browser, cast, case_a):
    for months in range(15, 75):  # 60 changes of one field
        case_a.refresh_from_db()
        update_case(cast.amina, case_a, version=case_a.version, exploitation_months=months)
    amina = browser("amina")
    page = amina.get(f"/cases/{case_a.pk}/").text
    assert f'hx-get="/cases/{case_a.pk}/history/"' in page
    assert "Exploitation" not in page[page.index('id="history-title"'):]  # not rendered here

    first = amina.get(f"/cases/{case_a.pk}/history/", HTTP_HX_REQUEST="true")
    assert first.status_code == 200 and "<html" not in first.text  # a fragment for htmx
    assert len(first.context["page"]) == 50 and "Page 1 of" in first.text
    newest = first.context["page"][0]
    assert (newest.field, newest.old, newest.new, newest.by) == (
        "exploitation_months", "73", "74", "amina")
    assert "?page=2" in first.text
    full = amina.get(f"/cases/{case_a.pk}/history/?page=2")  # without JavaScript
    assert full.status_code == 200 and "<html" in full.text and "Newer changes" in full.text


def test_history_page_is_refused_like_the_case(browser, case_a):
    url = f"/cases/{case_a.pk}/history/"
    for name, status in {"boris": 404, "emre": 403, "chen": 403, "dana": 403}.items():
        response = browser(name).get(url)
        assert response.status_code == status and "Adaeze" not in response.text


def test_case_page_links_interviews_and_the_record_as_of_a_date(browser, case_a):
    page = browser("amina").get(f"/cases/{case_a.pk}/").text
    assert f"/cases/{case_a.pk}/interviews/" in page
    assert f"/cases/{case_a.pk}/as-of/" in page

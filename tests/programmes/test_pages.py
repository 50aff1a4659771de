"""Every programmes page, persona by persona: who may and who may not (docs/access.md), and
no page ever shows an assisted person."""

from __future__ import annotations

import pytest

from palermo.programmes.demo import SEED_LIST
from palermo.programmes.models import PortfolioImport, Project
from tests.conftest import PERSONAS

VIEWERS = {"fatima", "emre", "chen", "dana", "root"}
SEES_B = {"chen", "root"}  # NGO B's project, not funded by the Donor


def _pages(a: int, b: int) -> dict[str, tuple[str, set[str], set[str]]]:
    """url -> (what it is, who gets 200, who gets 404); everyone else gets 403."""
    return {
        "/programmes/": ("portfolio", VIEWERS, set()),
        f"/programmes/{a}/": ("project A", VIEWERS, set()),
        f"/programmes/{b}/": ("project B", SEES_B, VIEWERS - SEES_B),
        f"/programmes/{a}/history/": ("history", VIEWERS, set()),
        f"/programmes/{a}/iati.xml": ("project IATI", VIEWERS, set()),
        "/programmes/portfolio.xlsx": ("XLSX", VIEWERS, set()),
        "/programmes/portfolio.csv": ("CSV", VIEWERS, set()),
        "/programmes/portfolio.xml": ("IATI", VIEWERS, set()),
        "/programmes/new/": ("new project", {"emre"}, set()),
        f"/programmes/{a}/edit/": ("edit", {"emre"}, set()),
        f"/programmes/{b}/edit/": ("edit B", set(), {"emre", "fatima", "dana"}),
        "/programmes/import/": ("import", {"emre"}, set()),
        "/programmes/partners/": ("partners", {"emre", "chen", "root"}, set()),
        "/programmes/setup/": ("setup", {"emre", "chen", "root"}, set()),
    }


@pytest.mark.parametrize("name", PERSONAS)
def test_who_may_open_each_page(browser, project_a, project_b, person_a, name):
    client = browser(name)
    for url, (what, may, hidden) in _pages(project_a.pk, project_b.pk).items():
        response = client.get(url)
        expected = 200 if name in may else 404 if name in hidden else 403
        assert response.status_code == expected, (what, url, response.status_code)
        if expected == 200:
            assert b"Okafor" not in response.content and b"Adaeze" not in response.content


@pytest.mark.parametrize("name, listed", [
    ("fatima", {"Vatra shelter"}), ("emre", {"Vatra shelter"}),
    ("chen", {"Vatra shelter", "Kyrgyz hotline"}), ("dana", {"Vatra shelter"}),
    ("root", {"Vatra shelter", "Kyrgyz hotline"})])
def test_the_portfolio_lists_what_the_member_may_see_with_its_money(browser, project_a,
                                                                    project_b, name, listed):
    page = browser(name).get("/programmes/").content.decode()
    assert {t for t in ("Vatra shelter", "Kyrgyz hotline") if t in page} == listed
    assert "1,000,000.00" in page and "600,000.00" in page  # committed, disbursed
    assert "400,000.00" in page  # committed, not disbursed: shown, not hidden
    csv = browser(name).get("/programmes/portfolio.csv").content.decode()
    assert ("Kyrgyz hotline" in csv) is ("Kyrgyz hotline" in listed)


@pytest.mark.parametrize("name", PERSONAS)
def test_the_menu_offers_programmes_to_those_who_may_read_them(browser, name):
    page = browser(name).get("/").content.decode()
    assert ('href="/programmes/"' in page) is (name in VIEWERS)


def test_only_the_keeping_m_and_e_officer_sees_the_forms(browser, project_a):
    assert b'name="agreement-year"' in browser("emre").get(
        f"/programmes/{project_a.pk}/").content
    for name in ("fatima", "chen", "dana", "root"):
        page = browser(name).get(f"/programmes/{project_a.pk}/").content
        assert b'name="agreement-year"' not in page and b"Vatra shelter" in page


def test_creating_and_editing_a_project(browser, cast):
    emre = browser("emre")
    response = emre.post("/programmes/new/", {
        "title": "Courtyard meetings", "status": "2", "planned_start": "2026-01-01",
        "currency": "EUR", "evaluation_status": "none", "role": "4",
        "four_ps": ["prevention"], "target_groups": ["women"]})
    assert response.status_code == 302
    project = Project.objects.get(title="Courtyard meetings")
    assert project.organisation == cast.ngo_a and project.four_ps == ["prevention"]
    assert project.participations.get().partner.organisation == cast.ngo_a
    response = emre.post(f"/programmes/{project.pk}/edit/", {
        "title": "Courtyard meetings in Jessore", "status": "2", "planned_start": "2026-01-01",
        "currency": "EUR", "evaluation_status": "planned"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.evaluation_status) == ("Courtyard meetings in Jessore",
                                                          "planned")
    history = emre.get(f"/programmes/{project.pk}/history/").content.decode()
    assert "Courtyard meetings in Jessore" in history and "emre" in history


@pytest.mark.parametrize("name, status", [("dana", 403), ("chen", 403), ("fatima", 403),
                                          ("amina", 403), ("root", 403)])
def test_who_may_not_change_a_project(browser, project_a, name, status):
    client = browser(name)
    assert client.post(f"/programmes/{project_a.pk}/edit/", {
        "title": "Changed", "status": "2", "currency": "NOK",
        "evaluation_status": "none"}).status_code == status
    assert client.post(f"/programmes/{project_a.pk}/parts/agreement/", {
        "agreement-year": "2027"}).status_code == status
    assert client.post("/programmes/new/", {"title": "X", "role": "4"}).status_code == status
    project_a.refresh_from_db()
    assert project_a.title == "Vatra shelter" and project_a.agreements.count() == 1


def test_another_organisations_project_is_not_found_for_changes(browser, project_b):
    emre = browser("emre")
    assert emre.post(f"/programmes/{project_b.pk}/parts/agreement/",
                     {"agreement-year": "2027"}).status_code == 404
    assert not project_b.agreements.exists()


def test_parts_of_a_project_page(browser, project_a, iom):
    emre = browser("emre")
    url = f"/programmes/{project_a.pk}/parts/"
    assert emre.post(url + "participation/", {"participation-partner": iom.pk,
                                              "participation-role": "4"}).status_code == 302
    refused = emre.post(url + "places/", {
        "places-TOTAL_FORMS": "2", "places-INITIAL_FORMS": "0",
        "places-0-country": "ALB", "places-0-percentage": "60",
        "places-1-region": "89", "places-1-percentage": "30"})
    assert refused.status_code == 422 and "sum to 90" in refused.content.decode()
    assert emre.post(url + "places/", {
        "places-TOTAL_FORMS": "2", "places-INITIAL_FORMS": "0",
        "places-0-country": "ALB", "places-0-percentage": "70",
        "places-1-region": "89", "places-1-percentage": "30"}).status_code == 302
    assert emre.post(url + "sectors/", {
        "sectors-TOTAL_FORMS": "1", "sectors-INITIAL_FORMS": "0",
        "sectors-0-code": "15190"}).status_code == 302
    assert emre.post(url + "transaction/", {
        "transaction-type": "3", "transaction-date": "2025-06-01",
        "transaction-value": "5000", "transaction-currency": "EUR",
        "transaction-value_date": "2025-06-01"}).status_code == 302
    page = emre.get(f"/programmes/{project_a.pk}/").content.decode()
    assert "International Organization for Migration" in page and "Albania" in page
    assert "none: not counted" in page  # euros without the rate used
    assert project_a.countries.get().percentage == 70
    assert project_a.transactions.filter(currency="EUR").count() == 1


def test_carry_over_beyond_what_was_left_is_refused_on_the_page(browser, project_a):
    response = browser("emre").post(f"/programmes/{project_a.pk}/parts/agreement/", {
        "agreement-year": "2026", "agreement-carry_over": "500000"})
    assert response.status_code == 422
    assert "Only 400000.00 NOK was left unused in 2025" in response.content.decode()


def test_import_page_flow(browser, cast):
    emre = browser("emre")
    with SEED_LIST.open("rb") as upload:
        response = emre.post("/programmes/import/", {"kind": "funding_list", "file": upload,
                                                     "currency": "NOK"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Typing error in a unit name" in page and "Ambassadeb Lilongwe" in page
    assert not Project.objects.exists()
    batch = PortfolioImport.objects.get()
    for name in ("fatima", "chen", "dana", "root", "amina"):
        assert browser(name).post(f"/programmes/import/{batch.pk}/accept/").status_code == 403
    assert not Project.objects.exists()
    assert emre.post(f"/programmes/import/{batch.pk}/accept/").status_code == 200
    assert Project.objects.count() == 143
    again = emre.post(f"/programmes/import/{batch.pk}/accept/")
    assert again.status_code == 409 and Project.objects.count() == 143


def test_an_import_of_another_organisation_is_not_found(browser, cast, ngo_b_me):
    from tests.conftest import signed_in

    bea = signed_in(ngo_b_me)
    with SEED_LIST.open("rb") as upload:
        bea.post("/programmes/import/", {"kind": "funding_list", "file": upload})
    batch = PortfolioImport.objects.get()
    assert browser("emre").get(f"/programmes/import/{batch.pk}/").status_code == 404
    assert browser("emre").post(f"/programmes/import/{batch.pk}/accept/").status_code == 404
    assert not Project.objects.exists()


@pytest.mark.parametrize("name, status", [("emre", 302), ("root", 302), ("chen", 403),
                                          ("dana", 403), ("fatima", 403)])
def test_who_may_add_to_the_partner_register(browser, name, status):
    response = browser(name).post("/programmes/partners/", {
        "what": "partner", "partner-name": f"Happy Childhood {name}", "partner-type": "24"})
    assert response.status_code == status


def test_setup_page_adds_channels_plans_and_measures(browser, cast):
    emre = browser("emre")
    assert emre.post("/programmes/setup/", {"what": "channel", "channel-name": "Embassy Dhaka",
                                            "channel-kind": "embassy"}).status_code == 302
    assert emre.post("/programmes/setup/", {"what": "plan", "plan-name": "NAP 2026",
                                            "plan-first_year": "2026"}).status_code == 302
    from palermo.programmes.models import ActionPlan

    plan = ActionPlan.objects.get()
    assert emre.post("/programmes/setup/", {
        "what": "measure", "measure-plan": plan.pk, "measure-code": "1",
        "measure-title": "Reduce demand"}).status_code == 302
    page = browser("chen").get("/programmes/setup/").content.decode()
    assert "Reduce demand" in page
    assert browser("chen").post("/programmes/setup/", {
        "what": "plan", "plan-name": "Mine"}).status_code == 403


def test_administrators_correct_the_partner_register_in_the_admin_pages(browser):
    from palermo.programmes.models import Partner

    kn = Partner.objects.get(name="Kirkens Nødhjelp")
    root = browser("root")
    assert root.get("/admin/programmes/partner/").status_code == 200
    page = root.get(f"/admin/programmes/partner/{kn.pk}/change/")
    assert page.status_code == 200 and b"KN" in page.content
    for name in ("emre", "dana", "chen"):
        assert browser(name).get(f"/admin/programmes/partner/{kn.pk}/change/"
                                 ).status_code in (302, 403)


def test_administrators_read_the_list_of_imports(browser, cast):
    from tests.programmes.conftest import seed_report

    seed_report(cast.emre, accept=True)
    page = browser("root").get("/admin/programmes/portfolioimport/")
    assert page.status_code == 200 and b"norad_2007_project_list.tsv" in page.content
    batch = PortfolioImport.objects.get()
    change = browser("root").post(f"/admin/programmes/portfolioimport/{batch.pk}/change/",
                                  {"filename": "renamed.tsv"})
    assert change.status_code == 403
    assert PortfolioImport.objects.get().filename == "norad_2007_project_list.tsv"
    assert browser("emre").get("/admin/programmes/portfolioimport/").status_code in (302, 403)



def test_the_pages_and_the_report_speak_french(browser, cast, project_a):
    from django.utils import translation

    from tests.programmes.conftest import seed_report

    with translation.override(translation.get_language()):  # the page activates French
        page = browser("emre").get("/programmes/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Portefeuille" in page and "Engagé, non décaissé" in page
    with translation.override("fr"):
        report = seed_report(cast.emre)
    assert any("faute de frappe" in f.reason for f in report.findings)

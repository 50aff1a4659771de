"""The administration pages follow the access policy."""

from __future__ import annotations

import pytest

from palermo.core.models import Organisation


@pytest.mark.parametrize("name, status", [("root", 200), ("fatima", 200), ("amina", 302),
                                          ("boris", 302), ("emre", 302), ("chen", 302),
                                          ("dana", 302)])
def test_admin_index(browser, name, status):
    assert browser(name).get("/admin/").status_code == status


def test_admin_adds_an_organisation(browser):
    response = browser("root").post("/admin/core/organisation/add/", {
        "name": "Shelter Kyiv", "type": "NGO", "country": "UKR", "active": "on"})
    assert response.status_code == 302
    assert Organisation.objects.get(name="Shelter Kyiv").country_id == "UKR"


def test_supervisor_cannot_add_organisations_but_sees_own_team(browser, cast):
    fatima = browser("fatima")
    assert fatima.get("/admin/core/organisation/add/").status_code == 403
    users = fatima.get("/admin/core/user/")
    assert users.status_code == 200
    assert "amina" in users.text and "boris" not in users.text
    assert fatima.get(f"/admin/core/user/{cast.boris.user.pk}/change/").status_code == 302


def test_admin_site_has_no_person_records(browser):
    assert browser("root").get("/admin/cases/person/").status_code == 404


def test_access_log_is_read_only(browser, person_a):
    browser("amina").get(f"/cases/persons/{person_a.pk}/")
    root = browser("root")
    listing = root.get("/admin/core/accesslog/")
    assert listing.status_code == 200 and "cases.person" in listing.text
    assert root.get("/admin/core/accesslog/add/").status_code == 403


def test_history_pages_cannot_revert(browser, cast):
    """The admin's history form would save without the change permission: it is disabled."""
    cast.ngo_b.active = False
    cast.ngo_b.save()
    first = cast.ngo_b.history.earliest("history_date")
    url = f"/admin/core/organisation/{cast.ngo_b.pk}/history/{first.history_id}/"
    response = browser("fatima").post(url, {"name": "NGO B renamed", "type": "NGO",
                                             "active": "on"})
    assert response.status_code in (302, 403, 404)
    cast.ngo_b.refresh_from_db()
    assert (cast.ngo_b.name, cast.ngo_b.active) == ("NGO B", False)


def test_supervisor_sees_only_own_organisations_memberships_of_a_colleague(browser, cast):
    page = browser("fatima").get(f"/admin/core/user/{cast.amina.user.pk}/change/")
    assert page.status_code == 200
    assert "NGO A" in page.text
    assert "Mission" not in page.text  # amina's membership elsewhere is not fatima's business


def _membership_form(user, organisation, role) -> dict:
    return {
        "username": user.username, "is_active": "on",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-organisation": organisation.pk, "memberships-0-role": role,
        "memberships-0-active": "on", "memberships-0-user": user.pk,
    }


def test_admin_cannot_give_themself_an_identity_role(browser, cast):
    root = cast.root.user
    response = browser("root").post(f"/admin/core/user/{root.pk}/change/",
                                    _membership_form(root, cast.ngo_a, "caseworker"))
    assert response.status_code == 200
    assert "cannot give yourself a role" in response.text
    assert not root.memberships.filter(organisation=cast.ngo_a).exists()


def test_admin_gives_another_user_a_role(browser, cast):
    dana = cast.dana.user
    response = browser("root").post(f"/admin/core/user/{dana.pk}/change/",
                                    _membership_form(dana, cast.ngo_a, "caseworker"))
    assert response.status_code == 302
    assert dana.memberships.get(organisation=cast.ngo_a).role == "caseworker"


def test_release_log_is_read_only_and_scoped(browser, cast):
    """Administrators read every release, supervisors their organisation's; nobody edits."""
    from palermo.analytics.models import Release

    Release.objects.create(user=cast.fatima.user, organisation=cast.ngo_a, spec="ctm_a",
                           method="table", channel="csv", sha256="a" * 64, row_count=3)
    Release.objects.create(user=cast.boris.user, organisation=cast.ngo_b, spec="ctm_b",
                           method="table", channel="csv", sha256="b" * 64, row_count=3)
    everything = browser("root").get("/admin/analytics/release/")
    assert everything.status_code == 200
    assert "ctm_a" in everything.text and "ctm_b" in everything.text
    own = browser("fatima").get("/admin/analytics/release/")
    assert "ctm_a" in own.text and "ctm_b" not in own.text
    assert browser("root").get("/admin/analytics/release/add/").status_code == 403
    assert browser("dana").get("/admin/analytics/release/").status_code == 302


def test_release_log_never_shows_the_disclosed_cells(browser, cast):
    """The cells keep the true count of hidden cells for the audit: not in the admin."""
    from palermo.analytics.models import Release
    from palermo.disclosure import Disclosure

    cells = Disclosure()
    cells.add({"year": "2026", "gender": "Male"}, 7331, False)
    release = Release.objects.create(
        user=cast.fatima.user, organisation=cast.ngo_a, spec="ctdc-global-synthetic",
        method="kanon", channel="cli", sha256="c" * 64, facts=f"persons:org-{cast.ngo_a.pk}",
        cells=cells.to_json(), cells_sha256=cells.fingerprint())
    for name in ("root", "fatima"):
        page = browser(name).get(f"/admin/analytics/release/{release.pk}/change/")
        assert page.status_code == 200, name
        assert f"persons:org-{cast.ngo_a.pk}" in page.text and "7331" not in page.text

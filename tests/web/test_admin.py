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

"""The pages of the two-person rule: the home page's pending grants and recent access changes,
confirming and refusing, and what a member whose role awaits confirmation sees (nothing but
that) — on the pages and through the API."""

from __future__ import annotations

import pytest
from django.test import Client

from palermo.core import access, grants
from palermo.core.models import AccountEvent, ApiToken, Membership, Role, User
from tests.conftest import confirmed_membership, signed_in

Kind = AccountEvent.Kind


@pytest.fixture
def nadia_at_a(cast):
    """root has just given nadia, a new user, a caseworker role at NGO A."""
    nadia = User.objects.create_user("nadia", first_name="Nadia", email="nadia@example.org")
    return grants.grant_membership(cast.root, nadia, cast.ngo_a, Role.CASEWORKER)


@pytest.fixture
def ada(cast):
    return confirmed_membership(User.objects.create_user("ada"), cast.hq, Role.ADMIN)


def _client(membership, settings) -> Client:
    settings.PALERMO_REQUIRE_2FA = False
    return signed_in(membership)


def test_the_supervisor_sees_the_pending_grant_and_confirms_it(browser, cast, nadia_at_a):
    fatima = browser("fatima")
    home = fatima.get("/").text
    assert "Pending access grants" in home and "nadia (Nadia)" in home
    assert f'action="/access/grants/{nadia_at_a.pk}/confirm/"' in home
    assert "Recent access changes" in home and "Role granted" in home
    response = fatima.post(f"/access/grants/{nadia_at_a.pk}/confirm/")
    assert response.status_code == 302
    confirmed = Membership.objects.get(pk=nadia_at_a.pk)
    assert not access.awaits_confirmation(confirmed)
    assert confirmed.confirmed_by == cast.fatima.user
    assert "No grant waits for confirmation." in fatima.get("/").text


def test_the_supervisor_refuses_a_grant(browser, nadia_at_a):
    assert browser("fatima").post(
        f"/access/grants/{nadia_at_a.pk}/refuse/").status_code == 302
    refused = Membership.objects.get(pk=nadia_at_a.pk)
    assert not refused.active
    assert AccountEvent.objects.filter(membership=refused, kind=Kind.REFUSED).exists()


def test_the_granter_sees_whom_it_waits_for_and_cannot_confirm(browser, cast, nadia_at_a):
    root = browser("root")
    home = root.get("/").text
    assert "Waits for a supervisor of NGO A" in home
    assert f"/access/grants/{nadia_at_a.pk}/confirm/" not in home
    assert root.post(f"/access/grants/{nadia_at_a.pk}/confirm/").status_code == 403
    assert root.post(f"/access/grants/{nadia_at_a.pk}/refuse/").status_code == 403
    assert access.awaits_confirmation(Membership.objects.get(pk=nadia_at_a.pk))
    assert AccountEvent.objects.filter(kind=Kind.DENIED, actor=cast.root.user).count() == 2


@pytest.mark.parametrize("name, status", [
    ("amina", 403), ("boris", 403), ("emre", 403), ("chen", 403), ("dana", 403)])
def test_roles_that_never_confirm_are_refused(browser, nadia_at_a, name, status):
    assert browser(name).post(f"/access/grants/{nadia_at_a.pk}/confirm/").status_code == status
    assert access.awaits_confirmation(Membership.objects.get(pk=nadia_at_a.pk))


def test_a_supervisor_of_another_organisation_gets_404(cast, nadia_at_a, settings):
    sam = confirmed_membership(User.objects.create_user("sam"), cast.ngo_b, Role.SUPERVISOR)
    client = _client(sam, settings)
    assert client.post(f"/access/grants/{nadia_at_a.pk}/confirm/").status_code == 404
    assert "nadia" not in client.get("/").text
    assert access.awaits_confirmation(Membership.objects.get(pk=nadia_at_a.pk))


def test_the_new_member_cannot_confirm_themself(nadia_at_a, settings):
    client = _client(nadia_at_a, settings)
    assert client.post(f"/access/grants/{nadia_at_a.pk}/confirm/").status_code == 403
    assert access.awaits_confirmation(Membership.objects.get(pk=nadia_at_a.pk))


def test_confirming_is_a_post(browser, nadia_at_a):
    assert browser("fatima").get(
        f"/access/grants/{nadia_at_a.pk}/confirm/").status_code == 405


def test_a_second_administrator_confirms_the_first_supervisor(cast, ada, settings):
    """NGO B has no supervisor: root grants one, ada (not root) confirms on her page."""
    sam = User.objects.create_user("sam")
    first = grants.grant_membership(cast.root, sam, cast.ngo_b, Role.SUPERVISOR)
    client = _client(ada, settings)
    home = client.get("/").text
    assert f"/access/grants/{first.pk}/confirm/" in home
    assert client.post(f"/access/grants/{first.pk}/confirm/").status_code == 302
    assert Membership.objects.get(pk=first.pk).confirmed_by == ada.user


def test_the_unconfirmed_caseworker_sees_only_that_it_waits(person_a, nadia_at_a, settings):
    client = _client(nadia_at_a, settings)
    home = client.get("/").text
    assert "Your access as Caseworker at NGO A awaits confirmation by a supervisor of NGO A" \
        in home
    assert "/cases/" not in home
    assert client.get("/cases/persons/").status_code == 403
    assert client.get(f"/cases/persons/{person_a.pk}/").status_code == 403
    assert client.get("/cases/").status_code == 403
    assert "Adaeze" not in client.get("/cases/persons/").text


def test_the_unconfirmed_caseworker_gets_nothing_from_the_api(person_a, nadia_at_a):
    _token, raw = ApiToken.issue(nadia_at_a, "script")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/persons").status_code == 403
    assert api.get(f"/api/persons/{person_a.pk}").status_code == 403
    assert api.get("/api/cases").status_code == 403


def test_after_confirmation_the_caseworker_opens_persons(cast, person_a, nadia_at_a,
                                                         settings):
    grants.confirm(cast.fatima, nadia_at_a)
    client = _client(Membership.objects.get(pk=nadia_at_a.pk), settings)
    assert client.get(f"/cases/persons/{person_a.pk}/").status_code == 200

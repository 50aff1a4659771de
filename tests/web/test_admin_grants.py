"""The administration site under the two-person rule: granting on a user's page asks for a
confirmation, *Memberships* confirms or refuses (by the same rule as the pages), no
administrator sets a password — they invite new users and send reset links — and the account
events are read-only and scoped."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.core import access, grants
from palermo.core.models import AccountEvent, Membership, Role, User
from tests.conftest import PASSWORD, confirmed_membership, signed_in

Kind = AccountEvent.Kind
MEMBERSHIPS = "/admin/core/membership/"


def _user_form(user, *lines, email=None) -> dict:
    """The user change form as the admin posts it, with one membership line per
    ``(membership or None, organisation, role, active)``."""
    data = {"username": user.username, "email": email if email is not None else user.email,
            "first_name": user.first_name, "last_name": user.last_name, "is_active": "on",
            "memberships-TOTAL_FORMS": str(len(lines)),
            "memberships-INITIAL_FORMS": str(sum(1 for m, *_ in lines if m)),
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}
    for i, (membership, organisation, role, active) in enumerate(lines):
        data.update({f"memberships-{i}-organisation": organisation.pk,
                     f"memberships-{i}-role": role, f"memberships-{i}-user": user.pk})
        if membership:
            data[f"memberships-{i}-id"] = membership.pk
        if active:
            data[f"memberships-{i}-active"] = "on"
    return data


@pytest.fixture
def nadia(db):
    return User.objects.create_user("nadia", email="nadia@example.org")


@pytest.fixture
def nadia_at_a(browser, cast, nadia):
    """root gives nadia a caseworker role at NGO A on her user page."""
    response = browser("root").post(f"/admin/core/user/{nadia.pk}/change/",
                                    _user_form(nadia, (None, cast.ngo_a, "caseworker", True)))
    assert response.status_code == 302
    return Membership.objects.get(user=nadia, organisation=cast.ngo_a)


def _act(client, action: str, *memberships):
    return client.post(MEMBERSHIPS, {"action": action, "index": "0",
                                     "_selected_action": [m.pk for m in memberships]})


def test_a_grant_on_the_user_page_awaits_confirmation(cast, nadia_at_a):
    assert access.awaits_confirmation(nadia_at_a)
    assert nadia_at_a.granted_by == cast.root.user
    event = AccountEvent.objects.get(membership=nadia_at_a)
    assert (event.kind, event.actor, event.detail) == (Kind.GRANTED, cast.root.user, "new")


def test_the_user_page_shows_the_confirmation_state(browser, cast, nadia_at_a):
    page = browser("root").get(f"/admin/core/user/{nadia_at_a.user.pk}/change/").text
    assert "Awaits confirmation by a supervisor of NGO A" in page
    page = browser("root").get(f"/admin/core/user/{cast.amina.user.pk}/change/").text
    assert "Confirmed by" in page


def test_pending_grants_are_listed_for_confirmers(browser, nadia_at_a):
    for name in ("root", "fatima"):
        listing = browser(name).get(MEMBERSHIPS + "?confirmation=awaiting")
        assert listing.status_code == 200 and "nadia" in listing.text
        assert "amina" not in listing.text
    for name in ("amina", "boris", "emre", "chen", "dana"):
        assert browser(name).get(MEMBERSHIPS).status_code == 302  # no admin site at all


def test_the_supervisor_confirms_in_the_admin(browser, cast, nadia_at_a):
    assert _act(browser("fatima"), "confirm_grants", nadia_at_a).status_code == 302
    assert Membership.objects.get(pk=nadia_at_a.pk).confirmed_by == cast.fatima.user


def test_the_granting_administrator_cannot_confirm_in_the_admin(browser, nadia_at_a):
    response = _act(browser("root"), "confirm_grants", nadia_at_a)
    assert response.status_code == 302
    assert access.awaits_confirmation(Membership.objects.get(pk=nadia_at_a.pk))
    assert AccountEvent.objects.filter(membership=nadia_at_a, kind=Kind.DENIED).exists()


def test_a_supervisor_of_another_organisation_cannot_confirm_in_the_admin(cast, nadia_at_a,
                                                                          settings):
    settings.PALERMO_REQUIRE_2FA = False
    sam = confirmed_membership(User.objects.create_user("sam"), cast.ngo_b, Role.SUPERVISOR)
    client = signed_in(sam)
    assert "nadia" not in client.get(MEMBERSHIPS).text
    _act(client, "confirm_grants", nadia_at_a)
    _act(client, "refuse_grants", nadia_at_a)
    stored = Membership.objects.get(pk=nadia_at_a.pk)
    assert stored.active and access.awaits_confirmation(stored)


def test_the_supervisor_refuses_in_the_admin(browser, nadia_at_a):
    _act(browser("fatima"), "refuse_grants", nadia_at_a)
    assert not Membership.objects.get(pk=nadia_at_a.pk).active


def test_a_second_administrator_confirms_the_first_supervisor_in_the_admin(cast, nadia,
                                                                           settings):
    settings.PALERMO_REQUIRE_2FA = False
    first = grants.grant_membership(cast.root, nadia, cast.ngo_b, Role.SUPERVISOR)
    ada = confirmed_membership(User.objects.create_user("ada"), cast.hq, Role.ADMIN)
    _act(signed_in(cast.root), "confirm_grants", first)
    assert access.awaits_confirmation(Membership.objects.get(pk=first.pk))
    _act(signed_in(ada), "confirm_grants", first)
    assert Membership.objects.get(pk=first.pk).confirmed_by == ada.user


def test_memberships_cannot_be_added_or_edited_outside_the_user_page(browser, cast):
    root = browser("root")
    assert root.get(MEMBERSHIPS + "add/").status_code == 403
    root.post(f"{MEMBERSHIPS}{cast.amina.pk}/change/", {"role": "supervisor"})
    assert Membership.objects.get(pk=cast.amina.pk).role == Role.CASEWORKER


def test_changing_a_role_on_the_user_page_needs_confirming_again(browser, cast):
    amina = cast.amina.user
    response = browser("root").post(f"/admin/core/user/{amina.pk}/change/", _user_form(
        amina, (cast.amina, cast.ngo_a, "supervisor", True)))
    assert response.status_code == 302
    assert access.awaits_confirmation(Membership.objects.get(pk=cast.amina.pk))


def test_a_membership_does_not_move_to_another_organisation(browser, cast):
    amina = cast.amina.user
    response = browser("root").post(f"/admin/core/user/{amina.pk}/change/", _user_form(
        amina, (cast.amina, cast.ngo_b, "caseworker", True)))
    assert response.status_code == 200 and "stays in its organisation" in response.text
    assert Membership.objects.get(pk=cast.amina.pk).organisation == cast.ngo_a


def test_changing_the_email_address_needs_confirming_again(browser, cast):
    amina = cast.amina.user
    response = browser("root").post(f"/admin/core/user/{amina.pk}/change/", _user_form(
        amina, email="root-owns-this@example.org"))
    assert response.status_code == 302
    assert access.awaits_confirmation(Membership.objects.get(pk=cast.amina.pk))
    assert AccountEvent.objects.filter(subject=amina, kind=Kind.RECONFIRM,
                                       detail="e-mail address changed").count() == 2


def test_reactivating_a_user_needs_confirming_again(browser, cast):
    amina = cast.amina.user
    amina.is_active = False
    amina.save()
    response = browser("root").post(f"/admin/core/user/{amina.pk}/change/", _user_form(amina))
    assert response.status_code == 302
    amina.refresh_from_db()
    assert amina.is_active
    assert access.awaits_confirmation(Membership.objects.get(pk=cast.amina.pk))
    assert AccountEvent.objects.filter(subject=amina, kind=Kind.RECONFIRM,
                                       detail="account reactivated").count() == 2


def test_deactivating_a_user_asks_no_confirmation(browser, cast):
    amina = cast.amina.user
    data = _user_form(amina)
    del data["is_active"]
    assert browser("root").post(f"/admin/core/user/{amina.pk}/change/", data).status_code == 302
    assert not AccountEvent.objects.filter(subject=amina).exists()


def test_no_administrator_sets_a_password(browser, cast):
    amina = cast.amina.user
    root = browser("root")
    url = f"/admin/core/user/{amina.pk}/password/"
    assert root.get(url).status_code == 403
    assert root.post(url, {"password1": "root-chose-this-1", "password2":
                           "root-chose-this-1", "usable_password": "true"}).status_code == 403
    assert root.get(f"/admin/core/user/{cast.root.user.pk}/password/").status_code == 403
    amina.refresh_from_db()
    assert amina.check_password(PASSWORD)
    assert "password1" not in root.get(f"/admin/core/user/{amina.pk}/change/").text


def test_a_new_user_has_no_password_and_is_invited(browser, cast):
    response = browser("root").post("/admin/core/user/add/", {
        "username": "oleh", "first_name": "Oleh", "last_name": "", "email": "oleh@example.org",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-organisation": cast.ngo_a.pk, "memberships-0-role": "caseworker",
        "memberships-0-active": "on"})
    assert response.status_code == 302
    oleh = User.objects.get(username="oleh")
    assert not oleh.has_usable_password()
    assert access.awaits_confirmation(oleh.memberships.get())
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["oleh@example.org"]
    assert "was created for you" in mail.outbox[0].body
    sent = AccountEvent.objects.get(subject=oleh, kind=Kind.RESET_SENT)
    assert (sent.detail, sent.organisation) == ("invitation", cast.ngo_a)


def test_a_new_user_needs_an_email_address(browser):
    response = browser("root").post("/admin/core/user/add/", {
        "username": "oleh", "email": "", "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0", "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 200 and not User.objects.filter(username="oleh").exists()


def test_the_administrator_sends_a_reset_that_removes_two_factor(browser, client, cast):
    amina = cast.amina.user
    amina.email = "amina@example.org"
    amina.save()
    TOTPDevice.objects.create(user=amina, name="phone", confirmed=True)
    root = browser("root")
    assert "Send a password reset link" in root.get(f"/admin/core/user/{amina.pk}/change/").text
    assert root.get(f"/admin/core/user/{amina.pk}/send-reset/").status_code == 200
    assert root.post(f"/admin/core/user/{amina.pk}/send-reset/").status_code == 302
    assert TOTPDevice.objects.filter(user=amina).exists()  # until the reset is used
    link = re.search(r"http://testserver(/account/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Choose your password" in form.text
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "amina-chose-this-9",
                                                    "new_password2": "amina-chose-this-9"})
    assert done.status_code == 302
    amina.refresh_from_db()
    assert amina.check_password("amina-chose-this-9")
    assert not TOTPDevice.objects.filter(user=amina).exists()
    kinds = set(AccountEvent.objects.filter(subject=amina, organisation=cast.ngo_a)
                .values_list("kind", flat=True))
    assert kinds == {Kind.RESET_SENT, Kind.RESET_DONE}
    assert "Password reset sent" in browser("fatima").get("/").text


def test_only_administrators_send_resets(browser, cast):
    amina = cast.amina.user
    amina.email = "amina@example.org"
    amina.save()
    fatima = browser("fatima")
    assert fatima.get(f"/admin/core/user/{amina.pk}/send-reset/").status_code == 403
    assert fatima.post(f"/admin/core/user/{amina.pk}/send-reset/").status_code == 403
    assert "Send a password reset link" not in fatima.get(
        f"/admin/core/user/{amina.pk}/change/").text
    assert mail.outbox == []


def test_a_reset_needs_an_address(browser, cast):
    response = browser("root").post(f"/admin/core/user/{cast.boris.user.pk}/send-reset/",
                                    follow=True)
    assert "has no e-mail address" in response.text and mail.outbox == []


def test_resets_from_the_user_list(browser, cast):
    for m in (cast.amina, cast.boris):
        m.user.email = f"{m.user.username}@example.org"
        m.user.save()
    browser("root").post("/admin/core/user/", {
        "action": "send_reset_links", "index": "0",
        "_selected_action": [cast.amina.user.pk, cast.boris.user.pk]})
    assert sorted(m.to[0] for m in mail.outbox) == ["amina@example.org", "boris@example.org"]


def test_account_events_are_read_only_and_scoped(browser, cast, nadia_at_a, nadia):
    grants.grant_membership(cast.root, User.objects.create_user("oleh"), cast.ngo_b,
                            Role.CASEWORKER)
    root = browser("root")
    listing = root.get("/admin/core/accountevent/")
    assert listing.status_code == 200 and "nadia" in listing.text and "oleh" in listing.text
    assert root.get("/admin/core/accountevent/add/").status_code == 403
    own = browser("fatima").get("/admin/core/accountevent/").text
    assert "nadia" in own and "oleh" not in own
    assert browser("amina").get("/admin/core/accountevent/").status_code == 302

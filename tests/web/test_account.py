"""Sign-in security: passwords, lockout, two-factor, idle timeout, switcher, tokens page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.core.models import ApiToken
from tests.conftest import PASSWORD


def test_production_settings_hash_with_argon2_and_validate_passwords():
    import importlib

    production = importlib.import_module("palermo.settings")
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert any("MinimumLength" in v["NAME"] for v in production.AUTH_PASSWORD_VALIDATORS)
    assert production.AXES_FAILURE_LIMIT == 5
    assert production.SESSION_COOKIE_AGE == 30 * 60 and production.SESSION_SAVE_EVERY_REQUEST


def test_stored_password_is_an_argon2_hash(cast):
    stored = cast.amina.user.password
    assert stored.startswith("argon2$") and PASSWORD not in stored


def test_sign_in_and_out(cast, settings):
    settings.PALERMO_REQUIRE_2FA = False
    client = Client()
    response = client.post("/account/login/", {"username": "dana", "password": PASSWORD})
    assert response.status_code == 302
    assert "Donor" in client.get("/").text
    client.post("/account/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused(cast):
    response = Client().post("/account/login/", {"username": "dana", "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.text


def test_lockout_after_five_failures(cast):
    client = Client()
    for _ in range(5):
        client.post("/account/login/", {"username": "dana", "password": "wrong"})
    response = client.post("/account/login/", {"username": "dana", "password": PASSWORD})
    assert response.status_code == 429
    assert "Account locked" in response.text
    # Another computer cannot sign in as dana either: the account is locked, not the address.
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert other.post("/account/login/", {"username": "dana",
                                          "password": PASSWORD}).status_code == 429
    # Other accounts are unaffected.
    assert Client().post("/account/login/", {"username": "chen",
                                             "password": PASSWORD}).status_code == 302


def test_caseworker_must_set_up_and_use_two_factor(cast, person_a):
    assert settings.PALERMO_REQUIRE_2FA
    client = Client()
    client.post("/account/login/", {"username": "amina", "password": PASSWORD})
    client.post("/account/switch/", {"organisation": cast.ngo_a.pk})
    response = client.get(f"/cases/persons/{person_a.pk}/")
    assert response.status_code == 302 and response.url.startswith("/account/two-factor/")
    setup = client.get("/account/two-factor/")
    assert "Set up two-factor sign-in" in setup.text and "<svg" in setup.text
    device = TOTPDevice.objects.get(user=cast.amina.user, confirmed=False)
    wrong = client.post("/account/two-factor/", {"code": "000000"})
    assert "not valid" in wrong.text
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows down repeated guesses
    device.throttle_reset()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    done = client.post("/account/two-factor/", {"code": code,
                                                "next": f"/cases/persons/{person_a.pk}/"})
    assert done.status_code == 302 and done.url == f"/cases/persons/{person_a.pk}/"
    assert client.get(f"/cases/persons/{person_a.pk}/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_second_sign_in_asks_for_the_code(cast):
    device = TOTPDevice.objects.create(user=cast.fatima.user, name="app", confirmed=True)
    client = Client()
    client.post("/account/login/", {"username": "fatima", "password": PASSWORD})
    page = client.get("/account/two-factor/")
    assert "Enter your code" in page.text and "<svg" not in page.text
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    assert client.post("/account/two-factor/", {"code": code}).status_code == 302
    assert client.get("/cases/persons/").status_code == 200


@pytest.mark.parametrize("name", ["emre", "chen", "dana"])
def test_roles_without_identities_sign_in_with_password_only(cast, name):
    client = Client()
    client.post("/account/login/", {"username": name, "password": PASSWORD})
    assert client.get("/").status_code == 200


def test_relaxed_two_factor_is_announced(browser):
    assert "two-factor sign-in is relaxed" in browser("amina").get("/").text


def test_switch_organisation(browser, cast, person_a):
    amina = browser("amina")
    assert amina.get(f"/cases/persons/{person_a.pk}/").status_code == 200
    amina.post("/account/switch/", {"organisation": cast.mission.pk})
    assert "acting for <strong>Mission</strong>" in amina.get("/").text
    assert amina.get(f"/cases/persons/{person_a.pk}/").status_code == 404
    # amina has no membership at NGO B: switching there is refused
    assert amina.post("/account/switch/", {"organisation": cast.ngo_b.pk}).status_code == 404


def test_tokens_page_creates_and_revokes_own_tokens_only(browser, cast):
    amina = browser("amina")
    page = amina.post("/account/tokens/", {"name": "ODK import"})
    raw = page.context["raw"]
    assert raw.startswith("plm_") and raw in page.text
    token = ApiToken.objects.get()
    assert token.membership == cast.amina and token.digest != raw
    assert raw not in amina.get("/account/tokens/").text  # shown once
    assert browser("boris").post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert amina.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_french_interface(browser):
    client = browser("amina")
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = client.get("/")
    assert 'lang="fr"' in page.text
    assert "Se déconnecter" in page.text


def test_token_page_waits_for_the_second_factor(cast):
    """A token outlives the session: a caseworker without a second factor cannot make one."""
    client = Client()
    client.post("/account/login/", {"username": "amina", "password": PASSWORD})
    response = client.post("/account/tokens/", {"name": "sneaky"})
    assert response.status_code == 302 and response.url.startswith("/account/two-factor/")
    assert not ApiToken.objects.exists()


def test_switching_to_a_caseworker_role_then_asks_for_the_second_factor(cast, person_a):
    client = Client()
    client.post("/account/login/", {"username": "amina", "password": PASSWORD})
    client.post("/account/switch/", {"organisation": cast.mission.pk})
    assert client.get("/cases/persons/").url.startswith("/account/two-factor/")


@pytest.mark.parametrize("value", ["abc", "", "1; DROP"])
def test_switcher_refuses_nonsense(browser, value):
    assert browser("amina").post("/account/switch/", {"organisation": value}).status_code == 404

"""Passwords are set by their owner only: reset links (page, command line), what a reset
does to two-factor devices, the closed ``palermo changepassword``, and one's own password
page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo import cli
from palermo.core import passwords
from palermo.core.models import AccountEvent
from tests.conftest import PASSWORD


@pytest.fixture
def amina(cast):
    user = cast.amina.user
    user.email = "amina@example.org"
    user.save()
    return user


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/account/reset/\S+)", message.body).group(1)


def _choose(client: Client, link: str, password: str):
    form = client.get(link, follow=True)
    return form, client.post(form.redirect_chain[-1][0] if form.redirect_chain else link,
                             {"new_password1": password, "new_password2": password})


def test_the_command_line_sends_a_reset_link(amina, capsys, settings):
    settings.PALERMO_SITE_URL = "https://palermo.example.org"
    call_command("send_password_reset", "amina")
    assert "reset link was sent" in capsys.readouterr().out
    assert mail.outbox[0].to == ["amina@example.org"]
    assert "https://palermo.example.org/account/reset/" in mail.outbox[0].body
    events = AccountEvent.objects.filter(subject=amina, kind=AccountEvent.Kind.RESET_SENT)
    assert sorted(e.organisation.name for e in events) == ["Mission", "NGO A"]
    assert {(e.actor, e.channel) for e in events} == {(None, "cli")}


def test_the_command_line_names_what_is_missing(cast):
    with pytest.raises(CommandError, match="has no e-mail address"):
        call_command("send_password_reset", "boris")
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("send_password_reset", "nobody")
    assert mail.outbox == []


def test_changepassword_is_closed(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["palermo", "changepassword", "amina"])
    assert stopped.value.code == 2
    assert "palermo send-password-reset USERNAME" in capsys.readouterr().err


def test_only_administrators_send_resets(cast, amina):
    from django.core.exceptions import PermissionDenied

    for name in ("amina", "fatima", "boris", "emre", "chen", "dana"):
        with pytest.raises(PermissionDenied):
            passwords.send_reset(cast.membership(name), amina)
    passwords.send_reset(cast.root, amina)
    assert len(mail.outbox) == 1


def test_a_reset_removes_every_two_factor_device_and_works_once(cast, amina):
    TOTPDevice.objects.create(user=amina, name="phone", confirmed=True)
    StaticDevice.objects.create(user=amina, name="backup codes", confirmed=True)
    TOTPDevice.objects.create(user=cast.boris.user, name="phone", confirmed=True)
    passwords.send_reset(cast.root, amina)
    link = _link(mail.outbox[0])
    _form, done = _choose(Client(), link, "amina-chose-this-9")
    assert done.status_code == 302
    amina.refresh_from_db()
    assert amina.check_password("amina-chose-this-9")
    assert not TOTPDevice.objects.filter(user=amina).exists()
    assert not StaticDevice.objects.filter(user=amina).exists()
    assert TOTPDevice.objects.filter(user=cast.boris.user).exists()
    again = Client().get(link, follow=True)
    assert "This link does not work any more" in again.text


def test_a_forged_link_changes_nothing(cast, amina):
    TOTPDevice.objects.create(user=amina, name="phone", confirmed=True)
    page = Client().get("/account/reset/MQ/abc-123/", follow=True)
    assert "This link does not work any more" in page.text
    amina.refresh_from_db()
    assert amina.check_password(PASSWORD) and TOTPDevice.objects.filter(user=amina).exists()


def test_a_weak_new_password_is_refused(cast, amina):
    passwords.send_reset(cast.root, amina)
    form, done = _choose(Client(), _link(mail.outbox[0]), "12345678")
    assert done.status_code == 200
    amina.refresh_from_db()
    assert amina.check_password(PASSWORD)


def test_members_change_their_own_password(browser, cast):
    client = browser("amina")
    assert "/account/password/" in client.get("/").text
    wrong = client.post("/account/password/", {"old_password": "not it",
                                                "new_password1": "amina-chose-this-9",
                                                "new_password2": "amina-chose-this-9"})
    assert wrong.status_code == 200
    cast.amina.user.refresh_from_db()
    assert cast.amina.user.check_password(PASSWORD)
    right = client.post("/account/password/", {"old_password": PASSWORD,
                                                "new_password1": "amina-chose-this-9",
                                                "new_password2": "amina-chose-this-9"})
    assert right.status_code == 302
    cast.amina.user.refresh_from_db()
    assert cast.amina.user.check_password("amina-chose-this-9")
    assert client.get("/").status_code == 200  # still signed in


def test_the_own_password_page_needs_signing_in(db):
    assert Client().get("/account/password/").status_code == 302

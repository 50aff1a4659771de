"""``palermo add-member``: the first administrator, and clear refusals."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command

from palermo.core import access
from palermo.core.models import Membership, Organisation


def test_first_administrator_of_a_new_install(db, capsys):
    call_command("add_member", "alice", "Headquarters", "admin",
                 create_organisation="InternationalOrganisation", country="CHE")
    out = capsys.readouterr().out
    password = re.search(r"with password (\S+)", out).group(1)
    membership = Membership.objects.get(user__username="alice")
    assert membership.user.check_password(password)
    assert (membership.organisation.name, membership.organisation.country_id,
            membership.role) == ("Headquarters", "CHE", "admin")
    assert access.may_administer(membership)


def test_changing_the_role_of_an_existing_member(cast, capsys):
    call_command("add_member", "boris", "NGO B", "supervisor")
    assert "Updated: boris is Supervisor at NGO B." in capsys.readouterr().out
    assert Membership.objects.get(user__username="boris").role == "supervisor"


def test_unknown_organisation_is_refused_without_create(db):
    with pytest.raises(CommandError, match="No organisation named 'Nowhere'"):
        call_command("add_member", "x", "Nowhere", "caseworker")


def test_bad_country_names_the_field_and_writes_nothing(db):
    with pytest.raises(CommandError, match="country"):
        call_command("add_member", "x", "New NGO", "caseworker", create_organisation="NGO",
                     country="XXX")
    assert not Organisation.objects.exists()


def test_a_caseworker_added_on_the_command_line_awaits_confirmation(cast, capsys):
    """The command line grants like a page: the role works once a supervisor confirms it."""
    call_command("add_member", "nadia", "NGO A", "caseworker")
    out = capsys.readouterr().out
    assert "confirmed on the home page by a supervisor of NGO A" in out
    nadia = Membership.objects.get(user__username="nadia")
    assert access.awaits_confirmation(nadia) and nadia.granted_by is None
    assert access.may_confirm(cast.fatima, nadia)


def test_a_second_administrator_on_the_command_line_awaits_the_first(cast, capsys):
    call_command("add_member", "ada", "Headquarters", "admin")
    assert "by another administrator" in capsys.readouterr().out
    ada = Membership.objects.get(user__username="ada")
    assert not access.may_administer(ada)
    assert access.may_confirm(cast.root, ada)

"""The access policy, cell by cell: role × own / other organisation × view / create / change.

The expected table below is the one written in docs/access.md.
"""

from __future__ import annotations

import pytest

from palermo.cases.models import Person
from palermo.core import access
from palermo.core.access import Action
from palermo.core.audit import log_access
from palermo.core.models import AccessLog, Country, Membership, Organisation

# persona -> (view own, view other, create, change own, change other) for identity records
IDENTITY = {
    "amina": (True, False, True, True, False),
    "fatima": (True, False, True, True, False),
    "boris": (False, True, True, False, True),  # boris's own organisation is NGO B
    "emre": (False, False, False, False, False),
    "chen": (False, False, False, False, False),
    "dana": (False, False, False, False, False),
    "root": (False, False, False, False, False),
}


@pytest.mark.parametrize("name", IDENTITY)
def test_identity_records(cast, person_a, name):
    """person_a belongs to NGO A; for boris that is the other organisation."""
    member = cast.membership(name)
    view_a, view_b, create, change_a, change_b = IDENTITY[name]
    assert access.can(member, Action.VIEW, person_a) is view_a
    assert access.can(member, Action.CHANGE, person_a) is change_a
    assert access.can(member, Action.CREATE, Person) is create
    assert (person_a in access.visible(member, Person.objects.all())) is view_a


@pytest.mark.parametrize("name", IDENTITY)
def test_identity_records_of_ngo_b(cast, person_b, name):
    member = cast.membership(name)
    _, view_b, _, _, change_b = IDENTITY[name]
    assert access.can(member, Action.VIEW, person_b) is view_b
    assert access.can(member, Action.CHANGE, person_b) is change_b
    assert list(access.visible(member, Person.objects.all())) == ([person_b] if view_b else [])


def test_acting_membership_decides_not_the_user(cast, person_a):
    """amina is a caseworker at NGO A and at the Mission: acting for the Mission she does not
    see NGO A's persons."""
    assert access.can(cast.amina, Action.VIEW, person_a)
    assert not access.can(cast.amina_mission, Action.VIEW, person_a)
    assert not access.visible(cast.amina_mission, Person.objects.all()).exists()


def test_inactive_membership_or_user_has_no_access(cast, person_a):
    cast.amina.active = False
    assert not access.can(cast.amina, Action.VIEW, person_a)
    cast.amina.active = True
    cast.amina.user.is_active = False
    assert not access.can(cast.amina, Action.VIEW, person_a)
    assert not access.can(None, Action.VIEW, person_a)


@pytest.mark.parametrize("name, may_change", [
    ("amina", False), ("fatima", False), ("boris", False), ("emre", False),
    ("chen", False), ("dana", False), ("root", True)])
def test_organisations_directory(cast, name, may_change):
    member = cast.membership(name)
    assert access.visible(member, Organisation.objects.all()).count() == 5
    assert access.can(member, Action.CHANGE, cast.ngo_b) is may_change
    assert access.can(member, Action.CREATE, Organisation) is may_change


@pytest.mark.parametrize("name, own, other", [
    ("amina", False, False), ("fatima", True, False), ("boris", False, False),
    ("emre", False, False), ("chen", False, False), ("dana", False, False),
    ("root", True, True)])
def test_memberships(cast, name, own, other):
    member = cast.membership(name)
    seen = access.visible(member, Membership.objects.all())
    assert seen.filter(organisation=member.organisation).exists() is own
    assert seen.exclude(organisation=member.organisation).exists() is other
    assert access.can(member, Action.CHANGE, cast.boris) is (name == "root")


@pytest.mark.parametrize("name, sees_a, sees_b", [
    ("amina", False, False), ("fatima", True, False), ("boris", False, False),
    ("emre", False, False), ("chen", False, False), ("dana", False, False),
    ("root", True, True)])
def test_access_log(cast, person_a, person_b, name, sees_a, sees_b):
    log_access(cast.amina, person_a)
    log_access(cast.boris, person_b)
    seen = access.visible(cast.membership(name), AccessLog.objects.all())
    assert seen.filter(owner=cast.ngo_a).exists() is sees_a
    assert seen.filter(owner=cast.ngo_b).exists() is sees_b
    assert not access.can(cast.membership(name), Action.CHANGE, AccessLog)


@pytest.mark.parametrize("name", ["amina", "fatima", "boris", "emre", "chen", "dana", "root"])
def test_reference_data(cast, name):
    member = cast.membership(name)
    assert access.visible(member, Country.objects.all()).count() == Country.objects.count()
    assert access.can(member, Action.CHANGE, Country) is (name == "root")


def test_get_visible_says_403_for_the_role_and_404_for_other_records(cast, person_a):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assert access.get_visible(cast.amina, Person.objects.all(), pk=person_a.pk) == person_a
    with pytest.raises(Http404):
        access.get_visible(cast.boris, Person.objects.all(), pk=person_a.pk)
    with pytest.raises(PermissionDenied):
        access.get_visible(cast.dana, Person.objects.all(), pk=person_a.pk)


def test_two_factor_roles(cast):
    assert {n for n in ("amina", "fatima", "boris", "emre", "chen", "dana", "root")
            if access.requires_two_factor(cast.membership(n))} == {"amina", "fatima",
                                                                     "boris", "root"}


def test_rules_table_matches_documentation():
    """docs/access.md states the same table as RULES (one row per kind × action)."""
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "access.md").read_text(encoding="utf-8")
    for kind, by_action in access.RULES.items():
        for action, by_role in by_action.items():
            cells = [by_role.get(role, access.Scope.NONE).value for role in access.Role.values]
            row = f"| {kind} | {action.value} | " + " | ".join(cells) + " |"
            assert row in doc, f"docs/access.md lacks the row: {row}"


@pytest.mark.parametrize("granter, target, role, allowed", [
    ("root", "dana", "caseworker", True),
    ("root", "root", "caseworker", False),
    ("root", "root", "supervisor", False),
    ("root", "root", "analyst", True),
    ("fatima", "amina", "caseworker", False),
    ("amina", "amina", "supervisor", False),
])
def test_who_may_grant_which_role(cast, granter, target, role, allowed):
    user = cast.membership(target).user
    assert access.may_grant(cast.membership(granter), user, role) is allowed

"""Two people open identities (docs/access.md): a role that opens identity records, or
confirms who may, reaches nothing until someone other than the member and the granter
confirms it — a supervisor of the organisation, or an administrator where it has none.

Extra people besides the cast: ``ada`` a second administrator at HQ, ``sam`` a supervisor at
NGO B, ``nadia`` a new user an administrator has just given a role.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from palermo.cases.models import Person
from palermo.core import access, grants
from palermo.core.access import Action, Scope
from palermo.core.models import AccountEvent, Membership, Organisation, Role, User
from tests.conftest import confirmed_membership

Kind = AccountEvent.Kind


@pytest.fixture
def ada(cast):
    return confirmed_membership(User.objects.create_user("ada"), cast.hq, Role.ADMIN)


@pytest.fixture
def sam(cast):
    return confirmed_membership(User.objects.create_user("sam"), cast.ngo_b,
                                Role.SUPERVISOR)


@pytest.fixture
def nadia(db):
    return User.objects.create_user("nadia", email="nadia@example.org")


@pytest.fixture
def nadia_at_a(cast, nadia):
    """root gives nadia a caseworker role at NGO A, where fatima supervises."""
    return grants.grant_membership(cast.root, nadia, cast.ngo_a, Role.CASEWORKER)


def test_the_roles_that_need_a_second_person_come_from_the_rules():
    """Caseworkers and supervisors open identities; supervisors and administrators confirm."""
    assert access.CONFIRMED_ROLES == {Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN}


def test_an_unconfirmed_caseworker_reaches_nothing(cast, person_a, nadia_at_a):
    assert access.awaits_confirmation(nadia_at_a)
    for kind, by_action in access.RULES.items():
        for action in by_action:
            assert access.scope(nadia_at_a, action, kind) is Scope.NONE, (kind, action)
    assert not access.visible(nadia_at_a, Person.objects.all()).exists()
    assert not access.can(nadia_at_a, Action.VIEW, person_a)
    assert not access.sees_identities(nadia_at_a)


def test_once_the_supervisor_confirms_the_caseworker_works(cast, person_a, nadia_at_a):
    confirmed = grants.confirm(cast.fatima, nadia_at_a)
    assert (confirmed.confirmed_by, confirmed.confirmed_role) == (cast.fatima.user,
                                                                  Role.CASEWORKER)
    assert not access.awaits_confirmation(confirmed)
    assert list(access.visible(confirmed, Person.objects.all())) == [person_a]
    assert access.can(confirmed, Action.VIEW, person_a)


@pytest.mark.parametrize("confirmer, allowed", [
    ("fatima", True),   # the organisation's supervisor
    ("root", False),    # granted it
    ("ada", False),     # an administrator, but NGO A has a supervisor to do it
    ("sam", False),     # a supervisor of another organisation
    ("amina", False), ("boris", False), ("emre", False), ("chen", False), ("dana", False),
])
def test_who_confirms_a_new_caseworker_at_ngo_a(cast, ada, sam, nadia_at_a, confirmer,
                                                 allowed):
    member = {"ada": ada, "sam": sam}.get(confirmer) or cast.membership(confirmer)
    assert access.may_confirm(member, nadia_at_a) is allowed


def test_the_new_member_never_confirms_themself(cast, ada, nadia_at_a):
    assert not access.may_confirm(nadia_at_a, nadia_at_a)
    # An administrator given a caseworker role (on the command line: no granter) at NGO B,
    # which has no supervisor: another administrator confirms it, she does not.
    hers = grants.grant_membership(None, ada.user, cast.ngo_b, Role.CASEWORKER)
    assert not access.may_confirm(ada, hers)
    assert access.may_confirm(cast.root, hers)


def test_the_granter_never_confirms(cast, ada, nadia):
    at_b = grants.grant_membership(cast.root, nadia, cast.ngo_b, Role.CASEWORKER)
    assert not access.may_confirm(cast.root, at_b)
    assert access.may_confirm(ada, at_b)  # NGO B has no supervisor: a second administrator


def test_the_granter_cannot_confirm_by_switching_to_a_supervisor_role(cast, ada, nadia):
    """root is also a supervisor at NGO B: the rule compares users, not memberships; and
    with root the only supervisor there, the second administrator confirms."""
    root_at_b = grants.grant_membership(None, cast.root.user, cast.ngo_b, Role.SUPERVISOR)
    root_at_b = grants.confirm(ada, root_at_b)
    at_b = grants.grant_membership(cast.root, nadia, cast.ngo_b, Role.CASEWORKER)
    assert not access.may_confirm(root_at_b, at_b)
    assert not access.has_confirming_supervisor(at_b)
    assert access.may_confirm(ada, at_b)


def test_a_supervisor_never_confirms_an_administrator(cast, ada, nadia):
    """Even in her own organisation: another administrator does."""
    admin_at_a = grants.grant_membership(cast.root, nadia, cast.ngo_a, Role.ADMIN)
    assert access.awaits_confirmation(admin_at_a)
    assert not access.may_confirm(cast.fatima, admin_at_a)
    assert access.may_confirm(ada, admin_at_a)


def test_a_new_administrator_is_confirmed_by_another(cast, ada, nadia):
    new_admin = grants.grant_membership(cast.root, nadia, cast.hq, Role.ADMIN)
    assert not access.may_administer(new_admin)
    assert not access.may_confirm(cast.root, new_admin)
    assert access.may_confirm(ada, new_admin)
    assert access.may_administer(grants.confirm(ada, new_admin))


def test_the_first_supervisor_of_a_new_organisation_needs_a_second_administrator(
        cast, ada, nadia):
    shelter = Organisation.objects.create(name="Shelter Kyiv", type="NGO")
    first = grants.grant_membership(cast.root, nadia, shelter, Role.SUPERVISOR)
    assert not access.may_confirm(cast.root, first)
    assert not access.may_confirm(cast.fatima, first)
    assert access.may_confirm(ada, first)
    first = grants.confirm(ada, first)
    # From now on the organisation's supervisor confirms its caseworkers, not ada.
    worker = grants.grant_membership(cast.root, User.objects.create_user("oleh"), shelter,
                                     Role.CASEWORKER)
    assert access.may_confirm(first, worker)
    assert not access.may_confirm(ada, worker)


@pytest.mark.parametrize("change", ["inactive", "unconfirmed", "no confirmation time",
                                    "user inactive"])
def test_without_a_working_supervisor_an_administrator_confirms(cast, ada, nadia_at_a,
                                                                 change):
    fatima = Membership.objects.get(pk=cast.fatima.pk)
    if change == "inactive":
        fatima.active = False
    elif change == "unconfirmed":
        fatima.confirmed_role = Role.CASEWORKER  # confirmed once, for another role
    elif change == "no confirmation time":
        fatima.confirmed_at = None
    else:
        fatima.user.is_active = False
        fatima.user.save()
    fatima.save()
    assert not access.has_confirming_supervisor(nadia_at_a)
    assert access.may_confirm(ada, nadia_at_a)


def test_roles_that_open_no_identities_work_at_once(cast, nadia):
    for org, role in [(cast.ngo_a, Role.ME_OFFICER), (cast.hq, Role.ANALYST),
                      (cast.donor_org, Role.DONOR)]:
        membership = grants.grant_membership(cast.root, nadia, org, role)
        assert not access.awaits_confirmation(membership)
        assert access.scope(membership, Action.VIEW, "organisation") is Scope.ALL


def test_a_role_change_needs_confirming_again_however_it_is_made(cast, person_a, nadia):
    """Through the grant (which records it), and even by a bare save of the role."""
    me_officer = grants.grant_membership(cast.root, nadia, cast.ngo_a, Role.ME_OFFICER)
    changed = grants.grant_membership(cast.root, nadia, cast.ngo_a, Role.CASEWORKER)
    assert changed.pk == me_officer.pk and access.awaits_confirmation(changed)
    changed = grants.confirm(cast.fatima, changed)
    assert access.can(changed, Action.VIEW, person_a)
    changed.role = Role.SUPERVISOR
    changed.save()
    assert access.awaits_confirmation(changed)
    assert not access.can(changed, Action.VIEW, person_a)
    assert not access.can(changed, Action.APPROVE, person_a)
    event = AccountEvent.objects.filter(membership=me_officer, kind=Kind.GRANTED).first()
    assert (event.detail, event.actor) == ("role was me_officer", cast.root.user)


def test_a_bare_orm_membership_is_unconfirmed(cast, person_a, nadia):
    bare = Membership.objects.create(user=nadia, organisation=cast.ngo_a,
                                     role=Role.CASEWORKER)
    assert access.awaits_confirmation(bare)
    assert not access.can(bare, Action.VIEW, person_a)
    # Naming the confirmed role is not confirming: a confirmation has a time.
    bare.confirmed_role = Role.CASEWORKER
    bare.save()
    assert access.awaits_confirmation(bare)
    assert list(grants.pending_for(cast.fatima)) == [bare]


def test_reactivating_a_membership_needs_confirming_again(cast, person_a):
    grants.grant_membership(cast.root, cast.amina.user, cast.ngo_a, Role.CASEWORKER,
                            active=False)
    again = grants.grant_membership(cast.root, cast.amina.user, cast.ngo_a, Role.CASEWORKER)
    assert access.awaits_confirmation(again)
    assert not access.can(again, Action.VIEW, person_a)
    assert list(AccountEvent.objects.filter(membership=again).values_list(
        "kind", "detail")) == [(Kind.GRANTED, "reactivated"), (Kind.DEACTIVATED, "")]


def test_saving_an_unchanged_grant_keeps_the_confirmation(cast):
    same = grants.grant_membership(cast.root, cast.amina.user, cast.ngo_a, Role.CASEWORKER)
    assert not access.awaits_confirmation(same)
    assert not AccountEvent.objects.exists()


@pytest.mark.parametrize("changed, waits", [
    ({"email"}, True), ({"is_active"}, True), ({"first_name"}, False)])
def test_a_new_address_or_reactivation_needs_confirming_again(cast, person_a, changed,
                                                              waits):
    """Reset links go to the e-mail address: whoever changes it could take the account."""
    count = grants.account_changed(cast.root, cast.amina.user, changed)
    amina = Membership.objects.get(pk=cast.amina.pk)
    assert access.awaits_confirmation(amina) is waits
    assert count == (2 if waits else 0)  # NGO A and the Mission
    assert access.awaits_confirmation(Membership.objects.get(pk=cast.emre.pk)) is False


def test_a_refused_grant_is_deactivated_and_cannot_be_confirmed(cast, nadia_at_a):
    refused = grants.refuse(cast.fatima, nadia_at_a)
    assert not refused.active and not access.awaits_confirmation(refused)
    assert not access.may_confirm(cast.fatima, refused)
    with pytest.raises(PermissionDenied):
        grants.confirm(cast.fatima, refused)


def test_an_inactive_user_is_not_confirmed(cast, nadia, nadia_at_a):
    nadia.is_active = False
    nadia.save()
    assert not access.may_confirm(cast.fatima, Membership.objects.get(pk=nadia_at_a.pk))


def test_an_unconfirmed_supervisor_confirms_nothing(cast, ada, nadia_at_a):
    sam_at_a = grants.grant_membership(cast.root, User.objects.create_user("sam"),
                                       cast.ngo_a, Role.SUPERVISOR)
    assert not access.may_confirm(sam_at_a, nadia_at_a)


def test_every_step_is_an_account_event_without_names(cast, nadia_at_a):
    with pytest.raises(PermissionDenied):
        grants.confirm(cast.root, nadia_at_a)
    grants.confirm(cast.fatima, nadia_at_a)
    events = list(AccountEvent.objects.order_by("id").values_list(
        "kind", "actor__username", "actor_role", "subject__username", "organisation__name",
        "role"))
    assert events == [
        (Kind.GRANTED, "root", "admin", "nadia", "NGO A", "caseworker"),
        (Kind.DENIED, "root", "admin", "nadia", "NGO A", "caseworker"),
        (Kind.CONFIRMED, "fatima", "supervisor", "nadia", "NGO A", "caseworker"),
    ]
    text = " ".join(" ".join(map(str, e)) for e in AccountEvent.objects.values_list(
        "detail", "actor_role", "role", "kind"))
    assert "nadia@example.org" not in text


def test_account_events_are_append_only(cast, nadia_at_a):
    event = AccountEvent.objects.get()
    event.detail = "edited"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_who_sees_the_grants_and_the_events(cast, ada, sam, nadia_at_a):
    at_b = grants.grant_membership(cast.root, User.objects.create_user("oleh"), cast.ngo_b,
                                   Role.CASEWORKER)
    assert list(grants.pending_for(cast.fatima)) == [nadia_at_a]
    assert list(grants.pending_for(sam)) == [at_b]
    assert list(grants.pending_for(ada)) == [nadia_at_a, at_b]
    for name in ("amina", "boris", "emre", "chen", "dana"):
        assert not grants.pending_for(cast.membership(name)).exists()
        assert grants.recent_events(cast.membership(name)) == []
    assert {e.subject.username for e in grants.recent_events(cast.fatima)} == {"nadia"}
    assert {e.subject.username for e in grants.recent_events(ada)} == {"nadia", "oleh"}


def test_the_command_lines_first_administrator_is_confirmed_at_once(db, nadia):
    hq = Organisation.objects.create(name="HQ", type="InternationalOrganisation")
    first = grants.grant_membership(None, nadia, hq, Role.ADMIN)
    assert access.may_administer(first)
    second = grants.grant_membership(None, User.objects.create_user("olga"), hq, Role.ADMIN)
    assert not access.may_administer(second)
    assert access.may_confirm(first, second)


def test_no_administrator_grants_themself_an_identity_role(cast):
    with pytest.raises(PermissionDenied):
        grants.grant_membership(cast.root, cast.root.user, cast.ngo_a, Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        grants.grant_membership(cast.fatima, cast.boris.user, cast.ngo_a, Role.CASEWORKER)
    assert not Membership.objects.filter(organisation=cast.ngo_a, user__in=[
        cast.root.user, cast.boris.user]).exists()


def test_the_command_line_confirms_no_one_but_the_first_administrator(db, nadia):
    """On an empty install a caseworker granted on the command line still waits."""
    ngo = Organisation.objects.create(name="NGO", type="NGO")
    worker = grants.grant_membership(None, nadia, ngo, Role.CASEWORKER)
    assert access.awaits_confirmation(worker)

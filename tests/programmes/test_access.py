"""Who sees and changes which project (docs/access.md, kinds portfolio, portfolio_setup,
partner, portfolio_import): M&E officers keep their organisation's; a donor reads what its
organisation funds and nothing else; analysts read every portfolio; caseworkers nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from palermo.core import access
from palermo.core.access import Action
from palermo.programmes import reading, services
from palermo.programmes.models import FundingChannel, Participation, Partner, Project
from palermo.programmes.models.portfolio import FUNDING

# persona -> (sees project_a of NGO A, sees project_b of NGO B, changes project_a, creates)
PORTFOLIO = {
    "amina": (False, False, False, False),
    "fatima": (True, False, False, False),
    "boris": (False, False, False, False),
    "emre": (True, False, True, True),
    "chen": (True, True, False, False),
    "dana": (True, False, False, False),  # the Donor funds project_a, not project_b
    "root": (True, True, False, False),
}


@pytest.mark.parametrize("name", PORTFOLIO)
def test_who_sees_and_changes_which_project(cast, project_a, project_b, name):
    member = cast.membership(name)
    sees_a, sees_b, changes_a, creates = PORTFOLIO[name]
    visible = set(access.visible(member, Project.objects.all()))
    assert (project_a in visible, project_b in visible) == (sees_a, sees_b)
    assert access.can(member, Action.CHANGE, project_a) is changes_a
    assert access.can(member, Action.CREATE, Project) is creates


def test_a_donor_stops_seeing_a_project_when_the_funding_role_goes(cast, project_a):
    funding = Participation.objects.get(project=project_a, role=FUNDING)
    assert access.can(cast.dana, Action.VIEW, project_a)
    services.remove_participation(cast.emre, funding)
    assert not access.can(cast.dana, Action.VIEW, project_a)
    with pytest.raises(Http404):
        reading.visible_project(cast.dana, project_a.pk)


def test_taking_part_in_another_role_does_not_open_a_project_to_a_donor(cast, project_b):
    """The Donor is the extending organisation of project_b: not a funder, so not shown."""
    assert project_b.participations.filter(partner__organisation=cast.donor_org).exists()
    assert not access.can(cast.dana, Action.VIEW, project_b)
    assert project_b not in reading.visible_projects(cast.dana)


def test_a_funder_reads_but_never_changes(cast, project_a):
    with pytest.raises(PermissionDenied):
        services.update_project(cast.dana, project_a, title="Changed by the donor")
    project_a.refresh_from_db()
    assert project_a.title == "Vatra shelter"


def test_caseworkers_get_403_not_an_empty_list(cast):
    with pytest.raises(PermissionDenied):
        reading.visible_projects(cast.amina)


def test_another_organisations_m_and_e_officer_gets_404(cast, project_b):
    with pytest.raises(Http404):
        reading.visible_project(cast.emre, project_b.pk)
    with pytest.raises(PermissionDenied):
        services.update_project(cast.emre, project_b, title="Not mine")


@pytest.mark.parametrize("name, views, adds, corrects", [
    ("amina", False, False, False), ("fatima", False, False, False),
    ("emre", True, True, False), ("chen", True, False, False),
    ("dana", False, False, False), ("root", True, True, True)])
def test_partner_register(cast, name, views, adds, corrects):
    member = cast.membership(name)
    partner = Partner.objects.get(acronym="IOM")
    assert access.can(member, Action.VIEW, partner) is views
    assert access.can(member, Action.CREATE, Partner) is adds
    assert access.can(member, Action.CHANGE, partner) is corrects


@pytest.mark.parametrize("name, views, adds", [
    ("amina", False, False), ("fatima", False, False), ("emre", True, True),
    ("chen", True, False), ("dana", False, False), ("root", True, False)])
def test_funding_channels(cast, name, views, adds):
    channel = FundingChannel.objects.create(organisation=cast.ngo_b, name="Embassy")
    member = cast.membership(name)
    assert access.can(member, Action.VIEW, channel) is views
    assert access.can(member, Action.CREATE, FundingChannel) is adds
    assert access.can(member, Action.CHANGE, channel) is False  # NGO B's, for everyone here

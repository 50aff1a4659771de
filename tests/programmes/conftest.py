"""Programme fixtures: NGO A's project funded by the Donor, NGO B's project funded by no one
the cast belongs to, and seed 002's funding list imported by NGO A's M&E officer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from palermo.programmes import imports, partners, services
from palermo.programmes.demo import SEED_LIST, SEED_OPTIONS
from palermo.programmes.models import Partner
from palermo.programmes.models.portfolio import FUNDING, IMPLEMENTING

SEED = SEED_LIST.read_bytes()


def seed_report(membership, accept: bool = False, **options):
    """Seed 002's funding list, checked (or imported) for *membership*."""
    return imports.run(membership, SEED, SEED_LIST.name, imports.FUNDING_LIST,
                       {**SEED_OPTIONS, **options}, accept=accept)


@pytest.fixture
def ngo_b_me(cast):
    """An M&E officer at NGO B (not one of the seven personas)."""
    from palermo.core.models import Membership as Member
    from palermo.core.models import Role, User

    user = User.objects.create_user(username="bea", password="correct horse battery 42")
    return Member.objects.create(user=user, organisation=cast.ngo_b, role=Role.ME_OFFICER)


@pytest.fixture
def project_a(cast):
    """NGO A's shelter project, funded by the Donor: a commitment and a disbursement in 2025,
    a budget for 2026."""
    project = services.create_project(
        cast.emre, role=IMPLEMENTING, title="Vatra shelter", own_number="2040412",
        planned_start=dt.date(2025, 1, 1), planned_end=dt.date(2026, 12, 31),
        currency="NOK", four_ps=["protection"], target_groups=["women", "girls"])
    donor = partners.entry_for(cast.root, cast.donor_org)
    services.add_participation(cast.emre, project, donor, FUNDING)
    agreement = services.add_agreement(cast.emre, project, year=2025, number="2040412")
    for kind, value in (("2", "1000000"), ("3", "600000")):
        services.add_transaction(cast.emre, project, agreement=agreement, type=kind,
                                 date=dt.date(2025, 3, 1), value=Decimal(value),
                                 currency="NOK", value_date=dt.date(2025, 3, 1))
    services.add_budget(cast.emre, project, period_start=dt.date(2026, 1, 1),
                        period_end=dt.date(2026, 12, 31), value=Decimal("900000"),
                        currency="NOK", value_date=dt.date(2025, 12, 1))
    return project


@pytest.fixture
def project_b(cast, ngo_b_me):
    """NGO B's project; the Donor takes part, but not as a funder."""
    project = services.create_project(
        ngo_b_me, role=IMPLEMENTING, title="Kyrgyz hotline", own_number="KGZ-0001",
        planned_start=dt.date(2025, 1, 1), currency="EUR")
    donor = partners.entry_for(cast.root, cast.donor_org)
    services.add_participation(ngo_b_me, project, donor, "3")  # extending, not funding
    return project


@pytest.fixture
def iom():
    return Partner.objects.get(acronym="IOM")

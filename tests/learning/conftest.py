"""The library as the demo fills it: seed 004's ten publications, catalogued by emre (the M&E
officer of NGO A), and one entry of NGO B's."""

from __future__ import annotations

import pytest

from palermo.core.models import Membership, Role, User
from palermo.learning import library
from palermo.learning.seed_catalogue import seed_catalogue


@pytest.fixture
def ngo_b_me(cast) -> Membership:
    """An M&E officer at NGO B (the cast has none)."""
    user = User.objects.create_user("nadia", password=None)
    return Membership.objects.create(user=user, organisation=cast.ngo_b, role=Role.ME_OFFICER)


@pytest.fixture
def seeded(cast):
    """Seed 004's entries in the library of NGO A, by title."""
    return {e["title"]: library.save_publication(cast.emre, e)
            for e in seed_catalogue().entries}


@pytest.fixture
def ngo_b_entry(ngo_b_me):
    return library.save_publication(ngo_b_me, {
        "title": "Shelter standards in Central Asia", "year": 2021, "category": "Protection",
        "summary": "Minimum standards for shelters of trafficked persons in Kyrgyzstan.",
        "countries": ["Kyrgyzstan"], "regions": ["Central Asia"], "language": "English"})

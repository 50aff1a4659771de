"""Synthetic demo data: organisations, one user per role, and a few persons.

Everything here is invented and marked as such. Passwords are random, printed once by
``palermo demo`` and never stored in plaintext.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass

from django.db import transaction

from palermo.cases.services import register_person
from palermo.core.models import Country, Membership, Organisation, Role, User

MARK = "Synthetic demo record — not a real person"

ORGANISATIONS = [
    # key, name, short name, HTCDS org_Type, country, parent key, referral mechanism
    ("hq", "Palermo Headquarters (demo)", "HQ", "InternationalOrganisation", None, None, False),
    ("ngo_a", "Safe Harbour Nigeria (demo)", "Safe Harbour", "NGO", "NGA", "hq", False),
    ("ngo_b", "Horizon Kyrgyzstan (demo)", "Horizon", "NGO", "KGZ", "hq", False),
    ("ngo_c", "Nordlys Support Norway (demo)", "Nordlys", "NGO", "NOR", "hq", False),
    ("mission", "Migration Mission Nigeria (demo)", "Mission NGA", "InternationalOrganisation",
     "NGA", "hq", True),
    ("donor", "Ministry of Foreign Affairs, Development Section (demo)", "MFA Donor",
     "DonorAgency", "NOR", None, False),
]

USERS = [
    # username, first, last, [(organisation key, role)]
    ("amina", "Amina", "Caseworker", [("ngo_a", Role.CASEWORKER), ("mission", Role.CASEWORKER)]),
    ("fatima", "Fatima", "Supervisor", [("ngo_a", Role.SUPERVISOR)]),
    ("boris", "Boris", "Caseworker", [("ngo_b", Role.CASEWORKER)]),
    ("ingrid", "Ingrid", "Caseworker", [("ngo_c", Role.CASEWORKER)]),
    ("emre", "Emre", "M&E Officer", [("ngo_a", Role.ME_OFFICER)]),
    ("chen", "Chen", "Analyst", [("hq", Role.ANALYST)]),
    ("dana", "Dana", "Donor", [("donor", Role.DONOR)]),
    ("root", "Root", "Administrator", [("hq", Role.ADMIN)]),
]

# Invented names per country; combined at random, so no combination is a real person's record.
NAMES = {
    "NGA": (["Adaeze", "Blessing", "Chiamaka", "Ifeoma", "Ngozi", "Tobi", "Kelechi"],
            ["Okonkwo-Demo", "Adeyemi-Demo", "Nwosu-Demo", "Eze-Demo", "Balogun-Demo"]),
    "KGZ": (["Aigerim", "Nurlan", "Cholpon", "Aibek", "Gulnara", "Bakyt"],
            ["Asanova-Demo", "Tokoev-Demo", "Jumabaeva-Demo", "Sadykov-Demo"]),
    "NOR": (["Oksana", "Daria", "Tatiana", "Precious", "Joy", "Mercy"],
            ["Ivanova-Demo", "Osagie-Demo", "Kowalska-Demo", "Eghosa-Demo"]),
}
GENDERS = ["Feminine", "Feminine", "Feminine", "Masculine"]


@dataclass
class DemoLogin:
    username: str
    password: str
    memberships: str


def _password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def build(persons_per_ngo: int = 8, seed: int = 2000) -> list[DemoLogin]:
    """Create the demo organisations, users (with fresh random passwords) and persons."""
    orgs: dict[str, Organisation] = {}
    for key, name, short, kind, country, parent, nrm in ORGANISATIONS:
        orgs[key] = Organisation.objects.create(
            name=name, short_name=short, type=kind, country_id=country,
            parent=orgs.get(parent) if parent else None, is_referral_mechanism=nrm)
    logins = []
    for username, first, last, roles in USERS:
        password = _password()
        user = User.objects.create_user(username=username, password=password,
                                        first_name=first, last_name=last)
        for org_key, role in roles:
            Membership.objects.create(user=user, organisation=orgs[org_key], role=role)
        logins.append(DemoLogin(username, password, "; ".join(
            f"{Role(role).label} at {orgs[k]}" for k, role in roles)))
    rng = random.Random(seed)
    caseworkers = {"ngo_a": "amina", "ngo_b": "boris", "ngo_c": "ingrid"}
    countries = {"ngo_a": "NGA", "ngo_b": "KGZ", "ngo_c": "NOR"}
    for org_key, username in caseworkers.items():
        membership = Membership.objects.get(user__username=username,
                                            organisation=orgs[org_key])
        given, family = NAMES[countries[org_key]]
        for _ in range(persons_per_ngo):
            register_person(
                membership, given_name=rng.choice(given), family_name=rng.choice(family),
                birth_date=dt.date(rng.randint(1980, 2009), rng.randint(1, 12),
                                   rng.randint(1, 28)),
                gender=rng.choice(GENDERS),
                citizenship=Country.objects.get(pk=countries[org_key]),
                phone=f"+000 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                identity_number=f"DEMO-{rng.randint(100000, 999999)}",
                address=MARK)
    return logins

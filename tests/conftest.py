"""The cast every test uses (ARCHITECTURE.md): who may, and who may not.

amina   caseworker at NGO A (and caseworker at the Mission)
fatima  supervisor at NGO A
boris   caseworker at NGO B
emre    M&E officer at NGO A
chen    analyst at HQ
dana    donor at the Donor
root    administrator at HQ
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from palermo.cases.casework import open_case
from palermo.cases.services import register_person
from palermo.core import crypto
from palermo.core.models import ApiToken, Country, Membership, Organisation, Role, User

# A browser (Playwright and Debian's chromium) for the tests that need one.
pytest_plugins = ["tests.browser"]

PASSWORD = "correct horse battery staple 42"
DATABASES = ["default", "jobs"]


def pytest_collection_modifyitems(items):
    """A test with the database has the jobs database too (palermo/core/routers.py): pages,
    endpoints and commands that start long work record a job there. A transactional test
    starts from the migrated database (reference data), whatever transactional test ran
    before it and emptied the tables."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if not {"db", "transactional_db", "live_server"} & names \
                or item.get_closest_marker("django_db") is not None:
            continue
        transactional = bool({"transactional_db", "live_server"} & names)
        item.add_marker(pytest.mark.django_db(databases=DATABASES, transaction=transactional,
                                              serialized_rollback=transactional))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's, and then the jobs connection closed before the test database is
    dropped (on PostgreSQL it is a second connection to the same database)."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        connections["jobs"].close()


@pytest.fixture(autouse=True)
def _fresh_keyring():
    """Each test's database starts without the keyring fingerprint (transactions roll back),
    so each test loads — and checks — the keyring afresh, as a new server process would."""
    crypto.forget_keyring()
    yield
    crypto.forget_keyring()


def confirmed_membership(user: User, organisation: Organisation, role: str) -> Membership:
    """A membership a second person has already confirmed: the personas, and the extra
    members of tests about something else. A bare ``Membership.objects.create`` of a role
    that opens identities is unconfirmed and reaches nothing; the two-person path itself is
    tested in tests/core/test_grants.py."""
    return Membership.objects.create(user=user, organisation=organisation, role=role,
                                     granted_at=timezone.now(), confirmed_at=timezone.now(),
                                     confirmed_role=role)


@dataclass
class Cast:
    ngo_a: Organisation
    ngo_b: Organisation
    mission: Organisation
    hq: Organisation
    donor_org: Organisation
    amina: Membership
    amina_mission: Membership
    fatima: Membership
    boris: Membership
    emre: Membership
    chen: Membership
    dana: Membership
    root: Membership

    def membership(self, name: str) -> Membership:
        return getattr(self, name)


@pytest.fixture
def cast(db) -> Cast:
    hq = Organisation.objects.create(name="Headquarters", type="InternationalOrganisation")
    ngo_a = Organisation.objects.create(name="NGO A", type="NGO", country_id="NGA", parent=hq)
    ngo_b = Organisation.objects.create(name="NGO B", type="NGO", country_id="KGZ", parent=hq)
    mission = Organisation.objects.create(name="Mission", type="InternationalOrganisation",
                                          country_id="NGA", is_referral_mechanism=True)
    donor_org = Organisation.objects.create(name="Donor", type="DonorAgency")

    def member(username: str, org: Organisation, role: str) -> Membership:
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username=username, password=PASSWORD)
        return confirmed_membership(user, org, role)

    return Cast(
        ngo_a=ngo_a, ngo_b=ngo_b, mission=mission, hq=hq, donor_org=donor_org,
        amina=member("amina", ngo_a, Role.CASEWORKER),
        amina_mission=member("amina", mission, Role.CASEWORKER),
        fatima=member("fatima", ngo_a, Role.SUPERVISOR),
        boris=member("boris", ngo_b, Role.CASEWORKER),
        emre=member("emre", ngo_a, Role.ME_OFFICER),
        chen=member("chen", hq, Role.ANALYST),
        dana=member("dana", donor_org, Role.DONOR),
        root=member("root", hq, Role.ADMIN),
    )


PERSONAS = ["amina", "fatima", "boris", "emre", "chen", "dana", "root"]


@pytest.fixture
def person_a(cast):
    """A person registered by NGO A."""
    return register_person(cast.amina, given_name="Adaeze", family_name="Okafor",
                           birth_date=dt.date(2001, 5, 17), gender="Feminine",
                           citizenship=Country.objects.get(pk="NGA"),
                           phone="+234 801 555 0101", identity_number="A12345678")


@pytest.fixture
def person_b(cast):
    """A person registered by NGO B."""
    return register_person(cast.boris, given_name="Aigerim", family_name="Asanova",
                           birth_date=dt.date(1999, 2, 3), gender="Feminine",
                           citizenship=Country.objects.get(pk="KGZ"))


def signed_in(membership: Membership) -> Client:
    """A browser signed in as this member, acting for this membership's organisation,
    with two-factor verification done (tests of two-factor itself sign in by hand)."""
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session["palermo_organisation"] = membership.organisation_id
    session.save()
    return client


@pytest.fixture
def browser(cast, settings):
    """``browser("amina")`` → a signed-in client. Two-factor is relaxed for these clients;
    tests/core/test_two_factor.py checks the requirement itself."""
    settings.PALERMO_REQUIRE_2FA = False

    def make(name: str) -> Client:
        return signed_in(cast.membership(name))

    return make


@pytest.fixture
def api_client(cast):
    """``api_client("amina")`` → (client, headers) with a fresh personal token."""

    def make(name: str):
        _token, raw = ApiToken.issue(cast.membership(name), "test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture
def case_a(cast, person_a):
    """NGO A's case for person_a: a Nigerian woman exploited in Italy and Norway."""
    return open_case(cast.amina, person_a, opened_on=dt.date(2026, 3, 2),
                     identified_on=dt.date(2026, 2, 27), identifying_agency="police",
                     client_category="victim", trafficking_status="ActualVictimOfTrafficking",
                     trafficking_type="transnational", origin_country_id="NGA",
                     exploitation_countries=["ITA", "NOR"],
                     exploitation_types=["SexualExploitation"],
                     means_of_control=["DebtBondage", "WithholdsDocuments"],
                     recruiter_relationship="Acquainted", exploitation_months=14)

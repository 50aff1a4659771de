"""Referrals: the receiver sees exactly what consent covers, and a person stays one person."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from palermo.cases import referrals
from palermo.cases.assistance import record_consent
from palermo.cases.models import Case, CaseFact, Person, Referral
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Organisation, Role, User
from tests.conftest import confirmed_membership


@pytest.fixture
def legal_ngo(db):
    """A legal-aid NGO and its caseworker, lena."""
    org = Organisation.objects.create(name="Legal Aid Lagos", type="LegalService",
                                      country_id="NGA")
    user = User.objects.create_user("lena", password="irrelevant-here-0")
    return confirmed_membership(user, org, Role.CASEWORKER)


def consent_to_share(cast, case, organisation):
    record_consent(cast.amina, case, kind="data_processing", decision="given")
    record_consent(cast.amina, case, kind="sharing", organisation=organisation,
                   decision="given")


def test_receiver_sees_the_referral_but_not_the_person_before_consent(cast, case_a,
                                                                     person_a, legal_ngo):
    referral = referrals.send(cast.amina, case_a, legal_ngo.organisation,
                              reason="AdditionalServicesRequired",
                              requested_services=["legal_aid"])
    assert list(referrals.incoming(legal_ngo)) == [referral]
    referrals.accept(legal_ngo, referral)
    assert not access.can(legal_ngo, Action.VIEW, case_a)
    assert not access.can(legal_ngo, Action.VIEW, person_a)
    assert not access.visible(legal_ngo, Person.objects.all()).exists()
    assert not Case.objects.filter(organisation=legal_ngo.organisation).exists()


def test_with_consent_the_receiver_sees_but_does_not_change(cast, case_a, person_a,
                                                            legal_ngo):
    consent_to_share(cast, case_a, legal_ngo.organisation)
    referral = referrals.send(cast.amina, case_a, legal_ngo.organisation,
                              reason="AdditionalServicesRequired")
    referrals.accept(legal_ngo, referral)
    assert access.can(legal_ngo, Action.VIEW, case_a)
    assert access.can(legal_ngo, Action.VIEW, person_a)
    assert not access.can(legal_ngo, Action.CHANGE, case_a)
    assert not access.can(legal_ngo, Action.CHANGE, person_a)
    own = Case.objects.get(organisation=legal_ngo.organisation)
    assert own.person == person_a and own.referred_by == referral
    # Other organisations still see nothing
    assert not access.can(cast.boris, Action.VIEW, case_a)


def test_withdrawn_consent_stops_sharing_at_once(cast, case_a, person_a, legal_ngo):
    consent_to_share(cast, case_a, legal_ngo.organisation)
    referral = referrals.send(cast.amina, case_a, legal_ngo.organisation,
                              reason="AdditionalServicesRequired")
    referrals.accept(legal_ngo, referral, open_case=False)
    assert access.can(legal_ngo, Action.VIEW, person_a)
    record_consent(cast.amina, case_a, kind="sharing", organisation=legal_ngo.organisation,
                   decision="withdrawn")
    assert not access.can(legal_ngo, Action.VIEW, person_a)
    assert not access.visible(legal_ngo, Case.objects.all()).exists()


def test_nigeria_style_case_referred_to_two_ngos_counts_one_person(cast, case_a, person_a,
                                                                  legal_ngo):
    shelter_org = Organisation.objects.create(name="Shelter Benin City", type="NGO",
                                              country_id="NGA")
    shelter = confirmed_membership(User.objects.create_user("sade"), shelter_org,
                                   Role.CASEWORKER)
    consent_to_share(cast, case_a, legal_ngo.organisation)
    record_consent(cast.amina, case_a, kind="sharing", organisation=shelter_org,
                   decision="given")
    for receiver, services in ((legal_ngo, ["legal_aid"]), (shelter, ["shelter"])):
        referral = referrals.send(cast.amina, case_a, receiver.organisation,
                                  reason="AdditionalServicesRequired",
                                  requested_services=services)
        referrals.accept(receiver, referral)
    assert Case.objects.count() == 3
    assert CaseFact.objects.count() == 3
    assert CaseFact.objects.values("person_key").distinct().count() == 1
    assert not CaseFact.objects.filter(is_retrafficked=True).exists()


def test_only_the_receiving_organisation_decides(cast, case_a, legal_ngo):
    referral = referrals.send(cast.amina, case_a, legal_ngo.organisation,
                              reason="MigrationOrChangeOfLocation")
    for name in ("amina", "boris", "dana"):
        with pytest.raises(PermissionDenied):
            referrals.accept(cast.membership(name), referral)
    with pytest.raises(ValidationError) as refused:
        referrals.decline(legal_ngo, referral, reason="")
    assert "decision_reason" in refused.value.message_dict
    referrals.decline(legal_ngo, referral, reason="No capacity until March")
    with pytest.raises(ValidationError, match="already declined"):
        referrals.accept(legal_ngo, referral)


@pytest.mark.parametrize("kwargs, field", [
    ({"reason": "Boredom"}, "reason"),
    ({"reason": "Other", "requested_services": ["spa"]}, "requested_services"),
])
def test_bad_referral_names_the_field(cast, case_a, legal_ngo, kwargs, field):
    with pytest.raises(ValidationError) as refused:
        referrals.send(cast.amina, case_a, legal_ngo.organisation, **kwargs)
    assert field in refused.value.message_dict
    assert not Referral.objects.exists()


def test_no_referral_to_oneself_or_by_outsiders(cast, case_a):
    with pytest.raises(ValidationError, match="own organisation"):
        referrals.send(cast.amina, case_a, cast.ngo_a, reason="Other")
    with pytest.raises(PermissionDenied):
        referrals.send(cast.boris, case_a, cast.mission, reason="Other")


def test_analysts_and_donors_never_see_referred_persons(cast, case_a, legal_ngo):
    consent_to_share(cast, case_a, legal_ngo.organisation)
    referrals.accept(legal_ngo, referrals.send(cast.amina, case_a, legal_ngo.organisation,
                                               reason="Other"))
    for name in ("chen", "dana", "emre", "root"):
        assert not access.visible(cast.membership(name), Person.objects.all()).exists()
        assert not access.visible(cast.membership(name), Case.objects.all()).exists()


def test_complete_after_accept(cast, case_a, legal_ngo):
    referral = referrals.send(cast.amina, case_a, legal_ngo.organisation, reason="Other")
    with pytest.raises(ValidationError):
        referrals.complete(legal_ngo, referral)
    referrals.accept(legal_ngo, referral, open_case=False)
    assert referrals.complete(legal_ngo, referral).status == "completed"

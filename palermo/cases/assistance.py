"""Consent and services: recording decisions, and what a decision in force allows."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from palermo.cases.models import Case, Consent, Service
from palermo.cases.saving import validated_save
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership, Organisation


def decision_in_force(case: Case, kind: str, organisation: Organisation | None = None
                      ) -> str | None:
    """The latest decision of *kind* (for *organisation*, for sharing), or None if none."""
    latest = case.consents.filter(kind=kind, organisation=organisation).first()
    return latest.decision if latest else None


def rejects_all_services(case: Case) -> bool:
    """Did the person declare they reject all services, and not consent to assistance since?"""
    rejection = case.consents.filter(kind=Consent.Kind.REJECT_ALL,
                                     decision=Consent.Decision.GIVEN).first()
    if rejection is None:
        return False
    later = case.consents.filter(kind=Consent.Kind.ASSISTANCE, decision=Consent.Decision.GIVEN,
                                 recorded_at__gt=rejection.recorded_at)
    return not later.exists()


def may_share_with(case: Case, organisation: Organisation) -> bool:
    """Is the case's data shared with *organisation* by consent in force? Needs consent to
    sharing with that organisation and to data processing, neither withdrawn since."""
    return (decision_in_force(case, Consent.Kind.SHARING, organisation) == Consent.Decision.GIVEN
            and decision_in_force(case, Consent.Kind.DATA_PROCESSING) == Consent.Decision.GIVEN)


@transaction.atomic
def record_consent(membership: Membership, case: Case, **fields) -> Consent:
    """Record a decision (given, refused, withdrawn). Earlier decisions stay on record."""
    access.require(membership, Action.CHANGE, case)
    consent = Consent(case=case, recorded_by=membership.user, **fields)
    consent._history_user = membership.user
    consent.full_clean()
    consent.save()
    refresh_sharing(case)
    return consent


def refresh_sharing(case: Case) -> None:
    """Bring every accepted referral of *case* in line with the consent in force: a withdrawn
    consent stops the receiving organisation seeing the case and the person at once."""
    for referral in case.referrals.filter(status__in=("accepted", "completed")):
        shares = may_share_with(case, referral.to_organisation)
        if shares != referral.shares_identity:
            type(referral).objects.filter(pk=referral.pk).update(shares_identity=shares)


@transaction.atomic
def add_service(membership: Membership, case: Case, **fields) -> Service:
    """Record a service. Refused while the person's declaration rejecting all services is in
    force."""
    access.require(membership, Action.CHANGE, case)
    if rejects_all_services(case):
        raise ValidationError({"type": _("The person has declared they reject all services; "
                                         "record their consent to assistance first.")})
    service = Service(case=case, **fields)
    service.provider_id = service.provider_id or membership.organisation_id
    service._history_user = membership.user
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def update_service(membership: Membership, service: Service, **fields) -> Service:
    access.require(membership, Action.CHANGE, service)
    for name, value in fields.items():
        setattr(service, name, value)
    service._history_user = membership.user
    validated_save(service)
    return service

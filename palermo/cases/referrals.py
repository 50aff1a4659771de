"""Referring a case to another organisation, and what the receiver may then see.

A person referred to three organisations is still one person in every count (001 L2872): a
case opened by the receiver continues the same person (same pseudonymous key) and is marked
as continuing the referral, never as re-trafficking.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.cases import casework
from palermo.cases.assistance import may_share_with
from palermo.cases.models import Case, Referral
from palermo.cases.saving import validated_save
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership, Organisation


@transaction.atomic
def send(membership: Membership, case: Case, to_organisation: Organisation, *,
         reason: str, requested_services: list[str] | None = None,
         details: str = "") -> Referral:
    """Refer *case* to *to_organisation*."""
    access.require(membership, Action.CHANGE, case)
    referral = Referral(case=case, from_organisation=case.organisation,
                        to_organisation=to_organisation, reason=reason, details=details,
                        requested_services=requested_services or [],
                        sent_by=membership.user)
    referral._history_user = membership.user
    referral.full_clean()
    referral.save()
    return referral


def _require_receiver(membership: Membership, referral: Referral) -> None:
    if (not access.can(membership, Action.CREATE, Case)
            or referral.to_organisation_id != membership.organisation_id):
        raise PermissionDenied


def _decide(membership: Membership, referral: Referral, status: str, reason: str) -> Referral:
    if referral.status != Referral.Status.SENT:
        raise ValidationError({"status": _("This referral was already %(status)s.") % {
            "status": referral.get_status_display().lower()}})
    referral.status = status
    referral.decided_by = membership.user
    referral.decided_at = timezone.now()
    referral.decision_reason = reason
    referral.shares_identity = (status == Referral.Status.ACCEPTED
                                and may_share_with(referral.case, referral.to_organisation))
    referral._history_user = membership.user
    validated_save(referral)
    return referral


@transaction.atomic
def accept(membership: Membership, referral: Referral, *, open_case: bool = True,
           reason: str = "") -> Referral:
    """Accept a referral sent to the acting organisation. If the person consented to sharing
    with it, the receiver sees the case and the person, and (by default) opens its own case
    continuing the referral."""
    _require_receiver(membership, referral)
    _decide(membership, referral, Referral.Status.ACCEPTED, reason)
    if open_case and referral.shares_identity:
        casework.open_case(membership, referral.case.person, referred_by=referral,
                           client_category=referral.case.client_category)
    return referral


@transaction.atomic
def decline(membership: Membership, referral: Referral, reason: str) -> Referral:
    _require_receiver(membership, referral)
    return _decide(membership, referral, Referral.Status.DECLINED, reason)


@transaction.atomic
def complete(membership: Membership, referral: Referral) -> Referral:
    """The receiver has provided what was asked."""
    _require_receiver(membership, referral)
    if referral.status != Referral.Status.ACCEPTED:
        raise ValidationError({"status": _("Only an accepted referral can be completed.")})
    referral.status = Referral.Status.COMPLETED
    referral._history_user = membership.user
    referral.save()
    return referral


def incoming(membership: Membership):
    """Referrals sent to the acting organisation and waiting for a decision."""
    return access.visible(membership, Referral.objects.select_related(
        "from_organisation", "case")).filter(to_organisation=membership.organisation,
                                             status=Referral.Status.SENT)

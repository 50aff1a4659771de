"""Referral endpoints: send from a case, the incoming list, accept / decline / complete."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Router, Status

from palermo.api.common import REFUSED, problems, visible_case
from palermo.api.schemas import RecordId
from palermo.api.schemas_cases import Decision, Problems, ReferralIn, ReferralOut
from palermo.cases import referrals
from palermo.cases.models import Case, Referral
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Organisation

router = Router(tags=["referrals"])


@router.post("/cases/{case_id}/referrals",
             response={201: ReferralOut, 422: Problems, **REFUSED})
def send(request, case_id: RecordId, body: ReferralIn):
    """Refer a case to another organisation. It sees the case only after accepting, and only
    if the person consented to sharing with it."""
    case = visible_case(request, case_id)
    target = Organisation.objects.filter(pk=body.to_organisation_id, active=True).first()
    if target is None:
        return problems(ValidationError({"to_organisation_id": ["No such organisation."]}))
    try:
        made = referrals.send(request.membership, case, target, reason=body.reason,
                              requested_services=body.requested_services,
                              details=body.details)
    except ValidationError as exc:
        return problems(exc)
    return Status(201, made)


@router.get("/referrals/incoming", response={200: list[ReferralOut], **REFUSED})
def incoming(request):
    """Referrals sent to the acting organisation, waiting for a decision."""
    access.require(request.membership, Action.VIEW, Case)
    return list(referrals.incoming(request.membership))


def _decide(request, referral_id: RecordId, action, **kwargs):
    referral = access.get_visible(request.membership, Referral.objects.all(), pk=referral_id)
    try:
        return action(request.membership, referral, **kwargs)
    except ValidationError as exc:
        return problems(exc)


@router.post("/referrals/{referral_id}/accept",
             response={200: ReferralOut, 422: Problems, **REFUSED})
def accept(request, referral_id: RecordId, body: Decision):
    return _decide(request, referral_id, referrals.accept, reason=body.reason,
                   open_case=body.open_case)


@router.post("/referrals/{referral_id}/decline",
             response={200: ReferralOut, 422: Problems, **REFUSED})
def decline(request, referral_id: RecordId, body: Decision):
    return _decide(request, referral_id, referrals.decline, reason=body.reason)


@router.post("/referrals/{referral_id}/complete",
             response={200: ReferralOut, 422: Problems, **REFUSED})
def complete(request, referral_id: RecordId):
    return _decide(request, referral_id, referrals.complete)

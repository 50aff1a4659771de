"""Screening endpoints: record a decision beside the recommendation; supervisors review."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Router, Status

from palermo.api.common import REFUSED, problems, visible_case
from palermo.api.schemas import RecordId
from palermo.api.schemas_cases import Problems, Review, ScreeningIn, ScreeningOut
from palermo.cases import screening
from palermo.cases.models import Case, Screening
from palermo.core import access
from palermo.core.access import Action

router = Router(tags=["screening"])


@router.post("/cases/{case_id}/screenings",
             response={201: ScreeningOut, 422: Problems, **REFUSED})
def record(request, case_id: RecordId, body: ScreeningIn):
    """Palermo computes the recommendation (Palermo definition: act, means, purpose; for a
    child act and purpose) and keeps it beside the caseworker's decision."""
    try:
        made = screening.record(request.membership, visible_case(request, case_id), **body.dict())
    except ValidationError as exc:
        return problems(exc)
    return Status(201, made)


@router.get("/screenings/pending", response={200: list[ScreeningOut], **REFUSED})
def pending(request):
    """The supervisor's queue: decisions waiting for approval."""
    access.require(request.membership, Action.VIEW, Case)
    return list(screening.waiting_for_approval(request.membership))


def _review(request, screening_id: RecordId, action, comment: str):
    item = access.get_visible(request.membership, Screening.objects.all(), pk=screening_id)
    try:
        return action(request.membership, item, comment)
    except ValidationError as exc:
        return problems(exc)


@router.post("/screenings/{screening_id}/approve",
             response={200: ScreeningOut, 422: Problems, **REFUSED})
def approve(request, screening_id: RecordId, body: Review):
    return _review(request, screening_id, screening.approve, body.comment)


@router.post("/screenings/{screening_id}/return",
             response={200: ScreeningOut, 422: Problems, **REFUSED})
def return_for_review(request, screening_id: RecordId, body: Review):
    return _review(request, screening_id, screening.return_for_review, body.comment)

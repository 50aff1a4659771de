"""Follow-up endpoints: a case's follow-ups, the overdue list, recording outcomes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Router, Status

from palermo.api.common import REFUSED, problems, visible_case
from palermo.api.schemas import RecordId
from palermo.api.schemas_cases import FollowUpIn, FollowUpOut, FollowUpRecord, Problems
from palermo.cases import followups
from palermo.cases.models import Case, FollowUp
from palermo.core import access
from palermo.core.access import Action

router = Router(tags=["follow-up"])


@router.get("/cases/{case_id}/follow-ups", response={200: list[FollowUpOut], **REFUSED})
def case_follow_ups(request, case_id: RecordId):
    """The case's follow-ups; none for an organisation the case is shared with."""
    return list(access.related(request.membership, visible_case(request, case_id),
                               "follow_ups"))


@router.post("/cases/{case_id}/follow-ups",
             response={201: FollowUpOut, 422: Problems, **REFUSED})
def add_follow_up(request, case_id: RecordId, body: FollowUpIn):
    """An ad-hoc follow-up; the 3/6/12-month ones are scheduled when a case leaves Active."""
    try:
        made = followups.add_follow_up(request.membership, visible_case(request, case_id),
                                       body.due_on)
    except ValidationError as exc:
        return problems(exc)
    return Status(201, made)


@router.get("/follow-ups/overdue", response={200: list[FollowUpOut], **REFUSED})
def overdue(request):
    """Scheduled follow-ups past their date, oldest first, of the acting organisation."""
    access.require(request.membership, Action.VIEW, Case)
    return list(followups.overdue(request.membership))


@router.patch("/follow-ups/{follow_up_id}",
              response={200: FollowUpOut, 422: Problems, **REFUSED})
def record(request, follow_up_id: RecordId, body: FollowUpRecord):
    """Record what the follow-up found and the person's satisfaction with each service."""
    follow_up = access.get_visible(request.membership, FollowUp.objects.all(),
                                   pk=follow_up_id)
    fields = body.dict(exclude={"satisfaction"})
    if fields["done_on"] is None:
        fields.pop("done_on")
    try:
        return followups.record_follow_up(request.membership, follow_up,
                                          satisfaction=body.satisfaction, **fields)
    except ValidationError as exc:
        return problems(exc)

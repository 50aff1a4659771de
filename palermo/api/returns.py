"""Return and reintegration endpoints: start, advance step by step, plan, ledger."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Router, Status

from palermo.api.common import REFUSED, problems, visible_case
from palermo.api.schemas_cases import (
    Advance,
    DisbursementIn,
    DisbursementOut,
    PlanIn,
    PlanOut,
    Problems,
    ReturnOut,
    ReturnStart,
)
from palermo.cases import returns
from palermo.cases.models import Return
from palermo.core import access
from palermo.core.models import Country

router = Router(tags=["return and reintegration"])


def _out(journey: Return) -> dict:
    return {**{f: getattr(journey, f) for f in ReturnOut.model_fields if f != "balance"},
            "balance": journey.balance()}


def _journey(request, return_id: int) -> Return:
    return access.get_visible(request.membership, Return.objects.select_related("case"),
                              pk=return_id)


@router.post("/cases/{case_id}/return", response={201: ReturnOut, 422: Problems, **REFUSED})
def start(request, case_id: int, body: ReturnStart):
    """The person has expressed interest in returning."""
    case = visible_case(request, case_id)
    country = Country.objects.filter(pk=body.country_id).first()
    if country is None:
        return problems(ValidationError({"country_id": ["Not an ISO 3166 alpha-3 code."]}))
    try:
        journey = returns.start(request.membership, case, country)
    except ValidationError as exc:
        return problems(exc)
    journey.budget, journey.currency = Decimal(str(body.budget)), body.currency
    journey.save(update_fields=["budget", "currency"])
    return Status(201, _out(journey))


@router.get("/returns/{return_id}", response={200: ReturnOut, **REFUSED})
def get_return(request, return_id: int):
    return _out(_journey(request, return_id))


@router.post("/returns/{return_id}/advance",
             response={200: ReturnOut, 422: Problems, **REFUSED})
def advance(request, return_id: int, body: Advance):
    """Move to the next step with that step's facts; skipped steps and missing facts are
    refused by field."""
    fields = {k: v for k, v in body.dict(exclude={"step"}).items() if v is not None}
    try:
        journey = returns.advance(request.membership, _journey(request, return_id), body.step,
                                  **fields)
    except ValidationError as exc:
        return problems(exc)
    return _out(journey)


@router.put("/returns/{return_id}/plan", response={200: PlanOut, 422: Problems, **REFUSED})
def plan(request, return_id: int, body: PlanIn):
    fields = {k: v for k, v in body.dict().items() if v is not None}
    try:
        return returns.set_plan(request.membership, _journey(request, return_id), **fields)
    except ValidationError as exc:
        return problems(exc)


@router.post("/returns/{return_id}/disbursements",
             response={201: DisbursementOut, 422: Problems, **REFUSED})
def disburse(request, return_id: int, body: DisbursementIn):
    """Pay from the budget; beyond the balance a supervisor must give a reason (403 for
    others)."""
    fields = body.dict()
    fields["amount"] = Decimal(str(fields["amount"]))
    try:
        item = returns.disburse(request.membership, _journey(request, return_id), **fields)
    except ValidationError as exc:
        return problems(exc)
    return Status(201, item)

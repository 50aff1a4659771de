"""Return and reintegration endpoints: start, advance step by step, plan, ledger, receipts."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import File, Router, Status
from ninja.files import UploadedFile

from palermo.api.common import REFUSED, problems, visible_case
from palermo.api.schemas import RecordId
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
from palermo.cases.models import Disbursement, Return
from palermo.core import access
from palermo.core.models import AccessLog, Country

router = Router(tags=["return and reintegration"])
RECEIPT_FILE = File(..., description="The receipt: a scan or photo, at most 5 MB")


def _out(journey: Return) -> dict:
    return {**{f: getattr(journey, f) for f in ReturnOut.model_fields if f != "balance"},
            "balance": journey.balance()}


def _journey(request, return_id: RecordId) -> Return:
    return access.get_visible(request.membership, Return.objects.select_related("case"),
                              pk=return_id)


@router.post("/cases/{case_id}/return", response={201: ReturnOut, 422: Problems, **REFUSED})
def start(request, case_id: RecordId, body: ReturnStart):
    """The person has expressed interest in returning."""
    case = visible_case(request, case_id)
    country = Country.objects.filter(pk=body.country_id).first()
    if country is None:
        return problems(ValidationError({"country_id": ["Not an ISO 3166 alpha-3 code."]}))
    try:
        journey = returns.start(request.membership, case, country,
                                budget=Decimal(str(body.budget)), currency=body.currency)
    except ValidationError as exc:
        return problems(exc)
    return Status(201, _out(journey))


@router.get("/returns/{return_id}", response={200: ReturnOut, **REFUSED})
def get_return(request, return_id: RecordId):
    return _out(_journey(request, return_id))


@router.post("/returns/{return_id}/advance",
             response={200: ReturnOut, 422: Problems, **REFUSED})
def advance(request, return_id: RecordId, body: Advance):
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
def plan(request, return_id: RecordId, body: PlanIn):
    fields = {k: v for k, v in body.dict().items() if v is not None}
    try:
        return returns.set_plan(request.membership, _journey(request, return_id), **fields)
    except ValidationError as exc:
        return problems(exc)


@router.post("/returns/{return_id}/disbursements",
             response={201: DisbursementOut, 422: Problems, **REFUSED})
def disburse(request, return_id: RecordId, body: DisbursementIn):
    """Pay from the budget; beyond the balance a supervisor must give a reason (403 for
    others)."""
    fields = body.dict()
    fields["amount"] = Decimal(str(fields["amount"]))
    try:
        item = returns.disburse(request.membership, _journey(request, return_id), **fields)
    except ValidationError as exc:
        return problems(exc)
    return Status(201, item)


def _disbursement(request, return_id: RecordId, disbursement_id: RecordId) -> Disbursement:
    """A payment of a return the member may see: 403 for roles that never see cases, 404
    for another organisation's (or another return's)."""
    return access.get_visible(request.membership, Disbursement.objects.select_related(
        "journey__case"), pk=disbursement_id, journey_id=return_id)


@router.post("/returns/{return_id}/disbursements/{disbursement_id}/receipt",
             response={200: DisbursementOut, 422: Problems, **REFUSED})
def upload_receipt(request, return_id: RecordId, disbursement_id: RecordId,
                   file: UploadedFile = RECEIPT_FILE):
    """Attach the receipt of a payment (multipart field ``file``, at most 5 MB). It is
    stored encrypted; a second upload replaces the first."""
    item = _disbursement(request, return_id, disbursement_id)
    try:
        # Read one byte past the limit at most: the domain refuses what is too large.
        return returns.attach_receipt(request.membership, item, file.name or "",
                                      file.read(returns.RECEIPT_LIMIT + 1))
    except ValidationError as exc:
        return problems(exc)


@router.get("/returns/{return_id}/disbursements/{disbursement_id}/receipt",
            response={200: None, **REFUSED})
def download_receipt(request, return_id: RecordId, disbursement_id: RecordId):
    """The receipt file, decrypted (404 when the payment has none). Every download is
    written to the access log."""
    item = _disbursement(request, return_id, disbursement_id)
    return returns.receipt_download(request.membership, item, channel=AccessLog.Channel.API)

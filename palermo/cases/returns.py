"""The return workflow, one step at a time, and the returnee's entitlement ledger."""

from __future__ import annotations

import base64
import datetime as dt
import io
import mimetypes
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.cases import followups
from palermo.cases.facts import age_on
from palermo.cases.models import (
    Case,
    Disbursement,
    ReintegrationAction,
    ReintegrationPlan,
    Return,
)
from palermo.cases.models.returns import STEPS
from palermo.cases.saving import validated_save
from palermo.core import access
from palermo.core.access import Action
from palermo.core.audit import log_access
from palermo.core.models import Country, Membership

RECEIPT_LIMIT = 5 * 1024 * 1024  # bytes


@transaction.atomic
def start(membership: Membership, case: Case, country: Country, *,
          budget: Decimal = Decimal("0"), currency: str = "EUR") -> Return:
    """The person has expressed interest in returning to *country*; *budget* is their
    reintegration entitlement."""
    access.require(membership, Action.CHANGE, case)
    if Return.objects.filter(case=case).exists():
        raise ValidationError({"case": _("This case already has a return.")})
    journey = Return(case=case, country=country, budget=budget,
                     currency=currency.strip().upper())
    journey._history_user = membership.user
    validated_save(journey)
    return journey


@transaction.atomic
def set_budget(membership: Membership, journey: Return, budget: Decimal,
               currency: str) -> Return:
    """Change the returnee's reintegration budget (the change is kept in the history)."""
    access.require(membership, Action.CHANGE, journey)
    journey.budget, journey.currency = budget, currency.strip().upper()
    journey._history_user = membership.user
    validated_save(journey)
    return journey


def next_step(journey: Return) -> str | None:
    """The step *journey* may move to next, or None once it is finished."""
    if journey.step in (Return.Step.COMPLETED, Return.Step.UNABLE):
        return None
    return STEPS[STEPS.index(journey.step) + 1]


def requirements(journey: Return, step: str) -> dict[str, str]:
    """What is still missing before *journey* may enter *step* (field -> message): the same
    check :func:`advance` makes, for pages to say what the next step needs."""
    return _requirements(journey, step)


def is_child(journey: Return, today: dt.date | None = None) -> bool:
    age = age_on(journey.case.person.birth_date, today or timezone.localdate())
    return age is not None and age < 18


def _requirements(journey: Return, step: str) -> dict[str, str]:
    """What must be true before *journey* may enter *step* (field -> message)."""
    missing: dict[str, str] = {}
    if step == Return.Step.UNABLE:
        if not journey.unable_reason.strip():
            missing["unable_reason"] = _("Say why the person cannot travel.")
        return missing
    if step == Return.Step.SAFETY_ASSESSED and not journey.safety:
        missing["safety"] = _("Record the safety assessment in the country of return.")
    if STEPS.index(step) > STEPS.index(Return.Step.SAFETY_ASSESSED):
        if journey.safety == Return.Safety.UNSAFE:
            missing["safety"] = _("The country of return was assessed as not safe.")
    if step == Return.Step.HOLD_CHECKED and not journey.hold_cleared:
        missing["hold_cleared"] = _("Confirm that no law-enforcement hold keeps the person.")
    if step == Return.Step.TRAVELLING:
        if not journey.travel_on:
            missing["travel_on"] = _("Give the travel date.")
        if is_child(journey) and not (journey.best_interests_done_on
                                      and journey.guardian_involved
                                      and journey.child_protection_involved):
            missing["best_interests_done_on"] = _(
                "A child travels only after a best-interests determination with the "
                "guardian and the child protection service.")
    if step == Return.Step.ARRIVED and not journey.arrived_on:
        missing["arrived_on"] = _("Give the arrival date.")
    if step == Return.Step.REINTEGRATING and not hasattr(journey, "plan"):
        missing["step"] = _("Write the reintegration plan first.")
    if step == Return.Step.COMPLETED and not (hasattr(journey, "plan")
                                              and journey.plan.actual_end):
        missing["step"] = _("Record the actual end of the reintegration plan first.")
    return missing


@transaction.atomic
def advance(membership: Membership, journey: Return, step: str, **fields) -> Return:
    """Move *journey* to the next *step* (or to "unable to travel"), with that step's facts.
    Steps cannot be skipped; each step's requirements are checked."""
    access.require(membership, Action.CHANGE, journey)
    current = journey.step
    if current in (Return.Step.COMPLETED, Return.Step.UNABLE):
        raise ValidationError({"step": _("This return is finished.")})
    if step != Return.Step.UNABLE:
        if step not in STEPS or STEPS.index(step) != STEPS.index(current) + 1:
            raise ValidationError({"step": _("From “%(now)s” the next step is “%(next)s”.") % {
                "now": journey.get_step_display(),
                "next": Return.Step(STEPS[STEPS.index(current) + 1]).label}})
    for name, value in fields.items():
        setattr(journey, name, value)
    missing = _requirements(journey, step)
    if missing:
        journey.refresh_from_db()
        raise ValidationError(missing)
    journey.step = step
    journey._history_user = membership.user
    validated_save(journey)
    if step == Return.Step.ARRIVED:
        followups.schedule(journey.case, journey.arrived_on)  # 3, 6, 12 months after return
    return journey


@transaction.atomic
def set_plan(membership: Membership, journey: Return, **fields) -> ReintegrationPlan:
    """Write or change the reintegration plan."""
    access.require(membership, Action.CHANGE, journey)
    plan = getattr(journey, "plan", None) or ReintegrationPlan(journey=journey)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan._history_user = membership.user
    validated_save(plan)
    return plan


@transaction.atomic
def disburse(membership: Membership, journey: Return, *, amount: Decimal, kind: str,
             purpose: str, paid_on: dt.date | None = None,
             receipt: tuple[str, bytes] | None = None,
             override_reason: str = "") -> Disbursement:
    """Pay from the returnee's budget. Beyond the balance only a supervisor may, with a
    reason. A receipt is stored encrypted."""
    access.require(membership, Action.CHANGE, journey)
    locked = Return.objects.select_for_update().get(pk=journey.pk)  # one payment at a time
    item = Disbursement(journey=locked, amount=amount, kind=kind, purpose=purpose,
                        paid_on=paid_on or timezone.localdate(), recorded_by=membership.user)
    if receipt is not None:
        _put_receipt(item, *receipt)
    if amount > locked.balance():
        if not access.can(membership, Action.APPROVE, locked):
            raise PermissionDenied(_("This payment exceeds the balance: a supervisor must "
                                     "approve it."))
        if not override_reason.strip():
            raise ValidationError({"override_reason": _(
                "The payment exceeds the balance of %(balance)s %(currency)s: give the "
                "reason.") % {"balance": locked.balance(), "currency": locked.currency}})
        item.override_by = membership.user
        item.override_reason = override_reason
    item._history_user = membership.user
    validated_save(item)
    return item


def _put_receipt(item: Disbursement, name: str, content: bytes) -> None:
    """Keep the receipt on *item*; the field encrypts it (AES-GCM) when saved."""
    if not content:
        raise ValidationError({"receipt": _("The receipt file is empty.")})
    if len(content) > RECEIPT_LIMIT:
        raise ValidationError({"receipt": _("A receipt may be at most 5 MB.")})
    # Only the file's own name: a browser may send a path, which says where it was kept.
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "receipt"
    item.receipt_name = name
    item.receipt = base64.b64encode(content).decode("ascii")


@transaction.atomic
def attach_receipt(membership: Membership, item: Disbursement, name: str,
                   content: bytes) -> Disbursement:
    """Attach (or replace) the receipt of a payment already recorded. Stored encrypted."""
    access.require(membership, Action.CHANGE, item)
    _put_receipt(item, name, content)
    item._history_user = membership.user
    validated_save(item)
    return item


@transaction.atomic
def add_action(membership: Membership, plan: ReintegrationPlan, *, description: str,
               due_on: dt.date | None = None) -> ReintegrationAction:
    """Add an action to the reintegration plan."""
    access.require(membership, Action.CHANGE, plan)
    action = ReintegrationAction(plan=plan, description=description, due_on=due_on)
    validated_save(action)
    return action


@transaction.atomic
def record_action_done(membership: Membership, action: ReintegrationAction,
                       done_on: dt.date | None = None) -> ReintegrationAction:
    """Mark an action of the plan as done (today unless *done_on* is given)."""
    access.require(membership, Action.CHANGE, action)
    action.done_on = done_on or timezone.localdate()
    validated_save(action)
    return action


def receipt_content(item: Disbursement) -> bytes:
    """The receipt's bytes (decrypted)."""
    return base64.b64decode(item.receipt) if item.receipt else b""


@dataclass(frozen=True)
class Receipt:
    name: str
    content_type: str
    content: bytes


def open_receipt(membership: Membership, item: Disbursement, *,
                 channel: str) -> Receipt | None:
    """The receipt of *item*, decrypted, for someone who may see the case; the opening is
    written to the access log. None when the payment has no receipt."""
    access.require(membership, Action.VIEW, item)
    if not item.receipt_name:
        return None
    log_access(membership, item, action="receipt", channel=channel)
    content_type = mimetypes.guess_type(item.receipt_name)[0] or "application/octet-stream"
    return Receipt(item.receipt_name, content_type, receipt_content(item))


def receipt_download(membership: Membership, item: Disbursement, *,
                     channel: str) -> FileResponse:
    """The receipt of *item* as a file download, decrypted and never cached, for the page and
    the API alike (:func:`open_receipt`: the policy decides, the opening is logged). Raises
    ``Http404`` when the payment has no receipt."""
    receipt = open_receipt(membership, item, channel=channel)
    if receipt is None:
        raise Http404
    response = FileResponse(io.BytesIO(receipt.content), as_attachment=True,
                            filename=receipt.name, content_type=receipt.content_type)
    response["Cache-Control"] = "no-store"
    return response

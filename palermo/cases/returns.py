"""The return workflow, one step at a time, and the returnee's entitlement ledger."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.cases import followups
from palermo.cases.facts import age_on
from palermo.cases.models import Case, Disbursement, ReintegrationPlan, Return
from palermo.cases.models.returns import STEPS
from palermo.cases.saving import validated_save
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Country, Membership

RECEIPT_LIMIT = 5 * 1024 * 1024  # bytes


@transaction.atomic
def start(membership: Membership, case: Case, country: Country) -> Return:
    """The person has expressed interest in returning to *country*."""
    access.require(membership, Action.CHANGE, case)
    if Return.objects.filter(case=case).exists():
        raise ValidationError({"case": _("This case already has a return.")})
    journey = Return(case=case, country=country)
    journey._history_user = membership.user
    validated_save(journey)
    return journey


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
        name, content = receipt
        if len(content) > RECEIPT_LIMIT:
            raise ValidationError({"receipt": _("A receipt may be at most 5 MB.")})
        item.receipt_name = name
        item.receipt = base64.b64encode(content).decode("ascii")
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


def receipt_content(item: Disbursement) -> bytes:
    """The receipt's bytes (decrypted)."""
    return base64.b64decode(item.receipt) if item.receipt else b""

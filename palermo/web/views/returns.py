"""The return and reintegration section of a case page: the steps in order, the next step
and what it needs, the reintegration plan and the entitlement ledger with its receipts.
Thin: parse, ask the policy, call ``cases.returns``, render. The section belongs to the
owning organisation; an organisation a case is shared with sees none of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from palermo.cases import returns
from palermo.cases.models import (
    Case,
    Disbursement,
    ReintegrationAction,
    ReintegrationPlan,
    Return,
)
from palermo.cases.models.returns import STEPS
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import AccessLog, Membership
from palermo.web.forms_returns import (
    ActionForm,
    AdvanceForm,
    BudgetForm,
    DisbursementForm,
    PlanForm,
    ReceiptForm,
    ReturnStartForm,
)
from palermo.web.views.case_parts import case_to_change, form_page
from palermo.web.views.submit import submitted
from palermo.web.widgets import cached_widgets, fast_selects

ANCHOR = "return-title"
# What a page says a step needs; the domain checks it (returns.requirements).
NEEDS = {
    Return.Step.REGISTERED: gettext_lazy("Registration for return with the returning "
                                         "organisation."),
    Return.Step.SAFETY_ASSESSED: gettext_lazy("The safety assessment in the country of return "
                                              "(safe, or safe with conditions)."),
    Return.Step.HOLD_CHECKED: gettext_lazy("Confirmation that no law-enforcement hold keeps "
                                           "the person (e.g. as a witness)."),
    Return.Step.TRAVELLING: gettext_lazy("The travel date."),
    Return.Step.ARRIVED: gettext_lazy("The arrival date; follow-ups are then scheduled."),
    Return.Step.REINTEGRATING: gettext_lazy("A reintegration plan."),
    Return.Step.COMPLETED: gettext_lazy("The actual end of the reintegration plan."),
}
CHILD_NEEDS = gettext_lazy("For a child, also a best-interests determination with the "
                           "guardian and the child protection service.")
CHILD_SAFETY = gettext_lazy("Safety assessed; best-interests determination (child)")


@dataclass(frozen=True)
class StepRow:
    code: str
    label: str
    state: str  # "done", "current", "next", "later"


def _steps(journey: Return, child: bool) -> list[StepRow]:
    """The steps in order, each marked done / current / next / later."""
    now = STEPS.index(journey.step) if journey.step in STEPS else -1
    rows = []
    for i, code in enumerate(STEPS):
        label = Return.Step(code).label
        if child and code == Return.Step.SAFETY_ASSESSED:
            label = CHILD_SAFETY
        state = ("done" if i < now else "current" if i == now
                 else "next" if i == now + 1 and journey.step in STEPS else "later")
        rows.append(StepRow(code, str(label), state))
    return rows


def _journey_of(membership: Membership, case: Case) -> Return | None:
    """The case's return with what its section shows, in a fixed number of queries (the
    receipts themselves are not loaded: only their names). None where the member's
    organisation does not own it (a return is never shared with the case)."""
    payments = Disbursement.objects.defer("receipt").select_related(
        "recorded_by", "override_by")
    return (access.visible(membership, Return.objects.filter(case=case))
            .select_related("country", "safety_assessed_by", "plan")
            .prefetch_related(Prefetch("disbursements", queryset=payments),
                              "plan__actions")
            .first())


def return_part(membership: Membership, case: Case) -> dict[str, Any]:
    """What the return and reintegration section of the case page shows (only for those
    who may change the case: see ``case_parts.detail_parts``)."""
    journey = _journey_of(membership, case)
    if journey is None:
        start_form = ReturnStartForm()
        cached_widgets(start_form)
        return {"journey": None, "return_start_form": start_form}
    journey.case = case  # the case (and its person) are loaded already
    child = returns.is_child(journey)
    following = returns.next_step(journey)
    plan = getattr(journey, "plan", None)
    may_override = access.can(membership, Action.APPROVE, journey)
    forms = {
        "advance_form": AdvanceForm(step=following, child=child) if following else None,
        "unable_form": AdvanceForm(step=Return.Step.UNABLE) if following else None,
        "plan_form": PlanForm(initial=PlanForm.initial_for(plan)),
        "action_form": ActionForm() if plan else None,
        "disbursement_form": DisbursementForm(may_override=may_override),
        "budget_form": BudgetForm(initial={"budget": journey.budget,
                                           "currency": journey.currency}),
    }
    cached_widgets(*(form for form in forms.values() if form is not None))
    if forms["advance_form"] and "safety_assessed_by" in forms["advance_form"].fields:
        fast_selects(forms["advance_form"], ["safety_assessed_by"])
    return {
        "journey": journey, "child": child, "steps": _steps(journey, child),
        "following": following,
        "following_label": Return.Step(following).label if following else "",
        "following_needs": NEEDS.get(following, ""),
        "child_needs": CHILD_NEEDS if child and following == Return.Step.TRAVELLING else "",
        "missing": list(returns.requirements(journey, following).values()) if following
        else [],
        "plan": plan, "actions": list(plan.actions.all()) if plan else [],
        "plan_types": (ReintegrationPlan._meta.get_field("types").labels(plan.types)
                       if plan else []),
        "payments": journey.disbursements.all(), "disbursed": journey.disbursed(),
        "balance": journey.balance(), "may_override": may_override, **forms,
    }


def _journey(request, rid: int) -> tuple[Case, Return]:
    """A return the member may change: 403 for roles that never see cases, 404 for another
    organisation's — including one whose case is shared with the member's organisation."""
    journey = access.get_visible(request.membership, Return.objects.select_related(
        "case__person", "case__organisation", "plan"), pk=rid)
    access.require(request.membership, Action.CHANGE, journey)
    return journey.case, journey


def _back(case: Case):
    return redirect(reverse("web:case_detail", args=[case.pk]) + f"#{ANCHOR}")


# --- the steps -----------------------------------------------------------------------------


@login_required
def return_start(request, pk: int):
    """The person expressed interest in returning."""
    case = case_to_change(request, pk)
    form = ReturnStartForm(request.POST or None)
    saved, _journey_ = submitted(request, form, lambda data: returns.start(
        request.membership, case, form.country(), budget=data["budget"],
        currency=data["currency"]))
    if saved:
        messages.success(request, _("Return started."))
        return _back(case)
    return form_page(request, case, form, _("Start a return"),
                 reverse("web:return_start", args=[case.pk]), _("Start the return"))


@login_required
def return_advance(request, rid: int):
    """Move the return to the next step (or to "unable to travel") with that step's facts;
    what is missing is shown beside the fields and nothing is saved."""
    case, journey = _journey(request, rid)
    step = request.POST.get("step") or request.GET.get("step") or returns.next_step(journey)
    if step not in STEPS and step != Return.Step.UNABLE:
        step = returns.next_step(journey) or Return.Step.UNABLE
    form = AdvanceForm(request.POST or None, step=step, child=returns.is_child(journey))
    saved, _journey_ = submitted(request, form, lambda data: returns.advance(
        request.membership, journey, step, **form.step_fields()))
    if saved:
        messages.success(request, _("Return moved to: %(step)s.") % {
            "step": Return.Step(step).label})
        return _back(case)
    return form_page(request, case, form, _("Return: %(step)s") % {"step": Return.Step(step).label},
                 reverse("web:return_advance", args=[journey.pk]), _("Save this step"))


# --- the plan ------------------------------------------------------------------------------


@login_required
def return_plan(request, rid: int):
    """Write or change the reintegration plan."""
    case, journey = _journey(request, rid)
    plan = getattr(journey, "plan", None)
    form = PlanForm(request.POST or None, initial=PlanForm.initial_for(plan))
    saved, _plan = submitted(request, form, lambda data: returns.set_plan(
        request.membership, journey, **data))
    if saved:
        messages.success(request, _("Reintegration plan saved."))
        return _back(case)
    return form_page(request, case, form, _("Reintegration plan"),
                 reverse("web:return_plan", args=[journey.pk]), _("Save the plan"))


@login_required
def return_action_add(request, rid: int):
    case, journey = _journey(request, rid)
    plan = getattr(journey, "plan", None)
    if plan is None:
        messages.error(request, _("Write the reintegration plan first."))
        return _back(case)
    form = ActionForm(request.POST or None)
    saved, _action = submitted(request, form, lambda data: returns.add_action(
        request.membership, plan, **data))
    if saved:
        messages.success(request, _("Action added to the plan."))
        return _back(case)
    return form_page(request, case, form, _("Add an action to the plan"),
                 reverse("web:return_action_add", args=[journey.pk]), _("Add the action"))


@login_required
@require_POST
def return_action_done(request, rid: int, aid: int):
    case, journey = _journey(request, rid)
    action = access.get_visible(request.membership,
                                ReintegrationAction.objects.filter(plan__journey=journey),
                                pk=aid)
    returns.record_action_done(request.membership, action)
    messages.success(request, _("Action marked done."))
    return _back(case)


# --- the ledger ----------------------------------------------------------------------------


@login_required
def return_budget(request, rid: int):
    case, journey = _journey(request, rid)
    form = BudgetForm(request.POST or None, initial={"budget": journey.budget,
                                                     "currency": journey.currency})
    saved, _journey_ = submitted(request, form, lambda data: returns.set_budget(
        request.membership, journey, data["budget"], data["currency"]))
    if saved:
        messages.success(request, _("Budget saved."))
        return _back(case)
    return form_page(request, case, form, _("Reintegration budget"),
                 reverse("web:return_budget", args=[journey.pk]), _("Save the budget"))


@login_required
def return_disburse(request, rid: int):
    """Pay from the budget, with the receipt. Beyond the balance only a supervisor may, with
    a reason: a caseworker's overspend is refused beside the amount, nothing is saved."""
    case, journey = _journey(request, rid)
    may_override = access.can(request.membership, Action.APPROVE, journey)
    form = DisbursementForm(request.POST or None, request.FILES or None,
                            may_override=may_override)
    try:
        saved, _item = submitted(request, form, lambda data: returns.disburse(
            request.membership, journey, **form.disbursement_fields()))
    except PermissionDenied as exc:
        saved = False
        form.add_error("amount", str(exc) or _("This payment exceeds the balance: a "
                                               "supervisor must approve it."))
    if saved:
        messages.success(request, _("Payment recorded."))
        return _back(case)
    return form_page(request, case, form, _("Record a payment"),
                 reverse("web:return_disburse", args=[journey.pk]), _("Record the payment"))


def _payment(request, rid: int, did: int) -> Disbursement:
    """A payment of a return the member may see: 403 for roles that never see cases, 404
    for another organisation's or another return's."""
    return access.get_visible(request.membership, Disbursement.objects.select_related(
        "journey__case"), pk=did, journey_id=rid)


@login_required
def return_receipt(request, rid: int, did: int):
    """GET: the receipt, decrypted, as a download (the opening is logged). POST: attach or
    replace the receipt of a payment."""
    item = _payment(request, rid, did)
    if request.method != "POST":
        return returns.receipt_download(request.membership, item,
                                        channel=AccessLog.Channel.WEB)
    case, journey = _journey(request, rid)
    form = ReceiptForm(request.POST, request.FILES)
    saved, _item = submitted(request, form, lambda data: returns.attach_receipt(
        request.membership, item, *form.receipt_file()))
    if saved:
        messages.success(request, _("Receipt attached."))
        return _back(case)
    return form_page(request, case, form, _("Attach a receipt"),
                 reverse("web:return_receipt", args=[journey.pk, item.pk]),
                 _("Attach the receipt"))


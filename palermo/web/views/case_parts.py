"""The parts of a case page: consent decisions, services, referrals (sent from the case and
received by the organisation) and follow-ups. Thin: parse, ask the policy, call the domain
(``cases.assistance``, ``cases.referrals``, ``cases.followups``), render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.cases import assistance, followups, referrals
from palermo.cases.models import Case, FollowUp, Referral, Service
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership
from palermo.web.forms_case_parts import (
    ConsentForm,
    DeclineForm,
    FollowUpAddForm,
    FollowUpRecordForm,
    ReferralForm,
    ServiceChangeForm,
    ServiceForm,
)
from palermo.web.views.submit import submitted
from palermo.web.widgets import cached_widgets, fast_selects

SERVICE_LABELS = dict(Service.Type.choices)


def case_to_change(request, pk: int) -> Case:
    """The case if the member may change it: 403 for roles that never see cases (or may only
    view this one), 404 for a case of another organisation."""
    case = access.get_visible(request.membership,
                              Case.objects.select_related("person", "organisation"), pk=pk)
    access.require(request.membership, Action.CHANGE, case)
    return case


def form_page(request, case: Case, form, title: str, action_url: str, submit: str):
    """The small page showing a form of the case again, with its errors."""
    return render(request, "web/cases/parts/form.html", {
        "case": case, "form": form, "title": title, "action_url": action_url,
        "submit": submit})


def _back_to_case(case: Case, anchor: str):
    return redirect(reverse("web:case_detail", args=[case.pk]) + f"#{anchor}")


# --- the case page -------------------------------------------------------------------------


def detail_parts(membership: Membership, case: Case, may_change: bool) -> dict[str, Any]:
    """What the consent, services, referrals and follow-up sections of the case page show.
    They belong to the owning organisation: an organisation a case is shared with sees none
    of them (docs/access.md), so they are shown only to those who may change the case."""
    if not may_change:
        return {"parts": False}
    consents = list(access.related(membership, case, "consents")
                    .select_related("organisation"))
    seen = set()
    for consent in consents:  # newest first, as the domain reads the decision in force
        key = (consent.kind, consent.organisation_id)
        consent.in_force = key not in seen
        seen.add(key)
    services = list(access.related(membership, case, "services").select_related("provider"))
    case_referrals = _labelled(list(access.related(membership, case, "referrals")
                                    .select_related("to_organisation", "sent_by")))
    follow_ups = access.related(membership, case, "follow_ups").prefetch_related(
        "feedback__service")
    screenings = access.related(membership, case, "screenings").select_related(
        "decided_by", "approved_by")
    forms = {"consent_form": ConsentForm(), "service_form": ServiceForm(),
             "referral_form": ReferralForm(acting_for=membership.organisation),
             "follow_up_form": FollowUpAddForm()}
    fast_selects(forms["consent_form"], ["organisation"])
    fast_selects(forms["service_form"], ["provider"])
    fast_selects(forms["referral_form"], ["to_organisation"])
    cached_widgets(*forms.values())
    return {
        "parts": True, "screenings": screenings,
        "may_approve": access.can(membership, Action.APPROVE, case),
        "consents": consents, "services": services,
        "case_referrals": case_referrals, "follow_ups": follow_ups,
        "scheduled": FollowUp.Status.SCHEDULED, **forms,
    }


# --- consent and services ----------------------------------------------------------------


@login_required
def consent_add(request, pk: int):
    case = case_to_change(request, pk)
    form = ConsentForm(request.POST or None)
    saved, _consent = submitted(request, form, lambda data: assistance.record_consent(
        request.membership, case, **data))
    if saved:
        messages.success(request, _("Consent decision recorded."))
        return _back_to_case(case, "consent-title")
    return form_page(request, case, form, _("Record a consent decision"),
                      reverse("web:case_consent_add", args=[case.pk]),
                      _("Record the decision"))


@login_required
def service_add(request, pk: int):
    case = case_to_change(request, pk)
    form = ServiceForm(request.POST or None)
    saved, _service = submitted(request, form, lambda data: assistance.add_service(
        request.membership, case, **data))
    if saved:
        messages.success(request, _("Service added."))
        return _back_to_case(case, "services-title")
    return form_page(request, case, form, _("Add a service"),
                      reverse("web:case_service_add", args=[case.pk]), _("Add the service"))


@login_required
def service_change(request, pk: int, sid: int):
    case = case_to_change(request, pk)
    service = access.get_visible(request.membership, case.services.all(), pk=sid)
    form = ServiceChangeForm(request.POST or None,
                             initial={"status": service.status, "ended_on": service.ended_on})
    saved, _service = submitted(request, form, lambda data: assistance.update_service(
        request.membership, service, **data))
    if saved:
        messages.success(request, _("Service %(service)s saved.") % {
            "service": service.get_type_display()})
        return _back_to_case(case, "services-title")
    return form_page(request, case, form,
                      _("Change the service: %(service)s") % {
                          "service": service.get_type_display()},
                      reverse("web:case_service_change", args=[case.pk, service.pk]),
                      _("Save"))


# --- referrals -----------------------------------------------------------------------------


@login_required
def referral_send(request, pk: int):
    case = case_to_change(request, pk)
    form = ReferralForm(request.POST or None, acting_for=request.membership.organisation)
    saved, referral = submitted(request, form, lambda data: referrals.send(
        request.membership, case, data["to_organisation"], reason=data["reason"],
        requested_services=data["requested_services"], details=data["details"]))
    if saved:
        messages.success(request, _("Case referred to %(organisation)s.") % {
            "organisation": referral.to_organisation})
        return _back_to_case(case, "referrals-title")
    return form_page(request, case, form, _("Refer the case"),
                      reverse("web:case_referral_send", args=[case.pk]), _("Refer"))


def _referral(request, rid: int) -> Referral:
    """A referral the member may see (sent by or to their organisation): 403 for roles that
    never see cases, 404 for anyone else's. Whether they may decide on it is the domain's."""
    return access.get_visible(request.membership, Referral.objects.select_related(
        "case", "from_organisation", "to_organisation"), pk=rid)


def _labelled(referrals_: list[Referral]) -> list[Referral]:
    for referral in referrals_:
        referral.requested_labels = [str(SERVICE_LABELS.get(code, code))
                                     for code in referral.requested_services]
    return referrals_


@login_required
def referral_list(request):
    """Referrals for the acting organisation: those waiting for a decision, and those it
    accepted and has still to complete."""
    access.require(request.membership, Action.VIEW, Referral)
    membership = request.membership
    accepted = access.visible(membership, Referral.objects.select_related(
        "from_organisation")).filter(to_organisation=membership.organisation,
                                     status=Referral.Status.ACCEPTED)
    return render(request, "web/referrals/list.html", {
        "incoming": _labelled(list(referrals.incoming(membership))),
        "accepted": _labelled(list(accepted)),
        "decline_form": DeclineForm(auto_id="decline_%s"),
    })


@login_required
@require_POST
def referral_accept(request, rid: int):
    referral = _referral(request, rid)
    try:
        referrals.accept(request.membership, referral)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("web:referral_list")
    own_case = referral.receiving_cases.filter(
        organisation=request.membership.organisation).first()
    if own_case is not None:
        messages.success(request, _("Referral accepted. Case %(number)s opened for the "
                                    "person.") % {"number": own_case.number})
        return redirect("web:case_detail", pk=own_case.pk)
    messages.warning(request, _("Referral accepted. The person has not consented to sharing "
                                "their data with your organisation, so you see only the "
                                "referral."))
    return redirect("web:referral_list")


@login_required
def referral_decline(request, rid: int):
    referral = _referral(request, rid)
    form = DeclineForm(request.POST or None, auto_id="decline_%s")
    saved, _declined = submitted(request, form, lambda data: referrals.decline(
        request.membership, referral, data["reason"]))
    if saved:
        messages.success(request, _("Referral declined."))
        return redirect("web:referral_list")
    return render(request, "web/referrals/decline.html", {"referral": referral,
                                                          "form": form})


@login_required
@require_POST
def referral_complete(request, rid: int):
    referral = _referral(request, rid)
    try:
        referrals.complete(request.membership, referral)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Referral marked completed."))
    return redirect("web:referral_list")


# --- follow-ups ----------------------------------------------------------------------------


@login_required
def follow_up_add(request, pk: int):
    case = case_to_change(request, pk)
    form = FollowUpAddForm(request.POST or None)
    saved, _follow_up = submitted(request, form, lambda data: followups.add_follow_up(
        request.membership, case, data["due_on"]))
    if saved:
        messages.success(request, _("Follow-up added."))
        return _back_to_case(case, "follow-ups-title")
    return form_page(request, case, form, _("Add a follow-up"),
                      reverse("web:case_follow_up_add", args=[case.pk]),
                      _("Add the follow-up"))


@login_required
def follow_up_record(request, pk: int, fid: int):
    case = case_to_change(request, pk)
    follow_up = access.get_visible(request.membership, case.follow_ups.all(), pk=fid)
    if follow_up.status != FollowUp.Status.SCHEDULED:
        raise Http404
    services = access.related(request.membership, case, "services")
    form = FollowUpRecordForm(request.POST or None, services=services,
                              initial={"status": FollowUp.Status.DONE})
    saved, _recorded = submitted(request, form, lambda data: followups.record_follow_up(
        request.membership, follow_up, satisfaction=form.satisfaction(),
        **form.outcome_fields()))
    if saved:
        messages.success(request, _("Follow-up recorded."))
        return _back_to_case(case, "follow-ups-title")
    return render(request, "web/cases/parts/follow_up.html", {
        "case": case, "follow_up": follow_up, "form": form})

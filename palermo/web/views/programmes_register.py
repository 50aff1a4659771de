"""The partner register and the portfolio's configuration (funding channels, national action
plans and their measures). Thin: the rules are in ``palermo.programmes``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render

from palermo.core import access
from palermo.core.access import Action
from palermo.programmes import partners, services
from palermo.programmes.models import ActionPlan, FundingChannel, Partner
from palermo.web.forms_programmes import (
    ActionPlanForm,
    AliasForm,
    ChannelForm,
    MeasureForm,
    PartnerForm,
)


def _handled(request, form, save) -> bool:
    """Save a valid posted form through the domain; False (errors on the form) otherwise."""
    if not form.is_bound or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        form.add_domain_errors(exc)
        return False
    return True


@login_required
def partner_register(request):
    """Canonical names, acronyms, aliases and IATI types; M&E officers add partners and
    aliases."""
    access.require(request.membership, Action.VIEW, Partner)
    may_add = access.can(request.membership, Action.CREATE, Partner)
    posted = request.method == "POST"
    if posted and not may_add:
        access.require(request.membership, Action.CREATE, Partner)
    which = request.POST.get("what") if posted else None
    partner_form = PartnerForm(request.POST if which == "partner" else None)
    alias_form = AliasForm(request.POST if which == "alias" else None)
    if _handled(request, partner_form, lambda d: partners.add_partner(request.membership,
                                                                       **d)) or \
            _handled(request, alias_form, lambda d: partners.add_alias(
                request.membership, d["partner"], d["name"])):
        return redirect("web:partner_register")
    register = (Partner.objects.prefetch_related("aliases")
                .annotate(projects=Count("participations__project", distinct=True)))
    return render(request, "web/programmes/partners.html", {
        "partners": register, "may_add": may_add, "partner_form": partner_form,
        "alias_form": alias_form}, status=422 if posted else 200)


@login_required
def portfolio_setup(request):
    """The funding channels of the member's organisation and the action plans with their
    measures."""
    access.require(request.membership, Action.VIEW, FundingChannel)
    membership = request.membership
    may_add = access.can(membership, Action.CREATE, FundingChannel)
    posted = request.method == "POST"
    if posted and not may_add:
        access.require(membership, Action.CREATE, FundingChannel)
    which = request.POST.get("what") if posted else None
    org = membership.organisation
    channel_form = ChannelForm(request.POST if which == "channel" else None, organisation=org)
    plan_form = ActionPlanForm(request.POST if which == "plan" else None)
    measure_form = MeasureForm(request.POST if which == "measure" else None, organisation=org)
    if (_handled(request, channel_form, lambda d: services.add_channel(membership, **d))
            or _handled(request, plan_form,
                        lambda d: services.add_action_plan(membership, **d))
            or _handled(request, measure_form, lambda d: services.add_measure(
                membership, d.pop("plan"), **d))):
        return redirect("web:portfolio_setup")
    channels = sorted(access.visible(membership, FundingChannel.objects.select_related(
        "parent__parent__parent").filter(organisation=org)), key=lambda c: c.path())
    plans = access.visible(membership, ActionPlan.objects.prefetch_related("measures")
                           .select_related("organisation"))
    return render(request, "web/programmes/setup.html", {
        "channels": channels, "plans": plans, "may_add": may_add,
        "channel_form": channel_form, "plan_form": plan_form, "measure_form": measure_form},
        status=422 if posted else 200)

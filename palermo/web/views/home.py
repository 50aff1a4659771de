"""The start page: a caseworker's work for today, a supervisor's queue, the access grants
waiting for a second person — and, for a member whose role awaits confirmation, only that."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from palermo.cases import followups, referrals, screening, sharing
from palermo.cases.models import Case
from palermo.core import access, grants
from palermo.core.access import Action


@login_required
def home(request):
    """Who you are acting as, and — for those who work on cases — what is waiting."""
    membership = request.membership
    context = {}
    if access.sees_identities(membership):
        mine = access.visible(membership, Case.objects.select_related("person")).filter(
            assigned_to=request.user).exclude(status__in=("Closed", "ClosedReferred"))
        context.update({
            "my_cases": sharing.with_identities(membership, mine[:20]),
            "my_case_count": mine.count(),
            "overdue": followups.overdue(membership)[:20],
            "incoming": referrals.incoming(membership)[:20],
        })
    if access.can(membership, Action.APPROVE, Case):
        context["to_approve"] = screening.waiting_for_approval(membership)[:20]
    if membership is not None and access.awaits_confirmation(membership):
        context["awaiting_by"] = grants.who_confirms(membership)
    if access.reaches(membership, "membership", Action.APPROVE):
        context["pending_grants"] = [
            {"membership": m, "may_confirm": access.may_confirm(membership, m),
             "waits_for": grants.who_confirms(m)}
            for m in grants.pending_for(membership)[:50]]
        context["account_events"] = grants.recent_events(membership)
    return render(request, "web/home.html", context)

"""Survey results (counts with small groups hidden, XLSX export) and confidential-survey
invitations: managing them, and answering through one. Thin: the rules live in
:mod:`palermo.questionnaires.results` and :mod:`palermo.questionnaires.confidential`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from palermo.core.models import Membership
from palermo.questionnaires import confidential, results
from palermo.questionnaires.models import Form
from palermo.web.views.questionnaires import INVITATION_TOKEN, fill, invitation_closed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def results_list(request):
    """Survey-type forms whose results this member may see."""
    forms = results.result_forms(request.membership)
    return render(request, "web/questionnaires/results_list.html", {
        "forms": forms, "may_invite": confidential.may_manage(request.membership)})


def _computed(request, pk: int):
    form = results.get_result_form(request.membership, pk)
    group_by = request.GET.get("group_by", "")
    try:
        return form, results.compute(request.membership, form, group_by=group_by), ""
    except ValidationError as exc:
        return form, results.compute(request.membership, form), " ".join(exc.messages)


@login_required
def results_detail(request, pk: int):
    """Counts per choice and numeric summaries, optionally by a grouping question."""
    form, computed, problem = _computed(request, pk)
    definition = results.result_definition(form)[0]
    return render(request, "web/questionnaires/results.html", {
        "form": form, "results": computed, "problem": problem,
        "groupable": results.groupable(definition),
        "may_invite": confidential.may_manage(request.membership)})


@login_required
def results_xlsx(request, pk: int):
    """The same results as an XLSX workbook."""
    form, computed, _problem = _computed(request, pk)
    response = HttpResponse(results.to_xlsx(computed), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{form.name}-results.xlsx"'
    return response


def _managed_form(request, pk: int) -> Form:
    if not confidential.may_manage(request.membership):
        raise PermissionDenied
    return results.get_result_form(request.membership, pk)


@login_required
def invitations(request, pk: int):
    """Invite members of one's organisation to answer a survey; follow the response rate.
    New invitation links are shown once, to be passed on to each invitee."""
    form = _managed_form(request, pk)
    membership = request.membership
    issued = []
    members = (Membership.objects.filter(organisation_id=membership.organisation_id,
                                         active=True).select_related("user")
               .order_by("user__username"))
    if request.method == "POST":
        chosen = [m.user for m in members if str(m.pk) in request.POST.getlist("members")]
        if not chosen:
            messages.error(request, _("Choose at least one member to invite."))
        else:
            issued = confidential.invite(membership, form, chosen)
            if not issued:
                messages.info(request, _("Everyone chosen was already invited."))
    invited = confidential.invitations(membership, form)
    already = {i.invitee_id for i in invited}
    return render(request, "web/questionnaires/invitations.html", {
        "form": form, "invitations": invited,
        "rate": confidential.response_rate(membership, form),
        "members": [m for m in members if m.user_id not in already],
        "issued": [(item.invitation.invitee, request.build_absolute_uri(
            reverse("web:invitation_respond", args=[item.token]))) for item in issued],
        "published": form.published() is not None,
    })


def invitation_respond(request, token: str):
    """A personal invitation link. Like Django's password-reset links, the token is moved
    from the URL into the session and the browser sent on to a URL without it, so that no
    request log or error report made while the survey is answered holds the token — which
    would tie the invitee to the times they answered."""
    request.session[INVITATION_TOKEN] = token
    return redirect("web:invitation_answer")


def invitation_answer(request):
    """Answer a survey through the invitation in the session. No sign-in is needed and
    nothing about the respondent is stored: the invitation opens the form once."""
    token = request.session.get(INVITATION_TOKEN, "")
    try:
        invitation = confidential.invitation_for(token)
    except confidential.InvitationRefused as exc:
        return invitation_closed(request, exc)
    return fill(request, version=invitation.form.published(), submission=None,
                mode="invitation", token=token)

"""Survey results (counts with small groups hidden, XLSX export) and confidential-survey
invitations: managing them, and answering through one. Thin: the rules live in
:mod:`palermo.questionnaires.results` and :mod:`palermo.questionnaires.confidential`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from palermo.core.models import Membership
from palermo.questionnaires import confidential, engine, results, services
from palermo.questionnaires.models import Form
from palermo.web.views.questionnaires_render import Renderer, change_repeats, summary, to_fields

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
    definition = results._definition(form)[0]
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
    """Answer a survey through a personal invitation link. No sign-in is needed and nothing
    about the respondent is stored: the link opens the form once."""
    try:
        invitation = confidential.invitation_for(token)
    except confidential.InvitationRefused as exc:
        return render(request, "web/questionnaires/invitations_closed.html",
                      {"reason": " ".join(exc.messages)}, status=410)
    version = invitation.form.published()
    definition = version.definition
    languages = engine.languages(definition)
    language = request.POST.get("lang") or (languages[0] if languages else "")
    action = request.POST.get("_action", "") if request.method == "POST" else ""
    answers = (engine.from_fields(definition, request.POST.getlist)
               if request.method == "POST" else engine.initial_answers(definition))
    if action.startswith(("add:", "remove:")):
        answers = change_repeats(answers, action)
    full_check = action in ("review", "submit")
    state = engine.evaluate_form(definition, answers, partial=not full_check)
    context = {"version": version, "submission": None, "mode": "anonymous",
               "language": language, "languages": languages, "self_url": request.path}
    if full_check and not state.errors:
        if action == "submit":
            try:
                confidential.respond(token, answers)
            except services.AnswersRefused as exc:
                state.errors = exc.problems
            except confidential.InvitationRefused as exc:
                return render(request, "web/questionnaires/invitations_closed.html",
                              {"reason": " ".join(exc.messages)}, status=410)
            else:
                return render(request, "web/questionnaires/invitations_closed.html", {
                    "thanks": True})
        else:
            return render(request, "web/questionnaires/review.html", {
                **context, "rows": summary(definition, state.values, language),
                "fields": to_fields(definition, answers)})
    context.update(items=Renderer(definition, answers, state, language,
                                  show_errors=request.method == "POST").items(),
                   error_count=len(state.errors) if full_check else 0)
    if request.htmx and not full_check:
        return render(request, "web/questionnaires/_questions.html", context)
    return render(request, "web/questionnaires/fill.html", context,
                  status=422 if full_check and state.errors else 200)

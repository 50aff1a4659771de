"""A case's interviews: the questionnaire responses about it, and starting a new one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from palermo.cases import interviews
from palermo.cases.models import Case
from palermo.core import access
from palermo.core.access import Action
from palermo.core.audit import log_access
from palermo.questionnaires import services
from palermo.questionnaires.models import FormKind, FormVersion, SubmissionSource


def _interview_versions(membership):
    """Published, non-confidential interview forms this member may use."""
    forms = services.visible_forms(membership).filter(kind=FormKind.INTERVIEW)
    return FormVersion.objects.filter(form__in=forms, status="published",
                                      confidential=False).select_related("form").order_by(
        "form__title")


@login_required
def case_interviews(request, pk: int):
    """List the case's interviews; a caseworker starts a new one with a published form."""
    case = access.get_visible(request.membership,
                              Case.objects.select_related("person", "organisation"), pk=pk)
    may_change = access.can(request.membership, Action.CHANGE, case)
    error = ""
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        version = _interview_versions(request.membership).filter(
            pk=request.POST.get("version") or 0).first()
        if version is None:
            error = _("Choose a form.")
        else:
            try:
                draft = interviews.start_interview(request.membership, case, version,
                                                   source=SubmissionSource.WEB)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                return redirect("web:response_fill", pk=draft.pk)
    log_access(request.membership, case)
    return render(request, "web/questionnaires/case_interviews.html", {
        "case": case, "interviews": interviews.visible_interviews(request.membership, case),
        "versions": _interview_versions(request.membership) if may_change else [],
        "may_change": may_change, "error": error}, status=422 if error else 200)
